"""Whatever an editor types or tampers with in the admin is a French form error, a 400 or an empty list:
never a 500, never the "database unavailable" page, never half-written data."""

import json

from django.contrib.messages import get_messages
from django.test import TestCase
from taggit.models import Tag

from core.publishing import Status
from events.models import Event, Participation, ProgrammeItem
from news.models import Article
from people.models import Person
from tests.factories import make_article, make_event, make_participation, make_person, make_user
from tests.security.test_hostile_input import management_form

TOO_BIG = "9" * 25  # a number, but too big for any id column


def event_data(**overrides):
    """The add form of an event, as the admin's page would post it."""
    return {
        "title": "Rencontre", "slug": "", "kind": "conference", "timezone": "Europe/Paris",
        "start_0": "2030-05-07", "start_1": "08:30", "end_0": "2030-05-08", "end_1": "17:00",
        "status": "draft", **management_form("programme", 0), **management_form("participations", 0),
        **overrides,
    }


def errors(response) -> dict:
    """Form and inline errors of an admin add or change page, as text."""
    found = {name: " ".join(messages) for name, messages in response.context["adminform"].form.errors.items()}
    for formset in response.context["inline_admin_formsets"]:
        for n, form in enumerate(formset.formset.forms):
            found.update({f"{formset.formset.prefix}-{n}-{name}": " ".join(m) for name, m in form.errors.items()})
    return found


class EditorTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user(group="Communication")

    def setUp(self):
        self.client.force_login(self.editor)

    def assert_refused(self, url, data, field, text):
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200, url)
        self.assertIn(text, errors(response).get(field, ""), errors(response))
        return response


class DateRangeTests(EditorTestCase):
    """Dates outside 1900–2100 are refused in French: far outside, time zones and calendars overflow."""

    refusal = "entre 1900 et 2100"

    def test_an_event_in_year_1_or_9999(self):
        for start, end in (("0001-01-01", "0001-01-02"), ("9999-12-30", "9999-12-31"), ("1899-12-31", "1900-01-02")):
            self.assert_refused("/admin/events/event/add/", event_data(start_0=start, end_0=end), "start", self.refusal)
        self.assertFalse(Event.objects.exists())

    def test_an_all_day_event_ending_on_31_december_9999(self):
        data = event_data(start_0="2030-12-30", end_0="9999-12-31", all_day="on")
        self.assert_refused("/admin/events/event/add/", data, "end", self.refusal)
        self.assertFalse(Event.objects.exists())

    def test_year_1_in_a_zone_ahead_of_utc(self):
        """0001-01-01 in Tokyo is still year 0 in UTC: refused before any conversion."""
        data = event_data(timezone="Asia/Tokyo", start_0="0001-01-01", end_0="0001-01-01")
        self.assert_refused("/admin/events/event/add/", data, "start", self.refusal)

    def test_a_programme_item_in_year_9999(self):
        data = event_data(**management_form("programme", 1), **{
            "programme-0-title": "Ouverture", "programme-0-kind": "talk",
            "programme-0-start_0": "9999-12-31", "programme-0-start_1": "10:00",
        })
        self.assert_refused("/admin/events/event/add/", data, "programme-0-start", self.refusal)
        self.assertFalse(Event.objects.exists() or ProgrammeItem.objects.exists())

    def test_an_article_published_in_year_1(self):
        data = {"title": "Vieille", "status": "published", "published_at_0": "0001-01-01", "published_at_1": "00:00"}
        self.assert_refused("/admin/news/article/add/", data, "published_at", self.refusal)
        self.assertFalse(Article.objects.exists())

    def test_a_participation_registered_in_year_9999(self):
        event, person = make_event(), make_person()
        data = {"event": event.pk, "person": person.pk, "role": "attendee", "status": "registered",
                "created_0": "9999-12-31", "created_1": "23:59"}
        self.assert_refused("/admin/events/participation/add/", data, "created", self.refusal)
        self.assertFalse(Participation.objects.exists())

    def test_the_first_and_last_days_of_the_range_are_accepted(self):
        response = self.client.post("/admin/events/event/add/", event_data(
            start_0="1900-01-01", start_1="00:00", end_0="2100-12-31", end_1="23:59", all_day="on"
        ))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Event.objects.get().end_date.isoformat(), "2100-12-31")


