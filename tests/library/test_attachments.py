"""Events and articles list their attached documents, in order, with type and size."""

from django.test import TestCase

from core.publishing import Status
from events.models import EventDocument
from news.models import ArticleDocument
from tests.factories import docx_bytes, make_article, make_document, make_event, make_user, pdf_bytes


class PublicListTests(TestCase):
    def setUp(self):
        self.event = make_event(title="Congrès international")
        self.programme = make_document(pdf_bytes(1_258_291), title="Programme du congrès")
        self.slides = make_document(docx_bytes(), name="slides.docx", title="Présentation d’ouverture")
        EventDocument.objects.create(event=self.event, document=self.slides, position=2)
        EventDocument.objects.create(event=self.event, document=self.programme, position=1)

    def test_the_event_page_lists_its_documents_in_order_with_type_and_size(self):
        response = self.client.get(self.event.get_absolute_url())
        self.assertContains(response, '<h2 id="documents">Documents</h2>', html=False)
        self.assertContains(
            response,
            f'<a href="{self.programme.get_absolute_url()}">Programme du congrès</a> '
            '<span class="attachments__about">(PDF, 1,2\u00a0Mo)</span>',
        )
        self.assertContains(response, f'<a href="{self.slides.get_absolute_url()}" download>Présentation d’ouverture</a>')
        page = response.content.decode()
        self.assertLess(page.index("Programme du congrès</a>"), page.index("Présentation d’ouverture</a>"))
        # The listed addresses answer to the public.
        self.assertEqual(self.client.get(self.programme.get_absolute_url()).status_code, 200)

    def test_the_article_page_lists_its_documents(self):
        article = make_article()
        ArticleDocument.objects.create(article=article, document=self.programme)
        response = self.client.get(article.get_absolute_url())
        self.assertContains(response, "Programme du congrès</a> <span class=\"attachments__about\">(PDF, 1,2\u00a0Mo)</span>")

    def test_a_page_without_documents_has_no_documents_block(self):
        response = self.client.get(make_article().get_absolute_url())
        self.assertNotContains(response, 'class="attachments"')

    def test_a_draft_event_s_documents_show_in_the_staff_preview_only(self):
        self.event.status = Status.DRAFT
        self.event.save()
        self.assertEqual(self.client.get(self.programme.get_absolute_url()).status_code, 404)
        self.client.force_login(make_user(is_superuser=True))
        response = self.client.get(self.event.get_absolute_url())
        self.assertContains(response, "Programme du congrès</a>")
        self.assertEqual(self.client.get(self.programme.get_absolute_url()).status_code, 200)


class AdminInlineTests(TestCase):
    def test_the_event_and_article_forms_have_an_inline_of_attached_documents(self):
        self.client.force_login(make_user(is_superuser=True))
        for url in (f"/admin/events/event/{make_event().pk}/change/", f"/admin/news/article/{make_article().pk}/change/"):
            with self.subTest(url):
                response = self.client.get(url)
                self.assertContains(response, "Documents joints")
                self.assertContains(response, 'name="attachments-TOTAL_FORMS"')

    def test_an_article_form_posted_without_the_inline_keeps_its_attachments(self):
        """Scripts and pages opened before the inline existed post no attachment rows: nothing changes."""
        self.client.force_login(make_user(is_superuser=True))
        article = make_article(title="Avant")
        document = make_document()
        ArticleDocument.objects.create(article=article, document=document)
        response = self.client.post(f"/admin/news/article/{article.pk}/change/", {
            "title": "Après", "slug": article.slug, "status": "draft", "body": "<p>Texte</p>",
        })
        self.assertEqual(response.status_code, 302)
        article.refresh_from_db()
        self.assertEqual(article.title, "Après")
        self.assertQuerySetEqual(article.attachments.values_list("document", flat=True), [document.pk])
