"""A picture uploaded from a phone publishes no private data: no place, no device, no file name."""

import io
import re
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from PIL import ExifTags, Image, ImageChops, ImageCms
from PIL.PngImagePlugin import PngInfo

from people.models import Organisation, Person
from tests.factories import make_article, make_organisation, make_person, make_user

DEVICE = "Pixel 9 Pro"
MAKER_NOTE = b"numero de serie 4711"
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><exif:GPSLatitude>50,25.2N</exif:GPSLatitude></x:xmpmeta>'
ICC = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
TOKEN = re.compile(r"[0-9a-f]{32}")


def phone_exif(orientation: int = 1) -> Image.Exif:
    """What a phone writes: its make and model, where and when, a maker note, the orientation."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Google"
    exif[ExifTags.Base.Model] = DEVICE
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (50.0, 25.0, 12.5),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (3.0, 4.0, 5.0),
    }
    exif[ExifTags.IFD.Exif] = {ExifTags.Base.DateTimeOriginal: "2025:06:01 19:02:11", ExifTags.Base.MakerNote: MAKER_NOTE}
    return exif


def drawing(size=(400, 300)) -> Image.Image:
    """A picture whose top-left corner is red, so that a rotation shows."""
    image = Image.new("RGB", size, (40, 90, 140))
    image.paste((220, 30, 30), (0, 0, size[0] // 4, size[1] // 4))
    return image


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def stored_files(root: str) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in Path(root).rglob("*") if path.is_file()}


class PrivateDataMixin:
    def assertNothingPrivate(self, root: str, *, uploaded_name: str):
        """No stored file (original or rendition) carries the place, the device or the uploader's file name."""
        files = stored_files(root)
        self.assertTrue(files)
        stem = Path(uploaded_name).stem
        for name, data in files.items():
            with self.subTest(name=name):
                self.assertNotIn(stem, name)
                for secret in (DEVICE.encode(), MAKER_NOTE, b"GPSLatitude", b"Exif\x00\x00", b"Marie Dupont"):
                    self.assertNotIn(secret, data)
                with Image.open(io.BytesIO(data)) as image:
                    self.assertEqual(dict(image.getexif()), {})
                    self.assertFalse({"exif", "xmp", "XML:com.adobe.xmp", "comment", "Author"} & set(image.info))
        return files


class PhonePhotoTests(PrivateDataMixin, TestCase):
    """Files live in each test's own MEDIA_ROOT (tests/conftest.py): the upload is made per test."""

    def setUp(self):
        data = encode(drawing(), "JPEG", quality=95, exif=phone_exif(orientation=6), xmp=XMP,
                      comment=b"Marie Dupont", icc_profile=ICC)
        self.person = make_person(photo=upload("IMG_20250601_chez_moi.jpg", data))

    def test_no_stored_file_tells_where_the_photo_was_taken_or_with_what(self):
        """The original and every rendition lose GPS, device, maker note, XMP and comment."""
        self.assertNothingPrivate(self.person.photo.storage.location, uploaded_name="IMG_20250601_chez_moi.jpg")

    def test_the_original_is_kept_upright_with_its_colour_profile(self):
        """Orientation is applied to the pixels (no tag left to apply) and the ICC profile stays."""
        with self.person.photo.open("rb"), Image.open(self.person.photo) as original:
            self.assertEqual((original.format, original.size), ("JPEG", (300, 400)))
            self.assertEqual(original.info.get("icc_profile"), ICC)
            red, _green, blue = original.getpixel((original.width - 10, 10))
            self.assertGreater(red, blue)  # the red corner turned to the top right

    def test_the_renditions_keep_the_colour_profile(self):
        root = Path(self.person.photo.storage.location)
        for _width, name in self.person.photo_renditions["webp"] + self.person.photo_renditions["fallback"]:
            with self.subTest(name=name), Image.open(root / name) as rendition:
                self.assertEqual(rendition.info.get("icc_profile"), ICC)

    def test_names_reveal_neither_the_uploader_s_file_name_nor_the_original(self):
        """people/<random>.jpg; the renditions carry another random token."""
        self.assertRegex(self.person.photo.name, rf"^people/{TOKEN.pattern}\.jpg$")
        original_token = TOKEN.search(self.person.photo.name).group()
        for _width, name in self.person.photo_renditions["webp"] + self.person.photo_renditions["fallback"]:
            self.assertRegex(name, rf"^renditions/{TOKEN.pattern}-\d+\.(webp|jpg)$")
            self.assertNotIn(original_token, name)


