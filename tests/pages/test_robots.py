"""Crawlers read /robots.txt: the whole public site, never the back office, and the sitemap."""

from django.contrib import admin
from django.test import SimpleTestCase, override_settings
from django.urls import path

from config import urls as site_urls

# The site's addresses with the admin moved, as ADMIN_URL=gestion-mbm/ does.
urlpatterns = [
    path("gestion-mbm/", admin.site.urls),
    *(pattern for pattern in site_urls.urlpatterns if getattr(pattern, "namespace", None) != "admin"),
]


class RobotsTests(SimpleTestCase):
    def test_robots_allows_the_site_and_names_the_sitemap(self):
        response = self.client.get("/robots.txt")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/plain; charset=utf-8")
        lines = response.content.decode().splitlines()
        self.assertEqual(lines[0], "User-agent: *")
        self.assertIn("Disallow: /admin/", lines)
        self.assertEqual([line for line in lines if line.startswith("Disallow")], ["Disallow: /admin/"])
        self.assertIn("Sitemap: http://testserver/sitemap.xml", lines)

    def test_sitemap_url_follows_the_host_and_scheme(self):
        response = self.client.get("/robots.txt", secure=True, headers={"host": "localhost"})
        self.assertIn("Sitemap: https://localhost/sitemap.xml", response.content.decode().splitlines())

    @override_settings(ROOT_URLCONF=__name__)
    def test_the_disallowed_back_office_follows_the_admin_address(self):
        """With the admin moved (ADMIN_URL), robots.txt keeps crawlers out of it, not out of /admin/."""
        lines = self.client.get("/robots.txt").content.decode().splitlines()
        self.assertEqual([line for line in lines if line.startswith("Disallow")], ["Disallow: /gestion-mbm/"])
