"""A page the cache does not hold is still cheap, and still exact.

Counts and filter choices are remembered per content generation (core.generation.remember),
the filters' long selects are written without a template per option, one request renders a
page after a change while the others wait for it (single flight, pages/cache.py).
"""

import threading
import time
from datetime import timedelta
from unittest import mock

from django.core.cache import cache
from django.test import RequestFactory, TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from core.generation import remember
from news.models import Article
from pages.cache import AnonymousPageCacheMiddleware, claim, page_key
from tests.factories import make_article, make_event, make_organisation, make_person


@override_settings(PAGE_CACHE_SECONDS=0)  # every page renders
class RememberedCountsTests(TestCase):
    def setUp(self):
        cache.clear()

    def test_the_directory_counts_a_new_profile_at_once(self):
        make_person(last_name="Dubois")
        make_person(last_name="Leroy")
        self.assertContains(self.client.get(reverse("people:person-list")), "2 personnes")
        self.assertContains(self.client.get(reverse("people:person-list")), "2 personnes")  # remembered
        make_person(last_name="Martin")
        self.assertContains(self.client.get(reverse("people:person-list")), "3 personnes")

    def test_the_directory_filter_lists_a_new_organisation_at_once_and_keeps_the_choice(self):
        make_person(organisation=make_organisation(name="ADEME", slug="ademe"))
        response = self.client.get(reverse("people:person-list"))
        self.assertNotContains(response, "Ville &amp; Agglo")
        make_person(organisation=make_organisation(name="Ville & Agglo", slug="ville-agglo"))
        response = self.client.get(reverse("people:person-list") + "?organisation=ville-agglo")
        self.assertContains(response, '<option value="ville-agglo" selected>Ville &amp; Agglo</option>', html=False)
        self.assertContains(response, '<option value="ademe">ADEME</option>', html=False)
        self.assertContains(response, "1 personne")

    def test_the_agenda_counts_and_tags_follow_each_change(self):
        event = make_event(title="Congrès des friches")
        event.tags.add("friches")
        response = self.client.get(reverse("events:event-list"))
        self.assertContains(response, "1 événement")
        self.assertContains(response, '<option value="friches">friches</option>', html=False)
        make_event(title="Visite des terrils").tags.add("terrils")
        response = self.client.get(reverse("events:event-list"))
        self.assertContains(response, "2 événements")
        self.assertContains(response, '<option value="terrils">terrils</option>', html=False)

    def test_an_event_ending_moves_between_the_counts_when_its_time_comes(self):
        event = make_event(title="Congrès des friches")
        self.assertContains(self.client.get(reverse("events:event-list")), "1 événement")
        with mock.patch("django.utils.timezone.now", return_value=event.end + timedelta(seconds=1)):
            self.assertContains(self.client.get(reverse("events:event-list")), "0 événement")
            self.assertContains(self.client.get(reverse("events:past-event-list")), "1 événement")

    def test_a_remembered_value_lasts_until_a_scheduled_publication_at_most(self):
        publication = timezone.now() + timedelta(hours=2)
        make_article(title="Annonce programmée", published_at=publication)
        count = lambda: remember("test:articles", Article.objects.published().count)  # noqa: E731
        self.assertEqual(count(), 0)
        with mock.patch("django.utils.timezone.now", return_value=publication - timedelta(seconds=1)):
            self.assertEqual(count(), 0)
        with mock.patch("django.utils.timezone.now", return_value=publication + timedelta(seconds=1)):
            self.assertEqual(count(), 1)


