"""Staff sign in with a password and a second factor; idle sessions end; "log out everywhere" ends them all."""

import io
import time
from base64 import b32encode

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.management import CommandError, call_command, execute_from_command_line
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.two_factor import LAST_SEEN, new_recovery_codes
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "mot-de-passe-solide-2025"
required = override_settings(REQUIRE_2FA=True)


@pytest.fixture
def editor(db):
    return make_user(username="redaction", email="redaction@example.org", group="Communication", password=PASSWORD)


def code_of(device, ahead: int = 0) -> str:
    """The code the authenticator app shows now (or ``ahead`` periods later), from the device's key."""
    return f"{totp(device.bin_key, device.step, device.t0 - ahead * device.step, device.digits, device.drift):06d}"


def enrolled(user) -> tuple[TOTPDevice, list[str]]:
    return TOTPDevice.objects.create(user=user, name="app", confirmed=True), new_recovery_codes(user)


def password(client, username="redaction", secret=PASSWORD, **extra):
    return client.post(
        reverse("admin:login"), {"username": username, "password": secret, "next": reverse("admin:index")}, **extra
    )


def code(client, value, step="verify"):
    return client.post(reverse(f"admin:two_factor_{step}"), {"code": value})


def failures(username="redaction") -> int:
    return sum(attempt.failures_since_start for attempt in AccessAttempt.objects.filter(username=username))


# Enrolment and sign-in


@required
def test_a_staff_user_without_a_device_enrols_before_reaching_any_admin_page(client, editor):
    response = password(client)
    assert response.status_code == 302 and response.url == reverse("admin:two_factor_enrol")
    assert SESSION_KEY not in client.session

    page = client.get(reverse("admin:two_factor_enrol"))
    assert page.status_code == 200
    assert 'src="data:image/svg+xml' in page.content.decode()
    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    assert page.context["secret"].replace(" ", "") == b32encode(device.bin_key).decode()
    for name in ("admin:index", "admin:two_factor_security", "admin:people_person_changelist"):
        blocked = client.get(reverse(name))
        assert blocked.status_code == 302 and blocked.url.startswith(reverse("admin:login")), name

    assert code(client, "000000" if code_of(device) != "000000" else "111111", "enrol").status_code == 200
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get(reverse("admin:index")).status_code == 302

    confirmed = code(client, code_of(device), "enrol")
    assert confirmed.status_code == 302 and confirmed.url == reverse("admin:two_factor_recovery_codes")
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    shown = client.get(reverse("admin:two_factor_recovery_codes"))
    codes = shown.context["codes"]
    assert len(codes) == 10 and all(c in shown.content.decode() for c in codes)
    assert set(codes) == set(StaticDevice.objects.get(user=editor).token_set.values_list("token", flat=True))
    again = client.get(reverse("admin:two_factor_recovery_codes"))  # shown once
    assert again.status_code == 302 and again.url == reverse("admin:two_factor_security")
    assert client.get(reverse("admin:index")).status_code == 200
    assert failures() == 0  # the success forgets the wrong code


@required
def test_enrolment_page_is_french_and_the_qr_code_is_an_image_without_script(client, editor):
    password(client)
    page = client.get(reverse("admin:two_factor_enrol")).content.decode()
    assert "Configurer la double authentification" in page
    assert "application d’authentification" in page
    assert "<script>" not in page and "style=" not in page


@required
def test_a_code_from_the_app_signs_in_and_lands_on_next(client, editor):
    device, _ = enrolled(editor)
    target = reverse("admin:people_person_changelist")
    response = client.post(reverse("admin:login") + f"?next={target}", {"username": "redaction", "password": PASSWORD})
    assert response.url == reverse("admin:two_factor_verify")
    assert client.get(reverse("admin:index")).status_code == 302
    signed_in = code(client, code_of(device))
    assert signed_in.status_code == 302 and signed_in.url == target
    assert client.get(target).status_code == 200
    assert client.session[SESSION_KEY] == str(editor.pk)


