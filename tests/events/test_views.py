import json
import re
from datetime import timedelta

from django.contrib.auth.models import Permission
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from core.publishing import Status
from events.models import Event, Participation, ProgrammeItem
from tests.factories import (
    local,
    make_article,
    make_congress,
    make_event,
    make_organisation,
    make_participation,
    make_person,
    make_programme_item,
    make_user,
)
from tests.helpers import json_ld, queries_for


class AgendaTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        now = timezone.now()
        cls.soon = make_event(title="Visite du 11/19", kind=Event.Kind.SITE_VISIT, start=now + timedelta(days=3))
        cls.later = make_event(title="Congrès international", kind=Event.Kind.CONGRESS, start=now + timedelta(days=40))
        cls.later.tags.add("friches")
        cls.recent_past = make_event(title="Table ronde passée", start=now - timedelta(days=10))
        cls.old_past = make_event(title="Conférence de 2019", start=local(2019, 3, 14, 14))
        cls.draft = make_event(title="Événement en brouillon", status=Status.DRAFT)
        cls.draft.tags.add("secret")
        cls.scheduled = make_event(title="Annonce programmée", published_at=now + timedelta(days=1))

    def test_upcoming_events_soonest_first_by_default(self):
        response = self.client.get(reverse("events:event-list"))
        content = response.content.decode()
        self.assertLess(content.index("Visite du 11/19"), content.index("Congrès international"))
        self.assertNotContains(response, "Table ronde passée")

    def test_past_events_newest_first(self):
        response = self.client.get(reverse("events:past-event-list"))
        content = response.content.decode()
        self.assertLess(content.index("Table ronde passée"), content.index("Conférence de 2019"))
        self.assertNotContains(response, "Visite du 11/19")

    def test_unpublished_events_never_listed_nor_offered_as_filters(self):
        for url in (reverse("events:event-list"), reverse("events:past-event-list")):
            response = self.client.get(url)
            self.assertNotContains(response, "Événement en brouillon")
            self.assertNotContains(response, "Annonce programmée")
            self.assertNotContains(response, 'value="secret"')

    def test_filter_by_kind_tag_and_year(self):
        url = reverse("events:event-list")
        by_kind = self.client.get(url, {"type": "congress"})
        self.assertContains(by_kind, "Congrès international")
        self.assertNotContains(by_kind, "Visite du 11/19")
        by_tag = self.client.get(url, {"etiquette": "friches"})
        self.assertContains(by_tag, "Congrès international")
        self.assertNotContains(by_tag, "Visite du 11/19")
        by_year = self.client.get(reverse("events:past-event-list"), {"annee": "2019"})
        self.assertContains(by_year, "Conférence de 2019")
        self.assertNotContains(by_year, "Table ronde passée")

    def test_unknown_or_garbage_filters_are_ignored(self):
        for query in (
            {"type": "rave"},
            {"etiquette": "secret"},
            {"annee": "abc"},
            {"annee": "99999999999999999999"},
            {"annee": "-5"},
            {"foo": "<script>"},
            {"type": "x" * 10000},
        ):
            response = self.client.get(reverse("events:event-list"), query)
            self.assertEqual(response.status_code, 200, query)
            self.assertContains(response, "Visite du 11/19")
            self.assertContains(response, 'rel="canonical" href="http://127.0.0.1:8000/agenda/"')

    def test_odd_pages_give_404_not_500(self):
        for page in ("abc", "99999", "-3"):
            self.assertEqual(self.client.get(reverse("events:event-list"), {"page": page}).status_code, 404)

    def test_filters_fold_under_a_summary_that_counts_the_active_ones(self):
        plain = self.client.get(reverse("events:event-list"))
        self.assertContains(plain, '<details class="filters-box">')
        self.assertContains(plain, "<summary>Filtrer les événements</summary>", html=True)
        filtered = self.client.get(reverse("events:event-list"), {"type": "congress", "etiquette": "friches"})
        self.assertContains(filtered, "(2 filtres actifs)")
        self.assertContains(self.client.get(reverse("events:event-list"), {"type": "congress"}), "(1 filtre actif)")

    def test_subscribe_links(self):
        response = self.client.get(reverse("events:event-list"))
        self.assertContains(response, f'href="{reverse("events:ics")}"')
        self.assertContains(response, f'href="{reverse("events:rss")}"')

    def test_constant_queries(self):
        url = reverse("events:event-list")
        small = queries_for(self.client, url)
        for i in range(15):
            make_event(title=f"Rencontre {i}").tags.add("friches", f"thème {i}")
        self.assertEqual(queries_for(self.client, url), small)
        self.assertLessEqual(small, 8)


class EventPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.ademe = make_organisation(name="Agence de la transition écologique", acronym="ADEME")
        cls.thetford = make_organisation(name="Ville de Thetford Mines")
        cls.event = make_congress(
            summary="Le premier congrès international sur les friches.",
        )
        cls.event.organisers.add(cls.thetford)
        cls.event.tags.add("friches", "Québec")
        cls.speaker = make_person(
            first_name="Catherine", last_name="Bertram", job_title="directrice",
            organisation=make_organisation(name="Mission Bassin Minier"),
            email="catherine@example.org", phone="+33 3 21 08 72 72",
        )
        cls.talk = make_participation(
            cls.event, cls.speaker,
            talk_title="Le Bassin minier du Nord–Pas de Calais : un exemple remarquable",
            notes="Arrive par le vol de 14 h, note interne",
        )
        cls.panellist = make_participation(
            cls.event, make_person(first_name="Antoine", last_name="Soyer", organisation=cls.ademe),
            role=Participation.Role.PANELLIST,
        )
        make_participation(cls.event, make_person(first_name="Paul", last_name="Privé", is_public=False))
        make_participation(cls.event, make_person(first_name="Annie", last_name="Spectatrice"), role=Participation.Role.ATTENDEE)
        make_participation(cls.event, make_person(first_name="Hélène", last_name="Organisatrice"), role=Participation.Role.ORGANISER)
        make_participation(cls.event, make_person(first_name="Omar", last_name="Caché", is_public=False), role=Participation.Role.ORGANISER)
        make_participation(cls.event, make_person(first_name="Gilles", last_name="Annulé"), status=Participation.Status.CANCELLED)
        opening = make_programme_item(cls.event, title="Ouverture officielle", start=local(2025, 5, 7, 9, 30, tz="America/Toronto"))
        opening.speakers.add(cls.speaker)
        make_programme_item(cls.event, title="Visite du site Bell", kind=ProgrammeItem.Kind.SITE_VISIT,
                            start=local(2025, 5, 8, 14, tz="America/Toronto"), end=local(2025, 5, 8, 16, 15, tz="America/Toronto"))
        cls.news = make_article(title="La Mission au Québec")
        cls.draft_news = make_article(title="Brouillon sur le congrès", status=Status.DRAFT)
        cls.news.related_events.add(cls.event)
        cls.draft_news.related_events.add(cls.event)
        cls.draft = make_event(title="Événement en brouillon", status=Status.DRAFT)

    def get(self):
        return self.client.get(self.event.get_absolute_url())

    def test_dates_and_place_read_as_a_person_says_them(self):
        response = self.get()
        self.assertContains(response, "7–8 mai 2025, Thetford Mines (Québec, Canada)")
        self.assertContains(response, "7 mai, 9 h 30 – 8 mai, 17 h")
        self.assertContains(response, "heure de Québec")
        self.assertContains(response, "Centre des congrès")

    def test_programme_grouped_by_day_in_the_event_time_zone(self):
        content = self.get().content.decode()
        self.assertIn("mercredi 7 mai 2025", content)
        self.assertIn("jeudi 8 mai 2025", content)
        self.assertLess(content.index("mercredi 7 mai 2025"), content.index("Ouverture officielle"))
        self.assertLess(content.index("jeudi 8 mai 2025"), content.index("Visite du site Bell"))
        self.assertIn("14 h</time> – 16 h 15", content)

    def test_speakers_with_organisation_and_talk_title(self):
        response = self.get()
        self.assertContains(response, "Catherine Bertram")
        self.assertContains(response, "Mission Bassin Minier")
        self.assertContains(response, "Le Bassin minier du Nord–Pas de Calais : un exemple remarquable")
        self.assertContains(response, "Antoine Soyer")
        self.assertContains(response, "Agence de la transition écologique (ADEME)")

    def test_organising_people_are_listed_with_the_organisers_not_the_speakers(self):
        response = self.get()
        self.assertContains(response, "Hélène Organisatrice")
        self.assertNotIn("Organisatrice", json.dumps(json_ld(response)["performer"]))
        self.assertIn("Hélène Organisatrice", [item["name"] for item in json_ld(response)["organizer"]])

    def test_private_people_attendees_cancelled_and_private_data_never_shown(self):
        response = self.get()
        for hidden in ("Privé", "Spectatrice", "Annulé", "Omar", "catherine@example.org", "+33 3 21 08 72 72", "note interne"):
            self.assertNotContains(response, hidden)

    def test_related_news_organisers_and_calendar_link(self):
        response = self.get()
        self.assertContains(response, "La Mission au Québec")
        self.assertNotContains(response, "Brouillon sur le congrès")
        self.assertContains(response, "Ville de Thetford Mines")
        self.assertContains(response, f'href="{reverse("events:event-ics", kwargs={"slug": self.event.slug})}"')

    def test_a_past_event_says_so_and_no_longer_pushes_the_calendar(self):
        response = self.get()  # 7–8 May 2025
        self.assertTrue(response.context["past"])
        self.assertContains(response, "Cet événement a eu lieu les 7 et 8 mai 2025.")
        self.assertNotContains(response, 'class="button"')
        self.assertContains(response, "Fichier d’agenda (.ics)")
        self.assertContains(response, "Ajouter à Google Agenda")
        self.assertContains(response, "Ajouter à Outlook")

    def test_an_upcoming_event_offers_its_calendar_file_first(self):
        soon = timezone.now() + timedelta(days=20)
        event = make_event(title="Rencontre à venir", start=soon, end=soon + timedelta(hours=2))
        response = self.client.get(event.get_absolute_url())
        self.assertFalse(response.context["past"])
        self.assertNotContains(response, "a eu lieu")
        ics = reverse("events:event-ics", kwargs={"slug": event.slug})
        self.assertContains(response, f'<a class="button" href="{ics}" download>Ajouter à mon agenda</a>', html=True)
        self.assertContains(response, "Ajouter à Google Agenda")
        self.assertContains(response, "Ajouter à Outlook")

    def test_unpublished_event_is_404_but_staff_may_preview(self):
        self.assertEqual(self.client.get(self.draft.get_absolute_url()).status_code, 404)
        editor = make_user()
        editor.user_permissions.add(Permission.objects.get(codename="change_event"))
        self.client.force_login(editor)
        self.assertContains(self.client.get(self.draft.get_absolute_url()), "Événement en brouillon")

    def test_json_ld_event(self):
        data = json_ld(self.get())
        self.assertEqual(data["@type"], "Event")
        self.assertEqual(data["startDate"], "2025-05-07T09:30:00-04:00")
        self.assertEqual(data["endDate"], "2025-05-08T17:00:00-04:00")
        self.assertEqual(data["location"]["address"]["addressLocality"], "Thetford Mines")
        self.assertEqual(sorted(p["name"] for p in data["performer"]), ["Antoine Soyer", "Catherine Bertram"])
        self.assertNotIn("catherine@example.org", json.dumps(data))

    def test_all_day_event_shows_dates_only(self):
        event = make_event(title="Journée du patrimoine", all_day=True, start=local(2025, 5, 1, 10), end=local(2025, 5, 1, 12))
        response = self.client.get(event.get_absolute_url())
        self.assertContains(response, "1er mai 2025, Lens (Hauts-de-France)")
        self.assertNotContains(response, "heure de Paris")
        self.assertEqual(json_ld(response)["startDate"], "2025-05-01")

    def test_single_day_event_at_home_is_labelled_paris_time(self):
        event = make_event(start=local(2025, 6, 3, 14), end=local(2025, 6, 3, 17, 30))
        response = self.client.get(event.get_absolute_url())
        self.assertContains(response, "14 h – 17 h 30")
        self.assertContains(response, "heure de Paris")

    def test_title_and_canonical_are_the_events(self):
        content = self.get().content.decode()
        self.assertIn(f"<title>{self.event.title} – Mission Bassin Minier</title>", content)
        self.assertIn(f'<link rel="canonical" href="http://127.0.0.1:8000{self.event.get_absolute_url()}">', content)
        self.assertIn('name="description" content="Le premier congrès international sur les friches."', content)

    def test_constant_queries(self):
        small = queries_for(self.client, self.event.get_absolute_url())
        for i in range(6):
            person = make_person(organisation=make_organisation())
            make_participation(self.event, person, talk_title=f"Exposé {i}")
            make_programme_item(self.event, start=self.event.start + timedelta(hours=i * 10)).speakers.add(person)
            make_article().related_events.add(self.event)
            self.event.organisers.add(make_organisation())
        self.assertEqual(queries_for(self.client, self.event.get_absolute_url()), small)
        # One reads the content generation (pages/cache.py), one lists the attached documents (library/),
        # one the menus (pages/).
        self.assertLessEqual(small, 11)


class AgendaTitleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        make_event(title="Congrès au Québec", kind=Event.Kind.CONGRESS).tags.add("Québec")

    def test_filtered_pages_have_their_own_title_and_canonical(self):
        response = self.client.get(reverse("events:event-list"), {"type": "congress", "page": "1", "utm": "x"})
        content = response.content.decode()
        self.assertIn("<title>", content)
        title = re.search(r"<title>(.*?)</title>", content).group(1)
        self.assertIn("Congrès", title)
        self.assertIn('rel="canonical" href="http://127.0.0.1:8000/agenda/?type=congress"', content)

    def test_unicode_tag_filter(self):
        response = self.client.get(reverse("events:event-list"), {"etiquette": "québec"})
        self.assertContains(response, "Congrès au Québec")
        self.assertContains(response, "?etiquette=qu%C3%A9bec")


class HostileLinkTests(TestCase):
    def test_only_http_links_are_followed(self):
        """Links entered outside the admin's validation (imports, bulk loads) never run script."""
        event = make_event(website="javascript:alert(1)")
        event.organisers.add(make_organisation(name="Organisme piégé", website="data:text/html,<script>x</script>"))
        response = self.client.get(event.get_absolute_url())
        self.assertContains(response, "Organisme piégé")
        self.assertNotContains(response, "javascript:")
        self.assertNotContains(response, "data:text")

KEYS = st.sampled_from(["page", "type", "etiquette", "annee", "organisation", "q", "utm_source"])
VALUES = st.one_of(
    st.text(max_size=60),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["congress", "friches", "2025", "1e9", "0", "-1", "NaN", "%00", "\x00", "<script>", "9" * 5000]),
)


class PublicQueryStringFuzzTests(HypothesisTestCase):
    """Whatever the query string, a public list answers 200 or 404, never a 500."""

    @classmethod
    def setUpTestData(cls):
        make_event(title="Rencontre").tags.add("friches")
        make_article(title="Actualité").tags.add("friches")
        make_person(organisation=make_organisation())

    @hypothesis_settings(max_examples=60, deadline=None)
    @given(url=st.sampled_from(["/agenda/", "/agenda/archives/", "/personnes/", "/actualites/", "/", "/etiquettes/friches/"]),
           query=st.lists(st.tuples(KEYS, VALUES), max_size=4))
    def test_never_a_server_error(self, url, query):
        response = self.client.get(url, dict(query))
        self.assertIn(response.status_code, (200, 404))
