from django.test import TestCase
from django.urls import reverse

from tests.factories import make_article


class AccentedTagTests(TestCase):
    def test_a_tag_with_accents_has_a_working_page(self):
        article = make_article(title="Coopération France–Québec")
        article.tags.add("Québec", "coopération internationale")
        url = reverse("tag-detail", kwargs={"slug": "québec"})
        self.assertEqual(url, "/etiquettes/qu%C3%A9bec/")
        self.assertContains(self.client.get(url), "Coopération France–Québec")
        self.assertEqual(self.client.get("/etiquettes/coop%C3%A9ration-internationale/").status_code, 200)

    def test_an_unknown_tag_is_a_404(self):
        self.assertEqual(self.client.get("/etiquettes/inconnue/").status_code, 404)