@required
def test_a_recovery_code_works_once(client, editor):
    _, codes = enrolled(editor)
    password(client)
    response = code(client, codes[0].upper())  # typed in capitals, still the code
    assert response.status_code == 302 and response.url == reverse("admin:index")
    assert StaticDevice.objects.get(user=editor).token_set.count() == 9
    client.logout()
    password(client)
    reused = code(client, codes[0])
    assert reused.status_code == 200 and "code n’est pas valable" in reused.content.decode()
    assert SESSION_KEY not in client.session


@required
def test_a_used_app_code_cannot_be_replayed(client, editor):
    device, _ = enrolled(editor)
    used = code_of(device)
    password(client)
    code(client, used)
    other = Client()
    password(other)
    assert code(other, used).status_code == 200
    assert SESSION_KEY not in other.session


@required
def test_the_second_step_needs_the_password_first(client, editor):
    enrolled(editor)
    for step in ("verify", "enrol"):
        response = client.get(reverse(f"admin:two_factor_{step}"))
        assert response.status_code == 302 and response.url == reverse("admin:login")
    assert code(client, "123456").status_code == 302


@required
def test_the_password_step_lasts_ten_minutes(client, editor):
    device, _ = enrolled(editor)
    password(client)
    session = client.session
    session["two_factor_pending"]["since"] -= 11 * 60
    session.save()
    assert code(client, code_of(device)).status_code == 302
    assert SESSION_KEY not in client.session


@required
def test_a_session_without_the_second_factor_is_ended(client, editor):
    """Sessions opened before the switch (or by force_login) are not verified: logged out at the next request."""
    client.force_login(editor)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))
    assert SESSION_KEY not in client.session


def test_with_the_second_factor_off_the_password_is_enough(client, editor):
    assert settings.REQUIRE_2FA is False  # tests/settings.py
    enrolled(editor)
    response = password(client)
    assert response.status_code == 302 and response.url == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200


# The lockout covers both factors


@required
def test_wrong_codes_count_as_failed_logins_and_lock_out(client, editor):
    device, _ = enrolled(editor)
    password(client)
    for n in range(1, settings.AXES_FAILURE_LIMIT):
        assert code(client, "abcdef").status_code == 200
        assert failures() == n
    locked = code(client, "abcdef")
    assert locked.status_code == 429
    assert "Trop de tentatives" in locked.content.decode()
    # Locked: the right password answers the lockout page, and the pending login is gone.
    assert password(client).status_code == 429
    assert code(client, code_of(device)).status_code == 302
    assert SESSION_KEY not in client.session


@required
def test_wrong_passwords_and_wrong_codes_add_up(client, editor):
    device, _ = enrolled(editor)
    for _ in range(settings.AXES_FAILURE_LIMIT - 2):
        password(client, secret="devine")
    password(client)
    assert code(client, "999999" if code_of(device) != "999999" else "888888").status_code == 200
    password(client)  # a right password again does not forget the failures
    assert code(client, "abcdef").status_code == 429
    assert password(client).status_code == 429


@required
def test_a_locked_out_user_with_the_password_proved_cannot_send_codes(client, editor):
    device, _ = enrolled(editor)
    password(client)
    other = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        password(other, secret="devine")
    assert code(client, code_of(device)).status_code == 429
    assert SESSION_KEY not in client.session


# Reset


@required
def test_reset_2fa_removes_the_devices_and_ends_the_verified_sessions(client, editor):
    device, _ = enrolled(editor)
    password(client)
    code(client, code_of(device))
    assert client.get(reverse("admin:index")).status_code == 200
    out = io.StringIO()
    call_command("reset_2fa", "REDACTION@example.org", stdout=out)
    assert "redaction" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=editor).exists() and not StaticDevice.objects.filter(user=editor).exists()
    assert client.get(reverse("admin:index")).status_code == 302
    assert password(Client()).url == reverse("admin:two_factor_enrol")


def test_reset_2fa_of_an_unknown_user_fails_in_one_line(editor):
    with pytest.raises(CommandError, match=r"^No user with the name or email address 'personne'\.$"):
        call_command("reset_2fa", "personne")
    make_user(username="autre", email="REDACTION@example.org")
    with pytest.raises(CommandError, match="Several users"):
        call_command("reset_2fa", "redaction@example.org")


