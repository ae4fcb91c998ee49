"""Anonymous pages come from the cache, and any change made in the admin shows at once."""

import socket
from datetime import timedelta
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage
from django.db import connection
from django.test import Client, TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.publishing import Status
from events.models import Participation
from news.models import Article
from pages.cache import LocalPages, next_scheduled_change
from tests.core.test_admin_editing import resubmit_data
from tests.factories import (
    make_article,
    make_event,
    make_participation,
    make_person,
    make_user,
)
from tests.helpers import queries_for


def redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.2):
            return True
    except OSError:
        return False


class PublicCacheTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user(group="Communication")
        cls.article = make_article(title="Les terrils classés")
        cls.article.tags.add("patrimoine")
        cls.draft = make_article(title="Brouillon secret", status=Status.DRAFT, published_at=None)
        cls.event = make_event(title="Congrès des friches")

    def setUp(self):
        self.staff = Client()
        self.staff.force_login(self.editor)

    def get(self, url, **headers):
        response = self.client.get(url, headers=headers)
        self.assertIn(response.status_code, (200, 304, 404))
        return response

    def assertShows(self, url, text):
        self.assertContains(self.get(url), text)

    def assertHides(self, url, text):
        response = self.get(url)
        self.assertNotContains(response, text, status_code=response.status_code)


class CachingTests(PublicCacheTestCase):
    def test_the_second_visit_is_served_from_the_cache_with_one_query_for_the_generation(self):
        first = self.get(reverse("news:article-list"))
        self.assertEqual(first["X-Cache"], "miss")
        with CaptureQueriesContext(connection) as queries:
            second = self.get(reverse("news:article-list"))
        self.assertEqual(second["X-Cache"], "hit")
        self.assertEqual(second.content, first.content)
        self.assertEqual(len(queries), 1)  # which content is current, by primary key
        self.assertIn("core_contentgeneration", queries[0]["sql"])

    def test_pages_and_feeds_answer_conditional_requests_with_304(self):
        for url in (reverse("news:home"), self.article.get_absolute_url(), reverse("news:rss"), reverse("events:ics")):
            with self.subTest(url=url):
                response = self.get(url)
                self.assertTrue(response["ETag"])
                self.assertEqual(self.get(url, if_none_match=response["ETag"]).status_code, 304)
                self.assertEqual(self.get(url, if_modified_since=response["Last-Modified"]).status_code, 304)
                self.assertEqual(self.get(url, if_none_match='"something-else"').status_code, 200)

    def test_a_changed_page_no_longer_matches_the_old_etag(self):
        etag = self.get(reverse("news:article-list"))["ETag"]
        make_article(title="Nouvelle actualité")
        response = self.get(reverse("news:article-list"), if_none_match=etag)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Nouvelle actualité")

    def test_cached_responses_set_no_cookie(self):
        for url in (reverse("news:home"), reverse("search") + "?q=terrils", reverse("news:rss")):
            self.get(url)
            response = self.get(url)
            self.assertEqual(response["X-Cache"], "hit")
            self.assertFalse(response.cookies)
            self.assertNotIn("Set-Cookie", response.headers)

    def test_head_is_answered_from_the_cache_of_get(self):
        self.get(reverse("news:home"))
        self.assertEqual(self.client.head(reverse("news:home"))["X-Cache"], "hit")

    def test_query_strings_are_different_pages(self):
        self.assertShows(reverse("search") + "?q=terrils", "Les terrils classés")
        self.assertHides(reverse("search") + "?q=friches", "Les terrils classés")

    def test_the_admin_and_a_404_are_never_cached(self):
        self.get("/actualites/nexiste-pas/")
        self.assertNotIn("X-Cache", self.get("/actualites/nexiste-pas/"))
        self.assertNotIn("X-Cache", self.client.get(reverse("admin:login")))


class StaffTests(PublicCacheTestCase):
    def test_a_staff_preview_never_reaches_the_public(self):
        preview = self.staff.get(self.draft.get_absolute_url())
        self.assertContains(preview, "Brouillon secret")
        self.assertIn("private", preview["Cache-Control"])
        self.assertEqual(self.get(self.draft.get_absolute_url()).status_code, 404)

    def test_staff_never_get_the_anonymous_copy(self):
        self.get(reverse("news:article-list"))
        self.assertEqual(self.get(reverse("news:article-list"))["X-Cache"], "hit")
        response = self.staff.get(reverse("news:article-list"))
        self.assertNotIn("X-Cache", response)
        self.assertIn("private", response["Cache-Control"])

    def test_staff_pages_do_not_fill_the_cache(self):
        self.staff.get(reverse("news:home"))
        self.assertEqual(self.get(reverse("news:home"))["X-Cache"], "miss")


