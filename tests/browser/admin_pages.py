"""The admin pages an editor of the "Communication" group opens, and the content that fills them: shared
by the width and accessibility walks, so that both measure the same pages, derived from the registry."""

from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from events.exporters import ParticipantExporter, start_record
from events.models import ParticipantExport
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

PASSWORD = "mot-de-passe-solide-2025"
LONG_TITLE = (
    "Requalification des friches industrielles et des sites stratégiques du Bassin minier : "
    "retour sur trois jours d’échanges à Thetford Mines avec nos partenaires québécois"
)


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


def editor_with_content():
    """A Communication member and the congress (with everything around it) built for them."""
    communication_group()
    editor = make_user(group="Communication", username="lea.durand@example.org", password=PASSWORD)
    return editor, build_content(editor)


def unique_pages(editor, congress) -> list[tuple[str, str]]:
    """``editor_pages`` with each address once, under its first name."""
    addresses = {}
    for name, address in editor_pages(editor, congress):
        addresses.setdefault(address, name)
    return [(name, address) for address, name in addresses.items()]
