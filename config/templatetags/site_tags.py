"""Dates as French readers write them, responsive pictures, structured data and URLs.

Dates and times of an event are always shown in the event's own time zone and
labelled with the place ("heure de Québec"). Like Django's own locale formats,
the French rules (1er, 9 h 30, "heure d’Ottawa") are code, not catalogue entries;
month and weekday names come from Django's translations.
"""

import json
import zoneinfo
from datetime import date, datetime
from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dates import MONTHS, WEEKDAYS
from django.utils.html import _json_script_escapes, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()

VOWELS = set("AEIOUYÂÀÉÈÊËÎÏÔÖÛÜŒaeiouyâàéèêëîïôöûüœ")


# Dates and times


def french() -> bool:
    return (get_language() or settings.LANGUAGE_CODE).startswith("fr")


def day_of_month(day: int) -> str:
    return "1er" if day == 1 and french() else str(day)


def month_name(month: int) -> str:
    name = str(MONTHS[month])
    return name.lower() if french() else name


@register.filter
def french_date(value, with_weekday=False) -> str:
    """12 mars 2025; "1er mai 2025"; a datetime is read in the site's time zone."""
    if not value:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    text = f"{day_of_month(value.day)} {month_name(value.month)} {value.year}"
    if with_weekday:
        weekday = str(WEEKDAYS[value.weekday()])
        text = f"{weekday.lower() if french() else weekday} {text}"
    return text


@register.filter
def french_day(value: date) -> str:
    """A programme heading: "mercredi 7 mai 2025"."""
    return french_date(value, with_weekday=True)


def date_range(first: date, last: date) -> str:
    """7–8 mai 2025; 30 avril – 2 mai 2025; 28 décembre 2025 – 3 janvier 2026."""
    if first == last:
        return french_date(first)
    if (first.year, first.month) == (last.year, last.month):
        return f"{day_of_month(first.day)}–{french_date(last)}"
    if first.year == last.year:
        return f"{day_of_month(first.day)} {month_name(first.month)} – {french_date(last)}"
    return f"{french_date(first)} – {french_date(last)}"


def french_time(value: datetime) -> str:
    """9 h 30; 14 h."""
    if not french():
        return f"{value.hour}:{value.minute:02d}"
    if value.minute:
        return f"{value.hour} h {value.minute:02d}"
    return f"{value.hour} h"


@register.filter
def event_dates(event) -> str:
    return date_range(event.start_date, event.end_date)


@register.filter
def event_times(event) -> str:
    """9 h 30 – 12 h, or for several days "7 mai, 9 h – 8 mai, 17 h"; empty for all-day events."""
    if event.all_day:
        return ""
    start, end = event.start_local, event.end_local
    if not event.is_multi_day:
        if start == end:
            return french_time(start)
        return f"{french_time(start)} – {french_time(end)}"
    return (
        f"{day_of_month(start.day)} {month_name(start.month)}, {french_time(start)} – "
        f"{day_of_month(end.day)} {month_name(end.month)}, {french_time(end)}"
    )


@register.filter
def time_in(value: datetime, event) -> str:
    """A programme time read in the event's zone."""
    if not value:
        return ""
    return french_time(value.astimezone(event.zone))


@register.filter
def zone_label(event) -> str:
    """ "heure de Paris" at home; elsewhere named after the event's region or city."""
    if event.in_home_zone or not (event.region or event.city):
        place = event.timezone.rsplit("/", 1)[-1].replace("_", " ")
    else:
        place = event.region or event.city
    if not french():
        return f"{place} time"
    return f"heure d’{place}" if place[:1] in VOWELS else f"heure de {place}"


@register.filter
def home_time(value: datetime) -> str:
    """A time in the site's own zone, for visitors comparing with an event abroad."""
    return french_time(value.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE)))


@register.filter
def event_place(event) -> str:
    """Thetford Mines (Québec, Canada); Lens (Hauts-de-France); "En ligne"."""
    country = "" if (event.country or "").strip().lower() == "france" else event.country
    details = ", ".join(part for part in (event.region, country) if part)
    if event.city:
        place = f"{event.city} ({details})" if details else event.city
    else:
        place = details
    if event.online:
        return _("%(place)s and online") % {"place": place} if place else _("Online")
    return place


