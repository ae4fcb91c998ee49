"""The rich-text editor's look-ups in the library: staff with the view permission only, searchable,
never a 500 whatever the address says."""

from django.contrib.auth.models import Permission
from django.test import TestCase

from tests.factories import communication_group, make_document, make_picture, make_user

PICTURES = "/admin/library/editor/pictures/"
DOCUMENTS = "/admin/library/editor/documents/"


class EditorLookupTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        communication_group()
        cls.editor = make_user(group="Communication")
        cls.headframe = make_picture(title="Chevalement du puits Arthur", alt="Le chevalement rouillé")
        cls.congress = make_picture(title="Salle du congrès", alt="Des rangées de fauteuils rouges")
        cls.programme = make_document(title="Programme du congrès")
        cls.minutes = make_document(title="Compte rendu de l’assemblée")

    def setUp(self):
        self.client.force_login(self.editor)

    def test_an_editor_lists_the_latest_pictures_with_what_the_dialog_shows(self):
        results = self.client.get(PICTURES).json()["results"]
        self.assertEqual([item["id"] for item in results], [self.congress.pk, self.headframe.pk])
        self.assertEqual(
            results[1],
            {
                "id": self.headframe.pk,
                "title": "Chevalement du puits Arthur",
                "alt": "Le chevalement rouillé",
                "thumbnail": self.headframe.thumbnail_url,
            },
        )
        self.assertRegex(results[1]["thumbnail"], r"^/media/.+\.jpg$")

    def test_every_word_searched_is_in_the_title_or_the_alternative_text(self):
        def found(query):
            return [item["title"] for item in self.client.get(PICTURES, {"q": query}).json()["results"]]

        self.assertEqual(found("puits"), ["Chevalement du puits Arthur"])
        self.assertEqual(found("fauteuils SALLE"), ["Salle du congrès"])
        self.assertEqual(found("chevalement fauteuils"), [])
        self.assertEqual(found("   "), ["Salle du congrès", "Chevalement du puits Arthur"])

    def test_limit_and_id(self):
        self.assertEqual(len(self.client.get(PICTURES, {"limit": "1"}).json()["results"]), 1)
        [one] = self.client.get(PICTURES, {"id": self.headframe.pk}).json()["results"]
        self.assertEqual(one["title"], "Chevalement du puits Arthur")
        self.assertEqual(self.client.get(PICTURES, {"id": "999999"}).json()["results"], [])

    def test_documents_come_with_their_kind_size_and_address(self):
        [document] = self.client.get(DOCUMENTS, {"q": "programme"}).json()["results"]
        self.assertEqual(
            document,
            {
                "id": self.programme.pk,
                "title": "Programme du congrès",
                "kind": "PDF",
                "size": self.programme.human_size,
                "url": f"/documents/{self.programme.pk}/programme-du-congres.pdf",
            },
        )

    def test_bad_parameters_are_a_400_not_a_500(self):
        for url, params in [
            (PICTURES, {"limit": "abc"}),
            (PICTURES, {"limit": "0"}),
            (PICTURES, {"limit": "100000"}),
            (PICTURES, {"limit": "-1"}),
            (PICTURES, {"id": "x"}),
            (DOCUMENTS, {"id": "1.5"}),
            (DOCUMENTS, {"id": "١٢"}),
            (DOCUMENTS, {"id": "9" * 40}),
        ]:
            with self.subTest(url=url, params=params):
                response = self.client.get(url, params)
                self.assertEqual(response.status_code, 400)
                self.assertIn("error", response.json())
        self.assertEqual(self.client.get(PICTURES, {"q": "x" * 5000}).status_code, 200)
        self.assertEqual(self.client.get(PICTURES + "?q=%00").status_code, 400)

    def test_only_get_is_answered(self):
        self.assertEqual(self.client.post(PICTURES).status_code, 405)

    def test_strangers_and_staff_without_the_permission_get_403(self):
        self.client.logout()
        self.assertEqual(self.client.get(PICTURES).status_code, 403)
        self.assertEqual(self.client.get(DOCUMENTS).status_code, 403)

        staff = make_user()  # staff, in no group
        self.client.force_login(staff)
        self.assertEqual(self.client.get(PICTURES).status_code, 403)

        staff.user_permissions.add(Permission.objects.get(codename="view_picture"))
        self.assertEqual(self.client.get(PICTURES).status_code, 200)
        self.assertEqual(self.client.get(DOCUMENTS).status_code, 403)  # pictures only

    def test_a_former_staff_member_gets_403(self):
        self.editor.is_staff = False
        self.editor.save()
        self.assertEqual(self.client.get(PICTURES).status_code, 403)
