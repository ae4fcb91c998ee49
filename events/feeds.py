"""RSS and Atom feeds of the upcoming public events."""

import re
from html import unescape

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.formats import date_format
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

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


def event_dates(event: Event) -> str:
    """'7–8 mai 2025', '12 juin 2025 à 14:00 (heure de Paris)': dates as a reader says them."""
    start, end = event.start_local, event.end_local
    if event.is_multi_day:
        if (start.year, start.month) == (end.year, end.month):
            first = date_format(start, "j")
        elif start.year == end.year:
            first = date_format(start, "j F")
        else:
            first = date_format(start, "j F Y")
        return f"{first}–{date_format(end, 'j F Y')}"
    day = date_format(start, "j F Y")
    if event.all_day:
        return day
    return _("%(day)s, %(start)s–%(end)s (%(zone)s time)") % {
        "day": day,
        "start": date_format(start, "H:i"),
        "end": date_format(end, "H:i"),
        "zone": zone_label(event),
    }


def zone_label(event: Event) -> str:
    """Whose clock the times follow: 'Paris' at home, the region or city abroad ('Québec')."""
    city_of_zone = event.timezone.rsplit("/", 1)[-1].replace("_", " ")
    if event.in_home_zone:
        return city_of_zone
    return event.region or event.city or city_of_zone


def event_place(event: Event) -> str:
    """'Thetford Mines (Québec, Canada)', or 'Online'."""
    if event.online and not event.city:
        return _("Online")
    around = [part for part in (event.region, event.country) if part and part != event.city]
    if event.country == "France" and event.region:
        around = [event.region]
    place = event.city or event.venue
    if place and around:
        return f"{place} ({', '.join(around)})"
    return place or ", ".join(around)


class UpcomingEventsRssFeed(Feed):
    link = reverse_lazy("events:event-list")

    def title(self):
        return _("%(site)s: upcoming events") % {"site": settings.SITE_NAME}

    def description(self):
        return _("Congresses, conferences and site visits of the %(site)s.") % {"site": settings.SITE_NAME}

    def feed_url(self):
        return reverse("events-rss")

    def items(self):
        return Event.objects.published().upcoming().prefetch_related("tags")[:FEED_LENGTH]

    def item_title(self, event):
        return event.title

    def item_description(self, event):
        facts = " · ".join(part for part in (event_dates(event), event_place(event)) if part)
        summary = event.summary or plain_text(event.description, words=60)
        return f"{facts}. {summary}".strip() if summary else facts

    def item_pubdate(self, event):
        return event.published_at

    def item_updateddate(self, event):
        return event.updated

    def item_categories(self, event):
        return [tag.name for tag in event.tags.all()]


class UpcomingEventsAtomFeed(UpcomingEventsRssFeed):
    feed_type = Atom1Feed

    def subtitle(self):
        return self.description()

    def feed_url(self):
        return reverse("events-atom")
