"""A staff member, in Chromium, sets up the second factor, signs in with a code, then with a recovery code,
and is locked out by wrong codes; the pages are French, pass axe and fit 1280 px and 360 px."""

import os
import re
from base64 import b32decode
from pathlib import Path

import pytest
from django.urls import reverse
from django_otp.oath import totp
from playwright.sync_api import expect

from tests.factories import communication_group, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(
    os.environ.get("SCREENSHOT_DIR") or Path(__file__).resolve().parents[2] / "test-results" / "screenshots"
)
PASSWORD = "mot-de-passe-solide-2025"


@pytest.fixture
def shoot(site, axe):
    """axe's serious findings, then the page at 1280 px and 360 px, with nothing scrolling sideways."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str):
        assert axe(site) == [], name
        for width in (1280, 360):
            site.set_viewport_size({"width": width, "height": 900})
            overflow = site.evaluate("""async () => {
                for (let i = 0; i < 2; i++) await new Promise(done => requestAnimationFrame(done));
                return document.documentElement.scrollWidth - document.documentElement.clientWidth;
            }""")
            assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}px"
            site.screenshot(path=str(SCREENSHOTS / f"two-factor-{name}-{width}.png"), full_page=True)
        site.set_viewport_size({"width": 1280, "height": 900})

    return take


def code_for(secret: str, ahead: int = 0) -> str:
    """What the authenticator app shows for the key typed from the page (``ahead`` periods later)."""
    key = b32decode(secret.replace(" ", ""))
    return f"{totp(key, step=30, t0=-ahead * 30, digits=6):06d}"


def password_step(site, username):
    site.goto(site.base_url + reverse("admin:login"))
    site.fill("#id_username", username)
    site.fill("#id_password", PASSWORD)
    site.click("input[type=submit]")


def log_out(site):
    site.click("#logout-form button")
    expect(site.locator("h1")).to_contain_text("Déconnecté")


def test_enrol_sign_in_with_a_code_then_a_recovery_code_then_get_locked_out(site, settings, shoot):
    settings.REQUIRE_2FA = True
    communication_group()
    editor = make_user(username="lea.durand@example.org", group="Communication", password=PASSWORD)
    site.set_viewport_size({"width": 1280, "height": 900})

    # First login: the password, then the enrolment page with the QR code and its key.
    password_step(site, editor.username)
    site.wait_for_url(re.compile(r".*/two-factor/enrol/$"))
    expect(site.locator("h1")).to_have_text("Configurer la double authentification")
    expect(site.locator("img.two-factor-qr")).to_be_visible()
    assert site.evaluate("document.querySelector('img.two-factor-qr').naturalWidth") > 100  # the SVG is drawn
    expect(site.get_by_label("Code")).to_be_focused()
    shoot("enrol")
    site.goto(site.base_url + reverse("admin:index"))  # no admin page before the code
    site.wait_for_url(re.compile(r".*/login/\?next=.*"))
    password_step(site, editor.username)
    site.wait_for_url(re.compile(r".*/two-factor/enrol/$"))
    secret = site.locator("#two-factor-secret").inner_text()
    site.fill("#id_code", code_for(secret))
    site.click("input[type=submit]")

    # The recovery codes, shown once.
    site.wait_for_url(re.compile(r".*/two-factor/recovery-codes/$"))
    expect(site.locator("h1")).to_have_text("Vos codes de secours")
    codes = site.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    shoot("recovery-codes")
    site.click("text=J’ai conservé mes codes, continuer")
    site.wait_for_url(site.base_url + reverse("admin:index"))
    log_out(site)

    # Next login: a code from the app.
    password_step(site, editor.username)
    site.wait_for_url(re.compile(r".*/two-factor/verify/$"))
    expect(site.locator("h1")).to_have_text("Double authentification")
    shoot("verify")
    site.fill("#id_code", "000000" if code_for(secret, 1) != "000000" else "111111")
    site.click("input[type=submit]")
    expect(site.locator(".errornote")).to_contain_text("Ce code n’est pas valable")
    shoot("verify-error")
    site.fill("#id_code", code_for(secret, 1))  # the current period's code was spent on enrolment
    site.click("input[type=submit]")
    site.wait_for_url(site.base_url + reverse("admin:index"))

    # The account's security page, linked from the user tools.
    site.click("#user-tools >> text=Sécurité")
    expect(site.locator("h1")).to_have_text("Sécurité du compte")
    expect(site.locator("#content-main")).to_contain_text("Il vous reste 10 codes de secours")
    shoot("security")
    log_out(site)

    # A recovery code, once.
    password_step(site, editor.username)
    site.wait_for_url(re.compile(r".*/two-factor/verify/$"))
    site.fill("#id_code", codes[0])
    site.click("input[type=submit]")
    site.wait_for_url(site.base_url + reverse("admin:index"))
    expect(site.locator(".messagelist")).to_contain_text("il en reste 9")
    log_out(site)

    # Wrong codes lock the account out, as wrong passwords do.
    password_step(site, editor.username)
    site.wait_for_url(re.compile(r".*/two-factor/verify/$"))
    site.fill("#id_code", codes[0])  # spent
    site.click("input[type=submit]")
    expect(site.locator(".errornote")).to_contain_text("Ce code n’est pas valable")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        site.fill("#id_code", "abcdefgh")
        site.click("input[type=submit]")
    expect(site.locator(".errornote")).to_contain_text("Trop de tentatives de connexion échouées")
    shoot("locked-out")
    password_step(site, editor.username)
    expect(site.locator(".errornote")).to_contain_text("Trop de tentatives de connexion échouées")
    # The only console errors: the two lockout pages' status (429).
    assert [problem for problem in site.problems if "429" not in problem] == []
