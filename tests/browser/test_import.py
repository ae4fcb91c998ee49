"""An editor imports a partner's list into an event: file, columns, preview, confirmation, in Chromium.

Each step is audited (headings, labels, contrast), axe-checked, measured at 1280 and 360 px (nothing
scrolls sideways) and saved as a screenshot.
"""

from pathlib import Path

import pytest
from django.urls import reverse

from events.models import Participation
from tests.browser.admin_pages import PASSWORD, log_in
from tests.factories import (
    communication_group,
    make_congress,
    make_organisation,
    make_participation,
    make_person,
    make_user,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DATA = Path(__file__).resolve().parents[1] / "events" / "data" / "import"


def checked(site, axe) -> list[str]:
    """axe's findings; what axe itself does in the page (inline styles the CSP refuses) is not the page's fault."""
    before = len(site.problems)
    findings = axe(site)
    del site.problems[before:]
    return findings


def test_an_editor_imports_a_list_step_by_step(site, live_server, screenshot, axe, tmp_path):
    communication_group()
    editor = make_user(group="Communication", username="lea.durand@example.org", password=PASSWORD)
    congress = make_congress()
    mbm = make_organisation(name="Mission Bassin Minier Nord–Pas de Calais", acronym="MBM")
    known = make_person(first_name="Ève", last_name="Ångström", email="eve.angstrom@example.org", organisation=mbm)
    make_participation(congress, make_person(first_name="Anne", last_name="Déjà", email="anne.deja@example.org"))
    rows = [
        "Nom;Prénom;Courriel;Organisme;Téléphone;Fonction;Commentaires",
        "ANGSTROM;Eve;EVE.ANGSTROM@example.org;MBM;03 21 08 72 72;Directrice;Arrivée la veille",
        "Déjà;Anne;anne.deja@example.org;;;;",
        "Nguyễn;Thị Minh;minh.nguyen@example.org;Université nationale d’économie de Hanoï;+84 24 3869 4242;"
        "Maîtresse de conférences en aménagement du territoire et requalification des friches;",
        "Lefèvre;Hélène;helene.lefevre@example.org;Communauté d’agglomération de Lens-Liévin;03 21 00 00 00;"
        "Chargée de mission;Régime végétarien",
        "Lefevre;Helene;helene.lefevre@example.org;;;;",
        "Zola;;emile.zola@example.org;;;;",
        '=HYPERLINK("http://example.org");Clic;;;;;',
    ]
    upload = tmp_path / "inscrits partenaires.csv"
    upload.write_bytes(("\r\n".join(rows) + "\r\n").replace("ễ", "e").replace("ị", "i").encode("cp1252"))

    log_in(site, live_server, editor.username)
    site.goto(live_server.url + reverse("admin:events_event_import", args=[congress.pk]))
    assert site.locator("h1").inner_text() == "Importer une liste : choisir le fichier"
    screenshot("admin-import-1-upload")
    assert checked(site, axe) == []

    site.set_input_files("#id_file", str(upload))
    site.click("text=Lire le fichier")
    site.wait_for_selector("table.import-mapping")
    assert site.locator("#id_column_2").input_value() == "email"  # guessed from "Courriel"
    assert site.locator("#id_column_6").input_value() == "notes"
    site.select_option("#id_status", "confirmed")
    screenshot("admin-import-2-columns")
    assert checked(site, axe) == []

    site.click("text=Voir l’aperçu")
    site.wait_for_selector("table.import-preview")
    results = site.locator("table.import-preview tbody tr td:nth-child(2)").all_inner_texts()
    assert results == [
        "Personne existante",
        "Déjà participant",
        "Nouvelle personne",
        "Nouvelle personne",
        "Ligne en double",
        "Erreur",
        "Erreur",
    ]
    assert Participation.objects.filter(event=congress).count() == 1  # nothing written yet
    screenshot("admin-import-3-preview")
    assert checked(site, axe) == []

    site.check("#id_skip_errors")
    site.click("text=Importer 3 participants")
    site.wait_for_selector(".messagelist .success")
    assert "3 participants ajoutés" in site.locator(".messagelist .success").inner_text()
    statuses = set(congress.participations.exclude(person__last_name="Déjà").values_list("status", flat=True))
    assert statuses == {"confirmed"}
    assert congress.participations.get(person=known).notes == "Arrivée la veille"
    assert site.problems == []
