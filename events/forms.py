"""Admin forms: start and end are typed in the event's own time zone."""

import zoneinfo

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .models import TIME_ZONE_CHOICES, Event, ProgrammeItem

TIME_ZONES = frozenset(name for name, _label in TIME_ZONE_CHOICES)

# The zones an editor of the agency picks: home, its partners abroad, France overseas. Each
# label keeps the zone's name (what is stored, what support reads) and says whose time it is.
COMMON_TIME_ZONES = [
    ("Europe/Paris", _("Paris time")),
    ("America/Toronto", _("Québec / Ontario time")),
    ("Europe/Brussels", _("Brussels time")),
    ("Europe/Luxembourg", _("Luxembourg time")),
    ("Europe/London", _("London time")),
    ("Europe/Berlin", _("Berlin time")),
    ("Europe/Madrid", _("Madrid time")),
    ("Europe/Rome", _("Rome time")),
    ("Europe/Warsaw", _("Warsaw time")),
    ("America/New_York", _("New York time")),
    ("Africa/Casablanca", _("Casablanca time")),
    ("Africa/Dakar", _("Dakar time")),
    ("Asia/Tokyo", _("Tokyo time")),
    ("America/Guadeloupe", _("Guadeloupe time")),
    ("America/Martinique", _("Martinique time")),
    ("America/Cayenne", _("French Guiana time")),
    ("America/Miquelon", _("Saint Pierre and Miquelon time")),
    ("Indian/Reunion", _("Réunion time")),
    ("Indian/Mayotte", _("Mayotte time")),
    ("Pacific/Noumea", _("New Caledonia time")),
    ("Pacific/Tahiti", _("Tahiti time")),
    ("UTC", _("Coordinated Universal Time")),
]
COMMON_TIME_ZONES = [(name, label) for name, label in COMMON_TIME_ZONES if name in TIME_ZONES]
COMMON = {name for name, _label in COMMON_TIME_ZONES}

# Grouped choices of the form field only: the model's flat choices (and its migrations) stay as
# they are, and every zone stays valid, so an event in a rarer zone keeps it.
TIME_ZONE_GROUPS = [
    (_("Common time zones"), [(name, format_lazy("{} — {}", name, label)) for name, label in COMMON_TIME_ZONES]),
    (_("Other time zones"), [(name, label) for name, label in TIME_ZONE_CHOICES if name not in COMMON]),
]

# How editors type a time: "9h30", "9 h 30", "09:30", "9:30", "14h"; seconds are still read.
TIME_INPUT_FORMATS = ["%H:%M", "%Hh%M", "%H h %M", "%Hh", "%H h", "%H:%M:%S", "%H:%M:%S.%f"]
TIME_DISPLAY_FORMAT = "%H:%M"


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

    def use_short_times(self):
        """Times shown without seconds ("09:30") and read as typed in French ("9h30", "9 h 30")."""
        for name in self.local_time_fields:
            field = self.fields.get(name)
            if isinstance(field, forms.SplitDateTimeField):
                field.fields[1].input_formats = TIME_INPUT_FORMATS
                field.widget.widgets[1].format = TIME_DISPLAY_FORMAT

    def show_local_times(self):
        self.use_short_times()
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
        if "timezone" in self.fields:
            self.fields["timezone"].choices = TIME_ZONE_GROUPS
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
        self.event_zone = event_zone
        self.zone = event_zone or timezone.get_current_timezone()
        self.show_local_times()

    def clean(self):
        cleaned_data = super().clean()
        event = cleaned_data.get("event")
        if self.event_zone is None and isinstance(event, Event):
            self.zone = event.zone  # a new item on its own page: the zone of the event chosen
        return self.read_local_times(cleaned_data)
