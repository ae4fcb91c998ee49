"""What the library accepts and how it describes it: documents told by their content, pictures cleaned."""

import io

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from django.utils import translation
from PIL import ExifTags, Image

from library.models import Document, Picture, human_size
from tests.factories import docx_bytes, image_bytes, make_document, make_picture, pdf_bytes, zip_bytes

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200


def stored_bytes(document: Document) -> bytes:
    with document.file.open("rb") as stored:
        return stored.read()


class DocumentTypeTests(TestCase):
    def test_a_pdf_is_stored_under_a_random_name_with_its_type_and_size(self):
        document = make_document(pdf_bytes(), name="Programme définitif (v3).pdf", title="Programme du congrès")
        self.assertRegex(document.file.name, r"^documents/[0-9a-f]{32}\.pdf$")
        self.assertEqual(document.content_type, "application/pdf")
        self.assertEqual(document.size, len(pdf_bytes()))
        self.assertEqual(stored_bytes(document), pdf_bytes())
        self.assertEqual(document.kind, "PDF")
        self.assertEqual(document.get_absolute_url(), f"/documents/{document.pk}/programme-du-congres.pdf")

    def test_a_word_file_is_told_by_its_content_whatever_its_name(self):
        document = make_document(docx_bytes(), name="diaporama.pdf")
        self.assertEqual(document.extension, "docx")
        self.assertEqual(document.content_type, "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        self.assertEqual(document.kind, "Word")

    def test_opendocument_files_are_accepted(self):
        document = make_document(
            zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.presentation", "content.xml": b"<x/>"}),
            name="diapos.odp",
        )
        self.assertEqual(document.extension, "odp")
        with translation.override("fr"):
            self.assertEqual(document.kind, "OpenDocument présentation")

    def test_a_csv_file_is_accepted_as_text(self):
        document = make_document(b"nom;ville\nBertram;Lens\n", name="inscrits.csv")
        self.assertEqual((document.content_type, document.extension), ("text/csv", "csv"))

    def assertRefused(self, content: bytes, name: str, code: str):
        document = Document(title="Refusé", file=SimpleUploadedFile(name, content))
        with self.assertRaises(ValidationError) as refused:
            document.full_clean()
        self.assertEqual(refused.exception.error_dict["file"][0].code, code)

    def test_a_program_renamed_pdf_is_refused(self):
        self.assertRefused(EXE, "programme.pdf", "format")

    def test_a_word_file_with_macros_is_refused(self):
        self.assertRefused(docx_bytes(macros=True), "programme.docx", "format")

    def test_an_arbitrary_zip_archive_is_refused(self):
        self.assertRefused(zip_bytes({"readme.txt": b"hello"}), "archive.docx", "format")

    def test_a_broken_zip_is_refused(self):
        self.assertRefused(b"PK\x03\x04" + b"\x00" * 40, "cassé.xlsx", "format")

    @override_settings(MAX_DOCUMENT_UPLOAD_BYTES=100_000)
    def test_a_file_over_the_ceiling_is_refused_with_the_limit_in_french(self):
        document = Document(title="Trop lourd", file=SimpleUploadedFile("gros.pdf", pdf_bytes(200_000)))
        with translation.override("fr"), self.assertRaises(ValidationError) as refused:
            document.full_clean()
        self.assertEqual(refused.exception.error_dict["file"][0].code, "too_large")
        self.assertIn("trop volumineux", refused.exception.messages[0])

    def test_a_stored_document_is_not_read_again_when_its_title_changes(self):
        document = make_document()
        document.title = "Programme mis à jour"
        document.full_clean()  # the stored file passes without being opened
        document.save()
        self.assertEqual(Document.objects.get(pk=document.pk).title, "Programme mis à jour")


class DocumentDescriptionTests(TestCase):
    def test_sizes_read_as_in_french(self):
        with translation.override("fr"):
            self.assertEqual(human_size(1_258_291), "1,2\u00a0Mo")
            self.assertEqual(human_size(870_400), "850\u00a0Ko")
            self.assertEqual(human_size(12 * 1024 * 1024), "12\u00a0Mo")
            self.assertEqual(human_size(1), "1\u00a0octet")
            self.assertEqual(human_size(300), "300\u00a0octets")

    def test_a_document_describes_itself_as_the_guidelines_ask(self):
        document = make_document(pdf_bytes(1_258_291))
        with translation.override("fr"):
            self.assertEqual(document.description, "PDF, 1,2\u00a0Mo")


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Google"
    exif[ExifTags.IFD.GPSInfo] = {ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (50.0, 25.0, 12.5)}
    return image_bytes("JPEG", exif=exif)


class PictureTests(TestCase):
    def test_an_uploaded_photo_is_stored_without_its_location_and_with_renditions(self):
        self.assertIn(b"Google", jpeg_with_gps())
        picture = make_picture(file=SimpleUploadedFile("IMG_2025_chez_moi.jpg", jpeg_with_gps()))
        self.assertRegex(picture.file.name, r"^library/[0-9a-f]{32}\.jpg$")
        with picture.file.open("rb") as stored:
            data = stored.read()
        self.assertNotIn(b"Google", data)
        with Image.open(io.BytesIO(data)) as image:
            self.assertEqual(dict(image.getexif()), {})
        self.assertEqual((picture.width, picture.height), (1600, 900))
        self.assertTrue(picture.thumbnail_url.endswith("-320.jpg"))

    @override_settings(MAX_IMAGE_PIXELS=1_000_000)
    def test_a_picture_over_the_pixel_ceiling_is_refused(self):
        picture = Picture(title="Trop grande", alt="x", file=SimpleUploadedFile("grand.png", image_bytes("PNG")))
        with self.assertRaises(ValidationError) as refused:
            picture.full_clean()
        self.assertEqual(refused.exception.error_dict["file"][0].code, "too_many_pixels")

    def test_a_text_file_renamed_jpg_is_refused(self):
        picture = Picture(title="Faux", alt="x", file=SimpleUploadedFile("photo.jpg", b"not a picture"))
        with self.assertRaises(ValidationError) as refused:
            picture.full_clean()
        self.assertIn("file", refused.exception.error_dict)

    def test_alternative_text_is_required(self):
        picture = Picture(title="Sans texte", file=SimpleUploadedFile("p.jpg", image_bytes()))
        with self.assertRaises(ValidationError) as refused:
            picture.full_clean()
        self.assertIn("alt", refused.exception.error_dict)

    def test_the_focal_point_stays_inside_the_picture(self):
        picture = Picture(title="Hors cadre", alt="x", focal_x=1.2, focal_y=-0.1,
                          file=SimpleUploadedFile("p.jpg", image_bytes()))
        with self.assertRaises(ValidationError) as refused:
            picture.full_clean()
        self.assertEqual(set(refused.exception.error_dict) & {"focal_x", "focal_y"}, {"focal_x", "focal_y"})

    def test_the_focal_point_gives_the_css_position_and_classes(self):
        picture = make_picture(focal_x=0.3, focal_y=0.66)
        self.assertEqual(picture.object_position, "30% 66%")
        self.assertEqual(picture.focal_class, "focal-x-3 focal-y-7")


class ReplacementTests(TestCase):
    def test_a_replaced_file_keeps_the_address_and_the_old_file_goes(self):
        document = make_document(pdf_bytes(), title="Programme")
        old_name, storage = document.file.name, document.file.storage
        document.file = SimpleUploadedFile("programme-v2.docx", docx_bytes())
        with self.captureOnCommitCallbacks(execute=True):
            document.full_clean()
            document.save()
        self.assertFalse(storage.exists(old_name))
        self.assertTrue(storage.exists(document.file.name))
        self.assertEqual(document.get_absolute_url(), f"/documents/{document.pk}/programme.docx")
        self.assertEqual(document.kind, "Word")
