"""Anonymous pages and feeds served from the cache, stale the moment content changes.

The rule fits in three sentences:

* Every cached page is filed under the current content *generation*, a token kept in the
  database and changed by database triggers in the same transaction as any public content
  (``core/generation.py``). Every process reads it on every request, from the database the
  pages come from: a change made anywhere (a worker, a management command, the shell,
  another server) makes every page cached before it unreachable, for every process, at once.
* A page is never kept past the next instant the site changes by itself: a scheduled
  article, event or site page going public, a public one reaching its end of publication, an
  upcoming event ending, the next local midnight (the
  agenda's month shows today) (``next_scheduled_change()``).
* A page's key is its address with only the query parameters its view declares
  (``cache_query_parameters``); the view is handed only those, so ``?utm_source=…`` or
  ``?fbclid=…`` neither store another copy nor bypass the cache.

Only anonymous requests use the cache: a request carrying a session or messages cookie
(staff, previews) is never answered from it and never fills it. Responses that set a
cookie, are private, or vary on anything but the language are never stored.
Hits and misses alike answer conditional GETs (ETag, Last-Modified) with 304.

After a change every page is a miss at once, and the first visitors of a popular page would
all render it together (a thundering herd). One request renders a page while the others
asking for the same page of the same generation wait for it (*single flight*): the first to
miss claims the page (an atomic ``cache.add``), the others poll for the stored copy for at
most ``PAGE_CACHE_WAIT_SECONDS``, then render it themselves. They wait for the page of the new
generation, never serve the old one: a change still shows at once. With Redis the claim holds
across processes; with local memory, across the threads of one process.

Pages are stored in the configured cache (Redis, shared by the processes, or each process's
own memory without ``REDIS_URL``), and each process also keeps those of the current
generation it has served in its own memory (``LocalPages``, bounded by
``PAGE_CACHE_LOCAL_BYTES``): a hit then costs one primary-key read of the generation.
"""

import hashlib
import logging
import threading
import time as clock
from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.sites import models as sites
from django.core.cache import cache
from django.db.models import Subquery
from django.http import HttpResponse, QueryDict
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, parse_http_date_safe
from django.utils.translation import get_language_from_request

from core.generation import CACHE_DOWN, generation_now, one_generation
from core.memory import BoundedMemory
from events.models import Event
from news.models import Article
from pages.models import SitePage

logger = logging.getLogger(__name__)
MAX_QUERY_VALUE = 200
PRIVATE_COOKIES = (settings.SESSION_COOKIE_NAME, "messages")
VARY_ALLOWED = {"cookie", "accept-language", "accept-encoding"}


def now() -> float:
    return timezone.now().timestamp()


def next_scheduled_change() -> datetime | None:
    """The next instant public lists change by themselves, in one query.

    The subqueries hang on the current site's row, which also warms Django's site
    cache: the feeds and sitemaps rendered next need no query of their own for it.
    """
    def first(queryset, field):
        return Subquery(queryset.order_by(field).values(field)[:1])

    site = (
        sites.Site.objects.filter(pk=settings.SITE_ID)
        .annotate(
            next_article=first(Article.objects.scheduled(), "published_at"),
            next_event=first(Event.objects.scheduled(), "published_at"),
            next_page=first(SitePage.objects.scheduled(), "published_at"),
            next_end=first(Event.objects.published().filter(end__gte=timezone.now()), "end"),
            expiry_article=first(Article.objects.published().filter(unpublish_at__isnull=False), "unpublish_at"),
            expiry_event=first(Event.objects.published().filter(unpublish_at__isnull=False), "unpublish_at"),
            expiry_page=first(SitePage.objects.published().filter(unpublish_at__isnull=False), "unpublish_at"),
        )
        .first()
    )
    if site is None:
        return timezone.now()  # no site row: keep nothing
    sites.SITE_CACHE.setdefault(site.pk, site)
    instants = (
        site.next_article, site.next_event, site.next_page, site.next_end,
        site.expiry_article, site.expiry_event, site.expiry_page, next_midnight(),
    )
    return min((instant for instant in instants if instant), default=None)