class AdminChangesShowAtOnceTests(PublicCacheTestCase):
    """Each public page is visited (and cached) before the change, then again after it."""

    def warm(self, *urls):
        for url in urls:
            self.get(url)
            self.assertEqual(self.get(url)["X-Cache"], "hit")

    def test_publishing_from_the_list(self):
        self.warm(reverse("news:article-list"), reverse("news:home"), reverse("news:rss"))
        self.staff.post(reverse("admin:news_article_changelist"), {"action": "publish", "_selected_action": [self.draft.pk]})
        for url in (reverse("news:article-list"), reverse("news:home"), reverse("news:rss"), self.draft.get_absolute_url()):
            self.assertShows(url, "Brouillon secret")

    def test_unpublishing_from_the_list(self):
        self.warm(reverse("news:article-list"), self.article.get_absolute_url(), "/etiquettes/patrimoine/")
        self.staff.post(reverse("admin:news_article_changelist"), {"action": "unpublish", "_selected_action": [self.article.pk]})
        self.assertHides(reverse("news:article-list"), "Les terrils classés")
        self.assertEqual(self.get(self.article.get_absolute_url()).status_code, 404)
        self.assertEqual(self.get("/etiquettes/patrimoine/").status_code, 404)

    def test_editing_in_the_change_form(self):
        url = reverse("admin:news_article_change", args=[self.article.pk])
        self.warm(self.article.get_absolute_url(), reverse("news:article-list"))
        data = resubmit_data(self.staff.get(url))
        data.update(title="Les terrils inscrits au patrimoine", tags="patrimoine, unesco")
        self.assertEqual(self.staff.post(url, data).status_code, 302)
        self.assertShows(self.article.get_absolute_url(), "Les terrils inscrits au patrimoine")
        self.assertShows(reverse("news:article-list"), "Les terrils inscrits au patrimoine")
        self.assertShows("/etiquettes/unesco/", "Les terrils inscrits au patrimoine")

    def test_deleting(self):
        self.warm(reverse("news:article-list"), self.article.get_absolute_url())
        url = reverse("admin:news_article_delete", args=[self.article.pk])
        self.staff.force_login(make_user(is_superuser=True))  # editors may not delete
        self.assertEqual(self.staff.post(url, {"post": "yes"}).status_code, 302)
        self.assertHides(reverse("news:article-list"), "Les terrils classés")
        self.assertEqual(self.get(self.article.get_absolute_url()).status_code, 404)

    def test_changing_a_participation_in_place_on_the_participant_list(self):
        speaker = make_participation(self.event, make_person(first_name="Aline", last_name="Dubois"))
        self.warm(self.event.get_absolute_url())
        self.assertShows(self.event.get_absolute_url(), "Aline Dubois")
        changelist = reverse("admin:events_participation_changelist")
        data = resubmit_changelist(self.staff.get(changelist))
        data["form-0-status"] = Participation.Status.CANCELLED
        data["_save"] = "Enregistrer"
        response = self.staff.post(changelist, data)
        self.assertEqual(response.status_code, 302, response.content[:3000])
        speaker.refresh_from_db()
        self.assertEqual(speaker.status, Participation.Status.CANCELLED)
        self.assertHides(self.event.get_absolute_url(), "Aline Dubois")

    def test_renaming_a_speaker_updates_the_event_page(self):
        person = make_person(first_name="Aline", last_name="Dubois")
        make_participation(self.event, person)
        self.warm(self.event.get_absolute_url())
        person.last_name = "Dubois-Leroy"
        person.save()
        self.assertShows(self.event.get_absolute_url(), "Aline Dubois-Leroy")

    def test_a_scheduled_article_appears_when_its_time_comes(self):
        publication = timezone.now() + timedelta(hours=2)
        make_article(title="Annonce programmée", published_at=publication)
        self.warm(reverse("news:article-list"), reverse("news:rss"))
        self.assertHides(reverse("news:article-list"), "Annonce programmée")
        self.assertEqual(next_scheduled_change(), publication)
        later = publication + timedelta(seconds=1)
        with mock.patch("django.utils.timezone.now", return_value=later):
            self.assertShows(reverse("news:article-list"), "Annonce programmée")
            self.assertShows(reverse("news:rss"), "Annonce programmée")

    def test_an_event_ending_leaves_the_upcoming_list(self):
        self.warm(reverse("events:event-list"))
        self.assertShows(reverse("events:event-list"), "Congrès des friches")
        with mock.patch("django.utils.timezone.now", return_value=self.event.end + timedelta(seconds=1)):
            self.assertHides(reverse("events:event-list"), "Congrès des friches")
            self.assertShows(reverse("events:past-event-list"), "Congrès des friches")


