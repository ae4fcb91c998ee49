"""Rich text as the public reads it: each library reference drawn from the current picture or document."""

from django.db import connection
from django.template import Context, Template
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from library.rendering import render_rich_text
from tests.factories import make_article, make_document, make_picture, pdf_bytes


def figure(picture, align="left") -> str:
    return f'<figure data-picture="{picture.pk}" data-align="{align}"></figure>'


def link(document, text="le programme") -> str:
    return f'<a href="/documents/{document.pk}/ancien-nom.pdf" data-document="{document.pk}">{text}</a>'


class PictureReferenceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.picture = make_picture(
            alt="Le chevalement du 9-9 bis", caption="Le carreau de fosse", credit="Jean Dupont", focal_x=0.2
        )

    def test_a_reference_becomes_the_current_picture_with_its_renditions_alt_and_caption(self):
        html = str(render_rich_text(f"<p>Avant.</p>{figure(self.picture, 'right')}<p>Après.</p>"))
        self.assertIn('<figure class="rich-picture rich-picture--right">', html)
        self.assertIn('alt="Le chevalement du 9-9 bis"', html)
        self.assertIn('width="1600" height="900"', html)
        self.assertIn('loading="lazy"', html)
        self.assertIn('<source type="image/webp" srcset="', html)
        for width, name in self.picture.file_renditions["fallback"]:
            self.assertIn(f"/media/{name} {width}w", html)
        self.assertIn("focal-x-2 focal-y-5", html)
        self.assertIn("<figcaption>Le carreau de fosse", html)
        self.assertIn("Jean Dupont</span></figcaption>", html)
        self.assertTrue(html.startswith("<p>Avant.</p><figure") and html.endswith("</figure><p>Après.</p>"))

    def test_an_unknown_alignment_is_full_width(self):
        html = render_rich_text(f'<figure data-picture="{self.picture.pk}" data-align="sideways"></figure>')
        self.assertIn("rich-picture--full", html)

    def test_a_picture_deleted_since_leaves_nothing_broken(self):
        gone = make_picture()
        reference = figure(gone)
        gone.delete()
        self.assertEqual(render_rich_text(f"<p>Texte.</p>{reference}<p>Suite.</p>"), "<p>Texte.</p><p>Suite.</p>")

    def test_the_caption_and_alt_are_escaped(self):
        self.picture.alt = 'Un "chevalement" <script>'
        self.picture.caption = "<b>Légende</b>"
        self.picture.save()
        html = render_rich_text(figure(self.picture))
        self.assertNotIn("<script>", html)
        self.assertNotIn("<b>", html)
        self.assertIn("&lt;b&gt;Légende&lt;/b&gt;", html)


class DocumentReferenceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.document = make_document(pdf_bytes(1_258_291), title="Programme du congrès")

    def test_a_link_points_to_the_current_address_and_says_type_and_size(self):
        with translation.override("fr"):
            html = render_rich_text(f"<p>Lire {link(self.document)}.</p>")
        self.assertIn(
            f'<a href="/documents/{self.document.pk}/programme-du-congres.pdf" data-document="{self.document.pk}">'
            "le programme</a>",
            html,
        )
        self.assertIn("(PDF, 1,2\u00a0Mo)", html)
        self.assertNotIn("ancien-nom", html)

    def test_a_document_deleted_since_leaves_its_words_without_a_link(self):
        gone = make_document()
        reference = link(gone, "les diapositives")
        gone.delete()
        self.assertEqual(render_rich_text(f"<p>Voir {reference}.</p>"), "<p>Voir les diapositives.</p>")

    def test_ordinary_links_are_left_alone(self):
        html = '<p><a href="https://www.example.org/">un site</a></p>'
        self.assertEqual(render_rich_text(html), html)


class QueryCountTests(TestCase):
    def test_text_without_references_takes_no_query(self):
        with self.assertNumQueries(0):
            render_rich_text("<p>Un <strong>texte</strong> et <a href='https://example.org'>un lien</a>.</p>")

    def test_many_references_take_one_query_for_pictures_and_one_for_documents(self):
        pictures = [make_picture() for _ in range(4)]
        documents = [make_document() for _ in range(3)]
        html = "".join(figure(p) for p in pictures) + "<p>" + " ".join(link(d) for d in documents) + "</p>"
        with CaptureQueriesContext(connection) as queries:
            rendered = render_rich_text(html)
        self.assertEqual(len(queries), 2)
        self.assertEqual(rendered.count("<figure class="), 4)
        self.assertEqual(rendered.count("data-document="), 3)


class TemplateFilterTests(TestCase):
    def test_the_filter_renders_the_references_and_keeps_the_rest(self):
        picture = make_picture(alt="Un terril au couchant")
        rendered = Template("{% load library_tags %}{{ body|rich_text }}").render(
            Context({"body": f"<p>Intro &amp; suite</p>{figure(picture)}"})
        )
        self.assertIn("<p>Intro &amp; suite</p>", rendered)
        self.assertIn('alt="Un terril au couchant"', rendered)

    def test_the_article_page_shows_the_library_picture_of_its_text(self):
        picture = make_picture(alt="Le chevalement de Thetford Mines")
        article = make_article(body=f"<p>Le congrès.</p>{figure(picture, 'full')}")
        self.assertIn('data-picture="', article.body)  # kept by the sanitiser
        response = self.client.get(article.get_absolute_url())
        self.assertContains(response, 'alt="Le chevalement de Thetford Mines"')
        self.assertContains(response, "rich-picture--full")
        self.assertNotContains(response, "data-picture")
