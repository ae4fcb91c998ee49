"""Random query strings on every public view: a page, a redirect or a 404, never a server error."""

from urllib.parse import quote

from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from tests.factories import make_article, make_event, make_organisation, make_participation, make_person

KNOWN_KEYS = ["q", "page", "type", "etiquette", "annee", "organisation", "format", "p", "o", "utm_source", "lang"]
KEYS = st.one_of(st.sampled_from(KNOWN_KEYS), st.text(max_size=12))
VALUES = st.one_of(
    st.text(max_size=80),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.binary(max_size=40).map(lambda raw: raw.decode("latin-1")),
    st.sampled_from(["", "0", "-1", "1e9", "NaN", "inf", "2025", "friches", "congress", "\x00", "%", "%ZZ",
                     "<script>alert(1)</script>", "' OR 1=1 --", "é" * 300, "9" * 5000, "..%2f..%2fetc%2fpasswd"]),
)
# A query string as a client may send it: encoded pairs, raw bytes, stray separators.
QUERY_STRINGS = st.one_of(
    st.lists(st.tuples(KEYS, VALUES), max_size=5).map(
        lambda pairs: "&".join(f"{quote(key, safe='')}={quote(value, safe='')}" for key, value in pairs)
    ),
    st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=120),
    st.sampled_from(["&&&", "=", "q", "q=%", "q=%E9", "page=2&page=3", "q=%00", "q[]=1&q[]=2", ";;"]),
)


class PublicQueryFuzzTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.visitor = Client()  # one for all examples: a new client would load the middleware again
        organisation = make_organisation(name="Mission Bassin Minier")
        person = make_person(organisation=organisation)
        event = make_event(title="Congrès des friches")
        event.tags.add("friches")
        make_participation(event, person)
        article = make_article(title="Retour sur le congrès")
        article.tags.add("friches")
        cls.paths = [
            "/", "/actualites/", f"/actualites/annee/{article.published_at.year}/", "/actualites/etiquette/friches/",
            article.get_absolute_url(), "/agenda/", "/agenda/archives/", event.get_absolute_url(),
            "/personnes/", person.get_absolute_url(), "/etiquettes/friches/", "/recherche/",
            "/actualites/flux.rss", "/actualites/flux.atom", "/agenda/flux.rss", "/agenda/flux.atom",
            "/agenda/agenda.ics", f"/agenda/{event.slug}.ics", "/sitemap.xml", "/sitemap-actualites.xml",
            "/sitemap-agenda.xml", "/sitemap-personnes.xml", "/sitemap-pages.xml", "/robots.txt",
        ]

    @hypothesis_settings(
        max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
    )
    @given(view=st.integers(min_value=0, max_value=23), query=QUERY_STRINGS)
    def test_never_a_server_error(self, view, query):
        path = self.paths[view]
        response = self.visitor.get(path, QUERY_STRING=query)
        self.assertIn(response.status_code, (200, 301, 302, 400, 404), f"{path}?{query}")

    def test_every_view_is_fuzzed(self):
        self.assertEqual(len(self.paths), 24)
