"""Pictures stored before uploads were cleaned lose their metadata and private names (clean_pictures)."""

import io
import re
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase
from django.urls import reverse
from PIL import ExifTags, Image
from PIL.PngImagePlugin import PngInfo

from news.models import Article
from people.models import Organisation, Person
from tests.factories import make_article, make_organisation, make_person, uploaded_image

TOKEN = r"[0-9a-f]{32}"
DEVICE = "Pixel 9 Pro"


def phone_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Google"
    exif[ExifTags.Base.Model] = DEVICE
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (50.0, 25.0, 12.5),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (3.0, 4.0, 5.0),
    }
    return exif


def phone_jpeg(size=(400, 300)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (40, 90, 140)).save(buffer, "JPEG", quality=90, exif=phone_exif())
    return buffer.getvalue()


def png_with_metadata() -> bytes:
    info = PngInfo()
    info.add_text("Author", "Marie Dupont")
    buffer = io.BytesIO()
    Image.new("RGBA", (200, 100), (200, 30, 30, 128)).save(buffer, "PNG", pnginfo=info, exif=phone_exif())
    return buffer.getvalue()


def store_the_old_way(name: str, data: bytes, *, renditions=(320,)) -> tuple[str, dict]:
    """What the site did before: the upload byte for byte under its own name, renditions named after it."""
    stored = default_storage.save(name, ContentFile(data))
    stem = Path(stored).stem
    description = {"source": stored, "width": 400, "height": 300, "fallback_type": "image/jpeg",
                   "webp": [], "fallback": []}
    for width in renditions:
        description["fallback"].append([width, default_storage.save(f"renditions/{stem}-0123456789-{width}.jpg",
                                                                    ContentFile(phone_jpeg((width, width))))])
        description["webp"].append([width, default_storage.save(f"renditions/{stem}-0123456789-{width}.webp",
                                                                 ContentFile(phone_jpeg((width, width))))])
    return stored, description


def rendition_names(description: dict) -> list[str]:
    return [name for key in ("webp", "fallback") for _width, name in description.get(key, [])]


