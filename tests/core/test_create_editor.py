"""`manage.py create_editor EMAIL`: an account for a communications officer, password printed once."""

import io
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import TestCase

from tests.factories import make_person

ROOT = Path(__file__).resolve().parents[2]


def create_editor(*args: str) -> tuple[str, str]:
    """Runs the command; its output and the password it printed."""
    out = io.StringIO()
    call_command("create_editor", *args, stdout=out)
    output = out.getvalue()
    return output, re.search(r"password: (\S+)", output).group(1)


class CreateEditorTests(TestCase):
    def log_in(self, username: str, password: str):
        return self.client.post("/admin/login/", {"username": username, "password": password, "next": "/admin/"})

    def test_the_new_editor_logs_in_and_sees_what_communication_sees(self):
        person = make_person(email="prive@example.org")
        output, password = create_editor("Lea.Durand@Example.org", "--name", "Léa Durand")
        self.assertIn("Created the editor account", output)
        self.assertIn("username: lea.durand@example.org", output)
        self.assertIn("http://", output)

        user = User.objects.get()
        self.assertEqual((user.username, user.email), ("lea.durand@example.org", "Lea.Durand@Example.org"))
        self.assertEqual((user.first_name, user.last_name), ("Léa", "Durand"))
        self.assertTrue(user.is_staff and user.is_active)
        self.assertFalse(user.is_superuser)
        self.assertEqual(list(user.groups.values_list("name", flat=True)), ["Communication"])

        response = self.log_in("lea.durand@example.org", password)
        self.assertRedirects(response, "/admin/")
        self.assertEqual(self.client.get("/admin/news/article/add/").status_code, 200)
        self.assertEqual(self.client.get("/admin/events/event/").status_code, 200)
        self.assertContains(self.client.get(f"/admin/people/person/{person.pk}/change/"), "prive@example.org")
        self.assertEqual(self.client.get("/admin/auth/user/").status_code, 403)
        self.assertEqual(self.client.get("/admin/auth/group/").status_code, 403)

    def test_a_second_run_resets_the_password_and_keeps_one_account(self):
        _, first = create_editor("lea.durand@example.org")
        output, second = create_editor("LEA.DURAND@example.org", "--name", "Léa Martin-Durand")
        self.assertIn("Reset the editor account", output)
        self.assertNotEqual(first, second)
        user = User.objects.get()
        self.assertEqual(user.last_name, "Martin-Durand")
        self.assertEqual(user.groups.get().name, "Communication")

        self.assertEqual(self.log_in("lea.durand@example.org", first).status_code, 200)  # the form again
        self.assertRedirects(self.log_in("lea.durand@example.org", second), "/admin/")

    def test_an_account_that_is_no_longer_staff_is_restored(self):
        User.objects.create_user("lea.durand@example.org", is_staff=False, is_active=False)
        create_editor("lea.durand@example.org")
        user = User.objects.get()
        self.assertTrue(user.is_staff and user.is_active)
        self.assertTrue(user.groups.filter(name="Communication").exists())

    def test_a_superuser_is_left_alone(self):
        User.objects.create_superuser("admin@example.org", "admin@example.org", "a-long-password-0123")
        with self.assertRaisesMessage(CommandError, "is a superuser"):
            create_editor("admin@example.org")
        self.assertTrue(User.objects.get().check_password("a-long-password-0123"))

    def test_a_bad_email_is_refused(self):
        for email in ("lea.durand", "lea@", "@example.org", "lea durand@example.org", ""):
            with self.subTest(email=email), self.assertRaisesMessage(CommandError, "Not an email address"):
                create_editor(email)
        self.assertFalse(User.objects.exists())


def test_a_bad_email_exits_non_zero_with_one_line():
    with tempfile.TemporaryDirectory() as scratch:
        environment = os.environ | {
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "DATABASE_URL": f"sqlite:///{scratch}/unused.sqlite3",
        }
        environment.pop("DATABASE_REPLICA_URL", None)
        result = subprocess.run(
            [sys.executable, "manage.py", "create_editor", "not-an-email"],
            cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120, check=False,
        )
    assert result.returncode != 0
    assert result.stdout == ""
    assert result.stderr.strip() == "CommandError: Not an email address: 'not-an-email'.", result.stderr
