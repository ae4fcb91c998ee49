"""Searching the participant list in the admin: by name, event or talk, word by word."""

from django.test import TestCase
from django.urls import reverse

from events.models import Participation
from tests.factories import make_event, make_participation, make_person, make_user


class ParticipationSearchTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.congress = make_event(title="Congrès international des friches")
        cls.visit = make_event(title="Visite de la base 11/19")
        cls.aline = make_participation(
            cls.congress, make_person(first_name="Aline", last_name="Dubois"), talk_title="Requalifier les terrils"
        )
        cls.marc = make_participation(cls.congress, make_person(first_name="Marc", last_name="Aubert"))
        cls.martine = make_participation(cls.visit, make_person(first_name="Martine", last_name="Dubois-Leroy"))
        cls.editor = make_user(group="Communication")

    def search(self, text: str) -> set[Participation]:
        self.client.force_login(self.editor)
        response = self.client.get(reverse("admin:events_participation_changelist"), {"q": text})
        self.assertEqual(response.status_code, 200)
        return set(response.context["cl"].result_list)

    def test_a_part_of_a_name_finds_every_participation_of_those_people(self):
        self.assertEqual(self.search("dubois"), {self.aline, self.martine})
        self.assertEqual(self.search("MART"), {self.martine})

    def test_a_word_of_the_event_title_finds_its_participants(self):
        self.assertEqual(self.search("congrès"), {self.aline, self.marc})

    def test_a_word_of_the_talk_title(self):
        self.assertEqual(self.search("terrils"), {self.aline})

    def test_every_word_must_match_somewhere(self):
        self.assertEqual(self.search("dubois congrès"), {self.aline})
        self.assertEqual(self.search("Martine Dubois"), {self.martine})
        self.assertEqual(self.search("dubois inconnu"), set())

    def test_a_quoted_phrase_is_one_word(self):
        self.assertEqual(self.search('"base 11/19"'), {self.martine})
        self.assertEqual(self.search('"Aline Dubois"'), set())  # no single field holds both

    def test_many_matching_people_give_the_same_answer_as_few(self):
        few = set(Participation.objects.mentioning("dubois"))
        many = set(Participation.objects.mentioning("dubois", few=1))  # a subquery instead of ids
        self.assertEqual(few, many)
        self.assertEqual(few, {self.aline, self.martine})

    def test_odd_input_is_an_empty_result_not_an_error(self):
        for text in ('"', "'", '""', "%", "_", "\\", "a" * 500, "' OR 1=1 --"):
            with self.subTest(text=text):
                self.search(text)
