"""A picture too big for a news site is a form error; any accepted one costs little to process."""

import gc
import io
import os
import re
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from unittest import skipUnless

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from PIL import Image

from core.images import make_renditions, validate_image
from people.models import Person
from tests.factories import image_bytes, make_user

CLEAR_REFS = "/proc/self/clear_refs"  # Linux: writing 5 resets the peak resident memory


def plain_png(size: tuple[int, int]) -> bytes:
    """A single-colour PNG: a few hundred kB on the wire, hundreds of MB once decoded."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (255, 255, 255)).save(buffer, "PNG")
    return buffer.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def resident_mb(field: str) -> float:
    with open("/proc/self/status") as status:
        return int(re.search(rf"^{field}:\s+(\d+) kB", status.read(), re.MULTILINE).group(1)) / 1024


@contextmanager
def peak_memory():
    """How much resident memory the block added at its peak (Pillow's pixels are not seen by tracemalloc)."""
    gc.collect()
    with open(CLEAR_REFS, "w") as clear_refs:
        clear_refs.write("5")
    used = SimpleNamespace(mb=None)
    start = resident_mb("VmRSS")
    yield used
    used.mb = resident_mb("VmHWM") - start


measures_memory = skipUnless(os.access(CLEAR_REFS, os.W_OK), "needs Linux's /proc/self/clear_refs")


class PixelCeilingTests(TestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bomb = plain_png((9400, 9400))

    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user(group="Communication")

    def setUp(self):
        self.client.force_login(self.editor)

    def add_person(self, name: str, data: bytes):
        return self.client.post(
            "/admin/people/person/add/", {"first_name": "Marie", "last_name": "Dupont", "photo": upload(name, data)}
        )

    def test_a_png_bomb_is_a_french_form_error_in_the_admin(self):
        """9,400 × 9,400 pixels in a small file: refused with the size and the limit, nothing stored."""
        self.assertLess(len(self.bomb), 300_000)
        response = self.add_person("carte.png", self.bomb)
        self.assertEqual(response.status_code, 200)
        errors = response.context["adminform"].form.errors["photo"]
        self.assertEqual(errors, ["L’image est trop grande\u00a0: 9400 × 9400 pixels, soit 88 mégapixels (maximum 40)."])
        self.assertFalse(Person.objects.exists())
        self.assertEqual(list(Path(settings.MEDIA_ROOT).rglob("*.*")), [])

    @measures_memory
    def test_a_png_bomb_is_refused_without_being_decoded(self):
        """The refusal reads the header only: decoded, the pixels alone would take 350 MB."""
        with peak_memory() as used:
            response = self.add_person("carte.png", self.bomb)
        self.assertTrue(response.context["adminform"].form.errors["photo"])
        self.assertLess(used.mb, 50)

    @override_settings(MAX_IMAGE_PIXELS=1_000_000)
    def test_the_ceiling_is_a_setting(self):
        validate_image(upload("juste.jpg", image_bytes(size=(1000, 1000))))
        with self.assertRaises(ValidationError) as caught:
            validate_image(upload("trop.jpg", image_bytes(size=(1001, 1000))))
        self.assertEqual(caught.exception.code, "too_many_pixels")

    @override_settings(MAX_IMAGE_PIXELS=4_000_000)
    def test_a_webp_gets_a_quarter_of_the_ceiling_as_it_costs_four_times_more_to_decode(self):
        validate_image(upload("juste.webp", image_bytes("WEBP", size=(1000, 1000))))
        with self.assertRaises(ValidationError) as caught:
            validate_image(upload("trop.webp", image_bytes("WEBP", size=(1001, 1000))))
        self.assertEqual(caught.exception.params["limit"], 1)


@measures_memory
class LargePhotoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user(group="Communication")

    def test_a_36_megapixel_photo_is_saved_in_a_few_hundred_mb(self):
        """6,000 × 6,000 through the admin: one decoding at full size (144 MB), for the clean original."""
        data = image_bytes(size=(6000, 6000))
        self.client.force_login(self.editor)
        with peak_memory() as used:
            response = self.client.post(
                "/admin/people/person/add/", {"first_name": "Marie", "last_name": "Dupont", "photo": upload("grande.jpg", data)}
            )
        self.assertEqual(response.status_code, 302)
        renditions = Person.objects.get().photo_renditions
        self.assertEqual((renditions["width"], renditions["height"], renditions["fallback"][-1][0]), (6000, 6000, 1920))
        self.assertLess(used.mb, 250)  # the code before this limit held three copies: over 400 MB

    def test_renditions_of_a_large_jpeg_are_made_from_a_reduced_decoding(self):
        """draft() decodes the JPEG at half its size and reduce() shrinks it: far below the 144 MB of its pixels."""
        person = Person.objects.create(first_name="Marie", last_name="Dupont", photo=upload("grande.jpg", image_bytes(size=(6000, 6000))))
        with peak_memory() as used:
            make_renditions(person.photo)
        self.assertLess(used.mb, 100)  # 144 MB of pixels, plus the resizing, without draft()

    def test_a_webp_at_its_ceiling_is_saved_in_a_few_hundred_mb(self):
        """10 megapixels of WebP: libwebp's buffers, never two decodings at once."""
        data = image_bytes("WEBP", size=(3162, 3162))
        with peak_memory() as used:
            person = Person.objects.create(first_name="Marie", last_name="Dupont", photo=upload("grande.webp", data))
        self.assertEqual(person.photo_renditions["fallback"][-1][0], 1920)
        self.assertLess(used.mb, 250)