def test_reset_2fa_exits_non_zero_on_an_unknown_user(capsys):
    """As from a shell: manage.py's argv handling, one line on stderr, a non-zero exit status."""
    with pytest.raises(SystemExit) as exit_:
        execute_from_command_line(["manage.py", "reset_2fa", "personne"])
    assert exit_.value.code != 0
    assert capsys.readouterr().err.strip().splitlines() == [
        "CommandError: No user with the name or email address 'personne'."
    ]


def test_a_superuser_resets_users_from_the_user_list(client, editor):
    enrolled(editor)
    boss = make_user(username="chef", is_superuser=True)
    client.force_login(boss)
    response = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [editor.pk], "index": 0},
        follow=True,
    )
    assert response.status_code == 200
    assert "Double authentification réinitialisée pour 1 utilisateur" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=editor).exists() and not StaticDevice.objects.filter(user=editor).exists()


def test_only_a_superuser_is_offered_the_reset(client, editor):
    from django.contrib.auth.models import Permission

    manager = make_user(username="gestion")
    manager.user_permissions.add(*Permission.objects.filter(codename__in=["view_user", "change_user"]))
    client.force_login(manager)
    page = client.get(reverse("admin:auth_user_changelist"))
    assert page.status_code == 200
    assert "reset_two_factor" not in page.content.decode()
    enrolled(editor)
    client.post(reverse("admin:auth_user_changelist"), {"action": "reset_two_factor", "_selected_action": [editor.pk]})
    assert TOTPDevice.objects.filter(user=editor).exists()


def test_the_device_tables_are_not_in_the_admin():
    from django.contrib import admin

    assert TOTPDevice not in admin.site._registry and StaticDevice not in admin.site._registry


# Idle sessions


def set_last_seen(client, seconds_ago):
    session = client.session
    session[LAST_SEEN] = int(time.time()) - seconds_ago
    session.save()


@override_settings(STAFF_IDLE_MINUTES=30)
def test_a_staff_session_idle_too_long_ends(client, editor):
    client.force_login(editor)
    assert client.get(reverse("admin:index")).status_code == 200
    set_last_seen(client, 31 * 60)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))
    assert SESSION_KEY not in client.session


@override_settings(STAFF_IDLE_MINUTES=30)
def test_each_request_keeps_a_staff_session_alive(client, editor):
    client.force_login(editor)
    set_last_seen(client, 29 * 60)
    assert client.get(reverse("admin:index")).status_code == 200
    assert time.time() - client.session[LAST_SEEN] < 5
    set_last_seen(client, 29 * 60)
    assert client.get("/").status_code == 200  # a public page counts too
    assert time.time() - client.session[LAST_SEEN] < 5


def test_anonymous_visitors_get_no_session_cookie(client):
    response = client.get("/")
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert "Cookie" not in response.get("Vary", "")


# Log out everywhere


def test_log_out_everywhere_ends_every_session(editor):
    here, elsewhere = Client(), Client()
    for client in (here, elsewhere):
        client.force_login(editor)
        assert client.get(reverse("admin:index")).status_code == 200
    page = here.get(reverse("admin:two_factor_security"))
    assert "Se déconnecter partout" in page.content.decode()

    wrong = here.post(reverse("admin:two_factor_security"), {"action": "everywhere", "password": "devine"})
    assert wrong.status_code == 200 and "Ce n’est pas votre mot de passe" in wrong.content.decode()
    assert elsewhere.get(reverse("admin:index")).status_code == 200

    done = here.post(reverse("admin:two_factor_security"), {"action": "everywhere", "password": PASSWORD})
    assert done.status_code == 200 and "Toutes les sessions de votre compte" in done.content.decode()
    for client in (here, elsewhere):
        response = client.get(reverse("admin:index"))
        assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))
    assert password(Client()).status_code == 302  # the password itself is unchanged


def test_new_recovery_codes_replace_the_old_ones(client, editor):
    _, old = enrolled(editor)
    client.force_login(editor)
    response = client.post(reverse("admin:two_factor_security"), {"action": "recovery-codes"})
    assert response.url == reverse("admin:two_factor_recovery_codes")
    new = client.get(response.url).context["codes"]
    stored = set(StaticDevice.objects.get(user=editor).token_set.values_list("token", flat=True))
    assert stored == set(new) and not stored & set(old)