def resubmit_changelist(response) -> dict:
    formset = response.context["cl"].formset
    data = {f"{formset.prefix}-{name}": value for name, value in formset.management_form.initial.items()}
    for form in formset.forms:
        for bound in form:
            value = bound.value()
            if value not in (None, False):
                data[bound.html_name] = str(value)
    return data


@pytest.mark.skipif(not redis_reachable(), reason="no Redis on 127.0.0.1:6379")
@override_settings(
    CACHES={
        "default": {
            "BACKEND": "config.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/14",
            "KEY_PREFIX": "bassin-tests",
        }
    }
)
class RedisTests(PublicCacheTestCase):
    """The same rules against the production cache backend (a database of its own)."""

    def setUp(self):
        super().setUp()
        cache.clear()

    def tearDown(self):
        cache.clear()

    def test_publishing_and_unpublishing_show_at_once(self):
        self.get(reverse("news:article-list"))
        self.assertEqual(self.get(reverse("news:article-list"))["X-Cache"], "hit")
        self.staff.post(reverse("admin:news_article_changelist"), {"action": "publish", "_selected_action": [self.draft.pk]})
        self.assertShows(reverse("news:article-list"), "Brouillon secret")
        self.staff.post(reverse("admin:news_article_changelist"), {"action": "unpublish", "_selected_action": [self.draft.pk]})
        self.assertHides(reverse("news:article-list"), "Brouillon secret")
        self.assertEqual(self.get(self.article.get_absolute_url(), if_none_match=self.get(self.article.get_absolute_url())["ETag"]).status_code, 304)


    def test_a_worker_serves_its_own_copy_but_reads_the_generation_on_every_request(self):
        url = reverse("news:article-list")
        self.get(url)
        shared = cache._cache.get_client()
        pages = list(shared.scan_iter("*pages:*"))
        self.assertTrue(pages)
        shared.delete(*pages)  # only this process's copy is left
        self.assertEqual(self.get(url)["X-Cache"], "hit")
        cache.clear()  # a flush of Redis changes no content: the copy is still the current page
        self.assertEqual(self.get(url)["X-Cache"], "hit")
        self.article.title = "Les terrils inscrits"
        self.article.save()  # a change of content: the process's copy is dropped with its generation
        self.assertEqual(self.get(url)["X-Cache"], "miss")

    def test_one_client_serves_every_call(self):
        self.assertIs(cache._cache.get_client(), cache._cache.get_client(write=True))


class LocalPagesTests(TestCase):
    def entry(self, size: int) -> dict:
        return {"content": b"x" * size}

    def test_a_new_generation_empties_it(self):
        pages = LocalPages(max_bytes=1000)
        pages.get("one", "home")
        pages.put("one", "home", self.entry(10))
        self.assertIsNotNone(pages.get("one", "home"))
        self.assertIsNone(pages.get("two", "home"))
        pages.put("one", "home", self.entry(10))  # rendered before the change, stored after it
        self.assertIsNone(pages.get("two", "home"))
        self.assertEqual(len(pages), 0)

    def test_the_least_recently_used_pages_leave_first_and_the_budget_holds(self):
        pages = LocalPages(max_bytes=800)
        pages.get("one", "")
        for name in "abcdefgh":
            pages.put("one", name, self.entry(100))
        pages.get("one", "a")  # used again: kept
        pages.put("one", "i", self.entry(100))
        self.assertIsNone(pages.get("one", "b"))
        self.assertIsNotNone(pages.get("one", "a"))
        self.assertEqual(len(pages), 8)
        pages.put("one", "a", self.entry(50))  # replaced, counted once
        pages.put("one", "j", self.entry(100))
        self.assertEqual(len(pages), 8)

    def test_no_page_takes_more_than_an_eighth_of_it(self):
        pages = LocalPages(max_bytes=800)
        pages.get("one", "")
        pages.put("one", "sitemap", self.entry(101))
        self.assertIsNone(pages.get("one", "sitemap"))

    @override_settings(PAGE_CACHE_LOCAL_BYTES=0)
    def test_it_can_be_turned_off(self):
        pages = LocalPages(max_bytes=0)
        pages.get("one", "")
        pages.put("one", "home", self.entry(1))
        self.assertIsNone(pages.get("one", "home"))
        article = make_article(title="Les terrils classés")
        self.client.get(article.get_absolute_url())
        self.assertEqual(self.client.get(article.get_absolute_url())["X-Cache"], "hit")  # from the shared cache


