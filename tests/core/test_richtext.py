import pytest
from django.test import TestCase

from core.richtext import sanitize_html
from tests.factories import make_article


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
    ],
)
def test_only_the_allow_listed_formatting_survives(dirty, clean):
    assert sanitize_html(dirty) == clean


class StoredBodyTests(TestCase):
    def test_body_is_sanitised_whatever_code_saves_it(self):
        article = make_article(body='<p>Texte<script>alert("x")</script><a href="javascript:x()" rel="x">a</a></p>')
        article.refresh_from_db()
        self.assertEqual(article.body, "<p>Texte<a>a</a></p>")

    def test_bulk_created_bodies_are_sanitised_too(self):
        from news.models import Article

        [article] = Article.objects.bulk_create([Article(title="En masse", slug="en-masse", body="<p>x<script>y</script></p>")])
        self.assertEqual(Article.objects.get(slug="en-masse").body, "<p>x</p>")