class ChangeListParameterTests(EditorTestCase):
    """Odd years and dates in a list's filters give the unfiltered list (Django's ``?e=1``), not a 500."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_participation(make_event(), make_person())
        make_article()

    def assert_handled(self, url):
        response = self.client.get(url)
        self.assertIn(response.status_code, (200, 302), url)
        if response.status_code == 302:
            self.assertTrue(response["Location"].endswith("?e=1"), url)
            self.assertEqual(self.client.get(response["Location"]).status_code, 200, url)

    def test_the_events_date_hierarchy(self):
        for query in ("start__year=0", "start__year=1", "start__year=1&start__month=1", "start__year=9999",
                      "start__year=9999&start__month=12", "start__year=9999&start__month=12&start__day=31",
                      "start__year=99999", "start__year=%C2%B2", "start__year=2025&start__month=13"):
            self.assert_handled(f"/admin/events/event/?{query}")

    def test_the_articles_year_filter(self):
        for year in ("0", "1", "9999", "99999", "%C2%B2", "-1", "abc"):
            self.assert_handled(f"/admin/news/article/?year={year}")

    def test_a_valid_year_still_filters_the_articles(self):
        article = make_article(title="De 2024", published_at=make_article().published_at.replace(year=2024))
        response = self.client.get("/admin/news/article/?year=2024")
        self.assertEqual(list(response.context["cl"].result_list), [article])

    def test_the_participations_date_filter_and_the_exports_date_hierarchy(self):
        self.assert_handled("/admin/events/participation/?event__start__gte=0001-01-01")
        self.assert_handled("/admin/events/participation/?event__start__gte=9999-12-31")
        self.assert_handled("/admin/events/participantexport/?created__year=9999")
        self.assert_handled("/admin/events/participantexport/?created__year=1")


class TimeZoneTests(EditorTestCase):
    """A zone name that is a folder of the zone database ("America") is an unknown zone, not a 500."""

    def test_a_directory_as_time_zone(self):
        for name in ("America", "Europe", "../etc"):
            data = event_data(timezone=name, **management_form("programme", 1), **{
                "programme-0-title": "Ouverture", "programme-0-kind": "talk",
                "programme-0-start_0": "2030-05-07", "programme-0-start_1": "10:00",
            })
            self.assert_refused("/admin/events/event/add/", data, "timezone", "Sélectionnez un choix valide")
        self.assertFalse(Event.objects.exists())


class TagLengthTests(EditorTestCase):
    """A tag longer than a tag can be (100 characters) is a form error, not a database error on PostgreSQL."""

    def test_a_long_tag_on_an_event_an_article_and_a_person(self):
        long_tag = "é" * 101
        self.assert_refused("/admin/events/event/add/", event_data(tags=f"friches, {long_tag}"), "tags", "100 caractères")
        self.assert_refused(
            "/admin/news/article/add/", {"title": "A", "status": "draft", "tags": long_tag}, "tags", "100 caractères"
        )
        self.assert_refused(
            "/admin/people/person/add/", {"first_name": "A", "last_name": "B", "tags": long_tag}, "tags",
            "100 caractères",
        )
        self.assertFalse(Event.objects.exists() or Article.objects.exists() or Person.objects.exists())
        self.assertFalse(Tag.objects.exists())

    def test_a_tag_of_100_characters_is_kept(self):
        response = self.client.post("/admin/news/article/add/", {"title": "A", "status": "draft", "tags": "x" * 100})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(list(Article.objects.get().tags.names()), ["x" * 100])


class AutocompleteIdTests(EditorTestCase):
    """A value that cannot be an id, in an autocomplete field, is "select a valid choice" in French."""

    def test_organisers_of_an_event(self):
        for value in ("abc", TOO_BIG):
            data = event_data(organisers=[value])
            self.assert_refused("/admin/events/event/add/", data, "organisers", "n’est pas une valeur correcte")

    def test_a_speaker_in_the_events_inline(self):
        for value in ("abc", TOO_BIG):
            data = event_data(**management_form("participations", 1), **{
                "participations-0-person": value, "participations-0-role": "speaker",
                "participations-0-status": "confirmed",
            })
            self.assert_refused("/admin/events/event/add/", data, "participations-0-person", "choix valide")
        self.assertFalse(Event.objects.exists())

    def test_related_events_of_an_article(self):
        data = {"title": "A", "status": "draft", "related_events": ["abc"]}
        self.assert_refused("/admin/news/article/add/", data, "related_events", "n’est pas une valeur correcte")

    def test_the_event_and_person_of_a_participation(self):
        data = {"event": "abc", "person": TOO_BIG, "role": "attendee", "status": "registered",
                "created_0": "2025-01-01", "created_1": "10:00"}
        response = self.assert_refused("/admin/events/participation/add/", data, "event", "choix valide")
        self.assertIn("choix valide", errors(response)["person"])

    def test_the_autocomplete_view_with_odd_terms(self):
        make_person(last_name="Bertram")
        url = "/admin/autocomplete/?app_label=events&model_name=participation&field_name=person&term="
        for term in ("abc", "12", TOO_BIG, " ".join(["Bertram"] * 1000)):
            response = self.client.get(url + term)
            self.assertEqual(response.status_code, 200)
            json.loads(response.content)


class BulkActionIdTests(EditorTestCase):
    """A list action posted with ids that cannot be ids is a 400, and changes nothing."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.event = make_event(status=Status.DRAFT, published_at=None)
        cls.article = make_article(status=Status.DRAFT, published_at=None)

    def test_publishing_non_numeric_ids(self):
        for url, obj in (("/admin/events/event/", self.event), ("/admin/news/article/", self.article)):
            for selected in (["abc"], [TOO_BIG], [str(obj.pk), "abc"]):
                response = self.client.post(url, {"action": "publish", "_selected_action": selected})
                self.assertEqual(response.status_code, 400, (url, selected))
            obj.refresh_from_db()
            self.assertEqual(obj.status, Status.DRAFT)

    def test_other_lists_and_actions(self):
        make_participation(self.event, make_person())
        for url, action in (("/admin/events/participation/", "delete_selected"),
                            ("/admin/taggit/tag/", "render_tag_form")):
            response = self.client.post(url, {"action": action, "_selected_action": ["abc"]})
            self.assertEqual(response.status_code, 400, url)
        self.assertEqual(Participation.objects.count(), 1)

    def test_valid_ids_still_work(self):
        response = self.client.post("/admin/events/event/", {"action": "publish", "_selected_action": [self.event.pk]})
        self.assertEqual(response.status_code, 302)
        self.event.refresh_from_db()
        self.assertEqual(self.event.status, Status.PUBLISHED)