@override_settings(PAGE_CACHE_WAIT_SECONDS=2)
class SingleFlightTests(TestCase):
    """After a change, the first request to miss a page renders it; the others wait for its copy."""

    def setUp(self):
        cache.clear()
        self.rendered = []

        def view(request):
            from django.http import HttpResponse

            self.rendered.append(request.path)
            return HttpResponse(f"<p>{len(self.rendered)}</p>")

        self.middleware = AnonymousPageCacheMiddleware(view)
        self.factory = RequestFactory()

    def visit(self):
        return self.middleware(self.factory.get("/actualites/"))

    def key(self):
        from core.generation import current_generation

        return page_key(self.factory.get("/actualites/"), current_generation())

    def test_a_request_waits_for_the_page_being_rendered_and_serves_it(self):
        self.assertTrue(claim(self.key()))  # another request is rendering it

        def other_request_finishes():
            time.sleep(0.2)
            cache.set(self.key(), {**cache_entry("<p>rendered by the other</p>"), "until": time.time() + 60}, 60)
            cache.delete(self.key() + ":rendering")

        threading.Thread(target=other_request_finishes).start()
        response = self.visit()
        self.assertEqual((response.content, response["X-Cache"]), (b"<p>rendered by the other</p>", "hit"))
        self.assertEqual(self.rendered, [])

    def test_when_the_renderer_gives_up_the_waiting_request_renders_it(self):
        self.assertTrue(claim(self.key()))
        threading.Timer(0.1, cache.delete, [self.key() + ":rendering"]).start()  # a 404, an error: nothing stored
        response = self.visit()
        self.assertEqual((response.content, response["X-Cache"]), (b"<p>1</p>", "miss"))

    @override_settings(PAGE_CACHE_WAIT_SECONDS=0.2)
    def test_a_render_that_takes_too_long_is_not_waited_for(self):
        self.assertTrue(claim(self.key()))  # and never released
        started = time.monotonic()
        response = self.visit()
        self.assertLess(time.monotonic() - started, 1.5)
        self.assertEqual(response["X-Cache"], "miss")

    def test_the_renderer_releases_its_claim(self):
        self.assertEqual(self.visit()["X-Cache"], "miss")
        self.assertIsNone(cache.get(self.key() + ":rendering"))
        self.assertEqual(self.visit()["X-Cache"], "hit")
        self.assertEqual(self.rendered, ["/actualites/"])


def cache_entry(content: str) -> dict:
    from django.http import HttpResponse

    from pages.cache import _entry

    return _entry(HttpResponse(content))


class FrenchCountsTests(TestCase):
    def test_large_counts_are_written_with_grouped_thousands(self):
        from people.models import Person

        Person.objects.bulk_create(
            Person(first_name="Camille", last_name=f"Martin {n}", slug=f"camille-martin-{n}", is_public=True)
            for n in range(1200)
        )
        self.assertContains(self.client.get(reverse("people:person-list")), "1\xa0200 personnes")
        response = self.client.get(reverse("search") + "?q=Camille")
        self.assertContains(response, "1\xa0200 résultats pour")
        self.assertContains(response, "Personnes (1\xa0200)")
        self.assertContains(response, "Voir les 1\xa0200 résultats parmi les personnes")


NO_REDIS = {"default": {"BACKEND": "config.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9/0"}}  # refused


class CacheServerDownTests(TestCase):
    """Redis restarting: pages, counts and menus are computed without it, and it is logged."""

    def test_every_page_answers_without_its_cache_server(self):
        article, event, person = make_article(), make_event(), make_person()
        paths = ["/", reverse("news:article-list"), article.get_absolute_url(), reverse("events:event-list"),
                 event.get_absolute_url(), reverse("people:person-list"), person.get_absolute_url(),
                 reverse("search") + "?q=terrils"]
        with override_settings(CACHES=NO_REDIS), self.assertLogs(level="WARNING") as logs:
            for path in paths:
                self.assertEqual(self.client.get(path).status_code, 200, path)
        self.assertTrue(any("unavailable" in line for line in logs.output))
        with override_settings(CACHES=NO_REDIS, PAGE_CACHE_SECONDS=0), self.assertLogs(level="WARNING"):
            for path in paths:
                self.assertEqual(self.client.get(path).status_code, 200, path)
