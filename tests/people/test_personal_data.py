"""Personal data: access (export), erasure and retention (people/personal_data.py, docs/personal-data.md)."""

import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path

import reversion
from django.contrib.auth.models import Group, Permission
from django.contrib.redirects.models import Redirect
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from reversion.models import Revision, Version

from core.publishing import Status
from events.models import ParticipantExport, Participation, ProgrammeItem, Speaker
from news.models import Article
from people import personal_data
from people.models import Person, PersonalDataAudit
from tests.factories import (
    make_article,
    make_event,
    make_participation,
    make_person,
    make_programme_item,
    make_user,
    uploaded_image,
)


def person_with_everything():
    """A public speaker with a photo, notes, a talk, an article, an export and two versions."""
    with reversion.create_revision():
        person = make_person(
            first_name="Léa",
            last_name="Durandal",
            email="Lea.Durandal@example.org",
            bio="<p>Urbaniste passionnée.</p>",
            photo=uploaded_image("lea.jpg"),
        )
    person.tags.add("urbanisme")
    public_event = make_event(title="Rencontre des friches")
    draft_event = make_event(title="Atelier interne", status=Status.DRAFT, published_at=None)
    with reversion.create_revision():
        participation = make_participation(
            public_event, person, talk_title="Reconvertir un carreau de fosse", notes="Végétarienne"
        )
        reversion.add_to_revision(participation)
    make_participation(draft_event, person, talk_title="Brouillon d’intervention", notes="Arrive à 10 h")
    item = make_programme_item(public_event, title="Reconvertir un carreau de fosse")
    Speaker.objects.create(programme_item=item, person=person)
    article = make_article(title="Les friches à l’honneur")
    article.related_people.add(person)
    ParticipantExport.objects.create(
        username="lea.chef", source="event_page", events=[public_event.slug], format="excel", row_count=40
    )
    ParticipantExport.objects.create(username="autre", source="event_page", events=["autre-chose"], format="csv")
    with reversion.create_revision():
        person.job_title = "urbaniste en chef"
        person.save()
    return person


class AccessTests(TestCase):
    def test_collect_holds_everything(self):
        """The record, organisation, participations with notes, programme, articles, exports, history."""
        person = person_with_everything()
        data = personal_data.collect(person)
        self.assertEqual(data["person"]["email"], "Lea.Durandal@example.org")
        self.assertEqual(data["person"]["tags"], ["urbanisme"])
        self.assertEqual(len(data["participations"]), 2)
        self.assertEqual({p["internal_notes"] for p in data["participations"]}, {"Végétarienne", "Arrive à 10 h"})
        self.assertEqual(data["programme"][0]["item"], "Reconvertir un carreau de fosse")
        self.assertEqual([a["title"] for a in data["articles"]], ["Les friches à l’honneur"])
        self.assertEqual([e["by"] for e in data["participant_exports"]], ["lea.chef"])
        self.assertEqual(len(data["history"]), 2)
        self.assertEqual(data["history"][-1]["fields"]["job_title"], "urbaniste en chef")

    def test_archive_opens_with_json_summary_and_photo(self):
        person = person_with_everything()
        archive = zipfile.ZipFile(io.BytesIO(personal_data.export_archive(person)))
        names = archive.namelist()
        self.assertIn("data.json", names)
        self.assertIn("summary.html", names)
        photo = next(name for name in names if name.startswith("photo/"))
        with person.photo.open("rb") as original:
            self.assertEqual(archive.read(photo), original.read())
        data = json.loads(archive.read("data.json"))
        self.assertEqual(data["person"]["last_name"], "Durandal")
        summary = archive.read("summary.html").decode()
        self.assertIn("Données personnelles détenues sur Léa Durandal", summary)
        self.assertIn("Végétarienne", summary)
        self.assertIn("Notes internes", summary)
        self.assertIn("lea.chef", summary)


class CommandTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.person = make_person(first_name="Jean", last_name="Valjean", email="Jean.Valjean@example.org")

    def test_export_by_email_in_any_case(self):
        target = Path(self.enterContext(_tmpdir())) / "export.zip"
        call_command("personal_data", "export", "JEAN.valjean@example.org", "--output", str(target), verbosity=0)
        data = json.loads(zipfile.ZipFile(target).read("data.json"))
        self.assertEqual(data["person"]["last_name"], "Valjean")
        record = PersonalDataAudit.objects.get()
        self.assertEqual((record.action, record.ident_kind, record.person), ("export", "email", self.person))
        self.assertEqual(record.ident_digest, personal_data.digest("jean.valjean@example.org"))
        self.assertNotIn("valjean", record.ident_digest.lower())

    def test_export_by_current_or_old_slug(self):
        self.assertEqual(personal_data.find(self.person.slug)[0], self.person)
        old = self.person.slug
        self.person.slug = "jean-valjean-24601"
        self.person.save()  # public: the old address redirects
        self.assertEqual(personal_data.find(old)[0], self.person)

    def test_unknown_or_ambiguous_ident_writes_nothing(self):
        folder = Path(self.enterContext(_tmpdir()))
        make_person(email="jean.valjean@EXAMPLE.org")
        for ident, message in (
            ("personne@example.org", "No person has the e-mail"),
            ("pas-de-slug", "No person has the slug"),
            ("jean.valjean@example.org", "2 people have the e-mail"),
            ("../../etc/passwd", "No person has the slug"),
        ):
            with self.subTest(ident), self.assertRaisesMessage(CommandError, message):
                call_command("personal_data", "export", ident, "--output", str(folder / "x.zip"))
        self.assertEqual(list(folder.iterdir()), [])
        self.assertFalse(PersonalDataAudit.objects.exists())

    def test_erase_asks_for_confirmation(self):
        with self.assertRaisesMessage(CommandError, "Nothing erased"):
            call_command("personal_data", "erase", self.person.slug, stdout=io.StringIO())
        self.assertEqual(Person.objects.get(pk=self.person.pk).last_name, "Valjean")
        out = io.StringIO()
        call_command("personal_data", "erase", self.person.slug, "--yes", stdout=out)
        self.assertIn("Personne anonymisée", out.getvalue())
        self.assertEqual(Person.objects.get(pk=self.person.pk).full_name, "Personne anonymisée")
        with self.assertRaisesMessage(CommandError, "No person has the slug"):
            call_command("personal_data", "erase", self.person.slug, "--yes")