class SearchLengthTests(EditorTestCase):
    """A search of hundreds of words finds nothing and says why, where SQLite would refuse the query."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.person = make_person(first_name="Catherine", last_name="Bertram")
        make_participation(make_event(title="Congrès de Thetford Mines"), cls.person)

    def search(self, url, words):
        response = self.client.get(url, {"q": " ".join(words)})
        self.assertEqual(response.status_code, 200, url)
        return response

    def test_hundreds_of_words_in_the_participant_search(self):
        response = self.search("/admin/events/participation/", ["Bertram"] * 1000)
        self.assertEqual(list(response.context["cl"].result_list), [])
        self.assertIn("au plus 20 mots", " ".join(str(m) for m in get_messages(response.wsgi_request)))

    def test_hundreds_of_words_in_other_searches(self):
        for url in ("/admin/people/person/", "/admin/events/event/", "/admin/news/article/", "/admin/taggit/tag/"):
            response = self.search(url, ["friches"] * 1000)
            self.assertEqual(list(response.context["cl"].result_list), [], url)

    def test_twenty_words_still_search(self):
        response = self.search("/admin/events/participation/", ["Bertram", "Catherine"] * 10)
        self.assertEqual([p.person for p in response.context["cl"].result_list], [self.person])
        response = self.search("/admin/people/person/", ["Bertram"] * 20)
        self.assertEqual(list(response.context["cl"].result_list), [self.person])
