"""Who may open which admin and export URL, and what the public never sees."""

import re
from datetime import timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.contrib.redirects.models import Redirect
from django.contrib.sites.models import Site
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from core.publishing import Status
from events.models import ExportPreset, ParticipantExport, Participation
from people.models import PersonalDataAudit
from tests.factories import (
    make_article,
    make_document,
    make_event,
    make_organisation,
    make_participation,
    make_person,
    make_picture,
    make_programme_item,
    make_site_page,
    make_user,
)

ROLES = ("anonymous", "member", "staff", "communication", "superuser")
ACTIONS = ("changelist", "add", "change", "delete", "history")

# What the Communication group may do, model by model (people/migrations/0002_communication_group.py).
COMMUNICATION = {
    "news.article": {"changelist", "add", "change", "history"},
    "events.event": {"changelist", "add", "change", "history"},
    "events.programmeitem": {"changelist", "add", "change", "delete", "history"},
    "events.participation": {"changelist", "add", "change", "delete", "history"},
    "events.participantexport": {"changelist", "change", "history"},
    "events.exportpreset": {"changelist", "add", "change", "delete", "history"},  # events/migrations/0012
    "people.organisation": {"changelist", "add", "change", "history"},
    "people.person": {"changelist", "add", "change", "history"},
    "people.personaldataaudit": set(),  # superusers only: people.manage_personal_data
    "taggit.tag": {"changelist", "add", "change", "history"},
    # events/migrations/0010_communication_uses_library.py
    "library.picture": {"changelist", "add", "change", "delete", "history"},
    "library.document": {"changelist", "add", "change", "delete", "history"},
    "pages.sitepage": {"changelist", "add", "change", "history"},  # pages/migrations/0002
    "auth.user": set(),
    "auth.group": set(),
    "sites.site": set(),
    "redirects.redirect": set(),
    "axes.accessattempt": set(),
    "axes.accesslog": set(),
    "axes.accessfailurelog": set(),
}
# What nobody may do, not even a superuser: logs are written by the site, not by hand.
NOBODY = {
    "events.participantexport": {"add", "delete"},
    "people.personaldataaudit": {"add", "delete"},
    "axes.accessattempt": {"add"},
    "axes.accesslog": {"add"},
    "axes.accessfailurelog": {"add"},
}


def expected(role: str, allowed: bool) -> int:
    if role in ("anonymous", "member"):
        return 302  # to the login page
    return 200 if allowed else 403


class AdminAccessTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.users = {
            "anonymous": None,
            "member": make_user(is_staff=False),
            "staff": make_user(),
            "communication": make_user(group="Communication"),
            "superuser": make_user(is_superuser=True),
        }
        event = make_event()
        person = make_person(organisation=make_organisation())
        attempt = dict(user_agent="x", ip_address="192.0.2.1", username="x", http_accept="x", path_info="/")
        cls.objects = {
            "news.article": make_article(),
            "events.event": event,
            "events.programmeitem": make_programme_item(event),
            "events.participation": make_participation(event, person),
            "events.participantexport": ParticipantExport.objects.create(
                username="x", source="command", format="csv"
            ),
            "events.exportpreset": ExportPreset.objects.create(name="Accueil", columns=["last_name"]),
            "people.organisation": person.organisation,
            "people.person": person,
            "people.personaldataaudit": PersonalDataAudit.objects.create(action="export", ident_kind="admin"),
            "taggit.tag": Tag.objects.create(name="friches"),
            "library.picture": make_picture(),
            "library.document": make_document(),
            "pages.sitepage": make_site_page(),
            "auth.user": cls.users["staff"],
            "auth.group": Group.objects.get(name="Communication"),
            "sites.site": Site.objects.get_current(),
            "redirects.redirect": Redirect.objects.create(site_id=1, old_path="/a/", new_path="/b/"),
            "axes.accessattempt": AccessAttempt.objects.create(failures_since_start=1, **attempt),
            "axes.accesslog": AccessLog.objects.create(**attempt),
            "axes.accessfailurelog": AccessFailureLog.objects.create(**attempt),
        }
        cls.event = event

    def as_role(self, role):
        self.client.logout()
        if self.users[role]:
            self.client.force_login(self.users[role])

    def test_the_table_covers_every_registered_model(self):
        registered = {model._meta.label_lower for model in admin.site._registry}
        self.assertEqual(registered, set(COMMUNICATION))

    def test_every_admin_url_of_every_model_for_every_role(self):
        for role in ROLES:
            self.as_role(role)
            for label, allowed_actions in COMMUNICATION.items():
                app_label, model_name = label.split(".")
                for action in ACTIONS:
                    args = [] if action in ("changelist", "add") else [self.objects[label].pk]
                    url = reverse(f"admin:{app_label}_{model_name}_{action}", args=args)
                    if action in NOBODY.get(label, set()):
                        allowed = False
                    elif role == "superuser":
                        allowed = True
                    else:
                        allowed = role == "communication" and action in allowed_actions
                    with self.subTest(url=url, role=role):
                        self.assertEqual(self.client.get(url).status_code, expected(role, allowed))

    def test_the_admin_index_and_autocomplete(self):
        autocomplete = reverse("admin:autocomplete") + "?app_label=events&model_name=participation&field_name=person&term=Ma"
        draft = make_article(status=Status.DRAFT)
        view_on_site = reverse("admin:view_on_site", args=[ContentType.objects.get_for_model(draft).pk, draft.pk])
        for url, allowed_roles in (
            (reverse("admin:index"), {"staff", "communication", "superuser"}),
            (autocomplete, {"communication", "superuser"}),
        ):
            for role in ROLES:
                with self.subTest(url=url, role=role):
                    self.as_role(role)
                    self.assertEqual(self.client.get(url).status_code, expected(role, role in allowed_roles))
        # Pages that send those allowed elsewhere: a draft's address, the tag list (no tag selected to merge).
        for url in (view_on_site, reverse("admin:taggit_tag_merge_tags")):
            for role in ROLES:
                with self.subTest(url=url, role=role):
                    self.as_role(role)
                    status = 302 if role in ("communication", "superuser") else expected(role, False)
                    self.assertEqual(self.client.get(url).status_code, status)

    def test_the_export_urls_and_action(self):
        """The export addresses answer a GET with a page and export on a POST only."""
        may_export = {"communication", "superuser"}
        for role in ROLES:
            self.as_role(role)
            for name, url in (
                ("event page export", reverse("admin:events_event_export", args=[self.event.pk])),
                ("participation list export", reverse("admin:events_participation_export") + "?format=csv"),
            ):
                with self.subTest(name, role=role):
                    self.assertEqual(self.client.get(url).status_code, expected(role, role in may_export))
                    self.assertEqual(self.client.post(url).status_code, expected(role, role in may_export))
            with self.subTest("event list action", role=role):
                # The export page's form posts back with the selection (the action's first POST shows it).
                response = self.client.post(
                    reverse("admin:events_event_changelist"),
                    {"action": "export_participants", "_selected_action": [self.event.pk], "_export_form": "1",
                     "format": "excel", "columns-shown": "1", "columns-last_name": "1"},
                )
                self.assertEqual(response.status_code, expected(role, role in may_export))
                if role in may_export:
                    self.assertEqual(response["Content-Type"].split(";")[0], "text/csv")
        self.assertEqual(ParticipantExport.objects.count(), 1 + 3 * len(may_export))

    def test_drafts_are_previewed_by_those_who_edit_them_only(self):
        draft_article = make_article(status=Status.DRAFT)
        scheduled_article = make_article(published_at=timezone.now() + timedelta(days=1))
        draft_event = make_event(status=Status.DRAFT)
        private_person = make_person(is_public=False)
        for obj in (draft_article, scheduled_article, draft_event, private_person):
            for role in ROLES:
                with self.subTest(obj=obj, role=role):
                    self.as_role(role)
                    status = 200 if role in ("communication", "superuser") else 404
                    self.assertEqual(self.client.get(obj.get_absolute_url()).status_code, status)