class ErasureTests(TestCase):
    def test_everything_goes_but_the_statistics(self):
        person = person_with_everything()
        files = [person.photo.name] + [
            name for key in ("webp", "fallback") for _w, name in person.photo_renditions[key]
        ]
        self.assertTrue(all(default_storage.exists(name) for name in files))
        old_slug = person.slug
        person.slug = "lea-durandal-urbaniste"
        person.save()  # leaves a redirect from the old address
        participation_ids = list(person.participations.values_list("pk", flat=True))
        speaker_ids = [str(pk) for pk in Speaker.objects.filter(person=person).values_list("pk", flat=True)]
        user = make_user(is_superuser=True)

        with self.captureOnCommitCallbacks(execute=True):
            self.assertTrue(personal_data.erase(person, by=user, ident_kind="email", ident="lea.durandal@example.org"))

        person = Person.objects.get(pk=person.pk)
        self.assertEqual(person.full_name, "Personne anonymisée")
        self.assertTrue(person.slug.startswith("anonyme-"))
        for name in ("email", "phone", "bio", "job_title", "photo"):
            self.assertFalse(getattr(person, name), name)
        self.assertEqual(person.photo_renditions, {})
        self.assertIsNone(person.organisation)
        self.assertFalse(person.is_public)
        self.assertEqual(list(person.tags.all()), [])
        self.assertFalse(any(default_storage.exists(name) for name in files))
        self.assertFalse(Redirect.objects.filter(old_path__contains=old_slug).exists())
        self.assertEqual(self.client.get(f"/personnes/{old_slug}/").status_code, 404)
        self.assertEqual(self.client.get("/personnes/lea-durandal-urbaniste/").status_code, 404)
        # Statistics stay: roles and statuses, linked to the placeholder; talk titles only at public events.
        participations = {p.event.title: p for p in Participation.objects.filter(pk__in=participation_ids)}
        self.assertEqual(len(participations), 2)
        self.assertEqual(participations["Rencontre des friches"].talk_title, "Reconvertir un carreau de fosse")
        self.assertEqual(participations["Atelier interne"].talk_title, "")
        self.assertTrue(all(p.notes == "" and p.organisation is None for p in participations.values()))
        self.assertFalse(Speaker.objects.filter(person=person).exists())
        self.assertTrue(ProgrammeItem.objects.filter(title="Reconvertir un carreau de fosse").exists())
        self.assertFalse(Article.objects.filter(related_people=person).exists())
        # The history: nothing of the record; participations' versions keep what the participation keeps.
        self.assertFalse(Version.objects.get_for_object(person).exists())
        self.assertFalse(Version.objects.filter(content_type__model="speaker", object_id__in=speaker_ids).exists())
        for version in Version.objects.filter(content_type__model="participation"):
            self.assertNotIn("Végétarienne", version.serialized_data)
            self.assertNotIn("Durandal", version.object_repr)
        self.assertFalse(Version.objects.filter(serialized_data__contains="Durandal").exists())
        self.assertFalse(Revision.objects.filter(version__isnull=True).exists())
        # Audited without the data.
        record = PersonalDataAudit.objects.get(action="erasure")
        self.assertEqual((record.person, record.user, record.ident_kind), (person, user, "email"))
        self.assertEqual(record.ident_digest, personal_data.digest("Lea.Durandal@example.org"))
        # Done once.
        self.assertFalse(personal_data.erase(person))
        self.assertEqual(PersonalDataAudit.objects.filter(action="erasure").count(), 1)

    def test_the_history_cannot_bring_them_back(self):
        """No version of the record is left for « Récupérer » or « Restaurer »."""
        person = person_with_everything()
        personal_data.erase(person)
        admin = make_user(is_superuser=True)
        self.client.force_login(admin)
        recover = self.client.get(reverse("admin:people_person_recoverlist"))
        self.assertNotContains(recover, "Durandal")
        history = self.client.get(reverse("admin:people_person_history", args=[person.pk]))
        self.assertNotContains(history, "Durandal")
        self.assertFalse(Version.objects.get_deleted(Person).exists())


class AdminTests(TestCase):
    def setUp(self):
        self.person = make_person(first_name="Hélène", last_name="Boucher")
        make_participation(person=self.person, notes="Allergie")

    def test_nobody_has_the_permission_by_default(self):
        self.assertFalse(Group.objects.filter(permissions__codename="manage_personal_data").exists())
        editor = make_user(group="Communication")
        self.client.force_login(editor)
        page = self.client.get(reverse("admin:people_person_change", args=[self.person.pk]))
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, "données personnelles")
        changelist = self.client.get(reverse("admin:people_person_changelist"))
        self.assertNotContains(changelist, "erase_personal_data")
        for name in ("export", "erase"):
            url = reverse(f"admin:people_person_{name}_personal_data", args=[self.person.pk])
            self.assertEqual(self.client.post(url).status_code, 403)
        response = self.client.post(
            reverse("admin:people_person_changelist"),
            {"action": "erase_personal_data", "_selected_action": [self.person.pk]},
        )
        self.assertEqual(Person.objects.get(pk=self.person.pk).last_name, "Boucher")
        self.assertIn(response.status_code, (200, 302))

    def test_export_from_the_page_and_the_list(self):
        user = make_user()
        user.user_permissions.add(
            Permission.objects.get(codename="manage_personal_data"),
            Permission.objects.get(codename="view_person"),
            Permission.objects.get(codename="change_person"),
        )
        self.client.force_login(user)
        page = self.client.get(reverse("admin:people_person_change", args=[self.person.pk]))
        self.assertContains(page, "Exporter les données personnelles")
        self.assertContains(page, "Effacer les données personnelles")
        url = reverse("admin:people_person_export_personal_data", args=[self.person.pk])
        self.assertEqual(self.client.get(url).status_code, 405)  # a link downloads nothing
        response = self.client.post(url)
        self.assertEqual(response["Content-Type"], "application/zip")
        data = json.loads(zipfile.ZipFile(io.BytesIO(response.content)).read("data.json"))
        self.assertEqual(data["participations"][0]["internal_notes"], "Allergie")
        response = self.client.post(
            reverse("admin:people_person_changelist"),
            {"action": "export_personal_data", "_selected_action": [self.person.pk]},
        )
        self.assertEqual(response["Content-Type"], "application/zip")
        self.assertEqual(PersonalDataAudit.objects.filter(action="export", user=user).count(), 2)

    def test_erase_through_the_confirmation_page(self):
        self.client.force_login(make_user(is_superuser=True))
        response = self.client.post(
            reverse("admin:people_person_changelist"),
            {"action": "erase_personal_data", "_selected_action": [self.person.pk]},
        )
        url = reverse("admin:people_person_erase_personal_data", args=[self.person.pk])
        self.assertRedirects(response, url)
        page = self.client.get(url)
        self.assertContains(page, "Effacer les données personnelles de Hélène Boucher")
        self.assertContains(page, "Les notes internes de 1 participation.")
        self.assertContains(page, "Oui, effacer définitivement")
        self.assertEqual(Person.objects.get(pk=self.person.pk).last_name, "Boucher")
        response = self.client.post(url, {"confirm": "yes"}, follow=True)
        self.assertContains(response, "Personne anonymisée")
        self.assertEqual(Person.objects.get(pk=self.person.pk).full_name, "Personne anonymisée")
        self.assertEqual(self.client.get(url, follow=True).status_code, 200)  # already done: back to the list


