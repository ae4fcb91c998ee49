"""The staff guide (docs/guide/, newsroom/guide.py): served to staff only, in the admin's look; its
text and its screenshots agree with each other and with the browser test that takes them."""

import json
import re
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.test import TestCase
from django.urls import reverse

from newsroom import guide
from tests.factories import communication_group, make_user

GUIDE = Path(settings.BASE_DIR) / "docs" / "guide"
CAPTURES = json.loads((GUIDE / "captures.json").read_text(encoding="utf-8"))
IMAGE_REFERENCE = re.compile(r"!\[[^\]]*\]\(images/([^)\s]+)\)")
CHAPTER_LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+\.md)(?:#([^)\s]+))?\)")
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x05\x00\x00\x00\x03\x20\x08\x02\x00\x00\x00"


def chapter_files() -> list[Path]:
    return sorted(path for path in GUIDE.glob("*.md") if guide.CHAPTER_FILE.match(path.name))


class GuideTextTests(TestCase):
    """What the chapters show is what tests/browser/test_guide.py takes, and nothing else."""

    def test_every_chapter_has_its_list_of_screenshots(self):
        self.assertEqual(sorted(CAPTURES), [path.name for path in chapter_files()])

    def test_each_chapter_shows_its_screenshots_in_the_order_they_are_taken(self):
        for path in chapter_files():
            with self.subTest(path.name):
                shown = IMAGE_REFERENCE.findall(path.read_text(encoding="utf-8"))
                self.assertEqual(shown, [f"{name}.png" for name in CAPTURES[path.name]])

    def test_every_screenshot_shown_exists(self):
        names = [name for names in CAPTURES.values() for name in names]
        self.assertEqual(len(names), len(set(names)), "a screenshot name is listed twice")
        missing = [name for name in names if not (GUIDE / "images" / f"{name}.png").is_file()]
        self.assertEqual(missing, [], "run the browser test: pytest -m browser tests/browser/test_guide.py")

    def test_no_stray_screenshot_in_the_folder(self):
        listed = {f"{name}.png" for names in CAPTURES.values() for name in names}
        self.assertEqual({path.name for path in (GUIDE / "images").glob("*.png")} - listed, set())

    def test_links_between_chapters_lead_to_a_section_that_exists(self):
        sections = {
            path.name: {anchor for anchor, _heading in guide.rendered(path, 0)["sections"]} for path in chapter_files()
        }
        for path in chapter_files():
            for target, anchor in CHAPTER_LINK.findall(path.read_text(encoding="utf-8")):
                with self.subTest(f"{path.name} → {target}#{anchor}"):
                    self.assertIn(target, sections)
                    if anchor:
                        self.assertIn(anchor, sections[target])

    def test_the_guide_says_how_to_prune_the_history(self):
        text = "".join(path.read_text(encoding="utf-8") for path in chapter_files())
        self.assertIn("manage.py deleterevisions --days=730 --keep=10", text)

    def test_french_typography(self):
        """A no-break space before : ; ? ! and inside « », outside code; typographic apostrophes."""
        for path in chapter_files():
            text = re.sub(r"```.*?```|`[^`]*`|\]\([^)]*\)|!(?=\[)", "", path.read_text(encoding="utf-8"), flags=re.S)
            with self.subTest(path.name):
                self.assertEqual(re.findall(r".{0,20}(?: [:;?!]|« | »|').{0,20}", text), [])


class GuideViewTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        communication_group()
        cls.editor = make_user(group="Communication")
        cls.member = make_user(is_staff=False)

    def setUp(self):
        """One picture, in a folder of its own, whatever the browser test has taken."""
        images = Path(tempfile.mkdtemp(prefix="guide-images-"))
        self.addCleanup(shutil.rmtree, images, ignore_errors=True)
        (images / "connexion-formulaire.png").write_bytes(PNG)
        saved, guide.IMAGES_DIR = guide.IMAGES_DIR, images
        self.addCleanup(setattr, guide, "IMAGES_DIR", saved)
        guide.rendered.cache_clear()
        self.addCleanup(guide.rendered.cache_clear)

    def get(self, name, *args):
        return self.client.get(reverse(name, args=args))

    def test_staff_see_the_contents_with_every_chapter(self):
        self.client.force_login(self.editor)
        response = self.get("guide:index")
        self.assertContains(response, "<h1>Guide de la rédaction</h1>", html=True)
        for chapter in guide.chapters():
            self.assertContains(response, reverse("guide:chapter", args=[chapter.slug]))
        self.assertContains(response, "Écrire et publier un article")
        self.assertContains(response, f'<a href="{reverse("guide:index")}">Aide</a>', html=True)  # the header's link

    def test_a_chapter_in_the_admin_look_with_its_screenshots_and_links(self):
        self.client.force_login(self.editor)
        response = self.get("guide:chapter", "se-connecter")
        self.assertContains(response, "<h1>Se connecter</h1>", html=True)
        self.assertContains(response, '<div class="breadcrumbs">', count=1)
        self.assertContains(response, f'href="{reverse("guide:index")}">Aide</a>')
        image = reverse("guide:image", args=["connexion-formulaire.png"])
        self.assertContains(response, f'<a class="guide-screenshot" href="{image}"><img alt="La page de connexion')
        # Its size, read from the PNG: the page does not jump as it loads.
        self.assertContains(response, f'height="800" loading="lazy" src="{image}" width="1280">')
        self.assertContains(response, reverse("guide:chapter", args=["en-cas-de-probleme"]) + "#connexion-bloquee")
        self.assertNotContains(response, '"images/')  # every picture at the guide's address
        self.assertNotContains(response, '.md"')
        self.assertNotContains(response, " style=")  # the CSP allows no inline style

    def test_every_chapter_renders(self):
        self.client.force_login(self.editor)
        for chapter in guide.chapters():
            with self.subTest(chapter.slug):
                self.assertEqual(self.get("guide:chapter", chapter.slug).status_code, 200)

    def test_a_screenshot_is_served_to_staff(self):
        self.client.force_login(self.editor)
        response = self.get("guide:image", "connexion-formulaire.png")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "image/png")
        self.assertEqual(b"".join(response.streaming_content), PNG)

    def test_anonymous_visitors_are_sent_to_the_login_page(self):
        login = reverse("admin:login")
        for name, args in [
            ("guide:index", ()),
            ("guide:chapter", ("se-connecter",)),
            ("guide:image", ("connexion-formulaire.png",)),
        ]:
            with self.subTest(name):
                response = self.get(name, *args)
                self.assertEqual(response.status_code, 302)
                self.assertTrue(response["Location"].startswith(login))

    def test_a_logged_in_user_who_is_not_staff_gets_nothing(self):
        self.client.force_login(self.member)
        for name, args in [
            ("guide:index", ()),
            ("guide:chapter", ("se-connecter",)),
            ("guide:image", ("connexion-formulaire.png",)),
        ]:
            with self.subTest(name):
                response = self.get(name, *args)
                self.assertIn(response.status_code, (302, 403))
                self.assertNotContains(response, "Se connecter", status_code=response.status_code)

    def test_an_unknown_chapter_or_picture_is_404(self):
        self.client.force_login(self.editor)
        self.assertEqual(self.get("guide:chapter", "pas-de-chapitre").status_code, 404)
        self.assertEqual(self.get("guide:chapter", "captures").status_code, 404)
        self.assertEqual(self.get("guide:image", "absente.png").status_code, 404)
        self.assertEqual(self.get("guide:image", "connexion-formulaire.PNG").status_code, 404)

    def test_no_path_leads_out_of_the_pictures_folder(self):
        self.client.force_login(self.editor)
        base = reverse("guide:index") + "images/"
        for attempt in [
            "..%2Fcaptures.json",
            "..%2F01-se-connecter.md",
            "%2E%2E%2F%2E%2E%2Fconfig%2Fsettings.py",
            "..%5C..%5Cmanage.py",
            "%2Fetc%2Fpasswd",
            "connexion-formulaire.png%00.md",
            "../01-se-connecter.md",
            "....//captures.json",
        ]:
            with self.subTest(attempt):
                self.assertEqual(self.client.get(base + attempt).status_code, 404)


