"""How an event's dates, times and place read in French, in the event's own time zone.

Dates and times of an event are always shown in its own zone and labelled with the place
("heure de Québec"). Template filters of the same names: events/templatetags/event_tags.py.
"""

import zoneinfo
from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from core.dates import date_range, day_of_month, french, french_date, french_time, month_name

VOWELS = set("AEIOUYÂÀÉÈÊËÎÏÔÖÛÜŒaeiouyâàéèêëîïôöûüœ")


def event_dates(event) -> str:
    return date_range(event.start_date, event.end_date)


def dates_phrase(first: date, last: date) -> str:
    """The dates inside a sentence: "le 7 mai 2025", "les 7 et 8 mai 2025", "du 30 avril au 2 mai 2025"."""
    one, two, from_, to = ("le", "les", "du", "au") if french() else ("on", "on", "from", "to")
    if first == last:
        return f"{one} {french_date(first)}"
    if (first.year, first.month) == (last.year, last.month):
        head = day_of_month(first.day)
    elif first.year == last.year:
        head = f"{day_of_month(first.day)} {month_name(first.month)}"
    else:
        head = french_date(first)
    if last - first == timedelta(days=1):
        return f"{two} {head} {'et' if french() else 'and'} {french_date(last)}"
    return f"{from_} {head} {to} {french_date(last)}"


def event_dates_phrase(event) -> str:
    """Les 7 et 8 mai 2025: for "Cet événement a eu lieu les 7 et 8 mai 2025"."""
    return dates_phrase(event.start_date, event.end_date)


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


def time_in(value: datetime, event) -> str:
    """A programme time read in the event's zone."""
    if not value:
        return ""
    return french_time(value.astimezone(event.zone))


def zone_label(event) -> str:
    """ "heure de Paris" at home; elsewhere named after the event's region or city."""
    if event.in_home_zone or not (event.region or event.city):
        place = event.timezone.rsplit("/", 1)[-1].replace("_", " ")
    else:
        place = event.region or event.city
    if not french():
        return f"{place} time"
    return f"heure d’{place}" if place[:1] in VOWELS else f"heure de {place}"


def home_time(value: datetime) -> str:
    """A time in the site's own zone, for visitors comparing with an event abroad."""
    return french_time(value.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE)))


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


def event_when_where(event) -> str:
    """7–8 mai 2025, Thetford Mines (Québec, Canada)."""
    place = event_place(event)
    return f"{event_dates(event)}, {place}" if place else event_dates(event)


# A role as the person it names is spoken of ("Intervenante", "Intervenant"), or in a neutral wording
# ("Intervention") when their agreement is not given (Person.grammatical_gender).
ROLE_LABELS = {
    "feminine": {
        "speaker": pgettext_lazy("role, feminine agreement", "Speaker"),
        "panellist": pgettext_lazy("role, feminine agreement", "Panellist"),
        "moderator": pgettext_lazy("role, feminine agreement", "Moderator"),
        "organiser": pgettext_lazy("role, feminine agreement", "Organiser"),
        "delegate": pgettext_lazy("role, feminine agreement", "Delegate"),
        "attendee": pgettext_lazy("role, feminine agreement", "Attendee"),
    },
    "masculine": {
        "speaker": pgettext_lazy("role, masculine agreement", "Speaker"),
        "panellist": pgettext_lazy("role, masculine agreement", "Panellist"),
        "moderator": pgettext_lazy("role, masculine agreement", "Moderator"),
        "organiser": pgettext_lazy("role, masculine agreement", "Organiser"),
        "delegate": pgettext_lazy("role, masculine agreement", "Delegate"),
        "attendee": pgettext_lazy("role, masculine agreement", "Attendee"),
    },
    "": {
        "speaker": pgettext_lazy("role, neutral wording", "Speaker"),
        "panellist": pgettext_lazy("role, neutral wording", "Panellist"),
        "moderator": pgettext_lazy("role, neutral wording", "Moderator"),
        "organiser": pgettext_lazy("role, neutral wording", "Organiser"),
        "delegate": pgettext_lazy("role, neutral wording", "Delegate"),
        "attendee": pgettext_lazy("role, neutral wording", "Attendee"),
    },
}


def role_label(participation) -> str:
    """Catherine Bertram: "Intervenante"; a man: "Intervenant"; agreement not given: "Intervention"."""
    labels = ROLE_LABELS.get(participation.person.grammatical_gender, ROLE_LABELS[""])
    label = labels.get(participation.role)
    return str(label) if label is not None else participation.get_role_display()
