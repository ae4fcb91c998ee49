"""A communications officer maintains the site through the admin."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Group
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.publishing import Status
from events.models import Event, Participation
from news.models import Article
from tests.factories import (
    make_article,
    make_event,
    make_organisation,
    make_participation,
    make_person,
    make_user,
    uploaded_image,
)


def management_form(prefix: str, total: int, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


class EventEditingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user(group="Communication")
        cls.city = make_organisation(name="Ville de Thetford Mines", kind="city")
        cls.mbm = make_organisation(name="Mission Bassin Minier", acronym="MBM")
        cls.bertram = make_person(first_name="Catherine", last_name="Bertram", organisation=cls.mbm)
        cls.soyer = make_person(first_name="Antoine", last_name="Soyer")

    def setUp(self):
        self.client.force_login(self.editor)

    def congress_form(self, **overrides) -> dict:
        data = {
            "title": "Congrès international sur la requalification des friches industrielles",
            "slug": "",
            "kind": "congress",
            "summary": "Premier congrès international.",
            "description": "<p>Conférences, tables rondes et visites.</p>",
            "tags": "friches, Québec",
            "timezone": "America/Toronto",
            "start_0": "2025-05-07",
            "start_1": "08:30",
            "end_0": "2025-05-08",
            "end_1": "17:00",
            "venue": "Centre des congrès",
            "city": "Thetford Mines",
            "region": "Québec",
            "country": "Canada",
            "organisers": [str(self.city.pk)],
            "expected_attendance": "100",
            "status": "published",
            "published_at_0": "2025-04-01",
            "published_at_1": "09:00",
            **management_form("programme", 1),
            "programme-0-title": "Le Bassin minier du Nord–Pas de Calais",
            "programme-0-kind": "talk",
            "programme-0-start_0": "2025-05-07",
            "programme-0-start_1": "10:00",
            "programme-0-end_0": "2025-05-07",
            "programme-0-end_1": "10:45",
            "programme-0-speakers": [str(self.bertram.pk)],
            **management_form("participations", 2),
            "participations-0-person": str(self.bertram.pk),
            "participations-0-role": "speaker",
            "participations-0-talk_title": "Le Bassin minier du Nord–Pas de Calais",
            "participations-0-status": "confirmed",
            "participations-1-person": str(self.soyer.pk),
            "participations-1-role": "speaker",
            "participations-1-status": "invited",
        }
        data.update(overrides)
        return data

    def test_create_a_congress_with_its_programme_and_speakers(self):
        response = self.client.post("/admin/events/event/add/", self.congress_form())
        self.assertEqual(response.status_code, 302, response.context and response.context["adminform"].errors)
        event = Event.objects.get()
        self.assertEqual(event.slug, "congres-international-sur-la-requalification-des-friches-industrielles")
        toronto = ZoneInfo("America/Toronto")
        self.assertEqual(event.start.astimezone(toronto).strftime("%Y-%m-%d %H:%M"), "2025-05-07 08:30")
        talk = event.programme.get()
        self.assertEqual(talk.start.astimezone(ZoneInfo("UTC")).strftime("%H:%M"), "14:00")
        self.assertEqual(list(talk.speakers.all()), [self.bertram])
        bertram = event.participations.get(person=self.bertram)
        self.assertEqual(bertram.organisation, self.mbm)
        self.assertEqual(event.participations.count(), 2)
        self.assertEqual(set(event.tags.names()), {"friches", "Québec"})
        self.assertEqual(list(event.organisers.all()), [self.city])

    def test_the_form_shows_times_in_the_events_own_zone(self):
        self.client.post("/admin/events/event/add/", self.congress_form())
        event = Event.objects.get()
        page = self.client.get(f"/admin/events/event/{event.pk}/change/").content.decode()
        self.assertIn('value="08:30"', page)
        self.assertIn('value="10:00"', page)

    def test_an_end_before_the_start_is_a_form_error_and_saves_nothing(self):
        response = self.client.post(
            "/admin/events/event/add/", self.congress_form(end_0="2025-05-06")
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "La fin ne peut pas précéder le début")
        self.assertFalse(Event.objects.exists())

    def test_the_same_person_twice_is_a_form_error(self):
        response = self.client.post(
            "/admin/events/event/add/",
            self.congress_form(**{"participations-1-person": str(self.bertram.pk)}),
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Corrigez les données en double")
        self.assertFalse(Event.objects.exists())

    def test_adding_someone_already_registered_is_a_form_error(self):
        participation = make_participation(person=self.bertram)
        response = self.client.post(
            "/admin/events/participation/add/",
            {
                "event": str(participation.event.pk),
                "person": str(self.bertram.pk),
                "role": "attendee",
                "status": "registered",
                "created_0": "2025-05-01",
                "created_1": "10:00",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "participe déjà à cet événement")
        self.assertEqual(Participation.objects.count(), 1)

    def test_the_admin_speaks_french(self):
        response = self.client.get("/admin/events/event/add/")
        self.assertContains(response, "Enregistrer")
        self.assertContains(response, "Fuseau horaire")


class ArticleEditingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user(group="Communication", first_name="Léa", last_name="Durand")
        cls.event = make_event(title="Congrès de Thetford Mines")

    def setUp(self):
        self.client.force_login(self.editor)

    def test_write_an_article_with_an_image_and_schedule_it(self):
        tomorrow = timezone.localtime() + timedelta(days=1)
        response = self.client.post(
            "/admin/news/article/add/",
            {
                "title": "Cœur de ville : l'œuvre",
                "slug": "",
                "standfirst": "Un chapeau.",
                "body": '<p>Texte<script>alert(1)</script> <a href="javascript:alert(1)">lien</a></p>',
                "tags": "friches",
                "image": uploaded_image("congres.jpg"),
                "image_alt": "La salle du congrès",
                "image_credit": "Ville de Thetford Mines",
                "related_events": [str(self.event.pk)],
                "status": "published",
                "published_at_0": tomorrow.strftime("%d/%m/%Y"),
                "published_at_1": tomorrow.strftime("%H:%M"),
            },
        )
        self.assertEqual(response.status_code, 302)
        article = Article.objects.get()
        self.assertEqual(article.slug, "coeur-de-ville-l-oeuvre")
        self.assertEqual(article.body, "<p>Texte <a>lien</a></p>")
        self.assertEqual(article.author, self.editor)
        self.assertTrue(article.image_renditions["webp"])
        self.assertNotIn(article, Article.objects.published())

    def test_an_image_without_alternative_text_is_refused(self):
        response = self.client.post(
            "/admin/news/article/add/",
            {"title": "Sans alt", "status": "draft", "image": uploaded_image("a.jpg"), "image_alt": ""},
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "texte alternatif est obligatoire")
        self.assertFalse(Article.objects.exists())

    def test_a_file_that_is_not_an_image_is_a_form_error(self):
        from django.core.files.uploadedfile import SimpleUploadedFile

        response = self.client.post(
            "/admin/news/article/add/",
            {
                "title": "Mauvais fichier",
                "status": "draft",
                "image": SimpleUploadedFile("photo.jpg", b"not an image", content_type="image/jpeg"),
                "image_alt": "x",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["adminform"].form.errors["image"])
        self.assertFalse(Article.objects.exists())

    def test_publish_and_unpublish_from_the_list(self):
        draft = make_article(status=Status.DRAFT, published_at=None)
        self.client.post(
            "/admin/news/article/", {"action": "publish", "_selected_action": [str(draft.pk)]}
        )
        self.assertIn(draft, Article.objects.published())
        self.client.post(
            "/admin/news/article/", {"action": "unpublish", "_selected_action": [str(draft.pk)]}
        )
        self.assertNotIn(draft, Article.objects.published())

    def test_the_list_tells_draft_scheduled_and_online_apart(self):
        make_article(title="Brouillon A", status=Status.DRAFT)
        make_article(title="Programmé B", published_at=timezone.now() + timedelta(days=2))
        make_article(title="En ligne C")
        response = self.client.get("/admin/news/article/")
        for label in ("Brouillon", "Programmé", "En ligne"):
            self.assertContains(response, label)


class PermissionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.person = make_person(email="prive@example.org", phone="+33 6 00 00 00 00")
        cls.participation = make_participation(person=cls.person)

    def test_the_communication_group_can_edit_content_and_export_but_not_manage_users(self):
        group = Group.objects.get(name="Communication")
        codenames = set(group.permissions.values_list("codename", flat=True))
        self.assertTrue({"add_article", "change_article", "view_article", "change_event", "add_person",
                         "change_participation", "export_participants"} <= codenames)
        self.assertFalse({c for c in codenames if c.endswith(("_user", "_group", "_permission"))})
        self.assertNotIn("delete_person", codenames)

        editor = make_user(group="Communication")
        self.client.force_login(editor)
        self.assertEqual(self.client.get("/admin/people/person/").status_code, 200)
        self.assertEqual(self.client.get("/admin/auth/user/").status_code, 403)
        self.assertEqual(self.client.get("/admin/auth/group/").status_code, 403)

    def test_a_staff_member_outside_communication_sees_no_personal_data(self):
        self.client.force_login(make_user())
        for url in (
            "/admin/people/person/",
            f"/admin/people/person/{self.person.pk}/change/",
            "/admin/events/participation/",
            f"/admin/events/participation/{self.participation.pk}/change/",
        ):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 403, url)
            self.assertNotContains(response, "prive@example.org", status_code=403)
        self.assertNotContains(self.client.get("/admin/"), "Personnes")

    def test_anonymous_visitors_are_sent_to_the_login_page(self):
        response = self.client.get("/admin/news/article/")
        self.assertEqual(response.status_code, 302)
        self.assertIn("/admin/login/", response["Location"])


class DraftPreviewTests(TestCase):
    def test_the_public_gets_404_for_drafts_scheduled_items_and_private_people(self):
        draft = make_article(status=Status.DRAFT)
        scheduled = make_article(published_at=timezone.now() + timedelta(days=1))
        draft_event = make_event(status=Status.DRAFT)
        private = make_person(is_public=False)
        for obj in (draft, scheduled, draft_event, private):
            self.assertEqual(self.client.get(obj.get_absolute_url()).status_code, 404, obj)


class ProtectedHistoryTests(TestCase):
    def test_deleting_a_person_who_took_part_in_an_event_is_refused(self):
        participation = make_participation()
        self.client.force_login(make_user(is_superuser=True))
        url = f"/admin/people/person/{participation.person.pk}/delete/"
        response = self.client.post(url, {"post": "yes"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "éléments liés et protégés suivants")
        self.assertTrue(Participation.objects.filter(pk=participation.pk).exists())


def resubmit_data(response) -> dict:
    """The data a browser would send back when saving the change form unmodified."""
    data = {}

    def add(form):
        for bound in form:
            value = bound.value()
            if value is None or value is False:
                continue
            widget = bound.field.widget
            if hasattr(widget, "widget"):
                widget = widget.widget
            if hasattr(widget, "widgets") and isinstance(value, list | tuple):
                for i, part in enumerate(value):
                    data[f"{bound.html_name}_{i}"] = part if part is not None else ""
            elif isinstance(value, list | tuple):
                data[bound.html_name] = [str(v.pk if hasattr(v, "pk") else v) for v in value]
            elif hasattr(value, "strftime") and hasattr(widget, "widgets"):
                data[f"{bound.html_name}_0"] = value.strftime("%Y-%m-%d")
                data[f"{bound.html_name}_1"] = value.strftime("%H:%M:%S")
            elif value is True:
                data[bound.html_name] = "on"
            else:
                data[bound.html_name] = str(value.pk if hasattr(value, "pk") else value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = str(value)
        for form in formset.forms:
            add(form)
    return data


def debug_errors(response):
    errors = [response.context["adminform"].form.errors]
    errors += [inline.formset.errors for inline in response.context["inline_admin_formsets"]]
    return errors


class LargeCongressTests(TestCase):
    """A congress of 300 participants among thousands of people stays quick to edit."""

    @classmethod
    def setUpTestData(cls):
        from people.models import Person

        cls.event = make_event(title="Grand congrès")
        people = Person.objects.bulk_create(
            Person(first_name="Zoé", last_name=f"Participante {i:04d}", slug=f"participante-{i}")
            for i in range(2000)
        )
        Participation.objects.bulk_create(
            Participation(event=cls.event, person=person, role="attendee") for person in people[:300]
        )
        for person in people[300:306]:
            make_participation(event=cls.event, person=person, role="speaker", talk_title="Intervention")
        cls.editor = make_user(group="Communication")

    def setUp(self):
        self.client.force_login(self.editor)

    def test_the_event_page_lists_speakers_inline_and_links_to_all_participants(self):
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(f"/admin/events/event/{self.event.pk}/change/")
        self.assertLessEqual(len(queries), 15)
        formset = next(
            inline.formset for inline in response.context["inline_admin_formsets"]
            if inline.formset.model is Participation
        )
        self.assertEqual(len(formset.initial_forms), 6)
        self.assertContains(response, "306 participants")
        self.assertContains(response, f"?event__id__exact={self.event.pk}")
        full_list = self.client.get(f"/admin/events/participation/?event__id__exact={self.event.pk}")
        self.assertContains(full_list, "306 participations")

    def test_saving_costs_no_more_queries_with_300_attendees_than_with_3(self):
        small = make_event(title="Petit séminaire")
        for participation in self.event.participations.all()[:3]:
            make_participation(event=small, person=participation.person, role="attendee")
        for participation in self.event.participations.filter(role="speaker"):
            make_participation(event=small, person=participation.person, role="speaker")

        counts = []
        for event in (small, self.event):
            data = resubmit_data(self.client.get(f"/admin/events/event/{event.pk}/change/"))
            with CaptureQueriesContext(connection) as queries:
                response = self.client.post(f"/admin/events/event/{event.pk}/change/", data)
            self.assertEqual(response.status_code, 302, response.context and debug_errors(response))
            counts.append(len(queries))
        self.assertEqual(counts[0], counts[1])
        self.assertEqual(self.event.participations.count(), 306)
