"""RSS and Atom feeds of the upcoming public events."""

import re
from html import unescape
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape, strip_tags
from django.utils.translation import gettext as _

from config.templatetags.site_tags import absolute, event_dates, event_place, event_times, zone_label

from .models import Event

FEED_LENGTH = 50
_BLOCK_END = re.compile(r"<br\s*/?>|</(p|li|h[1-6]|blockquote)>", re.IGNORECASE)
_BLANKS = re.compile(r"[ \t\r\f\v]+")


def plain_text(html: str, words: int | None = None) -> str:
    """Rich text as plain text: paragraphs on their own lines, entities decoded."""
    text = unescape(strip_tags(_BLOCK_END.sub("\n", html or "")))
    lines = (_BLANKS.sub(" ", line).strip() for line in text.splitlines())
    text = "\n".join(line for line in lines if line)
    if words and len(kept := text.split(" ")) > words:
        # Split on plain spaces only: French typography's non-breaking spaces stay.
        return " ".join(kept[:words]).rstrip(",;:") + "…"
    return text


def when_where(event: Event) -> str:
    """7–8 mai 2025, Thetford Mines (Québec, Canada); 12 juin 2025, 14 h – 17 h 30 (heure de Paris), Lens."""
    when = event_dates(event)
    if not event.is_multi_day and (times := event_times(event)):
        when = f"{when}, {times} ({zone_label(event)})"
    place = event_place(event)
    return f"{when}, {place}" if place else when


class SiteFeed(Feed):
    """Links at the site's canonical address (``SITE_URL``); entry ids that survive a slug change.

    Titles are Django's default ``item_title``: ``str(item)`` escaped, as RSS readers read it as HTML.
    """

    list_url_name = ""
    feed_url_name = ""
    guid_prefix = ""
    item_guid_is_permalink = False

    def link(self):
        return absolute(reverse(self.list_url_name))

    def feed_url(self):
        return absolute(reverse(self.feed_url_name))

    def item_link(self, item):
        return absolute(item.get_absolute_url())

    def item_guid(self, item):
        host = urlsplit(settings.SITE_URL).hostname
        return f"tag:{host},{item.created:%Y-%m-%d}:{self.guid_prefix}-{item.pk}"


class UpcomingEventsRssFeed(SiteFeed):
    list_url_name = "events:event-list"
    feed_url_name = "events-rss"
    guid_prefix = "event"

    def title(self):
        return _("%(site)s: upcoming events") % {"site": settings.SITE_NAME}

    def description(self):
        return _("Congresses, conferences and site visits of the %(site)s.") % {"site": settings.SITE_NAME}

    def items(self):
        return Event.objects.published().upcoming().prefetch_related("tags")[:FEED_LENGTH]

    def item_description(self, event):
        summary = event.summary or plain_text(event.description, words=60)
        # Feed readers read the description as HTML: the plain text is escaped for it.
        return escape(f"{when_where(event)}. {summary}" if summary else when_where(event))

    def item_pubdate(self, event):
        return event.published_at

    def item_updateddate(self, event):
        return event.updated

    def item_categories(self, event):
        return [tag.name for tag in event.tags.all()]


class UpcomingEventsAtomFeed(UpcomingEventsRssFeed):
    feed_type = Atom1Feed
    feed_url_name = "events-atom"

    def subtitle(self):
        return self.description()

    def item_title(self, item):
        # An Atom title without a type is text: the RSS feed's escaping would show "&lt;b&gt;".
        return str(item)
