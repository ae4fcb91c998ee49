"""An editor chooses columns on the export page, saves them as a preset and downloads an XLSX file."""

import os
from pathlib import Path

import openpyxl
import pytest
from django.urls import reverse
from playwright.sync_api import expect

from events.models import ExportPreset, ParticipantExport, Participation
from tests.browser.admin_pages import PASSWORD, log_in
from tests.factories import communication_group, make_congress, make_participation, make_person, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(
    os.environ.get("SCREENSHOT_DIR") or Path(__file__).resolve().parents[2] / "test-results" / "screenshots"
)


def test_choose_columns_save_a_preset_and_download_xlsx(site, live_server, tmp_path):
    communication_group()
    editor = make_user(group="Communication", username="lea.durand@example.org", password=PASSWORD)
    congress = make_congress(slug="congres-friches")
    make_participation(
        congress,
        make_person(first_name="Thị Ánh", last_name="Nguyễn", phone="0321087272"),
        role=Participation.Role.SPEAKER,
    )
    make_participation(congress, make_person(last_name="Œillet"), status=Participation.Status.CANCELLED)
    ExportPreset.objects.create(name="Accueil : nom, organisation", columns=["last_name", "organisation"])
    log_in(site, live_server, editor.username)
    site.goto(live_server.url + reverse("admin:events_event_export", args=[congress.pk]))

    # Phone first, then the name; only the confirmed and registered; as a workbook.
    site.get_by_label("Position de «\u00a0Téléphone\u00a0»").fill("1")
    site.get_by_label("Position de «\u00a0Nom\u00a0»").fill("2")
    for label in ("Prénom", "Organisation", "Fonction", "Rôle", "Intitulé de l’intervention", "Courriel", "Statut",
                  "Inscrit le", "Événement"):  # fmt: skip
        site.get_by_role("checkbox", name=label, exact=True).uncheck()
    site.get_by_role("checkbox", name="Inscrit", exact=True).check()
    site.get_by_role("checkbox", name="Confirmé", exact=True).check()
    site.get_by_label("Classeur XLSX (Excel, LibreOffice)").check()
    site.get_by_label("Enregistrer ces choix comme modèle nommé").fill("Téléphones des inscrits")

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 360):
        site.set_viewport_size({"width": width, "height": 900})
        overflow = site.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the export page is {overflow}px too wide at {width}px"
        site.screenshot(path=str(SCREENSHOTS / f"admin-export-form-{width}.png"), full_page=True)
    site.set_viewport_size({"width": 1280, "height": 900})

    site.get_by_role("button", name="Enregistrer le modèle").click()
    expect(site.get_by_text("Le modèle «\u00a0Téléphones des inscrits\u00a0» est enregistré.")).to_be_visible()
    preset = ExportPreset.objects.get(name="Téléphones des inscrits")
    assert (preset.columns, preset.statuses) == (["phone", "last_name"], ["registered", "confirmed"])

    with site.expect_download() as download:
        site.get_by_role("button", name="Exporter les participants").last.click()
    assert download.value.suggested_filename.endswith(".xlsx")
    target = tmp_path / "liste.xlsx"
    download.value.save_as(target)
    rows = list(openpyxl.load_workbook(target).worksheets[0].values)
    assert rows == [("Téléphone", "Nom"), ("0321087272", "Nguyễn")]
    record = ParticipantExport.objects.get()
    assert (record.format, record.columns, record.preset) == ("xlsx", ["phone", "last_name"], "Téléphones des inscrits")

    site.goto(live_server.url + reverse("admin:events_exportpreset_change", args=[preset.pk]))
    for width in (1280, 360):
        site.set_viewport_size({"width": width, "height": 900})
        overflow = site.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the preset page is {overflow}px too wide at {width}px"
        site.screenshot(path=str(SCREENSHOTS / f"admin-export-preset-{width}.png"), full_page=True)
    assert site.problems == []


def test_the_participation_list_leads_to_the_form(site, live_server):
    communication_group()
    editor = make_user(group="Communication", username="lea.durand@example.org", password=PASSWORD)
    congress = make_congress(slug="congres-friches")
    make_participation(congress, make_person(last_name="Nguyễn"), role=Participation.Role.SPEAKER)
    log_in(site, live_server, editor.username)
    site.goto(live_server.url + reverse("admin:events_participation_changelist") + f"?event__id__exact={congress.pk}")
    for width in (1280, 360):
        site.set_viewport_size({"width": width, "height": 900})
        tools = site.locator(".object-tools")
        for control in (
            tools.get_by_role("button", name="Exporter cette liste (CSV)"),
            tools.get_by_role("link", name="XLSX, colonnes…"),
        ):
            assert control.is_visible()
            box = control.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width, f"cut off at {width}px"
        site.screenshot(path=str(SCREENSHOTS / f"admin-participation-export-tools-{width}.png"))
    site.set_viewport_size({"width": 1280, "height": 900})
    tools.get_by_role("link", name="XLSX, colonnes…").click()
    expect(site.get_by_role("heading", name="Exporter les participants")).to_be_visible()
    with site.expect_download() as download:
        site.get_by_role("button", name="Exporter les participants").last.click()
    assert download.value.suggested_filename.endswith(".csv")
    assert ParticipantExport.objects.get().filters == {"event__id__exact": str(congress.pk)}
    assert site.problems == []
