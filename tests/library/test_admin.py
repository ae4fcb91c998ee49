"""The Communication team manages the media library in the admin, in French."""

from django.test import TestCase

from library.models import Document, Picture
from tests.factories import (
    communication_group,
    image_bytes,
    make_article,
    make_document,
    make_picture,
    make_user,
    pdf_bytes,
)
from tests.library.test_models import EXE


class CommunicationLibraryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        communication_group()
        cls.editor = make_user(group="Communication")

    def setUp(self):
        self.client.force_login(self.editor)

    def test_the_admin_index_has_a_media_library_section(self):
        response = self.client.get("/admin/")
        self.assertContains(response, "Médiathèque")
        self.assertContains(response, '<a href="/admin/library/picture/"')
        self.assertContains(response, '<a href="/admin/library/document/"')

    def test_the_picture_list_shows_thumbnails_sizes_and_uses(self):
        picture = make_picture(title="Chevalement du 9-9 bis")
        make_article(body=f'<figure data-picture="{picture.pk}"></figure>')
        response = self.client.get("/admin/library/picture/?q=chevalement")
        self.assertContains(response, "Chevalement du 9-9 bis")
        self.assertContains(response, picture.thumbnail_url)
        self.assertContains(response, "1600 × 900")
        self.assertContains(response, "1 utilisation")

    def test_an_editor_adds_a_picture_with_its_focal_point(self):
        upload = self.client.post("/admin/library/picture/add/", {
            "file": self.upload("photo.jpg", image_bytes()),
            "title": "Terril", "alt": "Un terril sous la neige", "caption": "", "credit": "Marie Dupont",
            "focal_x": "0.25", "focal_y": "0.8",
        })
        self.assertEqual(upload.status_code, 302)
        picture = Picture.objects.get(title="Terril")
        self.assertEqual((picture.focal_x, picture.focal_y), (0.25, 0.8))
        response = self.client.get(f"/admin/library/picture/{picture.pk}/change/")
        self.assertContains(response, 'class="library-focal"')
        self.assertContains(response, "library/focal.js")
        self.assertContains(response, "Point focal")

    def test_a_program_renamed_pdf_is_refused_with_a_french_message(self):
        response = self.client.post("/admin/library/document/add/", {
            "title": "Programme", "file": self.upload("programme.pdf", EXE),
        })
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Ce type de fichier n’est pas accepté")
        self.assertFalse(Document.objects.exists())

    def test_an_editor_adds_a_document_and_the_list_says_type_and_size(self):
        response = self.client.post("/admin/library/document/add/", {
            "title": "Programme du congrès", "file": self.upload("programme.pdf", pdf_bytes(900 * 1024)),
        })
        self.assertEqual(response.status_code, 302)
        response = self.client.get("/admin/library/document/")
        self.assertContains(response, "Programme du congrès")
        self.assertContains(response, "<td class=\"field-kind\">PDF</td>")
        self.assertContains(response, "900\u00a0Ko")

    def test_the_document_form_gives_its_public_address(self):
        document = make_document(title="Programme")
        response = self.client.get(f"/admin/library/document/{document.pk}/change/")
        self.assertContains(response, document.get_absolute_url())
        self.assertContains(response, "Nulle part pour l’instant.")

    @staticmethod
    def upload(name, content):
        from django.core.files.uploadedfile import SimpleUploadedFile

        return SimpleUploadedFile(name, content)

    def test_renaming_a_document_keeps_its_file(self):
        document = make_document(title="Programme")
        name = document.file.name
        response = self.client.post(f"/admin/library/document/{document.pk}/change/", {"title": "Programme définitif"})
        self.assertEqual(response.status_code, 302)
        document.refresh_from_db()
        self.assertEqual((document.title, document.file.name), ("Programme définitif", name))
