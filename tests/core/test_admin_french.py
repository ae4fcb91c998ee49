"""Every admin page an editor of the "Communication" group opens reads as correct French."""

import re
import shutil
import tempfile
from html.parser import HTMLParser

from django.contrib import admin
from django.core.files.storage import default_storage
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from demo.content import load_demo
from events.exporters import ParticipantExporter, start_record
from events.models import Event, ParticipantExport, Participation, ProgrammeItem
from news.models import Article
from tests.factories import make_participation, make_person, make_user

NBSP = "\u00a0\u202f"  # no-break space, narrow no-break space

QUOTED_TAG = re.compile(r'"[^"\s]+(?: [^"\s]+)+"')  # in the tags field: '"friches industrielles", Québec'

# What Django's French catalogue, fed our models' names, says wrongly; the reason beside each.
BAD_PATTERNS = {
    "no elision (“de article”)": re.compile(r"\b[dD]e [aeiouyéèêàâîôAEIOUYÉÈÊÀÂÎÔ]"),
    "article and vowel (“le article”, “la événement”)": re.compile(
        r"\b[lL][ea] (?!une\b)[aeiouyéèêàâîôAEIOUYÉÈÊÀÂÎÔ]"  # “à la une” is right
    ),
    "“objet”, said of anything": re.compile(r"\b[oO]bjets?\b"),
    "preposition before a title (“Par à la une”)": re.compile(r"\bPar (?:à|au|aux|le|la|les|l’|un|une|des)\b"),
    "no no-break space before : ; ? !": re.compile(rf"(?:^|[^{NBSP}])[:;?!](?=\s|$)"),
    "a library's name as a heading": re.compile(r"^(?:TAGGIT|Taggit|taggit|AXES|Axes)$"),
    "a number above one with a singular status": re.compile(
        r"\b(?:[2-9]|\d{2,}) (?:invité|inscrit|confirmé|présent|annulé|participant|intervenant)\b"
    ),
}


class VisibleText(HTMLParser):
    """The text a reader sees or hears: text nodes, tooltips, placeholders, button labels and the
    tags field; not scripts, styles, other attributes, nor the text editors typed in fields."""

    SKIPPED = {"script", "style", "template", "textarea"}
    SHOWN_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self.tags: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self.skipping += 1
            return
        attrs = dict(attrs)
        self.pieces.extend(attrs[name] for name in self.SHOWN_ATTRIBUTES if attrs.get(name))
        if tag == "input" and attrs.get("value"):
            if attrs.get("type") in ("submit", "button"):
                self.pieces.append(attrs["value"])
            elif attrs.get("name", "").endswith("tags"):
                self.tags.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in self.SKIPPED and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        text = re.sub(r"[ \t\r\n]+", " ", data).strip(" ")  # str.split() would take no-break spaces too
        if not self.skipping and text:
            self.pieces.append(text)

    @classmethod
    def of(cls, html: str) -> "VisibleText":
        parser = cls()
        parser.feed(html)
        return parser


def content_names() -> list[str]:
    """What the demo's content is called (titles, names), longest first: the editors' own text, judged
    elsewhere (the demo's typography), taken out of what these tests read."""
    names = {str(obj) for model in admin.site._registry for obj in model._default_manager.all()}
    names |= set(ProgrammeItem.objects.values_list("title", flat=True))
    names |= set(Event.objects.values_list("title", flat=True))
    return sorted((name for name in names if len(name) > 3), key=len, reverse=True)


def faults(html: str, content: list[str]) -> list[str]:
    text = VisibleText.of(html)
    found = [f"a multi-word tag in straight quotes: {tags!r}" for tags in text.tags if QUOTED_TAG.search(tags)]
    for piece in text.pieces:
        interface = piece
        for name in content:
            interface = interface.replace(name, "…")
        found.extend(f"{reason}: {piece!r}" for reason, pattern in BAD_PATTERNS.items() if pattern.search(interface))
    return found