SECRET = "Confidentiel"


class NoLeakTests(TestCase):
    """Drafts, scheduled items and private people appear on no public surface."""

    @classmethod
    def setUpTestData(cls):
        soon = timezone.now() + timedelta(days=3)
        cls.public_person = make_person(first_name="Catherine", last_name="Bertram")
        cls.private_person = make_person(first_name="Paul", last_name=f"{SECRET}privé", is_public=False)
        cls.event = make_event(title="Congrès public")
        cls.event.tags.add("friches")
        cls.draft_event = make_event(title=f"{SECRET} événement brouillon", status=Status.DRAFT)
        cls.scheduled_event = make_event(title=f"{SECRET} événement programmé", published_at=soon)
        for event in (cls.draft_event, cls.scheduled_event):
            event.tags.add("friches")
            make_participation(event, cls.public_person, talk_title=f"{SECRET} intervention")
        make_participation(cls.event, cls.private_person, talk_title=f"{SECRET} intervention privée")
        make_participation(cls.event, cls.public_person, role=Participation.Role.ATTENDEE,
                           talk_title=f"{SECRET} simple présence")
        make_programme_item(cls.event, title="Ouverture").speakers.add(cls.private_person, cls.public_person)
        cls.private_person.tags.add("friches")
        cls.article = make_article(title="Article public")
        cls.article.tags.add("friches")
        cls.article.related_events.add(cls.event, cls.draft_event, cls.scheduled_event)
        cls.article.related_people.add(cls.public_person, cls.private_person)
        cls.event_article = cls.article
        for article in (
            make_article(title=f"{SECRET} article brouillon", status=Status.DRAFT),
            make_article(title=f"{SECRET} article programmé", published_at=soon),
        ):
            article.tags.add("friches")
            article.related_events.add(cls.event)
            article.related_people.add(cls.public_person)

    def public_surfaces(self):
        return [
            "/",
            reverse("news:article-list"),
            reverse("news:article-year", args=[timezone.now().year]),
            reverse("news:article-tag", args=["friches"]),
            self.article.get_absolute_url(),
            reverse("events:event-list"),
            reverse("events:past-event-list"),
            self.event.get_absolute_url(),
            reverse("people:person-list"),
            self.public_person.get_absolute_url(),
            reverse("tag-detail", args=["friches"]),
            reverse("search") + "?q=brouillon",
            reverse("search") + "?q=programmé",
            reverse("search") + "?q=Paul",
            reverse("search") + "?q=friches",
            reverse("news:rss"),
            reverse("news:atom"),
            reverse("events:rss"),
            reverse("events:atom"),
            reverse("events:ics"),
            reverse("events:event-ics", args=[self.event.slug]),
            reverse("sitemap"),
            *(reverse("sitemap-section", args=[section]) for section in ("pages", "actualites", "agenda", "personnes")),
        ]

    def test_no_public_surface_names_a_hidden_item(self):
        for url in self.public_surfaces():
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                content = response.content.decode()
                self.assertNotIn(SECRET.lower(), content.lower())

    def test_the_hidden_items_own_addresses_answer_404(self):
        for url in (
            self.draft_event.get_absolute_url(),
            self.scheduled_event.get_absolute_url(),
            reverse("events:event-ics", args=[self.draft_event.slug]),
            reverse("events:event-ics", args=[self.scheduled_event.slug]),
            self.private_person.get_absolute_url(),
            *(article.get_absolute_url() for article in type(self.article).objects.filter(title__startswith=SECRET)),
        ):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)

    def test_the_json_ld_names_only_public_things(self):
        for url in (self.article.get_absolute_url(), self.event.get_absolute_url(), self.public_person.get_absolute_url()):
            html = self.client.get(url).content.decode()
            blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
            self.assertTrue(blocks, url)
            self.assertNotIn(SECRET, "".join(blocks), url)
            self.assertNotIn("privé", "".join(blocks), url)