class OtherFormatsTests(PrivateDataMixin, TestCase):
    def test_a_png_loses_its_text_exif_and_xmp_but_not_a_single_pixel(self):
        """PNG metadata chunks go; pixels, transparency and colour profile stay as they were."""
        image = drawing().convert("RGBA")
        image.putpixel((5, 5), (0, 0, 0, 0))
        info = PngInfo()
        info.add_text("Author", "Marie Dupont")
        info.add_itxt("XML:com.adobe.xmp", XMP.decode())
        data = encode(image, "PNG", pnginfo=info, exif=phone_exif(), icc_profile=ICC)
        organisation = make_organisation(logo=upload("logo_de_Marie_Dupont.png", data))
        self.assertRegex(organisation.logo.name, rf"^organisations/{TOKEN.pattern}\.png$")
        self.assertNothingPrivate(organisation.logo.storage.location, uploaded_name="logo_de_Marie_Dupont.png")
        with organisation.logo.open("rb"), Image.open(organisation.logo) as stored:
            self.assertEqual(stored.info.get("icc_profile"), ICC)
            self.assertIsNone(ImageChops.difference(stored.convert("RGBA"), image).getbbox())

    def test_a_png_with_an_orientation_is_stored_upright(self):
        data = encode(drawing(), "PNG", exif=phone_exif(orientation=6))
        organisation = make_organisation(logo=upload("scan.png", data))
        self.assertNothingPrivate(organisation.logo.storage.location, uploaded_name="scan.png")
        with organisation.logo.open("rb"), Image.open(organisation.logo) as stored:
            self.assertEqual(stored.size, (300, 400))

    def test_a_webp_loses_its_exif_and_xmp_but_keeps_pixels_and_profile(self):
        image = drawing()
        data = encode(image, "WEBP", lossless=True, exif=phone_exif(), xmp=XMP, icc_profile=ICC)
        article = make_article(image=upload("IMG_20250601_chez_moi.webp", data), image_alt="Une friche")
        self.assertRegex(article.image.name, rf"^news/{TOKEN.pattern}\.webp$")
        self.assertNothingPrivate(article.image.storage.location, uploaded_name="IMG_20250601_chez_moi.webp")
        with article.image.open("rb"), Image.open(article.image) as stored:
            self.assertEqual(stored.info.get("icc_profile"), ICC)
            self.assertIsNone(ImageChops.difference(stored.convert("RGB"), image).getbbox())

    def test_a_jpeg_with_a_second_picture_inside_keeps_only_the_first(self):
        """Phones write multi-picture JPEGs (MPO); the hidden second picture and its EXIF are dropped."""
        data = encode(drawing(), "MPO", save_all=True, append_images=[drawing((40, 30))], exif=phone_exif())
        person = make_person(photo=upload("IMG_20250601_chez_moi.jpg", data))
        files = self.assertNothingPrivate(person.photo.storage.location, uploaded_name="IMG_20250601_chez_moi.jpg")
        with Image.open(io.BytesIO(files[person.photo.name])) as stored:
            self.assertEqual((stored.format, getattr(stored, "n_frames", 1), stored.size), ("JPEG", 1, (400, 300)))


class ExtensionTests(TestCase):
    """The stored extension is the one of the content, whatever the uploader's name says."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user(group="Communication")

    def setUp(self):
        self.client.force_login(self.editor)

    def test_a_jpeg_named_pdf_is_stored_as_jpg(self):
        response = self.client.post(
            "/admin/people/person/add/",
            {"first_name": "Marie", "last_name": "Dupont", "photo": upload("evil.pdf", encode(drawing(), "JPEG"))},
        )
        self.assertEqual(response.status_code, 302)
        self.assertRegex(Person.objects.get().photo.name, rf"^people/{TOKEN.pattern}\.jpg$")

    def test_a_png_named_jpeg_is_stored_as_png(self):
        response = self.client.post(
            "/admin/people/organisation/add/",
            {"name": "Agence", "kind": "other", "logo": upload("logo.jpeg", encode(drawing(), "PNG"))},
        )
        self.assertEqual(response.status_code, 302)
        self.assertRegex(Organisation.objects.get().logo.name, rf"^organisations/{TOKEN.pattern}\.png$")
