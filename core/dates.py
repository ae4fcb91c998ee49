"""Dates as French readers write them: "1er mai 2025", "7–8 mai 2025", "9 h 30".

Like Django's own locale formats, the French rules are code, not catalogue entries; month
and weekday names come from Django's translations. Dates editors may type lie within
FIRST_DAY and LAST_DAY: far outside, converting to UTC or adding a day overflows.
"""

from datetime import date, datetime

from django.conf import settings
from django.utils import timezone
from django.utils.dates import MONTHS, WEEKDAYS
from django.utils.translation import get_language
from django.utils.translation import gettext as _

FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2100, 12, 31)
MIN_YEAR, MAX_YEAR = FIRST_DAY.year, LAST_DAY.year


def french() -> bool:
    return (get_language() or settings.LANGUAGE_CODE).startswith("fr")


def day_of_month(day: int) -> str:
    return "1er" if day == 1 and french() else str(day)


def month_name(month: int) -> str:
    name = str(MONTHS[month])
    return name.lower() if french() else name


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


def moment(value: datetime) -> str:
    """3 décembre 2026 à 9 h 30, in the site's time zone."""
    value = timezone.localtime(value)
    return _("%(date)s at %(time)s") % {"date": french_date(value), "time": french_time(value)}
