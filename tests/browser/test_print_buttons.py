"""An editor prints the sign-in sheet and the badges from the event page, in a real browser."""

import os
from pathlib import Path

import pytest
from django.urls import reverse
from pypdf import PdfReader

from events.models import ParticipantExport, Participation
from tests.browser.admin_pages import PASSWORD, log_in
from tests.factories import communication_group, make_congress, make_participation, make_person, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(
    os.environ.get("SCREENSHOT_DIR") or Path(__file__).resolve().parents[2] / "test-results" / "screenshots"
)


def test_the_event_page_prints_both_pdfs(site, live_server, tmp_path):
    communication_group()
    editor = make_user(group="Communication", username="lea.durand@example.org", password=PASSWORD)
    congress = make_congress(slug="congres-friches")
    make_participation(congress, make_person(first_name="Thị Ánh", last_name="Nguyễn"), role=Participation.Role.SPEAKER)
    log_in(site, live_server, editor.username)
    site.goto(live_server.url + reverse("admin:events_event_change", args=[congress.pk]))

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 360):
        site.set_viewport_size({"width": width, "height": 900})
        tools = site.locator(".object-tools")
        for label in ("Feuille d’émargement (PDF)", "Badges (PDF)", "Exporter les participants (CSV)"):
            button = tools.get_by_role("button", name=label)
            assert button.is_visible()
            box = button.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width, f"{label} cut off at {width}px"
        site.screenshot(path=str(SCREENSHOTS / f"admin-event-print-buttons-{width}.png"))
    site.set_viewport_size({"width": 1280, "height": 900})

    for label, name in (
        ("Feuille d’émargement (PDF)", "feuille-emargement-congres-friches.pdf"),
        ("Badges (PDF)", "badges-congres-friches.pdf"),
    ):
        with site.expect_download() as download:
            site.locator(".object-tools").get_by_role("button", name=label).click()
        assert download.value.suggested_filename == name
        target = tmp_path / name
        download.value.save_as(target)
        assert "Nguyễn" in PdfReader(target).pages[0].extract_text()
    assert ParticipantExport.objects.filter(format="pdf").count() == 2
    assert site.problems == []