def next_midnight() -> datetime:
    """The next midnight in the site's time zone: the day that pages call "today" changes."""
    tomorrow = timezone.localdate() + timedelta(days=1)
    return datetime.combine(tomorrow, time.min, tzinfo=timezone.get_current_timezone())


def valid_until(generation: str) -> float:
    """Until when pages and values of this generation may be kept (a timestamp), memoised per
    generation (``settings.CONTENT_VALID_UNTIL``, for ``core.generation.remember``)."""
    key = f"pages:{generation}:until"
    until = cache.get(key)
    if until is None or until <= now():
        instant = next_scheduled_change()
        until = instant.timestamp() if instant else float("inf")
        cache.set(key, until, int(min(until - now(), 86_400)) + 1)
    return until


# The middleware


def is_cacheable_request(request, uncached_prefixes: tuple[str, ...]) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if any(name in request.COOKIES for name in PRIVATE_COOKIES) or "HTTP_AUTHORIZATION" in request.META:
        return False
    return not request.path_info.startswith(uncached_prefixes)


PAGE_PARAMETERS = {"page", "p"}  # ListView's and the sitemaps' page numbers


def keep_declared_query(request) -> None:
    """Leave the view only the query parameters it declares, one value each, in a fixed form.

    A view declares them in ``cache_query_parameters`` (``core.views.uses_query_parameters``
    for a function); any other parameter (``utm_source``, ``fbclid``, a random one) is dropped
    before the view runs, so the response, and the key it is stored under, never depend on it.
    Values are trimmed, page numbers written without leading zeros.
    """
    if not request.GET:
        return
    try:
        match = resolve(request.path_info)
        declared = getattr(getattr(match.func, "view_class", match.func), "cache_query_parameters", ())
    except Resolver404:
        declared = ()
    kept = QueryDict(mutable=True)
    for name in sorted(declared):
        if (value := request.GET.get(name)) is not None:
            value = " ".join(value.split())[:MAX_QUERY_VALUE]
            if name in PAGE_PARAMETERS and value.isascii() and value.isdigit():
                value = str(int(value))
            kept[name] = value
    kept._mutable = False
    request.GET = kept
    request.META["QUERY_STRING"] = kept.urlencode()


def page_key(request, generation: str) -> str:
    scheme = "https" if request.is_secure() else "http"
    identity = f"{scheme}://{request.get_host()}{request.get_full_path()}|{get_language_from_request(request)}"
    return f"pages:{generation}:{hashlib.sha256(identity.encode()).hexdigest()}"


def is_storable(response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in ("private", "no-store", "no-cache")):
        return False
    vary = {part.strip().lower() for part in response.get("Vary", "").split(",") if part.strip()}
    return vary <= VARY_ALLOWED


def _entry(response) -> dict:
    return {
        "content": response.content,
        "headers": list(response.headers.items()),
        "etag": f'"{hashlib.sha256(response.content).hexdigest()[:32]}"',
        # The view's own date when it gives one (the calendars do), else the rendering's.
        "last_modified": parse_http_date_safe(response.get("Last-Modified", "")) or int(now()),
    }


def _response(entry: dict) -> HttpResponse:
    response = HttpResponse(entry["content"])
    for name, value in entry["headers"]:
        response.headers[name] = value
    return response


class LocalPages:
    """The pages of one generation that this process has served, least recently used first out.

    Emptied as soon as a request reads another generation; at most ``max_bytes`` of content,
    and no page above an eighth of it (one huge page does not push out all the others).
    """

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._generation = None
        self._pages = BoundedMemory(max_bytes, largest_share=8, size=lambda entry: len(entry["content"]))
        self._lock = threading.Lock()

    def get(self, generation: str, key: str) -> dict | None:
        with self._lock:
            if generation != self._generation:
                self._generation = generation
                self._pages.clear()
                return None
            return self._pages.get(key)

    def put(self, generation: str, key: str, entry: dict) -> None:
        with self._lock:
            if generation == self._generation:
                self._pages.put(key, entry)

    def __len__(self) -> int:
        return len(self._pages)


# Single flight: one render of a page at a time, the other requests wait for its copy.


def _claim_key(key: str) -> str:
    return f"{key}:rendering"


