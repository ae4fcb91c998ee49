"""Documents are served safely, under their current address, to those who may see them."""

from datetime import timedelta

from django.test import TestCase
from django.utils import timezone

from core.publishing import Status
from events.models import EventDocument
from news.models import ArticleDocument
from tests.factories import (
    communication_group,
    docx_bytes,
    make_article,
    make_document,
    make_event,
    make_person,
    make_user,
    pdf_bytes,
)


def content(response) -> bytes:
    return b"".join(response.streaming_content)


class ServingTests(TestCase):
    """Files live in each test's own MEDIA_ROOT (tests/conftest.py): made in setUp."""

    def setUp(self):
        self.event = make_event(title="Congrès de Thetford Mines")
        self.pdf = make_document(pdf_bytes(), title="Programme du congrès")
        self.docx = make_document(docx_bytes(), name="notes.docx", title="Compte rendu : l’atelier")
        for position, document in enumerate([self.pdf, self.docx]):
            EventDocument.objects.create(event=self.event, document=document, position=position)

    def test_a_pdf_opens_in_the_browser_with_safe_headers(self):
        response = self.client.get(self.pdf.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertEqual(response["Content-Disposition"], 'inline; filename="programme-du-congres.pdf"')
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertEqual(response["Cache-Control"], "public, max-age=600")
        self.assertEqual(response["Content-Length"], str(len(pdf_bytes())))
        self.assertEqual(content(response), pdf_bytes())

    def test_an_office_file_is_downloaded_under_a_clean_french_name(self):
        response = self.client.get(self.docx.get_absolute_url())
        self.assertEqual(response["Content-Type"], self.docx.content_type)
        self.assertEqual(response["Content-Disposition"], 'attachment; filename="compte-rendu-l-atelier.docx"')
        self.assertEqual(content(response), docx_bytes())

    def test_head_answers_the_headers_without_the_file(self):
        response = self.client.head(self.pdf.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertEqual(b"".join(response), b"")

    def test_an_old_or_wrong_name_redirects_to_the_current_address(self):
        for wrong in (f"/documents/{self.pdf.pk}/ancien-titre.pdf", f"/documents/{self.pdf.pk}/programme-du-congres.exe",
                      f"/documents/{self.pdf.pk}/"):
            with self.subTest(wrong):
                response = self.client.get(wrong)
                self.assertEqual(response.status_code, 301)
                self.assertEqual(response["Location"], self.pdf.get_absolute_url())

    def test_bad_addresses_are_404(self):
        for url in ("/documents/999999/programme.pdf", "/documents/abc/programme.pdf", "/documents/999999/",
                    f"/documents/{self.pdf.pk}/programme", "/documents/99999999999999999999999/x.pdf"):
            with self.subTest(url):
                self.assertEqual(self.client.get(url).status_code, 404)

    def test_a_missing_file_on_disk_is_a_404(self):
        document = make_document(title="Perdu")
        EventDocument.objects.create(event=self.event, document=document)
        document.file.storage.delete(document.file.name)
        self.assertEqual(self.client.get(document.get_absolute_url()).status_code, 404)

    def test_posting_is_not_allowed(self):
        self.assertEqual(self.client.post(self.pdf.get_absolute_url()).status_code, 405)


class PrivacyTests(TestCase):
    def setUp(self):
        self.draft = make_event(status=Status.DRAFT, published_at=None)
        self.document = make_document(title="Programme provisoire")
        EventDocument.objects.create(event=self.draft, document=self.document)
        communication_group()
        self.editor = make_user(group="Communication")

    def test_a_draft_s_document_is_hidden_from_the_public(self):
        self.assertEqual(self.client.get(self.document.get_absolute_url()).status_code, 404)

    def test_staff_who_may_view_documents_get_it_privately(self):
        self.client.force_login(self.editor)
        response = self.client.get(self.document.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Cache-Control"], "private, no-store")

    def test_staff_without_the_permission_get_a_404(self):
        self.client.force_login(make_user())
        self.assertEqual(self.client.get(self.document.get_absolute_url()).status_code, 404)

    def test_a_document_becomes_public_with_the_item_it_is_attached_to(self):
        self.draft.status, self.draft.published_at = Status.PUBLISHED, timezone.now() - timedelta(minutes=1)
        self.draft.save()
        self.assertEqual(self.client.get(self.document.get_absolute_url()).status_code, 200)

    def test_a_scheduled_article_s_document_is_not_public_yet(self):
        document = make_document()
        article = make_article(published_at=timezone.now() + timedelta(days=1))
        ArticleDocument.objects.create(article=article, document=document)
        self.assertEqual(self.client.get(document.get_absolute_url()).status_code, 404)

    def test_a_document_linked_from_a_public_text_is_public(self):
        document = make_document()
        link = f'<a href="/x" data-document="{document.pk}">les diapositives</a>'
        person = make_person(is_public=False, bio=f"<p>{link}</p>")
        self.assertEqual(self.client.get(document.get_absolute_url()).status_code, 404)
        person.is_public = True
        person.save()
        self.assertEqual(self.client.get(document.get_absolute_url()).status_code, 200)

    def test_an_unused_document_is_not_public(self):
        self.assertEqual(self.client.get(make_document().get_absolute_url()).status_code, 404)
