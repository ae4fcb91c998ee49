"""RSS and Atom feeds of the upcoming public events."""

from django.conf import settings
from django.utils.html import escape
from django.utils.translation import gettext as _

from core.feeds import AtomFeedMixin, SiteFeed, plain_text, with_tag_list

from .display import event_dates, event_place, event_times, zone_label
from .models import Event

FEED_LENGTH = 50


def when_where(event: Event) -> str:
    """7–8 mai 2025, Thetford Mines (Québec, Canada); 12 juin 2025, 14 h – 17 h 30 (heure de Paris), Lens."""
    when = event_dates(event)
    if not event.is_multi_day and (times := event_times(event)):
        when = f"{when}, {times} ({zone_label(event)})"
    place = event_place(event)
    return f"{when}, {place}" if place else when


class UpcomingEventsRssFeed(SiteFeed):
    list_url_name = "events:event-list"
    feed_url_name = "events:rss"
    guid_prefix = "event"

    def title(self):
        return _("%(site)s: upcoming events") % {"site": settings.SITE_NAME}

    def description(self):
        return _("Congresses, conferences and site visits of the %(site)s.") % {"site": settings.SITE_NAME}

    def items(self):
        return Event.objects.published().upcoming().prefetch_related(with_tag_list())[:FEED_LENGTH]

    def item_description(self, event):
        summary = event.summary or plain_text(event.description, words=60)
        # Feed readers read the description as HTML: the plain text is escaped for it.
        return escape(f"{when_where(event)}. {summary}" if summary else when_where(event))


class UpcomingEventsAtomFeed(AtomFeedMixin, UpcomingEventsRssFeed):
    feed_url_name = "events:atom"
