"""A visitor on a phone and on a laptop: a past event, the agenda's filters, cards with and
without a picture, and the icon every browser asks for."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from events.models import Participation
from tests.factories import (
    make_article,
    make_congress,
    make_event,
    make_participation,
    make_person,
    uploaded_image,
)

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 640}  # a small phone, browser bars deducted


@pytest.fixture
def agenda(db):
    congress = make_congress(
        summary="Le premier congrès international sur la requalification des friches industrielles.",
        description="<p>Élus, experts et professionnels de l’aménagement partagent leurs expériences.</p>",
    )
    congress.tags.add("friches")
    bertram = make_person(first_name="Catherine", last_name="Bertram", job_title="directrice", is_public=True)
    make_participation(congress, bertram, talk_title="Le Bassin minier, un exemple remarquable de revitalisation")
    make_participation(congress, make_person(last_name="Soyer", is_public=True), role=Participation.Role.PANELLIST)
    soon = timezone.now().replace(hour=14, minute=0, second=0, microsecond=0) + timedelta(days=10)
    upcoming = [
        make_event(title=f"Rencontre des territoires miniers n° {n}", start=soon + timedelta(days=n * 7),
                   end=soon + timedelta(days=n * 7, hours=3), summary="Une après-midi d’échanges entre élus.")
        for n in range(4)
    ]
    for event in upcoming:
        event.tags.add("friches")
    return {"congress": congress, "upcoming": upcoming}


def test_a_past_event_says_so_and_offers_calendars_as_plain_links(site, screenshot, agenda):
    congress = agenda["congress"]
    site.goto(site.base_url + congress.get_absolute_url())
    expect(site.locator(".event__past")).to_have_text("Cet événement a eu lieu les 7 et 8 mai 2025.")
    expect(site.locator(".event__facts .button")).to_have_count(0)
    links = site.locator(".calendar-links a")
    expect(links).to_have_text(["Fichier d’agenda (.ics)", "Ajouter à Google Agenda", "Ajouter à Outlook"])
    assert links.nth(1).get_attribute("href").startswith("https://calendar.google.com/calendar/render?action=TEMPLATE&text=Congr%C3%A8s")
    assert "startdt=2025-05-07T13%3A30%3A00Z" in links.nth(2).get_attribute("href")
    screenshot("event-past")

    site.goto(site.base_url + agenda["upcoming"][0].get_absolute_url())
    expect(site.locator(".event__past")).to_have_count(0)
    expect(site.locator(".event__facts .button")).to_have_text("Ajouter à mon agenda")
    expect(site.locator(".calendar-links a")).to_have_text(["Ajouter à Google Agenda", "Ajouter à Outlook"])
    screenshot("event-upcoming")
    assert site.problems == []


def test_on_a_phone_the_agenda_filters_fold_above_the_first_event(site, screenshot, agenda):
    site.set_viewport_size(PHONE)
    site.goto(site.base_url + "/agenda/")
    summary = site.locator(".filters-box > summary")
    expect(summary).to_be_visible()
    expect(site.locator("#id_type")).to_be_hidden()
    first = site.locator(".card--event").first.bounding_box()
    assert first["y"] + 80 <= PHONE["height"], f"the first event starts at {first['y']:.0f}px, below the fold"

    summary.click()
    expect(site.locator("#id_type")).to_be_visible()
    site.select_option("#id_etiquette", "friches")
    site.locator(".filters button").click()
    expect(summary).to_contain_text("(1 filtre actif)")
    expect(site.locator("#id_type")).to_be_hidden()
    assert site.locator(".card--event").first.bounding_box()["y"] + 80 <= PHONE["height"]

    site.set_viewport_size({"width": 1280, "height": 900})
    expect(summary).to_be_hidden()
    expect(site.locator("#id_type")).to_be_visible()  # always shown on a wide screen, no click
    screenshot("agenda-filters")
    assert site.problems == []


def test_cards_with_and_without_a_picture_line_up(site, screenshot, db):
    pictured = make_article(
        title="Un nouveau parc sur le carreau de fosse 9-9 bis",
        image=uploaded_image("parc.jpg", size=(1600, 900), color=(60, 110, 70)),
        image_alt="Le parc au pied des terrils",
    )
    pictured.tags.add("friches")
    for title in ("La base 11/19 accueille un centre de ressources",
                  "Le Louvre-Lens et la Mission signent une convention de partenariat pour trois ans"):
        make_article(title=title).tags.add("friches")
    make_article(title="Une actualité à la une sans image", featured=True)
    for path, name in (("/actualites/", "cards-news"), ("/", "cards-home"), ("/etiquettes/friches/", "cards-tag")):
        site.goto(site.base_url + path)
        cards = site.locator(".grid .card--article")
        assert cards.count() >= 3, path
        placeholders = site.locator(".grid .card--article .card__image--none")
        assert placeholders.count() >= 2, path
        images = site.locator(".grid .card--article img.card__image")
        image, placeholder = images.first.bounding_box(), placeholders.first.bounding_box()
        assert abs(image["height"] - placeholder["height"]) <= 1, f"{path}: placeholder {placeholder} vs picture {image}"
        # Side by side, the titles start at the same height.
        tops = site.eval_on_selector_all(".grid .card--article .card__title", "els => els.map(e => e.getBoundingClientRect().top)")
        rows = {}
        for top in tops:
            rows.setdefault(round(top / 200), []).append(top)
        for row in rows.values():
            assert max(row) - min(row) <= 1, f"{path}: titles at {row}"
        screenshot(name)
    assert site.problems == []


def test_favicon_answers_on_the_site_and_the_admin(site, db):
    response = site.request.get(site.base_url + "/favicon.ico")
    assert response.status == 200
    assert response.headers["content-type"] == "image/x-icon"
    # Headless Chromium asks for no icon itself: the address is checked above, the pages here.
    failed = []
    site.on("response", lambda r: r.status >= 400 and failed.append(r.url))
    site.goto(site.base_url + "/admin/login/")
    site.wait_for_load_state("networkidle")
    site.goto(site.base_url + "/")
    site.wait_for_load_state("networkidle")
    assert failed == []
    assert site.problems == []
