"""Times in the admin read as French editors write them ("9 h 30", "09:30", never "09:00:00"), and the
time-zone field offers the zones an editor picks first, with readable names, before all the others."""

from django.test import TestCase

from events.models import TIME_ZONE_CHOICES, Event, ProgrammeItem
from tests.factories import local, make_congress, make_event, make_programme_item, make_user
from tests.security.test_editor_input import errors, event_data
from tests.security.test_hostile_input import management_form


class AdminTimesTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user(group="Communication")
        cls.congress = make_congress()
        cls.opening = make_programme_item(
            cls.congress, title="Accueil", start=local(2025, 5, 7, 9, 30, tz="America/Toronto"),
            end=local(2025, 5, 7, 10, tz="America/Toronto"),
        )

    def setUp(self):
        self.client.force_login(self.editor)


class TimesWithoutSecondsTests(AdminTimesTestCase):
    def test_event_change_form_shows_times_without_seconds(self):
        response = self.client.get(f"/admin/events/event/{self.congress.pk}/change/")
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertInHTML('<input type="text" name="start_1" value="09:30" class="vTimeField" size="8" '
                          'aria-label="Début, heure" required id="id_start_1">', html)
        self.assertIn('name="end_1" value="17:00"', html)
        self.assertIn('name="programme-0-start_1" value="09:30"', html)
        self.assertIn('name="programme-0-end_1" value="10:00"', html)
        self.assertNotIn(":00:00", html)
        self.assertNotIn("09:30:00", html)

    def test_programme_item_change_form_shows_times_without_seconds(self):
        response = self.client.get(f"/admin/events/programmeitem/{self.opening.pk}/change/")
        html = response.content.decode()
        self.assertIn('name="start_1" value="09:30"', html)
        self.assertIn('name="end_1" value="10:00"', html)

    def test_programme_list_reads_french_times_in_the_event_zone(self):
        response = self.client.get("/admin/events/programmeitem/")
        html = response.content.decode()
        self.assertIn("7 mai 2025, 9 h 30 – 10 h", html)
        self.assertNotIn("09:30", html)
        self.assertNotIn("15:30", html)  # not the time in Paris

    def test_programme_list_still_sorts_by_start(self):
        response = self.client.get("/admin/events/programmeitem/?o=4")
        self.assertEqual(response.status_code, 200)


class TimeInputTests(AdminTimesTestCase):
    def post_item(self, typed):
        return self.client.post(f"/admin/events/programmeitem/{self.opening.pk}/change/", {
            "title": "Accueil", "kind": "other", "event": self.congress.pk,
            "start_0": "2025-05-07", "start_1": typed, "end_0": "", "end_1": "", "place": "", "description": "",
        })

    def test_french_ways_of_typing_a_time(self):
        for typed in ("9h30", "9 h 30", "09:30", "9:30", "09:30:00", "9H30"):
            with self.subTest(typed=typed):
                response = self.post_item(typed)
                self.assertEqual(response.status_code, 302, errors(response) if response.status_code == 200 else "")
                self.opening.refresh_from_db()
                self.assertEqual(self.opening.start, local(2025, 5, 7, 9, 30, tz="America/Toronto"))

    def test_a_whole_hour(self):
        for typed in ("14h", "14 h"):
            with self.subTest(typed=typed):
                self.assertEqual(self.post_item(typed).status_code, 302)
                self.opening.refresh_from_db()
                self.assertEqual(self.opening.start, local(2025, 5, 7, 14, tz="America/Toronto"))

    def test_a_time_that_is_not_one(self):
        response = self.post_item("25h70")
        self.assertEqual(response.status_code, 200)
        self.assertIn("start", errors(response))

    def test_new_programme_item_is_read_in_its_event_zone(self):
        response = self.client.post("/admin/events/programmeitem/add/", {
            "title": "Clôture", "kind": "other", "event": self.congress.pk,
            "start_0": "2025-05-08", "start_1": "16h30", "end_0": "", "end_1": "", "place": "", "description": "",
        })
        self.assertEqual(response.status_code, 302, errors(response) if response.status_code == 200 else "")
        item = ProgrammeItem.objects.get(title="Clôture")
        self.assertEqual(item.start, local(2025, 5, 8, 16, 30, tz="America/Toronto"))

    def test_programme_inline_of_a_new_event_is_read_in_the_event_zone(self):
        data = event_data(
            timezone="America/Toronto", start_1="9h", end_1="17 h 30", **management_form("programme", 1),
            **{"programme-0-title": "Ouverture", "programme-0-kind": "talk",
               "programme-0-start_0": "2030-05-07", "programme-0-start_1": "9 h 30"},
        )
        response = self.client.post("/admin/events/event/add/", data)
        self.assertEqual(response.status_code, 302, errors(response) if response.status_code == 200 else "")
        event = Event.objects.get(title="Rencontre")
        self.assertEqual(event.start, local(2030, 5, 7, 9, tz="America/Toronto"))
        self.assertEqual(event.end, local(2030, 5, 8, 17, 30, tz="America/Toronto"))
        self.assertEqual(event.programme.get().start, local(2030, 5, 7, 9, 30, tz="America/Toronto"))


