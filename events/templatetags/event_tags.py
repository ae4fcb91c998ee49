"""Template filters about events: their dates, times, zone and place (events/display.py)."""

from django import template

from events import display

register = template.Library()

for name in ("event_dates", "event_dates_phrase", "event_times", "time_in", "zone_label", "home_time", "event_place", "event_when_where", "role_label"):
    register.filter(name, getattr(display, name))
