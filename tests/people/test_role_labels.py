"""Roles on public pages agree with the person ("Intervenante" for Catherine Bertram), or read neutrally
("Intervention") when the editors have not said; the structured data stays neutral."""

import json

from django.test import TestCase
from django.urls import reverse

from events.models import Participation
from people.models import Person
from tests.factories import make_congress, make_participation, make_person, make_user
from tests.helpers import json_ld

FEMININE, MASCULINE, NEUTRAL = Person.GrammaticalGender.values[1], Person.GrammaticalGender.values[2], ""


class RoleLabelTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.congress = make_congress()
        cls.bertram = make_person(first_name="Catherine", last_name="Bertram", grammatical_gender=FEMININE)
        cls.soyer = make_person(first_name="Antoine", last_name="Soyer", grammatical_gender=MASCULINE)
        cls.dominique = make_person(first_name="Dominique", last_name="Lefebvre")  # agreement not given
        make_participation(cls.congress, cls.bertram, role=Participation.Role.SPEAKER, talk_title="Le Bassin minier")
        make_participation(cls.congress, cls.soyer, role=Participation.Role.MODERATOR)
        make_participation(cls.congress, cls.dominique, role=Participation.Role.MODERATOR)

    def profile(self, person):
        return self.client.get(reverse("people:person-detail", kwargs={"slug": person.slug}))

    def test_a_womans_profile_says_intervenante(self):
        response = self.profile(self.bertram)
        self.assertContains(response, "<p>Intervenante&nbsp;: «&nbsp;Le Bassin minier&nbsp;»</p>")
        self.assertNotContains(response, "Intervenant&nbsp;:")

    def test_a_person_whose_agreement_is_not_given_reads_neutrally(self):
        self.assertContains(self.profile(self.dominique), "<p>Modération</p>", html=True)
        self.assertContains(self.profile(self.soyer), "<p>Modérateur</p>", html=True)

    def test_the_event_page_names_each_role_as_its_person(self):
        response = self.client.get(self.congress.get_absolute_url())
        self.assertContains(response, '<span class="speaker__role">(modérateur)</span>', html=True)
        self.assertContains(response, '<span class="speaker__role">(modération)</span>', html=True)
        self.assertNotContains(response, "modératrice")

    def test_structured_data_stays_neutral(self):
        data = json.dumps(json_ld(self.client.get(self.congress.get_absolute_url())), ensure_ascii=False)
        for word in ("Intervenante", "Modérat", "Modération"):
            self.assertNotIn(word, data)
        self.assertIn("Catherine Bertram", data)

    def test_editors_set_the_agreement_on_the_person_form(self):
        self.client.force_login(make_user(group="Communication"))
        response = self.client.get(reverse("admin:people_person_change", args=[self.bertram.pk]))
        field = response.context["adminform"].form.fields["grammatical_gender"]
        self.assertEqual([label for _value, label in field.choices], [
            "Non précisé\u00a0: formulation neutre («\u00a0Intervention\u00a0»)",
            "Féminin («\u00a0Intervenante\u00a0»)",
            "Masculin («\u00a0Intervenant\u00a0»)",
        ])
