"""A communications officer opens the admin on the newsroom: what waits, what comes, what changed, with
the demo content; French, accessible (axe), nothing sideways at 1280 px, light and dark."""

import io
from datetime import timedelta

import pytest
import reversion
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from core.publishing import Status
from events.models import Event, ParticipantExport, Participation
from news.models import Article
from tests.browser.admin_pages import PASSWORD, log_in
from tests.browser.conftest import SCREENSHOTS
from tests.factories import communication_group, make_article, make_participation, make_person, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OVERFLOW = """async () => {
    for (let i = 0; i < 2; i++) await new Promise(done => requestAnimationFrame(done));
    return document.documentElement.scrollWidth - document.documentElement.clientWidth;
}"""


def newsroom_monday(editor):
    """The demo content, and what a Monday adds: her drafts, an item leaving the site, participants
    answering for the next event, a saved version with its comment, an export."""
    call_command("loaddemo", stdout=io.StringIO())
    now = timezone.now()
    with reversion.create_revision():
        reversion.set_user(editor)
        reversion.set_comment("Correction du titre")
        make_article(title="Portes ouvertes de la base 11/19 : le programme", status=Status.DRAFT, author=editor)
    make_article(title="Bilan de l’appel à projets Cœurs de ville", unpublish_at=now + timedelta(days=3))
    event = Event.objects.filter(end__gte=now).order_by("start").first()
    for status, count in [("invited", 6), ("registered", 9), ("confirmed", 14), ("cancelled", 2)]:
        for _ in range(count):
            make_participation(event=event, person=make_person(), role=Participation.Role.ATTENDEE, status=status)
    ParticipantExport.objects.create(
        user=editor,
        username=editor.username,
        source=ParticipantExport.Source.EVENT_PAGE,
        events=[event.slug],
        format=ParticipantExport.Format.EXCEL,
        row_count=31,
        completed=True,
    )
    return event


def test_the_newsroom_at_1280_and_360_px(site, live_server, axe):
    communication_group()
    editor = make_user(
        group="Communication",
        username="lea.durand@example.org",
        password=PASSWORD,
        first_name="Léa",
        last_name="Durand",
    )
    event = newsroom_monday(editor)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    site.set_viewport_size({"width": 1280, "height": 900})
    log_in(site, live_server, editor.username)

    expect(site.locator("#newsroom-block-1")).to_have_text("Articles")
    drafts = site.locator(".newsroom-module").first.locator(".newsroom-items").first
    expect(drafts.locator("li").first).to_contain_text("Portes ouvertes de la base 11/19")
    expect(drafts.locator("li").first).to_contain_text("Vous y avez travaillé")
    expect(site.locator(".newsroom-module").first).to_contain_text("Quitte le site le")
    chart = site.locator(".newsroom-chart")
    expect(chart.locator("thead")).to_contain_text("Confirmés")
    row = chart.locator("tbody tr", has_text=event.title)
    confirmed = Participation.objects.filter(event=event, status="confirmed").count()
    expect(row.locator("td").nth(2).locator("a")).to_have_text(f"{confirmed} – Confirmés")
    expect(row.locator("svg.newsroom-bar rect.newsroom-confirmed")).to_have_count(1)
    expect(site.locator("#content-related")).to_contain_text("Correction du titre")
    expect(site.locator("#content-related")).to_contain_text("Derniers exports de participants")
    drafts_total = Article.objects.filter(status=Status.DRAFT).count()
    expect(site.locator(".newsroom-module").first.locator(".newsroom-count").first).to_have_text(str(drafts_total))

    assert axe(site) == []
    for width in (1280, 360):
        site.set_viewport_size({"width": width, "height": 900})
        overflow = site.evaluate(OVERFLOW)
        site.screenshot(path=str(SCREENSHOTS / f"admin-newsroom-{width}.png"), full_page=True)
        assert overflow <= 0, f"the newsroom scrolls sideways by {overflow}px at {width}px"
    site.emulate_media(color_scheme="dark")
    site.set_viewport_size({"width": 1280, "height": 900})
    assert axe(site) == []
    site.screenshot(path=str(SCREENSHOTS / "admin-newsroom-dark-1280.png"), full_page=True)

    # A number of the chart opens the participants it counts.
    row.locator("td").nth(2).locator("a").click()
    expect(site.locator("#result_list tbody tr")).to_have_count(confirmed)
    assert reverse("admin:events_participation_changelist") in site.url
    assert site.problems == []
