"""The agenda's month: weeks from Monday, each day with the public events it covers.

An event is on every date from its first to its last day as read in its own time zone, the
dates the site shows everywhere else (``events/display.py``): the Thetford Mines congress of
7–8 May, Québec time, is on 7 and 8 May, whatever the hour in Paris.
"""

import calendar
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.urls import reverse
from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR

from core.dates import FIRST_DAY, LAST_DAY, french_day, french_time, month_name

from .models import Event

# No time zone is further than 14 hours from UTC: the widest a month's dates reach in time.
WIDEST_OFFSET = timedelta(hours=14)


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @classmethod
    def containing(cls, day: date) -> "Month":
        return cls(day.year, day.month)

    @classmethod
    def valid(cls, year: int, month: int) -> "Month | None":
        """The month, if it lies within the dates the site knows (core/dates.py)."""
        if 1 <= month <= 12 and FIRST_DAY.year <= year <= LAST_DAY.year:
            return cls(year, month)
        return None

    def __str__(self) -> str:
        """mai 2025."""
        return f"{month_name(self.month)} {self.year}"

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def previous(self) -> "Month | None":
        day = self.first - timedelta(days=1)
        return Month.containing(day) if day >= FIRST_DAY else None

    @property
    def next(self) -> "Month | None":
        day = self.last + timedelta(days=1)
        return Month.containing(day) if day <= LAST_DAY else None

    def get_absolute_url(self) -> str:
        return reverse("events:event-month", kwargs={"year": self.year, "month": f"{self.month:02d}"})


@dataclass
class Entry:
    """An event on one day: its start time on its first day (none for all-day events)."""

    event: Event
    time: str = ""


@dataclass
class Day:
    date: date
    in_month: bool
    is_today: bool
    entries: list[Entry] = field(default_factory=list)

    @property
    def label(self) -> str:
        """mercredi 7 mai 2025."""
        return french_day(self.date)


def weekdays() -> list[tuple[str, str]]:
    """(lundi, lun) … (dimanche, dim): the full name for screen readers, the short one shown."""
    return [(str(WEEKDAYS[n]).lower(), str(WEEKDAYS_ABBR[n]).lower()) for n in range(7)]


def month_events(month: Month) -> list[Event]:
    """The public events on at least one day of the month, in one query, by start."""
    since = datetime.combine(month.first, time.min, tzinfo=UTC) - WIDEST_OFFSET
    until = datetime.combine(month.last + timedelta(days=1), time.min, tzinfo=UTC) + WIDEST_OFFSET
    candidates = Event.objects.published().filter(start__lt=until, end__gte=since).order_by("start", "pk")
    return [event for event in candidates if event.start_date <= month.last and event.end_date >= month.first]


def month_grid(month: Month, events: list[Event], today: date) -> list[list[Day]]:
    """The weeks, Monday to Sunday, that hold the month; days of other months carry no event."""
    weeks = [
        [Day(day, day.month == month.month, day == today) for day in week]
        for week in calendar.Calendar(calendar.MONDAY).monthdatescalendar(month.year, month.month)
    ]
    days = {day.date: day for week in weeks for day in week if day.in_month}
    for event in events:
        first, last = max(event.start_date, month.first), min(event.end_date, month.last)
        for offset in range((last - first).days + 1):
            day = first + timedelta(days=offset)
            starts = day == event.start_date and not event.all_day
            days[day].entries.append(Entry(event, french_time(event.start_local) if starts else ""))
    return weeks
