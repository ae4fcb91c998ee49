import secrets

from axes.utils import reset as reset_lockouts
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create or reset the local superuser with a fresh random password, printed once."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--url", default=f"http://127.0.0.1:8000/{settings.ADMIN_URL}")

    def handle(self, *args, username, url, **options):
        password = secrets.token_urlsafe(12)
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"email": f"{username}@localhost"}
        )
        user.is_staff = user.is_superuser = user.is_active = True
        user.set_password(password)
        user.save()
        reset_lockouts(username=username)
        verb = "Created" if created else "Reset"
        self.stdout.write(
            f"{verb} the local admin account. Log in at {url}\n"
            f"    username: {username}\n    password: {password}\n"
            "(a new password is made each time; it is stored nowhere else)"
        )
