"""A visitor browses the agenda month by month, on a laptop, on a phone, and without JavaScript."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import local, make_congress, make_event

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 640}


@pytest.fixture
def may(db):
    congress = make_congress()  # 7–8 May 2025, Québec time
    make_event(title="Salon des territoires miniers", start=local(2025, 4, 29, 9), end=local(2025, 5, 2, 18))
    make_event(title="Atelier\u00a0: requalifier une friche", start=local(2025, 5, 20, 14), end=local(2025, 5, 20, 17))
    make_event(title="Visite de la base 11/19", kind="site_visit", start=local(2025, 5, 20, 9, 30),
               end=local(2025, 5, 20, 12))
    make_event(title="Université d’été du Bassin minier", start=local(2025, 5, 30, 9), end=local(2025, 6, 2, 12))
    return congress


def day_cell(page, iso: str):
    return page.locator(f'table.month td:has(time[datetime="{iso}"])')


def test_a_month_as_a_table_on_a_laptop_and_a_list_on_a_phone(site, screenshot, axe, may):
    site.goto(site.base_url + "/agenda/mois/2025/05/")
    table = site.locator("table.month")
    expect(table).to_be_visible()
    expect(table.locator("caption")).to_have_text("mai 2025")
    expect(table.locator("thead th")).to_have_count(7)
    expect(table.locator("thead th").first).to_contain_text("lundi")
    expect(table.locator("tbody tr")).to_have_count(5)
    for iso in ("2025-05-07", "2025-05-08"):
        expect(day_cell(site, iso).get_by_role("link", name=may.title)).to_be_visible()
    expect(day_cell(site, "2025-05-07")).to_contain_text("9 h 30 (heure de Québec)")
    expect(day_cell(site, "2025-05-20").locator("a")).to_have_count(2)
    expect(site.locator(".month-list")).to_be_hidden()
    assert axe(site) == []
    screenshot("agenda-month")

    site.set_viewport_size(PHONE)
    expect(table).to_be_hidden()
    days = site.locator(".month-list > li")
    expect(days.locator("h2")).to_have_text([
        "jeudi 1er mai 2025", "vendredi 2 mai 2025", "mercredi 7 mai 2025", "jeudi 8 mai 2025",
        "mardi 20 mai 2025", "vendredi 30 mai 2025", "samedi 31 mai 2025",
    ])
    expect(days.nth(2).get_by_role("link")).to_have_text(f"9 h 30 (heure de Québec) {may.title}")
    first = days.first.get_by_role("link").bounding_box()
    assert first["y"] + first["height"] <= PHONE["height"], "the first event is below the fold"
    assert axe(site) == []

    site.set_viewport_size({"width": 1280, "height": 900})
    site.get_by_role("link", name="Mois suivant : juin 2025").click()
    expect(site).to_have_url(site.base_url + "/agenda/mois/2025/06/")
    expect(day_cell(site, "2025-06-02").get_by_role("link")).to_have_text("Université d’été du Bassin minier")
    site.get_by_role("link", name="Mois précédent : mai 2025").click()
    site.get_by_role("navigation", name="Affichage de l’agenda").get_by_role("link", name="Liste").click()
    expect(site).to_have_url(site.base_url + "/agenda/")
    site.get_by_role("navigation", name="Affichage de l’agenda").get_by_role("link", name="Mois").click()
    expect(site).to_have_url(site.base_url + "/agenda/mois/")
    assert site.problems == []


def test_this_month_marks_today(site, screenshot, axe, db):
    today = timezone.localdate()
    make_event(title="Comité de suivi du Bassin minier", start=local(today.year, today.month, today.day, 10),
               end=local(today.year, today.month, today.day, 12))
    site.goto(site.base_url + "/agenda/mois/")
    marked = site.locator('table.month td[aria-current="date"]')
    expect(marked).to_have_count(1)
    expect(marked.locator("time")).to_have_attribute("datetime", today.isoformat())
    expect(marked.get_by_role("link")).to_have_text("10 h Comité de suivi du Bassin minier")
    expect(site.get_by_role("link", name="Ce mois-ci")).to_have_count(0)
    assert axe(site) == []
    screenshot("agenda-month-current")


def test_an_empty_month_says_so(site, screenshot, axe, db):
    site.goto(site.base_url + "/agenda/mois/2031/05/")
    expect(site.locator(".month-empty")).to_have_text("Aucun événement en mai 2031.")
    expect(site.locator('meta[name="robots"]')).to_have_attribute("content", "noindex, nofollow")
    expect(site.locator("table.month tbody a")).to_have_count(0)
    assert axe(site) == []
    screenshot("agenda-month-empty")
    site.get_by_role("link", name="Mois précédent : avril 2031").click()
    expect(site.locator("table.month caption")).to_have_text("avril 2031")


def test_the_month_works_without_javascript(browser, live_server, may):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + "/agenda/")
    page.get_by_role("link", name="Mois", exact=True).click()
    page.goto(live_server.url + "/agenda/mois/2025/04/")
    expect(day_cell(page, "2025-04-29").get_by_role("link")).to_have_text("9 h Salon des territoires miniers")
    page.get_by_role("link", name="Mois suivant : mai 2025").click()
    expect(page.locator("table.month caption")).to_have_text("mai 2025")
    expect(day_cell(page, "2025-05-02").get_by_role("link")).to_have_text("Salon des territoires miniers")
    page.set_viewport_size(PHONE)
    expect(page.locator(".month-list")).to_be_visible()
    context.close()
