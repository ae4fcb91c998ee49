"""Password guessing on the admin login locks the username out from that address for a while."""

import io

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from tests.factories import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "mot-de-passe-solide-2025"


@pytest.fixture
def editor(db):
    return make_user(username="redaction", group="Communication", password=PASSWORD)


def log_in(client, password, username="redaction", address="203.0.113.7", **headers):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=address,
        headers=headers,
    )


def test_five_wrong_passwords_lock_the_account_out_even_for_the_right_one(client, editor, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "devine").status_code == 200
    locked = log_in(client, "devine")
    assert locked.status_code == 429
    with translation.override("fr"):
        message = translation.ngettext(
            "Too many failed login attempts. Try again in %(minutes)s minute.",
            "Too many failed login attempts. Try again in %(minutes)s minutes.",
            15,
        ) % {"minutes": 15}
    assert message in locked.content.decode()
    assert log_in(client, PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_is_for_that_username_from_that_address(client, editor, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "devine")
    assert log_in(client, PASSWORD, address="198.51.100.20").status_code == 302


def test_a_success_before_the_limit_forgets_the_failures(client, editor, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "devine")
    assert log_in(client, PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "devine").status_code == 200


def test_a_forged_forwarded_header_does_not_escape_the_lockout(client, editor, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "devine", **{"X-Forwarded-For": f"192.0.2.{n}"})
    assert log_in(client, PASSWORD, **{"X-Forwarded-For": "192.0.2.99"}).status_code == 429


@override_settings(PROXY_COUNT=1)
def test_behind_a_configured_proxy_the_forwarded_client_address_counts(client, editor, settings):
    proxy = "10.0.0.2"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "devine", address=proxy, **{"X-Forwarded-For": "forged, 203.0.113.7"})
    assert log_in(client, PASSWORD, address=proxy, **{"X-Forwarded-For": "203.0.113.7"}).status_code == 429
    assert log_in(client, PASSWORD, address=proxy, **{"X-Forwarded-For": "198.51.100.20"}).status_code == 302


def test_localadmin_lifts_the_lockout_of_the_account_it_resets(client, settings):
    from django.core.management import call_command

    call_command("localadmin", username="redaction", stdout=io.StringIO())
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "devine")
    out = io.StringIO()
    call_command("localadmin", username="redaction", stdout=out)
    password = out.getvalue().split("password: ")[1].split()[0]
    assert log_in(client, password).status_code == 302