@register.filter
def event_when_where(event) -> str:
    """7–8 mai 2025, Thetford Mines (Québec, Canada)."""
    place = event_place(event)
    return f"{event_dates(event)}, {place}" if place else event_dates(event)


# Pictures (read from the renditions JSON: no file is opened)


def rendition_url(name: str) -> str:
    return default_storage.url(name)


def best_fallback(renditions: dict, width: int = 1280) -> str | None:
    """The storage name of the fallback rendition closest to ``width`` without exceeding it."""
    candidates = renditions.get("fallback") or []
    if not candidates:
        return None
    fitting = [item for item in candidates if item[0] <= width] or candidates[:1]
    return fitting[-1][1]


@register.simple_tag
def picture(obj, field="image", sizes="100vw", alt=None, css_class="", loading="lazy", width=960):
    """<picture> with a WebP srcset, a JPEG/PNG fallback, intrinsic size and alt text."""
    renditions = getattr(obj, f"{field}_renditions", None) or {}
    if alt is None:
        alt = getattr(obj, f"{field}_alt", "") or ""
    if not renditions.get("fallback"):
        return ""
    srcset = lambda key: ", ".join(f"{rendition_url(name)} {w}w" for w, name in renditions.get(key, []))  # noqa: E731
    webp = srcset("webp")
    source = format_html('<source type="image/webp" srcset="{}" sizes="{}">', webp, sizes) if webp else ""
    return format_html(
        '<picture>{}<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}"{} loading="{}" decoding="async"></picture>',
        source,
        rendition_url(best_fallback(renditions, int(width))),
        srcset("fallback"),
        sizes,
        renditions["width"],
        renditions["height"],
        alt,
        format_html(' class="{}"', css_class) if css_class else "",
        loading,
    )


@register.filter
def share_image_url(obj, field="image") -> str:
    """An absolute URL of a large JPEG/PNG rendition, for social cards."""
    renditions = getattr(obj, f"{field}_renditions", None) or {}
    name = best_fallback(renditions, 1280)
    return absolute(rendition_url(name)) if name else ""


# URLs and pages


@register.simple_tag
def site_name() -> str:
    """Also works where no context processor ran (the 500 page)."""
    return settings.SITE_NAME


@register.filter
def elided_pages(page):
    """1 … 4 5 6 … 20, the ellipsis as Paginator.ELLIPSIS."""
    return page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)


def absolute(path: str) -> str:
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL.rstrip("/") + path


@register.simple_tag(takes_context=True)
def canonical_url(context) -> str:
    """The page's canonical address: the view's ``canonical_path`` or the bare path."""
    path = context.get("canonical_path")
    if path is None:
        request = context.get("request")
        path = request.path if request else "/"
    return absolute(path)


@register.filter
def absolute_url(path) -> str:
    return absolute(str(path)) if path else ""


@register.filter
def safe_url(url) -> str:
    """An external link only if it is plain http(s): never javascript: or data:."""
    url = str(url or "").strip()
    return url if url.lower().startswith(("http://", "https://")) else ""


@register.filter
def tag_url(tag) -> str:
    """The tag page, or nothing if the tag's slug cannot form a URL."""
    try:
        return reverse("tag-detail", kwargs={"slug": tag.slug})
    except NoReverseMatch:
        return ""


@register.simple_tag(takes_context=True)
def page_url(context, number) -> str:
    """The current query string with another page number (page 1 drops the parameter)."""
    request = context["request"]
    query = [(key, value) for key, value in request.GET.items() if key != "page"]
    if int(number) > 1:
        query.append(("page", number))
    return f"?{urlencode(query)}" if query else request.path


# Structured data


@register.filter
def json_ld(data) -> str:
    """A JSON-LD block whose text can never close its <script> element."""
    if not data:
        return ""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_json_script_escapes)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


@register.simple_tag
def feed_links():
    """<link rel="alternate"> for the four feeds."""
    feeds = [
        ("news-rss", "application/rss+xml", _("News (RSS)")),
        ("news-atom", "application/atom+xml", _("News (Atom)")),
        ("events-rss", "application/rss+xml", _("Upcoming events (RSS)")),
        ("events-atom", "application/atom+xml", _("Upcoming events (Atom)")),
    ]
    return format_html_join(
        "\n",
        '<link rel="alternate" type="{}" title="{}" href="{}">',
        ((kind, f"{settings.SITE_NAME} – {title}", reverse(name)) for name, kind, title in feeds),
    )
