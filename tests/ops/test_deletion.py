"""Nobody erases an event's history by deleting a person or an organisation: the database refuses
(PROTECT on participations, organisers and programme speakers), and the admin says why."""

from django.db import transaction
from django.db.models import ProtectedError
from django.test import TestCase

from events.models import Event, Organiser, Participation, Speaker
from people.models import Organisation, Person
from tests.factories import (
    make_event,
    make_organisation,
    make_participation,
    make_person,
    make_programme_item,
    make_user,
)

PROTECTED = "éléments liés et protégés suivants"


class AdminDeletionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = make_user(is_superuser=True)
        cls.event = make_event(title="Congrès de Thetford Mines")
        cls.speaker_org = make_organisation(name="Ville de Thetford Mines")
        cls.speaker = make_person(organisation=None)
        cls.participation = make_participation(event=cls.event, person=cls.speaker, organisation=cls.speaker_org)
        cls.organiser = make_organisation(name="Mission Bassin Minier")
        cls.event.organisers.add(cls.organiser)
        cls.programme_speaker = make_person(last_name="Tremblay")
        make_programme_item(cls.event, title="Ouverture").speakers.add(cls.programme_speaker)
        cls.unused_person = make_person()
        cls.unused_org = make_organisation()

    def setUp(self):
        self.client.force_login(self.admin)

    def delete(self, obj):
        return self.client.post(f"/admin/people/{obj._meta.model_name}/{obj.pk}/delete/", {"post": "yes"})

    def delete_selected(self, model, *objs):
        return self.client.post(
            f"/admin/people/{model._meta.model_name}/",
            {"action": "delete_selected", "_selected_action": [o.pk for o in objs], "post": "yes"},
        )

    def test_a_person_who_took_part_in_an_event_is_kept_and_the_page_says_why(self):
        response = self.delete(self.speaker)
        self.assertContains(response, PROTECTED)
        self.assertContains(response, str(self.participation))
        self.assertTrue(Person.objects.filter(pk=self.speaker.pk).exists())
        self.assertTrue(Participation.objects.filter(pk=self.participation.pk).exists())

    def test_an_organisation_named_on_a_participation_is_kept(self):
        response = self.delete(self.speaker_org)
        self.assertContains(response, PROTECTED)
        self.assertTrue(Organisation.objects.filter(pk=self.speaker_org.pk).exists())
        self.assertEqual(Participation.objects.get(pk=self.participation.pk).organisation, self.speaker_org)

    def test_an_organisation_that_organised_an_event_is_kept_with_the_event_named(self):
        response = self.delete(self.organiser)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, PROTECTED)
        self.assertContains(response, "Organisateur de l’événement\u00a0: Mission Bassin Minier – Congrès de Thetford Mines")
        self.assertQuerySetEqual(self.event.organisers.all(), [self.organiser])

    def test_a_programme_speaker_is_kept_with_the_event_and_the_talk_named(self):
        response = self.delete(self.programme_speaker)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, PROTECTED)
        self.assertContains(
            response, f"Intervenant au programme\u00a0: {self.programme_speaker} – Congrès de Thetford Mines – Ouverture"
        )
        self.assertTrue(self.event.programme.filter(speakers=self.programme_speaker).exists())

    def test_delete_selected_refuses_the_whole_batch(self):
        response = self.delete_selected(Organisation, self.organiser, self.unused_org)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, PROTECTED)
        self.assertContains(response, "Mission Bassin Minier – Congrès de Thetford Mines")
        self.assertEqual(Organisation.objects.filter(pk__in=[self.organiser.pk, self.unused_org.pk]).count(), 2)
        self.assertQuerySetEqual(self.event.organisers.all(), [self.organiser])

        response = self.delete_selected(Person, self.speaker, self.programme_speaker, self.unused_person)
        self.assertContains(response, PROTECTED)
        self.assertContains(response, str(self.participation))
        self.assertContains(response, "Congrès de Thetford Mines – Ouverture")
        self.assertEqual(Person.objects.filter(pk__in=[self.speaker.pk, self.programme_speaker.pk]).count(), 2)
        self.assertTrue(Person.objects.filter(pk=self.unused_person.pk).exists())

    def test_what_no_event_refers_to_is_deleted(self):
        self.assertRedirects(self.delete(self.unused_org), "/admin/people/organisation/")
        self.assertRedirects(self.delete(self.unused_person), "/admin/people/person/")
        self.assertFalse(Organisation.objects.filter(pk=self.unused_org.pk).exists())
        self.assertFalse(Person.objects.filter(pk=self.unused_person.pk).exists())


class ModelDeletionTests(TestCase):
    """The same rule holds outside the admin: shell, scripts, bulk deletes."""

    def test_deleting_an_organiser_raises_and_leaves_the_event_intact(self):
        event = make_event()
        organiser = make_organisation()
        event.organisers.add(organiser)
        with self.assertRaises(ProtectedError) as refused, transaction.atomic():
            organiser.delete()
        self.assertEqual(refused.exception.protected_objects, {Organiser.objects.get(event=event)})
        with self.assertRaises(ProtectedError), transaction.atomic():
            Organisation.objects.filter(pk=organiser.pk).delete()
        self.assertQuerySetEqual(event.organisers.all(), [organiser])

    def test_deleting_a_participant_or_a_programme_speaker_raises(self):
        participant = make_participation().person
        speaker = make_person()
        make_programme_item(make_event()).speakers.add(speaker)
        for person in (participant, speaker):
            with self.assertRaises(ProtectedError), transaction.atomic():
                person.delete()
        with self.assertRaises(ProtectedError), transaction.atomic():
            Person.objects.filter(pk__in=[participant.pk, speaker.pk]).delete()
        self.assertEqual(Person.objects.filter(pk__in=[participant.pk, speaker.pk]).count(), 2)
        self.assertTrue(Speaker.objects.filter(person=speaker).exists())

    def test_deleting_an_event_takes_its_links_but_keeps_who_they_named(self):
        event = make_event()
        organiser, speaker = make_organisation(), make_person()
        event.organisers.add(organiser)
        make_programme_item(event).speakers.add(speaker)
        event.delete()
        self.assertFalse(Event.objects.filter(pk=event.pk).exists())
        self.assertFalse(Organiser.objects.filter(organisation=organiser).exists())
        self.assertFalse(Speaker.objects.filter(person=speaker).exists())
        organiser.delete()
        speaker.delete()

    def test_links_without_history_are_removed_with_the_manager(self):
        """Taking an organisation off an event (the admin's field, the demo content) still works."""
        event = make_event()
        organiser = make_organisation()
        event.organisers.set([organiser])
        event.organisers.remove(organiser)
        organiser.delete()
        self.assertFalse(Organisation.objects.filter(pk=organiser.pk).exists())