class RetentionTests(TestCase):
    def test_purge_anonymises_what_falls_due_once(self):
        now = timezone.now()
        long_ago = now - timedelta(days=4 * 366)
        old_event = make_event(start=long_ago, end=long_ago + timedelta(hours=2))
        recent_event = make_event(start=now - timedelta(days=30), end=now - timedelta(days=29))
        former = make_participation(old_event, make_person(is_public=False), notes="Note ancienne").person
        public = make_participation(old_event, make_person(is_public=True)).person
        active = make_person(is_public=False)
        make_participation(old_event, active)
        make_participation(recent_event, active, notes="Note récente")
        inactive = make_person(is_public=False)
        Person.objects.filter(pk=inactive.pk).update(updated=long_ago)
        newcomer = make_person(is_public=False)
        old_export = ParticipantExport.objects.create(username="x", source="command", format="csv")
        ParticipantExport.objects.filter(pk=old_export.pk).update(created=now - timedelta(days=400))
        ParticipantExport.objects.create(username="y", source="command", format="csv")

        report = personal_data.purge(now, dry_run=True)
        self.assertEqual(report.former_participants, [former.pk])
        self.assertEqual(report.inactive, [inactive.pk])
        self.assertEqual((report.public_contacts, report.notes, report.export_audits), (1, 1, 1))
        self.assertEqual(Person.objects.get(pk=former.pk).last_name, former.last_name)  # a dry run

        out = io.StringIO()
        call_command("personal_data", "purge", stdout=out)
        self.assertIn("Anonymised: 2.", out.getvalue())
        for person in (former, inactive):
            self.assertEqual(Person.objects.get(pk=person.pk).full_name, "Personne anonymisée")
        for person in (active, newcomer):
            self.assertEqual(Person.objects.get(pk=person.pk).last_name, person.last_name)
        public = Person.objects.get(pk=public.pk)
        self.assertEqual((public.email, public.phone, public.is_public), ("", "", True))
        self.assertFalse(Participation.objects.filter(notes="Note ancienne").exists())
        self.assertTrue(Participation.objects.filter(notes="Note récente").exists())
        self.assertEqual(list(ParticipantExport.objects.values_list("username", flat=True)), ["y"])
        self.assertEqual(PersonalDataAudit.objects.filter(action="retention").count(), 2)

        again = personal_data.purge(timezone.now())
        self.assertEqual((again.people, again.public_contacts, again.notes, again.export_audits), ([], 0, 0, 0))
        self.assertEqual(again.anonymised, 0)

    def test_a_period_set_to_none_is_kept_for_ever(self):
        long_ago = timezone.now() - timedelta(days=10 * 366)
        person = make_person(is_public=False)
        Person.objects.filter(pk=person.pk).update(updated=long_ago)
        with self.settings(PERSONAL_DATA_RETENTION={"INACTIVE_YEARS": None}):
            self.assertEqual(personal_data.purge(dry_run=True).inactive, [])
        self.assertEqual(personal_data.purge(dry_run=True).inactive, [person.pk])


