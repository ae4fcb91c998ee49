"""Where media go is decided by the environment: the local disk, or an S3-compatible bucket."""

import json
import os
import subprocess
import sys
import unittest
from importlib.util import find_spec
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "s3-settings-test-" + "x1y2z3" * 10,
    "ALLOWED_HOSTS": "example.org",
    "DJANGO_SETTINGS_MODULE": "config.settings",
}
SHOW = """
import json, django
from django.conf import settings
django.setup()
from django.core.files.storage import storages
storage = storages["default"]
print(json.dumps({"backend": settings.STORAGES["default"]["BACKEND"], "class": type(storage).__name__,
                  "bucket": getattr(storage, "bucket_name", None), "endpoint": getattr(storage, "endpoint_url", None),
                  "location": getattr(storage, "location", None)}))
"""


def settings_with(**env) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")} | PRODUCTION | env
    return subprocess.run([sys.executable, "-c", SHOW], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=60)


class StorageSettingsTests(unittest.TestCase):
    def test_without_a_bucket_media_stay_on_the_local_disk(self):
        result = settings_with()
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(json.loads(result.stdout)["class"], "FileSystemStorage")

    @unittest.skipUnless(find_spec("storages"), 'django-storages not installed (pip install ".[s3]")')
    def test_a_bucket_switches_media_to_s3_without_touching_the_network(self):
        result = settings_with(
            AWS_STORAGE_BUCKET_NAME="bassin-media",
            AWS_S3_ENDPOINT_URL="https://s3.example.org",
            AWS_ACCESS_KEY_ID="test",
            AWS_SECRET_ACCESS_KEY="test",
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(
            json.loads(result.stdout),
            {"backend": "storages.backends.s3.S3Storage", "class": "S3Storage", "bucket": "bassin-media",
             "endpoint": "https://s3.example.org", "location": "media"},
        )

    @unittest.skipIf(find_spec("storages"), "django-storages is installed")
    def test_a_bucket_without_django_storages_refuses_to_start_with_the_fix(self):
        result = settings_with(AWS_STORAGE_BUCKET_NAME="bassin-media")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn('pip install ".[s3]"', result.stderr)
