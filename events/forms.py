"""Admin forms: start and end are typed in the event's own time zone."""

import zoneinfo

from django import forms
from django.utils import timezone

from .models import TIME_ZONE_CHOICES, Event, ProgrammeItem

TIME_ZONES = frozenset(name for name, _label in TIME_ZONE_CHOICES)


def to_wall_clock(value, zone):
    """An aware datetime as the naive local time staff read in the event's zone."""
    return timezone.make_naive(value, zone) if value else value


def from_wall_clock(value, zone):
    """Re-read a datetime the form made aware in the site's zone as local time in ``zone``."""
    if value is None:
        return value
    return timezone.make_naive(value).replace(tzinfo=zone)


class LocalTimesMixin:
    """Presents and reads ``local_time_fields`` in ``self.zone`` instead of the site's zone."""

    local_time_fields = ("start", "end")

    def show_local_times(self):
        for name in self.local_time_fields:
            value = getattr(self.instance, name, None)
            if value:
                self.initial[name] = to_wall_clock(value, self.zone)

    def read_local_times(self, cleaned_data):
        for name in self.local_time_fields:
            if cleaned_data.get(name):
                cleaned_data[name] = from_wall_clock(cleaned_data[name], self.zone)
        return cleaned_data


def zone_named(name, default):
    """The zone of one of the form's choices, else ``default``: "America" is a folder of the zone
    database, which ``ZoneInfo`` reads as a file (IsADirectoryError)."""
    return zoneinfo.ZoneInfo(name) if name in TIME_ZONES else default


class EventAdminForm(LocalTimesMixin, forms.ModelForm):
    class Meta:
        model = Event
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = self.instance.zone if self.instance.pk else zone_named(None, timezone.get_current_timezone())
        self.show_local_times()

    def clean(self):
        cleaned_data = super().clean()
        self.zone = zone_named(cleaned_data.get("timezone"), self.zone)
        return self.read_local_times(cleaned_data)


class ProgrammeItemForm(LocalTimesMixin, forms.ModelForm):
    """Programme times are read in the zone chosen on the event form (passed by the admin)."""

    class Meta:
        model = ProgrammeItem
        fields = "__all__"

    def __init__(self, *args, event_zone=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = event_zone or timezone.get_current_timezone()
        self.show_local_times()

    def clean(self):
        return self.read_local_times(super().clean())
