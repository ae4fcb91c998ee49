import html
import json
import re

import pytest
from django.test import TestCase

from core.richtext import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, EDITOR_EXTENSIONS, sanitize_html
from tests.factories import make_article, make_user


@pytest.mark.parametrize(
    "dirty, clean",
    [
        ("<p>Bonjour<script>alert(1)</script></p>", "<p>Bonjour</p>"),
        ('<p><img src="x" onerror="alert(1)">Texte</p>', "<p>Texte</p>"),
        ('<p onclick="steal()">Texte</p>', "<p>Texte</p>"),
        ('<a href="javascript:alert(1)" rel="noopener">lien</a>', "<a>lien</a>"),
        ('<a href="JaVaScRiPt:alert(1)">lien</a>', "<a>lien</a>"),
        ('<a href="data:text/html;base64,PHNjcmlwdD4=">lien</a>', "<a>lien</a>"),
        ('<a href="https://www.missionbassinminier.org/" target="_blank">site</a>',
         '<a href="https://www.missionbassinminier.org/">site</a>'),
        ('<a href="mailto:contact@example.org">écrire</a>', '<a href="mailto:contact@example.org">écrire</a>'),
        ("<h2>Titre</h2><blockquote><p>« Citation »</p></blockquote>",
         "<h2>Titre</h2><blockquote><p>« Citation »</p></blockquote>"),
        ("<ul><li><strong>gras</strong> <em>italique</em></li></ul>",
         "<ul><li><strong>gras</strong> <em>italique</em></li></ul>"),
        ('<p style="color:red" class="x">Texte</p>', "<p>Texte</p>"),
        ("<iframe src='https://evil.example'></iframe><p>ok</p>", "<p>ok</p>"),
        ("<svg><script>alert(1)</script></svg><p>ok</p>", "<p>ok</p>"),
        ("<p>a<!-- commentaire -->b</p>", "<p>ab</p>"),
        ("<p></p>", ""),
        # The media library's references, exactly as the editor writes them.
        ('<figure data-picture="12" data-align="left"></figure>', '<figure data-picture="12" data-align="left"></figure>'),
        ('<figure data-picture="7" data-align="full"></figure>', '<figure data-picture="7" data-align="full"></figure>'),
        ('<p>Voir <a href="/documents/12/programme.pdf" data-document="12">le programme</a>.</p>',
         '<p>Voir <a href="/documents/12/programme.pdf" data-document="12">le programme</a>.</p>'),
        # ... and nothing else of figures, pictures and data-*.
        ('<p><img src="https://evil.example/x.jpg" alt="collée">Texte</p>', "<p>Texte</p>"),
        ('<figure><img src="/media/x.jpg"><figcaption>Légende</figcaption></figure>', "Légende"),
        ('<figure class="x" data-picture="x"></figure><p>ok</p>', "<p>ok</p>"),
        ('<figure data-picture="1.5"></figure>', ""),
        ('<figure data-picture="١٢"></figure>', ""),
        ('<figure data-picture="012" data-align="evil"></figure>', '<figure data-picture="12"></figure>'),
        ('<figure data-picture="3" data-align="left" style="x" onclick="y"><img src="/x.jpg">'
         '<figure data-picture="4"></figure><p>texte</p></figure><p>après</p>',
         '<figure data-picture="3" data-align="left"></figure><p>après</p>'),
        ('<p data-picture="3" data-align="left" data-x="1">Texte</p>', "<p>Texte</p>"),
        ('<a href="/documents/3/a.pdf" data-document="3 onclick=x" data-align="left">doc</a>',
         '<a href="/documents/3/a.pdf">doc</a>'),
        ('<a href="javascript:alert(1)" data-document="3" rel="noopener">doc</a>', '<a data-document="3">doc</a>'),
        ("<p>a &amp; b &lt;c&gt; &#8239;!</p><figure data-picture=\"2\"></figure>",
         '<p>a &amp; b &lt;c&gt; \u202f!</p><figure data-picture="2"></figure>'),
    ],
)
def test_only_the_allow_listed_formatting_survives(dirty, clean):
    assert sanitize_html(dirty) == clean


def test_the_editor_offers_what_the_sanitiser_keeps():
    """Each library extension of the editor has its reference in the allow-list, and the
    editor offers no list attributes (start, type) that the sanitiser would drop."""
    assert ALLOWED_ATTRIBUTES["figure"] == {"data-picture", "data-align"}
    assert ALLOWED_ATTRIBUTES["a"] == {"href", "title", "data-document"}
    assert "img" not in ALLOWED_TAGS and "figcaption" not in ALLOWED_TAGS
    assert {"LibraryPicture", "DocumentLink", "Localize"} <= EDITOR_EXTENSIONS.keys()
    assert EDITOR_EXTENSIONS["NoSpellCheck"] is False
    assert EDITOR_EXTENSIONS["OrderedList"] == {"enableListAttributes": False}


class StoredBodyTests(TestCase):
    def test_body_is_sanitised_whatever_code_saves_it(self):
        article = make_article(body='<p>Texte<script>alert("x")</script><a href="javascript:x()" rel="x">a</a></p>')
        article.refresh_from_db()
        self.assertEqual(article.body, "<p>Texte<a>a</a></p>")

    def test_bulk_created_bodies_are_sanitised_too(self):
        from news.models import Article

        [article] = Article.objects.bulk_create([Article(title="En masse", slug="en-masse", body="<p>x<script>y</script></p>")])
        self.assertEqual(Article.objects.get(slug="en-masse").body, "<p>x</p>")


class EditorWidgetTests(TestCase):
    def test_the_article_form_loads_our_extensions_and_styles(self):
        """The admin's editor is configured with our module, the library's endpoints and our stylesheet."""
        self.client.force_login(make_user(is_superuser=True))
        page = self.client.get("/admin/news/article/add/").content.decode()
        config = json.loads(html.unescape(re.search(r'data-django-prose-editor-configurable="([^"]*)"', page)[1]))
        self.assertIn("/static/admin/js/richtext.js", config["js_modules"])
        self.assertEqual(config["extensions"]["LibraryPicture"]["endpoint"], "/admin/library/editor/pictures/")
        self.assertEqual(config["extensions"]["DocumentLink"]["endpoint"], "/admin/library/editor/documents/")
        self.assertIn('href="/static/admin/css/richtext.css"', page)