class TimeZoneChoiceTests(AdminTimesTestCase):
    def zone_field(self, url="/admin/events/event/add/"):
        response = self.client.get(url)
        return response.context["adminform"].form.fields["timezone"], response.content.decode()

    def test_first_group_is_the_zones_editors_pick(self):
        field, html = self.zone_field()
        group, options = field.choices[0]
        labels = {name: str(label) for name, label in options}
        self.assertEqual(list(labels)[:2], ["Europe/Paris", "America/Toronto"])
        self.assertEqual(labels["Europe/Paris"], "Europe/Paris — heure de Paris")
        self.assertEqual(labels["America/Toronto"], "America/Toronto — heure de Québec / Ontario")
        for name in ("Europe/Brussels", "Europe/London", "Indian/Reunion", "America/Martinique", "Pacific/Noumea"):
            self.assertIn(name, labels)
        self.assertLess(len(options), 40)
        self.assertIn('<optgroup label="Fuseaux courants">', html)
        self.assertIn('<option value="Europe/Paris" selected>Europe/Paris — heure de Paris</option>', html)

    def test_other_zones_follow_in_their_own_group(self):
        field, html = self.zone_field()
        (first, picked), (other, rest) = field.choices
        self.assertEqual(str(other), "Autres fuseaux")
        self.assertIn('<optgroup label="Autres fuseaux">', html)
        names = [name for name, _label in rest]
        self.assertIn("Asia/Kolkata", names)
        self.assertNotIn("Europe/Paris", names)
        self.assertEqual(len(names) + len(picked), len(TIME_ZONE_CHOICES))
        self.assertEqual(set(names) & {name for name, _label in picked}, set())

    def test_an_event_in_a_rarer_zone_keeps_it(self):
        event = make_event(timezone="Asia/Kolkata", start=local(2030, 5, 7, 8, 30, tz="Asia/Kolkata"),
                           end=local(2030, 5, 8, 17, tz="Asia/Kolkata"), status="draft")
        field, html = self.zone_field(f"/admin/events/event/{event.pk}/change/")
        self.assertIn('<option value="Asia/Kolkata" selected>', html)
        data = event_data(title=event.title, slug=event.slug, timezone="Asia/Kolkata")
        response = self.client.post(f"/admin/events/event/{event.pk}/change/", data)
        self.assertEqual(response.status_code, 302, errors(response) if response.status_code == 200 else "")
        event.refresh_from_db()
        self.assertEqual(event.timezone, "Asia/Kolkata")
        self.assertEqual(event.start, local(2030, 5, 7, 8, 30, tz="Asia/Kolkata"))

    def test_a_folder_of_the_zone_database_is_refused(self):
        for name in ("America", "Europe"):
            with self.subTest(name=name):
                response = self.client.post("/admin/events/event/add/", event_data(timezone=name))
                self.assertEqual(response.status_code, 200)
                self.assertIn("Sélectionnez un choix valide", errors(response).get("timezone", ""))
        self.assertFalse(Event.objects.filter(title="Rencontre").exists())
