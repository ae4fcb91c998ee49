import secrets

from axes.utils import reset as reset_lockouts
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

GROUP = "Communication"  # made by people/migrations/0002_communication_group.py


class Command(BaseCommand):
    help = (
        f'Create an editor account (staff, member of "{GROUP}") whose user name is the email address, '
        "or reset an existing one, with a fresh random password printed once."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", metavar="EMAIL", help="The editor's email address, also the user name.")
        parser.add_argument("--name", default="", help='First and last name, e.g. "Léa Durand".')

    def handle(self, *args, email, name, **options):
        email = email.strip()
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"Not an email address: {email!r}.") from None
        username = email.lower()
        try:
            group = Group.objects.get(name=GROUP)
        except Group.DoesNotExist:
            raise CommandError(f'The "{GROUP}" group does not exist: run "manage.py migrate" first.') from None

        User = get_user_model()
        password = secrets.token_urlsafe(12)
        with transaction.atomic():
            user = User.objects.filter(username__iexact=username).first()
            created = user is None
            if created:
                user = User(username=username)
            elif user.is_superuser:
                raise CommandError(f"{user.username} is a superuser: left as it is, not made an editor.")
            user.email = email
            if name.strip():
                user.first_name, _, user.last_name = name.strip().partition(" ")
                user.last_name = user.last_name.strip()
            user.is_staff = user.is_active = True
            user.set_password(password)
            user.save()
            user.groups.add(group)
        reset_lockouts(username=user.username)

        url = f"{settings.SITE_URL.rstrip('/')}/{settings.ADMIN_URL}"
        verb = "Created" if created else "Reset"
        self.stdout.write(
            f'{verb} the editor account of {email} (group "{GROUP}"). Log in at {url}\n'
            f"    username: {user.username}\n    password: {password}\n"
            "(a new password is made each time; it is stored nowhere else: pass it on safely)"
        )
