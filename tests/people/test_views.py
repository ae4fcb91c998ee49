import json
from datetime import timedelta

from django.contrib.auth.models import Permission
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from core.publishing import Status
from events.models import Participation
from tests.factories import (
    local,
    make_article,
    make_event,
    make_organisation,
    make_participation,
    make_person,
    make_user,
    uploaded_image,
)
from tests.helpers import json_ld, queries_for


class DirectoryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.mbm = make_organisation(name="Mission Bassin Minier", acronym="MBM")
        cls.ademe = make_organisation(name="Agence de la transition écologique", acronym="ADEME")
        cls.hidden_org = make_organisation(name="Organisation sans public")
        cls.bertram = make_person(first_name="Catherine", last_name="Bertram", organisation=cls.mbm, email="cb@example.org")
        cls.soyer = make_person(first_name="Antoine", last_name="Soyer", organisation=cls.ademe)
        cls.private = make_person(first_name="Paul", last_name="Privé", organisation=cls.hidden_org, is_public=False)

    def test_directory_lists_public_profiles_only(self):
        response = self.client.get(reverse("people:person-list"))
        self.assertContains(response, "Catherine Bertram")
        self.assertContains(response, "Antoine Soyer")
        self.assertNotContains(response, "Privé")
        self.assertNotContains(response, "Organisation sans public")
        self.assertNotContains(response, "cb@example.org")
        self.assertNotContains(response, "+33")

    def test_filter_by_organisation(self):
        response = self.client.get(reverse("people:person-list"), {"organisation": self.ademe.slug})
        self.assertContains(response, "Antoine Soyer")
        self.assertNotContains(response, "Catherine Bertram")
        self.assertContains(response, f'href="http://127.0.0.1:8000/personnes/?organisation={self.ademe.slug}"')

    def test_unknown_organisation_or_garbage_is_ignored(self):
        for query in ({"organisation": "inconnue"}, {"organisation": self.hidden_org.slug}, {"organisation": "é" * 5000}, {"x": "y"}):
            response = self.client.get(reverse("people:person-list"), query)
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, "Catherine Bertram")
            self.assertNotContains(response, "Privé")

    def test_odd_pages_give_404(self):
        for page in ("abc", "50", "0"):
            self.assertEqual(self.client.get(reverse("people:person-list"), {"page": page}).status_code, 404)

    def test_constant_queries(self):
        url = reverse("people:person-list")
        small = queries_for(self.client, url)
        for _ in range(10):
            make_person(organisation=make_organisation())
        self.assertEqual(queries_for(self.client, url), small)
        self.assertLessEqual(small, 8)


class PersonPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.mbm = make_organisation(name="Mission Bassin Minier")
        cls.person = make_person(
            first_name="Catherine", last_name="Bertram", job_title="directrice", organisation=cls.mbm,
            bio="<p>Urbaniste, elle dirige la Mission depuis 2013.</p>",
            email="catherine.bertram@example.org", phone="+33 3 21 08 72 72",
            photo=uploaded_image("bertram.jpg", size=(800, 1000)),
        )
        cls.person.tags.add("patrimoine")
        cls.congress = make_event(
            title="Congrès de Thetford Mines", timezone="America/Toronto",
            start=local(2025, 5, 7, 9, tz="America/Toronto"), end=local(2025, 5, 8, 17, tz="America/Toronto"),
            city="Thetford Mines", region="Québec", country="Canada",
        )
        make_participation(cls.congress, cls.person, talk_title="Un territoire inscrit au Patrimoine mondial", notes="note interne")
        cls.draft_event = make_event(title="Séminaire en brouillon", status=Status.DRAFT)
        make_participation(cls.draft_event, cls.person, talk_title="Exposé caché")
        cls.attended = make_event(title="Assemblée où elle écoutait")
        make_participation(cls.attended, cls.person, role=Participation.Role.ATTENDEE)
        cls.cancelled = make_event(title="Colloque annulé pour elle")
        make_participation(cls.cancelled, cls.person, status=Participation.Status.CANCELLED)
        cls.news = make_article(title="La Mission au Québec")
        cls.news.related_people.add(cls.person)
        cls.scheduled_news = make_article(title="Portrait à paraître", published_at=timezone.now() + timedelta(days=2))
        cls.scheduled_news.related_people.add(cls.person)
        cls.private = make_person(first_name="Paul", last_name="Privé", is_public=False)

    def get(self):
        return self.client.get(self.person.get_absolute_url())

    def test_profile_shows_job_organisation_bio_and_photo(self):
        response = self.get()
        self.assertContains(response, "<h1>Catherine Bertram</h1>", html=True)
        self.assertContains(response, "directrice")
        self.assertContains(response, "Mission Bassin Minier")
        self.assertContains(response, "Urbaniste, elle dirige la Mission depuis 2013.")
        self.assertContains(response, 'alt="Catherine Bertram"')
        self.assertContains(response, 'width="800" height="1000"')

    def test_talks_at_published_events_only(self):
        response = self.get()
        self.assertContains(response, "Congrès de Thetford Mines")
        self.assertContains(response, "Un territoire inscrit au Patrimoine mondial")
        self.assertContains(response, "7–8 mai 2025")
        for hidden in ("Séminaire en brouillon", "Exposé caché", "Assemblée où elle écoutait", "Colloque annulé pour elle"):
            self.assertNotContains(response, hidden)

    def test_news_mentioning_them_published_only(self):
        response = self.get()
        self.assertContains(response, "La Mission au Québec")
        self.assertNotContains(response, "Portrait à paraître")

    def test_private_data_never_shown(self):
        response = self.get()
        for hidden in ("catherine.bertram@example.org", "+33 3 21 08 72 72", "note interne", "mailto:", "tel:"):
            self.assertNotContains(response, hidden)

    def test_non_public_person_is_404_but_staff_may_preview(self):
        self.assertEqual(self.client.get(self.private.get_absolute_url()).status_code, 404)
        editor = make_user()
        editor.user_permissions.add(Permission.objects.get(codename="change_person"))
        self.client.force_login(editor)
        response = self.client.get(self.private.get_absolute_url())
        self.assertContains(response, "Paul Privé")
        self.assertContains(response, 'content="noindex, nofollow"')

    def test_json_ld_person_without_contact_details(self):
        data = json_ld(self.get())
        self.assertEqual(data["@type"], "Person")
        self.assertEqual(data["name"], "Catherine Bertram")
        self.assertEqual(data["jobTitle"], "directrice")
        self.assertEqual(data["worksFor"]["name"], "Mission Bassin Minier")
        self.assertTrue(data["image"].startswith("http://127.0.0.1:8000/media/"))
        self.assertNotIn("email", data)
        self.assertNotIn("telephone", data)
        self.assertNotIn("example.org", json.dumps(data))

    def test_head_tags(self):
        content = self.get().content.decode()
        self.assertIn("<title>Catherine Bertram – Mission Bassin Minier</title>", content)
        self.assertIn('property="og:type" content="profile"', content)
        self.assertIn(f'<link rel="canonical" href="http://127.0.0.1:8000{self.person.get_absolute_url()}">', content)
        self.assertIn('name="description" content="Urbaniste, elle dirige la Mission depuis 2013."', content)

    def test_constant_queries(self):
        small = queries_for(self.client, self.person.get_absolute_url())
        for i in range(5):
            make_participation(make_event(), self.person, talk_title=f"Exposé {i}", organisation=make_organisation())
            make_article().related_people.add(self.person)
        self.assertEqual(queries_for(self.client, self.person.get_absolute_url()), small)
        self.assertLessEqual(small, 8)
