from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.test import TestCase
from django.utils import timezone

from events.models import Event, Participation
from tests.factories import (
    local,
    make_event,
    make_organisation,
    make_participation,
    make_person,
    make_programme_item,
)


class EventRulesTests(TestCase):
    def test_the_database_refuses_an_end_before_the_start(self):
        event = make_event()
        with self.assertRaises(IntegrityError), transaction.atomic():
            Event.objects.filter(pk=event.pk).update(end=event.start - timedelta(hours=1))

    def test_the_database_refuses_a_programme_item_ending_before_it_starts(self):
        event = make_event()
        with self.assertRaises(IntegrityError), transaction.atomic():
            make_programme_item(event, end=event.start - timedelta(minutes=5))

    def test_a_two_day_congress_in_quebec_covers_whole_local_days(self):
        event = make_event(
            title="Congrès",
            all_day=True,
            timezone="America/Toronto",
            start=local(2025, 5, 7, 9, tz="America/Toronto"),
            end=local(2025, 5, 8, 17, tz="America/Toronto"),
        )
        event.refresh_from_db()
        self.assertEqual((event.start_date, event.end_date), (date(2025, 5, 7), date(2025, 5, 8)))
        self.assertEqual(event.start_local.hour, 0)
        self.assertTrue(event.is_multi_day)
        # Midnight in Thetford Mines is 6 a.m. in Paris.
        self.assertEqual(timezone.localtime(event.start).hour, 6)

    def test_upcoming_keeps_an_event_until_it_is_over(self):
        now = timezone.now()
        running = make_event(start=now - timedelta(hours=1), end=now + timedelta(hours=1))
        over = make_event(start=now - timedelta(days=2), end=now - timedelta(days=1))
        self.assertIn(running, Event.objects.published().upcoming())
        self.assertNotIn(over, Event.objects.published().upcoming())
        self.assertIn(over, Event.objects.published().past())


class ParticipationRulesTests(TestCase):
    def test_one_participation_per_person_and_event(self):
        participation = make_participation()
        with self.assertRaises(IntegrityError), transaction.atomic():
            make_participation(event=participation.event, person=participation.person)

    def test_organisation_at_the_time_defaults_to_the_persons(self):
        ademe = make_organisation(name="Agence de la transition écologique", acronym="ADEME")
        person = make_person(organisation=ademe)
        self.assertEqual(make_participation(person=person).organisation, ademe)

    def test_a_person_who_changes_organisation_keeps_the_old_one_on_past_events(self):
        ademe, palme = make_organisation(acronym="ADEME"), make_organisation(acronym="PALME")
        person = make_person(organisation=ademe)
        participation = make_participation(person=person)
        person.organisation = palme
        person.save()
        participation.refresh_from_db()
        self.assertEqual(participation.organisation, ademe)

    def test_public_speakers_exclude_attendees_cancellations_and_private_people(self):
        event = make_event()
        speaker = make_participation(event=event)
        make_participation(event=event, role=Participation.Role.ATTENDEE)
        make_participation(event=event, status=Participation.Status.CANCELLED)
        make_participation(event=event, person=make_person(is_public=False))
        draft_event = make_event(status="draft")
        make_participation(event=draft_event)
        self.assertQuerySetEqual(Participation.objects.public(), [speaker])

    def test_contributors_are_speakers_and_organisers_who_did_not_cancel(self):
        event = make_event()
        speaker = make_participation(event=event)
        organiser = make_participation(event=event, role=Participation.Role.ORGANISER)
        make_participation(event=event, role=Participation.Role.ATTENDEE)
        make_participation(event=event, role=Participation.Role.ORGANISER, status=Participation.Status.CANCELLED)
        self.assertQuerySetEqual(
            Participation.objects.contributing().order_by("pk"), [speaker, organiser]
        )
