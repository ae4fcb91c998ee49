"""The site's own pages, their menus and the site map, in a real browser at 1280 and 360 px."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from demo.content import DemoReport, load_site_pages
from tests.browser.conftest import SCREENSHOTS
from tests.factories import communication_group, make_article, make_event, make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def site_pages(db):
    load_site_pages(DemoReport())


def test_the_menus_on_the_home_page(site, screenshot, axe, site_pages):
    make_article(title="La reconversion des friches avance")
    site.goto(site.base_url + "/")
    header = site.locator(".site-nav")
    expect(header.get_by_role("link", name="À propos")).to_have_attribute("href", "/a-propos/")
    footer = site.locator(".footer-legal")
    expect(footer.get_by_role("link")).to_have_text(
        ["Mentions légales", "Accessibilité\u00a0: non conforme", "Données personnelles", "Contact", "Plan du site"]
    )
    screenshot("site-menus-home")
    assert axe(site) == []
    assert site.problems == []


def test_a_site_page(site, screenshot, axe, site_pages):
    site.goto(site.base_url + "/")
    site.locator(".footer-legal").get_by_role("link", name="Accessibilité\u00a0: non conforme").click()
    expect(site).to_have_url(site.base_url + "/accessibilite/")
    expect(site.get_by_role("heading", level=1)).to_have_text("Déclaration d’accessibilité")
    expect(site.get_by_role("heading", name="Voies de recours")).to_be_visible()
    expect(site.locator(".footer-legal a[aria-current=page]")).to_have_text("Accessibilité\u00a0: non conforme")
    screenshot("site-page-accessibility")
    assert axe(site) == []
    site.goto(site.base_url + "/mentions-legales/")
    screenshot("site-page-legal")
    assert axe(site) == []
    assert site.problems == []


def test_the_site_map(site, screenshot, axe, site_pages):
    now = timezone.now()
    for n in range(12):
        make_article(title=f"Actualité du bassin minier numéro {n}", published_at=now.replace(year=2020 + n % 6))
    for n in range(3):
        make_event(title=f"Rencontre des territoires miniers {n}", start=now + timedelta(days=10 + n))
    site.goto(site.base_url + "/")
    site.get_by_role("link", name="Plan du site").click()
    expect(site).to_have_url(site.base_url + "/plan-du-site/")
    expect(site.get_by_role("heading", level=1)).to_have_text("Plan du site")
    expect(site.locator("#map-site").locator("xpath=..").get_by_role("link", name="Mentions légales")).to_be_visible()
    screenshot("site-map")
    assert axe(site) == []
    assert site.problems == []


def shoot(site, name: str) -> None:
    """The admin at both widths, each loaded at its width (its menu folds away on a phone)."""
    for width in (1280, 360):
        site.set_viewport_size({"width": width, "height": 900})
        site.reload()
        site.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
    site.set_viewport_size({"width": 1280, "height": 900})
    site.reload()


def test_an_editor_lists_and_edits_the_pages(site, site_pages):
    communication_group()
    make_user(username="redaction", password="mot-de-passe-solide-2025", group="Communication")
    site.goto(site.base_url + "/admin/login/")
    site.fill("#id_username", "redaction")
    site.fill("#id_password", "mot-de-passe-solide-2025")
    site.click("input[type=submit]")
    site.wait_for_url(site.base_url + "/admin/")
    site.locator("#content-main #pages-sitepage").get_by_role("link", name="Pages", exact=True).click()  # the app list, not the newsroom's block
    expect(site.locator("#result_list")).to_contain_text("Mentions légales")
    expect(site.locator("#result_list")).to_contain_text("Pied de page")
    shoot(site, "admin-site-pages")
    site.get_by_role("link", name="Mentions légales").click()
    expect(site.locator("#id_menu")).to_have_value("footer")
    shoot(site, "admin-site-page-form")
    site.fill("#id_position", "5")
    site.click("input[name=_save]")
    expect(site.locator(".messagelist")).to_contain_text("Mentions légales")
    assert site.problems == []
