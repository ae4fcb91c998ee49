import io
import os
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from PIL import Image

from core.images import validate_image
from tests.factories import image_bytes, make_article, uploaded_image


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def oversized_png(pixels: int) -> bytes:
    """A tiny file that declares ``pixels`` pixels: a decompression bomb."""
    width = 10_000
    image = Image.new("1", (width, pixels // width))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


class ImageValidationTests(TestCase):
    def assertRefused(self, file, code):
        with self.assertRaises(ValidationError) as caught:
            validate_image(file)
        self.assertEqual(caught.exception.code, code)

    def test_jpeg_png_and_webp_are_accepted(self):
        for name in ("a.jpg", "b.png", "c.webp"):
            validate_image(uploaded_image(name, size=(40, 30)))

    def test_a_text_file_named_jpg_is_refused(self):
        self.assertRefused(upload("photo.jpg", b"Ceci n'est pas une image."), "incomplete")

    def test_a_truncated_jpeg_is_refused(self):
        data = image_bytes(size=(800, 600))
        self.assertRefused(upload("coupee.jpg", data[: len(data) // 2]), "incomplete")

    def test_gif_and_svg_are_refused(self):
        buffer = io.BytesIO()
        Image.new("RGB", (10, 10)).save(buffer, "GIF")
        self.assertRefused(upload("anim.gif", buffer.getvalue()), "format")
        svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
        self.assertRefused(upload("logo.svg", svg), "incomplete")

    def test_decompression_bombs_are_refused_below_and_above_twice_the_limit(self):
        limit = Image.MAX_IMAGE_PIXELS
        self.assertRefused(upload("bombe.png", oversized_png(int(limit * 1.5))), "too_many_pixels")
        self.assertRefused(upload("bombe.png", oversized_png(int(limit * 2.5))), "too_many_pixels")

    @override_settings(MAX_IMAGE_UPLOAD_BYTES=1000)
    def test_an_oversized_file_is_refused(self):
        self.assertRefused(uploaded_image("grande.jpg", size=(400, 400)), "too_large")


class RenditionTests(TestCase):
    def test_renditions_are_made_once_in_webp_and_jpeg_at_several_widths(self):
        article = make_article(image=uploaded_image("friche.jpg", size=(1600, 900)), image_alt="Une friche")
        renditions = article.image_renditions
        self.assertEqual([w for w, _ in renditions["webp"]], [320, 640, 960, 1280, 1600])
        self.assertEqual(renditions["fallback_type"], "image/jpeg")
        root = Path(article.image.storage.location)
        for _width, name in renditions["webp"] + renditions["fallback"]:
            self.assertTrue((root / name).is_file(), name)
        with Image.open(root / renditions["webp"][0][1]) as small:
            self.assertEqual((small.format, small.size), ("WEBP", (320, 180)))

        mtime = os.path.getmtime(root / renditions["webp"][0][1])
        article.title = "Titre modifié"
        article.save()
        self.assertEqual(os.path.getmtime(root / renditions["webp"][0][1]), mtime)

    def test_exif_orientation_is_applied(self):
        exif = Image.Exif()
        exif[0x0112] = 6  # rotate 90° clockwise when displayed
        article = make_article(
            image=uploaded_image("portrait.jpg", size=(800, 600), exif=exif), image_alt="Portrait"
        )
        self.assertEqual((article.image_renditions["width"], article.image_renditions["height"]), (600, 800))

    def test_png_with_transparency_keeps_a_png_fallback(self):
        buffer = io.BytesIO()
        Image.new("RGBA", (300, 100), (0, 0, 0, 0)).save(buffer, "PNG")
        article = make_article(image=upload("logo.png", buffer.getvalue()), image_alt="Logo")
        self.assertEqual(article.image_renditions["fallback_type"], "image/png")

    def test_a_small_image_is_not_enlarged(self):
        article = make_article(image=uploaded_image("petite.jpg", size=(200, 100)), image_alt="Petite")
        self.assertEqual([w for w, _ in article.image_renditions["fallback"]], [200])

    def test_replacing_or_removing_the_image_replaces_its_renditions(self):
        article = make_article(image=uploaded_image("a.jpg", size=(700, 400)), image_alt="A")
        root = Path(article.image.storage.location)
        old = [root / name for _w, name in article.image_renditions["webp"]]
        article.image = uploaded_image("b.jpg", size=(500, 400))
        article.save()
        self.assertTrue(all(not path.exists() for path in old))
        self.assertEqual(article.image_renditions["width"], 500)
        article.image = None
        article.save()
        article.refresh_from_db()
        self.assertEqual(article.image_renditions, {})