def run(*args) -> str:
    out = io.StringIO()
    call_command("clean_pictures", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


class OldPicturesTests(TestCase):
    """Files live in each test's own MEDIA_ROOT (tests/conftest.py): they are made per test."""

    def setUp(self):
        self.root = Path(default_storage.location)
        self.person = make_person(slug="camille-chez-moi")
        photo, renditions = store_the_old_way("people/IMG_20250601_chez_moi.jpg", phone_jpeg())
        Person.objects.filter(pk=self.person.pk).update(photo=photo, photo_renditions=renditions)
        self.old_person_files = [photo, *rendition_names(renditions)]

        # Bulk rows share one original and its renditions; a person uses the same file.
        shared, shared_renditions = store_the_old_way("news/terril_de_loos.jpg", phone_jpeg())
        self.articles = [make_article(image_alt="Un terril") for _ in range(2)]
        Article.objects.filter(pk__in=[a.pk for a in self.articles]).update(
            image=shared, image_renditions=shared_renditions)
        self.sharing_person = make_person()
        Person.objects.filter(pk=self.sharing_person.pk).update(photo=shared, photo_renditions=shared_renditions)
        self.shared_files = [shared, *rendition_names(shared_renditions)]

        self.organisation = make_organisation()
        logo, logo_renditions = store_the_old_way("organisations/logo_de_Marie_Dupont.png", png_with_metadata())
        Organisation.objects.filter(pk=self.organisation.pk).update(logo=logo, logo_renditions=logo_renditions)

    def stored(self) -> dict[str, bytes]:
        return {p.relative_to(self.root).as_posix(): p.read_bytes() for p in self.root.rglob("*") if p.is_file()}

    def database(self) -> list:
        return [
            *Person.objects.order_by("pk").values_list("photo", "photo_renditions"),
            *Article.objects.order_by("pk").values_list("image", "image_renditions"),
            *Organisation.objects.order_by("pk").values_list("logo", "logo_renditions"),
        ]

    def test_no_stored_file_tells_where_or_with_what(self):
        """Originals and renditions: no GPS, no make, no model, no author."""
        run()
        files = self.stored()
        self.assertTrue(files)
        for name, data in files.items():
            with self.subTest(name=name), Image.open(io.BytesIO(data)) as image:
                exif = image.getexif()
                self.assertNotIn(ExifTags.Base.Make, exif)
                self.assertNotIn(ExifTags.Base.Model, exif)
                self.assertNotIn(ExifTags.IFD.GPSInfo, exif)
                self.assertEqual(dict(exif.get_ifd(ExifTags.IFD.GPSInfo)), {})
                self.assertNotIn(DEVICE.encode(), data)
                self.assertNotIn(b"Marie Dupont", data)

    def test_names_are_random_and_the_old_files_are_gone(self):
        run()
        self.person.refresh_from_db()
        self.organisation.refresh_from_db()
        self.assertRegex(self.person.photo.name, rf"^people/{TOKEN}\.jpg$")
        self.assertRegex(self.organisation.logo.name, rf"^organisations/{TOKEN}\.png$")
        for name in rendition_names(self.person.photo_renditions):
            self.assertRegex(name, rf"^renditions/{TOKEN}-\d+\.(webp|jpg)$")
        for name in self.old_person_files:
            self.assertFalse(default_storage.exists(name), name)
        self.assertFalse([name for name in self.stored() if re.search(r"chez_moi|terril|Marie", name)])

    def test_the_original_is_upright(self):
        """The same cleaning as an upload: orientation 6 turns 400 × 300 into 300 × 400."""
        run()
        self.person.refresh_from_db()
        with default_storage.open(self.person.photo.name, "rb") as file, Image.open(file) as image:
            self.assertEqual((image.format, image.size), ("JPEG", (300, 400)))
        self.assertEqual((self.person.photo_renditions["width"], self.person.photo_renditions["height"]), (300, 400))

    def test_a_shared_original_goes_once_no_row_refers_to_it(self):
        """Two articles and a person share one file: all three are cleaned, then the file goes, not before."""
        output = run()
        self.assertIn("cleaned 5", output)
        for article in self.articles:
            article.refresh_from_db()
            self.assertRegex(article.image.name, rf"^news/{TOKEN}\.jpg$")
            self.assertTrue(default_storage.exists(article.image.name))
        self.sharing_person.refresh_from_db()
        self.assertRegex(self.sharing_person.photo.name, rf"^people/{TOKEN}\.jpg$")
        for name in self.shared_files:
            self.assertFalse(default_storage.exists(name), name)

    def test_the_reference_check_looks_at_every_picture_field_and_rendition_source(self):
        """A file stays while any row of any model uses it, as its picture or as its renditions' source."""
        from core.management.commands.clean_pictures import still_referenced

        shared = self.shared_files[0]
        Person.objects.filter(pk=self.sharing_person.pk).update(photo="")  # its renditions still name the file
        Article.objects.filter(pk__in=[a.pk for a in self.articles]).update(image="", image_renditions={})
        self.assertEqual(still_referenced({shared, "news/nobody.jpg"}), {shared})
        Person.objects.filter(pk=self.sharing_person.pk).update(photo_renditions={})
        self.assertEqual(still_referenced({shared, "news/nobody.jpg"}), set())

    def test_renditions_are_rebuilt_and_shown(self):
        """Even on a page cached before the run: the new renditions replace the old ones."""
        address = reverse("people:person-detail", args=[self.person.slug])
        self.assertContains(self.client.get(address), "chez_moi")
        run()
        self.person.refresh_from_db()
        renditions = self.person.photo_renditions
        self.assertEqual(renditions["source"], self.person.photo.name)
        self.assertTrue(renditions["webp"] and renditions["fallback"])
        for name in rendition_names(renditions):
            self.assertTrue(default_storage.exists(name), name)
        page = self.client.get(address)
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, default_storage.url(renditions["fallback"][0][1]))
        self.assertNotContains(page, "chez_moi")

    def test_a_picture_uploaded_since_is_left_alone(self):
        person = make_person(photo=uploaded_image("portrait.jpg", size=(200, 200)))
        before = (person.photo.name, person.photo_renditions)
        output = run()
        person.refresh_from_db()
        self.assertEqual((person.photo.name, person.photo_renditions), before)
        self.assertIn("skipped 1", output)

    def test_a_second_run_changes_nothing_and_says_so(self):
        run()
        files, rows = self.stored(), self.database()
        output = run()
        self.assertEqual((self.stored(), self.database()), (files, rows))
        self.assertIn("cleaned 0", output)
        self.assertIn("Nothing to clean", output)

    def test_a_dry_run_writes_nothing(self):
        files, rows = self.stored(), self.database()
        output = run("--dry-run")
        self.assertEqual((self.stored(), self.database()), (files, rows))
        self.assertIn("would clean 5", output)

    def test_a_missing_or_broken_file_is_reported_and_skipped(self):
        missing = make_person()
        Person.objects.filter(pk=missing.pk).update(photo="people/disparue.jpg", photo_renditions={})
        broken = make_person()
        default_storage.save("people/coupee.jpg", ContentFile(phone_jpeg()[:300]))
        Person.objects.filter(pk=broken.pk).update(photo="people/coupee.jpg", photo_renditions={})
        out, err = io.StringIO(), io.StringIO()
        with self.assertRaises(CommandError):
            call_command("clean_pictures", stdout=out, stderr=err)
        self.assertEqual(len(re.findall(r"people/(disparue|coupee)\.jpg", err.getvalue())), 2, err.getvalue())
        self.assertIn("cleaned 5", out.getvalue())
        self.assertIn("failed 2", out.getvalue())
        missing.refresh_from_db()
        self.assertEqual(missing.photo.name, "people/disparue.jpg")
        self.person.refresh_from_db()
        self.assertRegex(self.person.photo.name, rf"^people/{TOKEN}\.jpg$")