def claim(key: str) -> bool:
    """True when this request is to render the page: no other is rendering it now."""
    return cache.add(_claim_key(key), 1, settings.PAGE_CACHE_RENDER_SECONDS)


def release(key: str) -> None:
    try:
        cache.delete(_claim_key(key))
    except CACHE_DOWN as error:  # the claim expires by itself
        logger.warning("Page cache unavailable: %s", error)


def wait_for(key: str) -> dict | None:
    """The page another request is rendering, once stored; None if it gave up or took too long."""
    deadline = clock.monotonic() + settings.PAGE_CACHE_WAIT_SECONDS
    pause = 0.005
    while clock.monotonic() < deadline:
        clock.sleep(pause)
        pause = min(pause * 2, 0.05)
        entry, claimed = (cache.get_many([key, _claim_key(key)]).get(name) for name in (key, _claim_key(key)))
        if entry is not None:
            return entry
        if claimed is None:  # not storable (an error page, a cookie), or the renderer failed
            return None
    return None


class AnonymousPageCacheMiddleware:
    """See the module's docstring."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.local = LocalPages(settings.PAGE_CACHE_LOCAL_BYTES)
        self.uncached_prefixes = (
            "/" + settings.ADMIN_URL, settings.STATIC_URL, settings.MEDIA_URL, *settings.PAGE_CACHE_EXEMPT,
        )

    def __call__(self, request):
        with one_generation():
            return self.respond(request)

    def respond(self, request):
        if not is_cacheable_request(request, self.uncached_prefixes):
            response = self.get_response(request)
            if settings.SESSION_COOKIE_NAME in request.COOKIES:
                patch_cache_control(response, private=True)  # previews never go to a shared cache
            return response
        if settings.PAGE_CACHE_SECONDS <= 0:  # switched off: nothing to read, nothing to keep
            return self.get_response(request)
        keep_declared_query(request)
        generation = generation_now()  # a database that cannot answer: the 503 page
        key = page_key(request, generation)
        try:
            entry = self.local.get(generation, key)
            if entry is None and (entry := cache.get(key)) is not None:
                self.local.put(generation, key, entry)
        except CACHE_DOWN as error:
            # The site stays up without its cache (a Redis restart); invalidations still fail loudly.
            logger.warning("Page cache unavailable: %s", error)
            return self.get_response(request)
        if entry is not None and entry["until"] > now():
            response = _response(entry)
            response["X-Cache"] = "hit"
        else:
            try:
                until = min(valid_until(generation), now() + settings.PAGE_CACHE_SECONDS)
                entry, claimed = None, False
                if until - now() >= 1 and request.method == "GET":  # a page to keep, so one to wait for
                    if claimed := claim(key):
                        if (entry := cache.get(key)) is not None:  # stored since our first look
                            release(key)
                            claimed = False
                    else:
                        entry = wait_for(key)
                if entry is not None:
                    self.local.put(generation, key, entry)
            except CACHE_DOWN as error:
                logger.warning("Page cache unavailable: %s", error)
                return self.get_response(request)
            if entry is not None and entry["until"] > now():
                response = _response(entry)
                response["X-Cache"] = "hit"  # rendered by the request we waited for
            else:
                try:
                    response = self.get_response(request)
                    if request.method != "GET" or not is_storable(response):
                        return response
                    entry = self.store(generation, key, response, until)
                finally:
                    if claimed:
                        release(key)
                response["X-Cache"] = "miss"
        response["ETag"] = entry["etag"]
        response["Last-Modified"] = http_date(entry["last_modified"])
        patch_cache_control(response, max_age=0, must_revalidate=True)
        return get_conditional_response(
            request, etag=entry["etag"], last_modified=entry["last_modified"], response=response
        )

    def store(self, generation: str, key: str, response, until: float) -> dict:
        entry = _entry(response)
        entry["until"] = until
        timeout = int(entry["until"] - now())
        if timeout >= 1:
            try:
                cache.set(key, entry, timeout)
                self.local.put(generation, key, entry)
            except CACHE_DOWN as error:
                logger.warning("Page cache unavailable: %s", error)
        return entry
