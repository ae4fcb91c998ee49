"""Every admin page an editor opens fits a 1280 px screen: nothing scrolls sideways, nothing is cut off.

The pages come from the admin registry (each model's list, add form and one object's form) and the
custom views, so that a new app's admin is measured without touching this file.
"""

import os
import re
from pathlib import Path

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from events.exporters import ParticipantExporter, start_record
from events.models import ParticipantExport, Participation
from tests.factories import (
    communication_group,
    make_article,
    make_congress,
    make_organisation,
    make_participation,
    make_person,
    make_programme_item,
    make_user,
    uploaded_image,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR") or Path(__file__).resolve().parents[2] / "test-results" / "screenshots")
PASSWORD = "mot-de-passe-solide-2025"
LONG_TITLE = (
    "Requalification des friches industrielles et des sites stratégiques du Bassin minier : "
    "retour sur trois jours d’échanges à Thetford Mines avec nos partenaires québécois"
)

# What sticks out at the page's width: the page itself scrolling sideways, a box that scrolls its
# content sideways (Django's lists and inline tables are such boxes), a table or a field whose right
# edge passes the window's.
MEASURE = r"""async () => {
    for (let i = 0; i < 2; i++) await new Promise(done => requestAnimationFrame(done));
    const root = document.documentElement;
    const width = root.clientWidth;
    const faults = [];
    const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
        + (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : "");
    if (root.scrollWidth > width) faults.push(`the page scrolls sideways by ${root.scrollWidth - width}px`);
    const content = document.querySelector("#content") || document.body;
    for (const el of content.querySelectorAll("*")) {
        if (!el.offsetParent && getComputedStyle(el).position !== "fixed") continue;
        const box = el.getBoundingClientRect();
        if (box.width <= 1 || box.height <= 1) continue;  // visually hidden, for screen readers
        const style = getComputedStyle(el);
        // A name too long for a compact inline's autocomplete ends in "…", whole in its tooltip.
        const ellipsis = el.matches(".tabular .select2-selection__rendered[title]");
        if (!ellipsis && ["auto", "scroll", "hidden"].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1)
            faults.push(`${name(el)} scrolls or cuts its content by ${el.scrollWidth - el.clientWidth}px`);
        if (el.matches("table, input, select, textarea, img, .select2, .selector")) {
            const right = box.right;
            if (right > width + 1) faults.push(`${name(el)} ends at ${Math.round(right)}px`);
        }
    }
    return faults;
}"""


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}{reverse('admin:login')}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}{reverse('admin:index')}")


def build_content(editor):
    """A congress with its programme, speakers, organisers and attendees; an article with a long title."""
    organisation = make_organisation(
        name="Mission Bassin Minier Nord–Pas de Calais", acronym="MBM", logo=uploaded_image("logo.png", size=(400, 200))
    )
    congress = make_congress(image=uploaded_image("congres.jpg", size=(1600, 900)), image_alt="La salle du congrès")
    speaker = make_person(
        first_name="Catherine", last_name="Bertram", job_title="directrice", organisation=organisation,
        photo=uploaded_image("bertram.jpg", size=(600, 600)),
    )
    make_participation(
        event=congress, person=speaker, organisation=organisation, talk_title=LONG_TITLE,
        notes="Arrivée la veille ; dîner avec les partenaires québécois, régime végétarien.",
    )
    for role in ["panellist", "moderator", "organiser", "speaker"]:
        make_participation(event=congress, person=make_person(), role=role, organisation=make_organisation(),
                           talk_title="Une intervention au titre assez long pour remplir sa colonne")
    for status in ["registered", "confirmed", "attended", "cancelled", "invited"] * 2:
        make_participation(event=congress, person=make_person(), role="attendee", status=status)
    make_programme_item(congress, title="Ouverture du congrès", place="Grande salle", description="Mots d’accueil.")
    for n in range(3):
        article = make_article(
            title=LONG_TITLE if n == 0 else f"Une actualité {n}", image=uploaded_image("salle.jpg", size=(1200, 800)),
            image_alt="La salle",
        )
        article.tags.add("friches industrielles", "Québec")
        article.related_events.add(congress)
        article.related_people.add(speaker)
    exporter = ParticipantExporter(congress.participations.all(), format="excel", events=[congress])
    start_record(exporter, source=ParticipantExport.Source.EVENT_PAGE, user=editor)
    return congress


