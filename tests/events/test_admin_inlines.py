"""The event page's speakers-and-organisers inline keeps every row it is given: nobody vanishes on save."""

from django.test import TestCase
from django.urls import reverse

from events.models import Participation
from tests.factories import make_congress, make_participation, make_person, make_user
from tests.security.test_editor_input import errors, event_data
from tests.security.test_hostile_input import management_form


class SpeakersInlineTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user(group="Communication")
        cls.congress = make_congress()
        cls.bertram = make_person(first_name="Catherine", last_name="Bertram")
        cls.add_url = reverse("admin:events_event_add")

    def setUp(self):
        self.client.force_login(self.editor)

    def post_event(self, *rows, url=None, **overrides):
        data = event_data(**management_form("participations", len(rows)), **overrides)
        for n, row in enumerate(rows):
            data.update({f"participations-{n}-{name}": value for name, value in row.items()})
        return self.client.post(url or self.add_url, data)

    def row(self, person, role, **fields):
        return {"person": person.pk, "role": role, "status": "confirmed", "talk_title": "", "notes": "",
                "organisation": "", **fields}

    def test_the_inline_offers_only_the_roles_it_lists(self):
        response = self.client.get(reverse("admin:events_event_change", args=[self.congress.pk]))
        field = response.context["inline_admin_formsets"][1].formset.empty_form.fields["role"]
        self.assertEqual([value for value, _label in field.choices], list(Participation.CONTRIBUTING_ROLES))
        self.assertEqual(field.initial, Participation.Role.SPEAKER)

    def test_a_person_added_with_the_preset_role_stays_in_the_inline(self):
        """The row as the page presets it, with only a person chosen: a speaker, listed again after saving."""
        form = self.client.get(self.add_url).context["inline_admin_formsets"][1].formset.empty_form
        response = self.post_event(self.row(self.bertram, form.fields["role"].initial))
        self.assertEqual(response.status_code, 302, errors(response) if response.status_code == 200 else "")
        participation = Participation.objects.get(person=self.bertram)
        self.assertEqual(participation.role, Participation.Role.SPEAKER)
        page = self.client.get(reverse("admin:events_event_change", args=[participation.event_id]))
        shown = [form.instance for form in page.context["inline_admin_formsets"][1].formset.initial_forms]
        self.assertEqual(shown, [participation])

    def test_an_attendee_posted_to_the_inline_is_a_form_error(self):
        """A role the inline does not list (a forged or stale form) is refused, not saved out of sight."""
        response = self.post_event(self.row(self.bertram, Participation.Role.ATTENDEE))
        self.assertEqual(response.status_code, 200)
        self.assertIn("participations-0-role", errors(response))
        self.assertFalse(Participation.objects.filter(person=self.bertram).exists())

    def test_an_attendee_added_as_speaker_is_told_where_their_row_is(self):
        """Already an attendee, listed on the participation list: the form says so in French."""
        make_participation(event=self.congress, person=self.bertram, role=Participation.Role.ATTENDEE)
        url = reverse("admin:events_event_change", args=[self.congress.pk])
        response = self.post_event(
            self.row(self.bertram, Participation.Role.SPEAKER), url=url,
            title=self.congress.title, slug=self.congress.slug, kind=self.congress.kind,
            timezone=self.congress.timezone, start_0="2025-05-07", start_1="09:30",
            end_0="2025-05-08", end_1="17:00", **management_form("programme", 0),
        )
        self.assertEqual(response.status_code, 200)
        message = " ".join(errors(response).values())
        self.assertIn("participe déjà", message)
        self.assertIn("liste des participants", message)
        self.assertEqual(self.congress.participations.get(person=self.bertram).role, Participation.Role.ATTENDEE)
