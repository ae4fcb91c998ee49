"""Production starts from the environment alone, and Django's deployment checklist passes."""

import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, **env):
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env={"PATH": "/usr/bin:/bin", "HOME": "/tmp", "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        cwd="/tmp",
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_deploy_check_passes_with_only_debug_secret_key_and_hosts():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="www.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "env, complaint",
    [
        ({"ALLOWED_HOSTS": "www.example.org"}, "SECRET_KEY"),
        ({"ALLOWED_HOSTS": "www.example.org", "SECRET_KEY": "too-short"}, "SECRET_KEY"),
        ({"SECRET_KEY": secrets.token_urlsafe(50)}, "ALLOWED_HOSTS"),
    ],
)
def test_production_refuses_to_start_without_a_real_key_and_hosts(env, complaint):
    result = manage("check", DEBUG="0", **env)
    assert result.returncode != 0
    assert complaint in result.stderr


def test_the_admin_lives_where_admin_url_says():
    code = "from django.urls import reverse; print(reverse('admin:index'))"
    result = manage(
        "shell", "-c", code,
        DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="www.example.org", ADMIN_URL="/gestion-mbm",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "/gestion-mbm/"