class PublicSurfacesTests(TestCase):
    """The demo's Catherine Bertram erased: no public surface names her afterwards, cache warm."""

    # The article's text names her: editors decide (the erasure keeps articles' text).
    EDITORS_TEXT = "Catherine Bertram, directrice de la Mission Bassin Minier"

    @classmethod
    def setUpTestData(cls):
        call_command("loaddemo", stdout=io.StringIO())

    def surfaces(self) -> list[str]:
        from taggit.models import Tag

        from events.models import Event

        urls = [
            "/",
            "/actualites/",
            "/actualites/flux.rss",
            "/actualites/flux.atom",
            "/agenda/",
            "/agenda/archives/",
            "/agenda/mois/2025/5/",
            "/agenda/flux.rss",
            "/agenda/flux.atom",
            "/agenda/agenda.ics",
            "/personnes/",
            "/personnes/?organisation=mission-bassin-minier",
            "/recherche/?q=Catherine",
            "/recherche/?q=directrice",
            "/sitemap.xml",
            "/plan-du-site/",
            "/donnees-personnelles/",
        ]
        urls += [article.get_absolute_url() for article in Article.objects.published()]
        for event in Event.objects.published():
            urls += [event.get_absolute_url(), reverse("events:event-ics", args=[event.slug])]
        urls += [reverse("tag-detail", args=[tag.slug]) for tag in Tag.objects.all()]
        urls += [reverse("news:article-tag", args=[tag.slug]) for tag in Tag.objects.all()]
        urls += [
            f"/sitemap-{section}.xml" for section in ("pages", "actualites", "agenda", "personnes", "informations")
        ]
        return urls

    def test_erased_everywhere_at_once(self):
        bertram = Person.objects.get(slug="catherine-bertram")
        bertram.slug = "catherine-bertram-mbm"
        bertram.save()  # her old address now redirects: it must stop too
        urls = self.surfaces()
        before = {}
        for url in urls + ["/personnes/catherine-bertram-mbm/", "/recherche/?q=Bertram"]:
            response = self.client.get(url)
            self.assertIn(response.status_code, (200, 301), url)
            before[url] = response.content.decode()
        self.assertEqual(self.client.get("/personnes/catherine-bertram/").status_code, 301)
        self.assertTrue(any("Bertram" in content for content in before.values()))
        self.assertIn("Bertram", before["/agenda/congres-international-requalification-friches-thetford-mines/"])
        # Warm: the same pages come from the cache now.
        self.assertIn("Bertram", self.client.get("/personnes/").content.decode())

        personal_data.erase(Person.objects.get(pk=bertram.pk))

        for url in urls:
            response = self.client.get(url, follow=True)
            self.assertEqual(response.status_code, 200, url)
            content = response.content.decode().replace(self.EDITORS_TEXT, "")
            self.assertNotIn("Bertram", content, url)
            self.assertNotIn("catherine-bertram", content, url)
        for old in ("/personnes/catherine-bertram/", "/personnes/catherine-bertram-mbm/"):
            self.assertIn(self.client.get(old).status_code, (404, 410), old)
        # A search for her name finds only the article whose text names her: no person, no event.
        search = self.client.get("/recherche/?q=Bertram").content.decode()
        self.assertIn("Personnes (0)", search)
        self.assertIn("Événements (0)", search)
        self.assertNotRegex(search, r'href="/personnes/[^"]+/"')


def _tmpdir():
    import tempfile

    return tempfile.TemporaryDirectory(prefix="personal-data-")
