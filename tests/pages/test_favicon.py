"""Browsers ask every site for /favicon.ico, the admin's pages included: it answers."""

from django.test import TestCase


class FaviconTests(TestCase):
    def test_favicon_is_an_icon_cached_a_while(self):
        response = self.client.get("/favicon.ico")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "image/x-icon")
        self.assertTrue(response.content.startswith(b"\x00\x00\x01\x00"))  # the ICO header
        self.assertIn("max-age=604800", response["Cache-Control"])

    def test_head_answers_too(self):
        self.assertEqual(self.client.head("/favicon.ico").status_code, 200)
