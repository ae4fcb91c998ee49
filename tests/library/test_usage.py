"""What a text shows cannot be deleted: the uses are recorded at each save and protect the file."""

from django.db.models import ProtectedError
from django.test import TestCase

from events.models import EventDocument
from library.models import Document, Picture, Usage
from tests.factories import make_article, make_document, make_event, make_person, make_picture, make_user

PROTECTED = "éléments liés et protégés suivants"


def figure(picture) -> str:
    return f'<figure data-picture="{picture.pk}" data-align="left"></figure>'


def link(document) -> str:
    return f'<a href="{document.get_absolute_url()}" data-document="{document.pk}">le programme</a>'


class UsageRecordTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.picture = make_picture()
        cls.document = make_document()

    def test_saving_a_text_records_what_it_uses_and_editing_it_follows(self):
        article = make_article(body=f"<p>{link(self.document)}</p>{figure(self.picture)}")
        self.assertQuerySetEqual(Usage.objects.of(article).filter(picture=self.picture), [Usage.objects.get(picture=self.picture)])
        self.assertTrue(Usage.objects.of(article).filter(document=self.document).exists())

        article.body = "<p>Plus rien.</p>"
        article.save()
        self.assertFalse(Usage.objects.of(article).exists())

    def test_every_model_with_rich_text_records_its_uses(self):
        event = make_event(description=figure(self.picture))
        person = make_person(bio=f"<p>{link(self.document)}</p>")
        self.assertTrue(Usage.objects.of(event).filter(picture=self.picture).exists())
        self.assertTrue(Usage.objects.of(person).filter(document=self.document).exists())

    def test_deleting_the_text_forgets_its_uses(self):
        article = make_article(body=figure(self.picture))
        article.delete()
        self.assertFalse(Usage.objects.filter(picture=self.picture).exists())
        self.picture.delete()  # no longer in use

    def test_a_reference_to_a_missing_picture_records_nothing(self):
        article = make_article(body='<figure data-picture="999999"></figure>')
        self.assertFalse(Usage.objects.of(article).exists())

    def test_the_database_refuses_to_delete_a_picture_in_use(self):
        make_article(body=figure(self.picture))
        with self.assertRaises(ProtectedError):
            self.picture.delete()


class AdminProtectionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = make_user(is_superuser=True)
        cls.picture = make_picture(title="Chevalement")
        cls.article = make_article(title="Le congrès de Thetford Mines", body=figure(cls.picture))
        cls.document = make_document(title="Programme du congrès")
        cls.event = make_event(title="Congrès international")
        EventDocument.objects.create(event=cls.event, document=cls.document)

    def setUp(self):
        self.client.force_login(self.admin)

    def test_deleting_a_picture_in_use_is_refused_and_the_page_says_where(self):
        response = self.client.post(f"/admin/library/picture/{self.picture.pk}/delete/", {"post": "yes"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Suppression impossible")
        self.assertContains(response, PROTECTED)
        self.assertContains(
            response, "Utilisation dans un texte\u00a0: Article «\u00a0Le congrès de Thetford Mines\u00a0»"
        )
        self.assertTrue(Picture.objects.filter(pk=self.picture.pk).exists())

    def test_deleting_an_attached_document_is_refused(self):
        response = self.client.post(f"/admin/library/document/{self.document.pk}/delete/", {"post": "yes"})
        self.assertContains(response, PROTECTED)
        self.assertContains(response, "Congrès international – Programme du congrès")
        self.assertTrue(Document.objects.filter(pk=self.document.pk).exists())

    def test_an_unused_picture_can_be_deleted(self):
        unused = make_picture()
        response = self.client.post(f"/admin/library/picture/{unused.pk}/delete/", {"post": "yes"})
        self.assertRedirects(response, "/admin/library/picture/")
        self.assertFalse(Picture.objects.filter(pk=unused.pk).exists())

    def test_the_picture_form_lists_where_it_is_used(self):
        response = self.client.get(f"/admin/library/picture/{self.picture.pk}/change/")
        self.assertContains(response, f'<a href="/admin/news/article/{self.article.pk}/change/">Le congrès de Thetford Mines</a>')
