"""Admin forms: start and end are typed in the event's own time zone."""

import zoneinfo

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .exporters import FORMATS
from .exporters.columns import COLUMNS, DEFAULT_COLUMNS
from .models import TIME_ZONE_CHOICES, Event, ExportPreset, ParticipantExport, Participation, ProgrammeItem

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


# Participant exports: which columns, in what order, which participants, which file.


class OrderedColumnsWidget(forms.Widget):
    """A row per column: a box to tick and a position; the value is the ticked keys in position order."""

    template_name = "events/widgets/ordered_columns.html"

    def __init__(self, attrs=None, choices=()):
        super().__init__(attrs)
        self.choices = list(choices)

    def value_from_datadict(self, data, files, name):
        """[(key, position as typed)] for the ticked boxes; None when the table was not submitted."""
        if f"{name}-shown" not in data:
            return None
        return [
            (key, data.get(f"{name}-{key}-position", "")) for key, _label in self.choices if data.get(f"{name}-{key}")
        ]

    def value_omitted_from_data(self, data, files, name):
        return f"{name}-shown" not in data

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if value and isinstance(value[0], list | tuple):
            ticked = {key: position for key, position in value}
        else:
            ticked = {key: str(index) for index, key in enumerate(value or [], 1)}
        context["widget"]["rows"] = [
            {"key": key, "label": label, "ticked": key in ticked, "position": ticked.get(key, "")}
            for key, label in self.choices
        ]
        return context


class OrderedColumnsField(forms.Field):
    """Keys of columns, in order: ticked, sorted by position (a blank position goes last, in the table's order)."""

    widget = OrderedColumnsWidget
    default_error_messages = {
        "required": _("Choose at least one column."),
        "position": _("The position of “%(column)s” is not a whole number between 1 and 99."),
        "invalid_choice": _("Unknown column: %(value)s."),
    }

    def __init__(self, *, choices=(), **kwargs):
        super().__init__(**kwargs)
        self.choices = list(choices)
        self.widget.choices = self.choices

    def to_python(self, value):
        if not value:
            return []
        if not isinstance(value[0], list | tuple):  # keys already: a model's value or initial data
            return list(value)
        labels = dict(self.choices)
        order = {key: index for index, (key, _label) in enumerate(self.choices)}
        ranked = []
        for key, position in value:
            if key not in labels:
                raise forms.ValidationError(self.error_messages["invalid_choice"], params={"value": key})
            position = str(position).strip()
            if not position:
                ranked.append((100, order[key], key))
                continue
            if not position.isdecimal() or not 1 <= int(position) <= 99:
                raise forms.ValidationError(
                    self.error_messages["position"], code="position", params={"column": labels[key]}
                )
            ranked.append((int(position), order[key], key))
        return [key for _position, _index, key in sorted(ranked)]

    def validate(self, value):
        super().validate(value)
        labels = dict(self.choices)
        for key in value:
            if key not in labels:
                raise forms.ValidationError(self.error_messages["invalid_choice"], params={"value": key})


def export_column_choices(*, personal: bool) -> list[tuple[str, str]]:
    """The columns one may export: contact details only for those who may see them."""
    return [(column.key, column.header) for column in COLUMNS if personal or not column.personal]


class ExportPresetFields(forms.Form):
    """Columns and filters: what an export preset holds and the export page chooses."""

    columns = OrderedColumnsField(label=_("Columns"), help_text=_("Tick the columns; number them to set their order."))
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=Participation.Role.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("None ticked: every role."),
    )
    statuses = forms.MultipleChoiceField(
        label=_("Statuses"),
        choices=Participation.Status.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("None ticked: every status."),
    )

    def __init__(self, *args, personal: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        choices = export_column_choices(personal=personal)
        self.fields["columns"] = OrderedColumnsField(
            label=self.fields["columns"].label, help_text=self.fields["columns"].help_text, choices=choices
        )


class ExportForm(ExportPresetFields):
    """The export page: a preset fills the form in; the form exports, or is saved as a preset."""

    MARKER, LOAD, SAVE = "_export_form", "_load_preset", "_save_preset"  # MARKER: a hidden field of the page

    preset = forms.ModelChoiceField(
        label=_("Saved preset"),
        queryset=ExportPreset.objects.all(),
        to_field_name="name",
        required=False,
        empty_label=_("All columns (default)"),
    )
    format = forms.ChoiceField(
        label=_("File"),
        choices=[(value, label) for value, label in ParticipantExport.Format.choices if value in FORMATS],
        initial=ParticipantExport.Format.EXCEL,
        widget=forms.RadioSelect,
    )
    preset_name = forms.CharField(
        label=_("Save these choices as a preset named"),
        max_length=100,
        required=False,
        help_text=_("Shared with the team; a preset of the same name is replaced."),
    )
    field_order = ["preset", "columns", "roles", "statuses", "format", "preset_name"]

    def clean(self):
        cleaned = super().clean()
        if self.data.get(self.SAVE) is not None and not cleaned.get("preset_name", "").strip():
            self.add_error("preset_name", _("Give the preset a name."))
        return cleaned


def export_initial(preset: ExportPreset | None, *, personal: bool, format: str) -> dict:
    """The export form's starting values: the preset's, else every column one may export."""
    allowed = {key for key, _label in export_column_choices(personal=personal)}
    if preset is None:
        columns = DEFAULT_COLUMNS
        roles = statuses = []
    else:
        columns, roles, statuses = preset.columns, preset.roles, preset.statuses
    return {
        "preset": preset,
        "columns": [key for key in columns if key in allowed],
        "roles": roles,
        "statuses": statuses,
        "format": format,
    }


class ExportPresetAdminForm(forms.ModelForm):
    columns = OrderedColumnsField(label=_("Columns"), help_text=_("Tick the columns; number them to set their order."))
    roles = ExportPresetFields.base_fields["roles"]
    statuses = ExportPresetFields.base_fields["statuses"]

    class Meta:
        model = ExportPreset
        fields = ["name", "columns", "roles", "statuses"]

    def __init__(self, *args, personal: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        choices = export_column_choices(personal=personal)
        kept = [key for key in (self.instance.columns or []) if key not in dict(choices)]
        self.hidden_columns = kept  # a preset's contact columns stay when someone who may not see them saves it
        self.fields["columns"] = OrderedColumnsField(
            label=self.fields["columns"].label, help_text=self.fields["columns"].help_text, choices=choices
        )

    def clean_columns(self):
        return [*self.cleaned_data["columns"], *self.hidden_columns]