class GuideRenderingTests(TestCase):
    """The Markdown of a chapter written with raw HTML in it: shown as text, never run."""

    def setUp(self):
        folder = Path(tempfile.mkdtemp(prefix="guide-"))
        self.addCleanup(shutil.rmtree, folder, ignore_errors=True)
        (folder / "01-essai.md").write_text(
            '# Essai\n\n<script>alert(1)</script>\n\nDu <b onclick="x()">gras</b>.\n\n## Une section\n',
            encoding="utf-8",
        )
        saved = guide.GUIDE_DIR
        guide.GUIDE_DIR = folder
        self.addCleanup(setattr, guide, "GUIDE_DIR", saved)
        communication_group()
        self.client.force_login(make_user(group="Communication"))

    def test_raw_html_is_escaped(self):
        response = self.client.get(reverse("guide:chapter", args=["essai"]))
        self.assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")
        self.assertContains(response, "&lt;b onclick=")
        self.assertNotContains(response, "<script>alert")
        self.assertContains(response, '<h2 id="une-section">Une section</h2>', html=True)

    def test_commands_are_shown_as_code(self):
        (guide.GUIDE_DIR / "01-essai.md").write_text(
            "# Essai\n\n```sh\nmanage.py deleterevisions\n```\n", encoding="utf-8"
        )
        response = self.client.get(reverse("guide:chapter", args=["essai"]))
        self.assertContains(
            response, '<pre><code class="language-sh">manage.py deleterevisions\n</code></pre>', html=True
        )