class CacheDownTests(PublicCacheTestCase):
    def test_pages_are_served_uncached_while_the_cache_server_is_down(self):
        down = {"default": {"BACKEND": "config.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}
        with override_settings(CACHES=down), self.assertLogs("pages.cache", "WARNING"):
            response = self.get(reverse("news:article-list"))
        self.assertContains(response, "Les terrils classés")
        self.assertNotIn("X-Cache", response)


class UnopenableStorage(FileSystemStorage):
    def open(self, name, mode="rb"):
        raise AssertionError(f"a page opened {name}")


RENDITIONS = {
    "source": "news/photo.jpg",
    "width": 1600,
    "height": 900,
    "fallback_type": "image/jpeg",
    "webp": [[320, "renditions/photo-320.webp"], [960, "renditions/photo-960.webp"]],
    "fallback": [[320, "renditions/photo-320.jpg"], [960, "renditions/photo-960.jpg"]],
}


class PicturesAreNeverOpenedTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article(title="Le 11/19 en images", featured=True)
        cls.event = make_event(title="Visite du 11/19")
        cls.person = make_person(first_name="Aline", last_name="Dubois")
        Article.objects.filter(pk=cls.article.pk).update(
            image="news/photo.jpg", image_alt="Le chevalement", image_renditions=RENDITIONS
        )
        cls.event.articles.add(cls.article)
        cls.event.tags.add("patrimoine")
        cls.article.tags.add("patrimoine")
        type(cls.event).objects.filter(pk=cls.event.pk).update(
            image="events/photo.jpg", image_alt="La fosse", image_renditions=RENDITIONS
        )
        type(cls.person).objects.filter(pk=cls.person.pk).update(photo="people/photo.jpg", photo_renditions=RENDITIONS)

    def test_pages_with_pictures_read_only_the_renditions_json(self):
        storages = {
            "default": {"BACKEND": f"{__name__}.UnopenableStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        urls = [
            reverse("news:home"),
            reverse("news:article-list"),
            self.article.get_absolute_url(),
            self.event.get_absolute_url(),
            self.person.get_absolute_url(),
            reverse("people:person-list"),
            "/etiquettes/patrimoine/",
        ]
        with override_settings(STORAGES=storages), mock.patch("PIL.Image.open", side_effect=AssertionError("decoded")):
            for url in urls:
                with self.subTest(url=url):
                    response = self.client.get(url)
                    self.assertEqual(response.status_code, 200)
                    self.assertContains(response, "/media/renditions/photo-320.webp 320w")


class QueryCountTests(TestCase):
    """Pages not measured elsewhere: the same number of queries with ten times the data."""

    def test_constant_queries(self):
        article = make_article()
        article.tags.add("friches")
        make_event(start=timezone.now() - timedelta(days=400)).tags.add("friches")
        year = timezone.localtime(article.published_at).year
        urls = [
            reverse("news:article-year", kwargs={"year": year}),
            reverse("news:article-tag", kwargs={"tag": "friches"}),
            reverse("events:past-event-list"),
            reverse("news:atom"),
            reverse("events:atom"),
        ]
        small = {url: queries_for(self.client, url) for url in urls}
        for i in range(12):
            make_article(title=f"Encore {i}").tags.add("friches", "bassin")
            past = make_event(start=timezone.now() - timedelta(days=400 + i))
            past.tags.add("friches")
            make_participation(past)
        for url in urls:
            with self.subTest(url=url):
                self.assertEqual(queries_for(self.client, url), small[url])
                self.assertLessEqual(small[url], 4 if "flux" in url else 8)


class ProductionServingTests(TestCase):
    def test_templates_are_compiled_once_when_debug_is_off(self):
        from django.template import engines

        loaders = engines["django"].engine.template_loaders
        self.assertEqual([type(loader).__module__ for loader in loaders], ["django.template.loaders.cached"])

    def test_collectstatic_makes_hashed_compressed_files(self):
        import tempfile
        from pathlib import Path

        from django.core.management import call_command

        with tempfile.TemporaryDirectory() as root:
            storages = {
                "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
                "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
            }
            with override_settings(STATIC_ROOT=root, STORAGES=storages):
                call_command("collectstatic", "--noinput", verbosity=0)
            files = {path.name for path in Path(root, "css").iterdir()}
        hashed = [name for name in files if name.startswith("site.") and name.endswith(".css") and name != "site.css"]
        self.assertEqual(len(hashed), 1, files)
        self.assertIn(hashed[0] + ".gz", files)
