from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core.two_factor import reset_devices


class Command(BaseCommand):
    help = (
        "Remove a staff user's second factor (authenticator app and recovery codes): they set it up again "
        "at their next login; with REQUIRE_2FA on, their open sessions end."
    )

    def add_arguments(self, parser):
        parser.add_argument("ident", metavar="USERNAME_OR_EMAIL", help="The user's name or email address.")

    def handle(self, *args, ident, **options):
        ident = ident.strip()
        User = get_user_model()
        users = list(User._default_manager.filter(username=ident)) or list(
            User._default_manager.filter(email__iexact=ident)[:2]
        )
        if not users:
            raise CommandError(f"No user with the name or email address {ident!r}.")
        if len(users) > 1:
            raise CommandError(f"Several users have the email address {ident!r}: give the user name instead.")
        user = users[0]
        removed = reset_devices(user)
        self.stdout.write(
            f"Second factor of {user.get_username()} reset ({removed} device(s) removed): "
            "they set it up again at their next login."
        )