def editor_pages(editor, congress):
    """(file name, address) of every admin page an editor can open, from the registry."""
    request = RequestFactory().get("/")
    request.user = editor
    yield "index", reverse("admin:index")
    yield "password-change", reverse("admin:password_change")
    for app in admin.site.get_app_list(request):
        yield f"{app['app_label']}-index", reverse("admin:app_list", args=[app["app_label"]])
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_view_or_change_permission(request):
            continue
        opts = model._meta
        name = f"admin:{opts.app_label}_{opts.model_name}"
        yield f"{opts.model_name}-list", reverse(f"{name}_changelist")
        if model_admin.has_add_permission(request):
            yield f"{opts.model_name}-add", reverse(f"{name}_add")
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            yield f"{opts.model_name}-change", reverse(f"{name}_change", args=[obj.pk])
    participations = reverse("admin:events_participation_changelist")
    yield "participation-list-of-the-congress", f"{participations}?event__id__exact={congress.pk}"
    yield "event-change", reverse("admin:events_event_change", args=[congress.pk])
    yield "event-export-confirmation", reverse("admin:events_event_export", args=[congress.pk])
    yield "participantexport-log", reverse("admin:events_participantexport_changelist")


def test_every_admin_page_an_editor_opens_fits_1280_px(site, live_server):
    communication_group()
    editor = make_user(group="Communication", username="lea.durand@example.org", password=PASSWORD)
    congress = build_content(editor)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    site.set_viewport_size({"width": 1280, "height": 900})
    log_in(site, live_server, editor.username)

    addresses = {}
    for name, address in editor_pages(editor, congress):
        addresses.setdefault(address, name)
    pages = [(name, address) for address, name in addresses.items()]
    assert {"event-change", "article-list", "person-change", "article-change"} <= {name for name, _ in pages}
    found = []
    for name, address in pages:
        response = site.goto(live_server.url + address)
        assert response.status == 200, f"{name}: {address} answered {response.status}"
        found.extend(f"{name} ({address}): {fault}" for fault in site.evaluate(MEASURE))
        site.screenshot(path=str(SCREENSHOTS / f"admin-{name}.png"), full_page=True)

    # The tag merge page, reached as an editor does: tags ticked in the list, then the action.
    site.goto(live_server.url + reverse("admin:taggit_tag_changelist"))
    site.locator("input.action-select").first.check()
    site.select_option("select[name=action]", "render_tag_form")
    site.locator("button[name=index]").first.click()
    site.wait_for_url(re.compile(r".*/merge-tags/$"))
    found.extend(f"tag merge: {fault}" for fault in site.evaluate(MEASURE))
    site.screenshot(path=str(SCREENSHOTS / "admin-tag-merge.png"), full_page=True)

    assert site.problems == []
    assert found == [], "\n" + "\n".join(found)


def test_the_speakers_inline_shows_every_column_of_a_row(site, live_server):
    """Status, internal notes and the deletion box of each speaker are on screen at 1280 px."""
    communication_group()
    editor = make_user(group="Communication", username="lea.durand@example.org", password=PASSWORD)
    congress = build_content(editor)
    site.set_viewport_size({"width": 1280, "height": 900})
    log_in(site, live_server, editor.username)
    site.goto(live_server.url + reverse("admin:events_event_change", args=[congress.pk]))
    row = site.locator("#participations-0")
    for field in ("status", "notes", "DELETE"):
        box = row.locator(f"[name=participations-0-{field}]").bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 1280, field
    # Only the roles this inline lists: an attendee added here would vanish from it once saved.
    roles = row.locator("[name=participations-0-role] option").evaluate_all("options => options.map(o => o.value)")
    assert set(roles) - {""} == {str(role) for role in Participation.CONTRIBUTING_ROLES}