class EditorAdminInFrenchTests(TestCase):
    """Walks the admin as an editor would, on the demo content."""

    @classmethod
    def setUpTestData(cls):
        media = tempfile.mkdtemp(prefix="bassin-french-")
        cls.addClassCleanup(shutil.rmtree, media, ignore_errors=True)
        with override_settings(MEDIA_ROOT=media):
            load_demo()
        cls.editor = make_user(group="Communication")
        cls.congress = Event.objects.get(title__startswith="Congrès international")
        # Three registered, two present: the plurals of the event page.
        for status in ["registered"] * 3 + ["attended"] * 2:
            make_participation(event=cls.congress, person=make_person(), role="attendee", status=status)
        exporter = ParticipantExporter(cls.congress.participations.all(), format="excel", events=[cls.congress])
        start_record(exporter, source=ParticipantExport.Source.EVENT_PAGE, user=cls.editor)

    def setUp(self):
        self.client.force_login(self.editor)

    def editor_pages(self):
        """(what, address) of every admin page an editor can open."""
        yield "index", reverse("admin:index")
        yield "password change", reverse("admin:password_change")
        request = self.client.get(reverse("admin:index")).wsgi_request
        for app in admin.site.get_app_list(request):
            yield f"{app['app_label']} index", reverse("admin:app_list", args=[app["app_label"]])
            for entry in app["models"]:
                model = entry["model"]
                model_admin = admin.site._registry[model]
                name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
                yield f"{name} list", reverse(f"{name}_changelist")
                yield f"{name} search", reverse(f"{name}_changelist") + "?q=zzzz"
                if model_admin.has_add_permission(request):
                    yield f"{name} add", reverse(f"{name}_add")
                obj = model._default_manager.order_by("pk").first()
                if obj is None:
                    continue
                yield f"{name} change", reverse(f"{name}_change", args=[obj.pk])
                yield f"{name} history", reverse(f"{name}_history", args=[obj.pk])
                if model_admin.has_delete_permission(request, obj):
                    yield f"{name} delete", reverse(f"{name}_delete", args=[obj.pk])
        congress = self.congress.pk
        participations = reverse("admin:events_participation_changelist")
        yield "participations of the congress", f"{participations}?event__id__exact={congress}"
        yield "speakers of the congress", f"{participations}?event__id__exact={congress}&role__exact=speaker"
        yield "registered attendees", f"{participations}?status__exact=registered&role__exact=attendee"
        yield "event change of the congress", reverse("admin:events_event_change", args=[congress])
        yield "export confirmation", reverse("admin:events_event_export", args=[congress])
        yield "export log", reverse("admin:events_participantexport_changelist")
        export = ParticipantExport.objects.get()
        yield "export log entry", reverse("admin:events_participantexport_change", args=[export.pk])
        # The tag merge page, once tags are ticked in the list and the action chosen.
        self.client.post(reverse("admin:taggit_tag_changelist"), {
            "action": "render_tag_form", "_selected_action": list(Tag.objects.values_list("pk", flat=True)[:2]),
        })
        yield "tag merge", reverse("admin:taggit_tag_merge_tags")

    def test_every_editor_page_reads_as_french(self):
        """No page an editor opens holds a known bad pattern of Django's French with our models."""
        found, content = [], content_names()
        pages = list(self.editor_pages())
        self.assertGreater(len(pages), 40)
        for what, address in pages:
            response = self.client.get(address)
            self.assertEqual(response.status_code, 200, f"{what}: {address}")
            found.extend(f"{what} ({address}) — {fault}" for fault in faults(response.content.decode(), content))
        self.assertFalse(found, "\n" + "\n".join(sorted(set(found))))

    def test_the_pages_after_an_action_read_as_french(self):
        """A refused form, a saved one and a bulk deletion's confirmation, in good French."""
        pages = []
        refused = self.client.post(reverse("admin:news_article_add"), {})
        pages.append(("refused article", refused))
        saved = self.client.post(
            reverse("admin:people_organisation_add"),
            {"name": "Communauté d’agglomération de Lens-Liévin", "kind": "public_body"},
            follow=True,
        )
        pages.append(("saved organisation", saved))
        confirmation = self.client.post(
            reverse("admin:events_participation_changelist"),
            {"action": "delete_selected", "_selected_action": list(
                Participation.objects.filter(event=self.congress).values_list("pk", flat=True)[:2]
            )},
        )
        pages.append(("bulk deletion", confirmation))
        found, content = [], content_names()
        for what, response in pages:
            self.assertEqual(response.status_code, 200, what)
            found.extend(f"{what} — {fault}" for fault in faults(response.content.decode(), content))
        self.assertFalse(found, "\n" + "\n".join(sorted(set(found))))

    def test_the_image_field_shows_the_current_picture_in_french(self):
        """A thumbnail of the current picture, "Image actuelle", "Remplacer", "Supprimer l’image"."""
        article = Article.objects.exclude(image="").first()
        response = self.client.get(reverse("admin:news_article_change", args=[article.pk]))
        pieces = VisibleText.of(response.content.decode()).pieces
        self.assertNotIn("Actuellement:", pieces)
        for text in ("Image actuelle", "Remplacer", "Supprimer l’image"):
            self.assertIn(text, pieces)
        _width, smallest = article.image_renditions["fallback"][0]
        self.assertContains(response, f'src="{default_storage.url(smallest)}"')

    def test_app_section_headings_are_french(self):
        """Libraries' sections carry French names; the agenda lists its events first."""
        request = self.client.get(reverse("admin:index")).wsgi_request
        apps = {app["app_label"]: app for app in admin.site.get_app_list(request)}
        self.assertEqual(apps["taggit"]["name"], "Étiquettes")
        self.assertEqual(apps["events"]["models"][0]["object_name"], "Event")

    def test_the_event_page_counts_participants_in_good_french(self):
        """“9 participants (3 inscrits, 6 présents)”, never “3 inscrit”."""
        response = self.client.get(reverse("admin:events_event_change", args=[self.congress.pk]))
        self.assertContains(response, "3 inscrits")
        self.assertRegex(response.content.decode(), r"\b(?:[2-9]|\d\d+) présents\b")

    def test_the_export_log_names_events_by_title(self):
        response = self.client.get(reverse("admin:events_participantexport_changelist"))
        self.assertContains(response, self.congress.title)
        self.assertNotContains(response, f">{self.congress.slug}<")

    def test_tags_show_as_typed(self):
        """Multi-word tags without straight quotes, and they come back unchanged when saved."""
        article = Article.objects.filter(tags__name__contains=" ").first()
        response = self.client.get(reverse("admin:news_article_change", args=[article.pk]))
        field = response.context["adminform"].form["tags"]
        shown = field.value() if isinstance(field.value(), str) else field.field.widget.format_value(field.value())
        self.assertNotIn('"', shown)
        self.assertEqual(sorted(field.field.clean(shown)), sorted(article.tags.names()))

    def test_a_single_multi_word_tag_stays_one_tag(self):
        from core.admin_input import BoundedTagField

        field = BoundedTagField()
        article = Article.objects.filter(tags__name="friches industrielles").first()
        article.tags.set(["friches industrielles"])
        shown = field.widget.format_value(list(article.tags.all()))
        self.assertNotIn('"', shown)
        self.assertEqual(field.clean(shown), ["friches industrielles"])

    def test_the_tag_merge_page_is_french(self):
        """django-taggit's merge page and its messages, in French within the admin's layout."""
        tags = list(Tag.objects.order_by("name")[:2])
        self.client.post(reverse("admin:taggit_tag_changelist"), {
            "action": "render_tag_form", "_selected_action": [tag.pk for tag in tags],
        })
        response = self.client.get(reverse("admin:taggit_tag_merge_tags"))
        self.assertContains(response, "Fusionner dans l’étiquette")
        self.assertContains(response, "Les 2 étiquettes sélectionnées\u00a0:")
        self.assertContains(response, '<div class="breadcrumbs">')
        self.assertNotContains(response, "New Tag Name")
        self.assertNotContains(response, "Enter new or existing tag name")
        response = self.client.post(reverse("admin:taggit_tag_merge_tags"), {"new_tag_name": "Reconversion"}, follow=True)
        self.assertContains(response, "2 étiquettes fusionnées dans «\u00a0Reconversion\u00a0».")
        self.assertFalse(Tag.objects.filter(pk__in=[tag.pk for tag in tags]).exclude(name="Reconversion").exists())

    def test_publication_times_show_no_seconds(self):
        """The publication date reads "09:30" and takes "9 h 30", as the event times do."""
        article = Article.objects.exclude(published_at=None).first()  # PostgreSQL sorts undated drafts first
        response = self.client.get(reverse("admin:news_article_change", args=[article.pk]))
        shown = timezone.localtime(article.published_at)
        self.assertContains(response, f'name="published_at_1" value="{shown:%H:%M}"')
        self.assertNotContains(response, f'value="{shown:%H:%M:%S}"')
        field = response.context["adminform"].form.fields["published_at"]
        self.assertEqual(field.fields[1].clean("9 h 30").strftime("%H:%M"), "09:30")
        # Sent back as shown, the time is no change, though the stored one had seconds.
        with_seconds = article.published_at.replace(second=41)
        self.assertFalse(field.has_changed(with_seconds, [f"{shown:%d/%m/%Y}", f"{shown:%H:%M}"]))
        self.assertTrue(field.has_changed(with_seconds, [f"{shown:%d/%m/%Y}", "23:59" if shown.hour != 23 else "00:01"]))
