"""What an editor types or tampers with in the admin ends as a French form error, a warning, an empty
list or a 400: never a 500, never the "database unavailable" page (an ``OperationalError`` is a 503)."""


import datetime

from django import forms
from django.contrib import messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import BadRequest, ValidationError
from django.db import models
from django.forms.formsets import DELETION_FIELD_NAME
from django.forms.utils import pretty_name
from django.utils.text import format_lazy, smart_split, unescape_string_literal
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from taggit.forms import TagField, TagWidget
from taggit.managers import TaggableManager
from taggit.models import Tag

from core.dates import FIRST_DAY, LAST_DAY
from core.widgets import ThumbnailImageInput

MAX_SEARCH_WORDS = 20  # SQLite refuses a query nested 1,000 deep: some 500 words of an admin search


def validate_date_in_range(value):
    """Far outside, converting to UTC or adding a day overflows (year 1, 31 December 9999)."""
    day = value.date() if hasattr(value, "date") else value
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationError(
            _("Enter a date between %(first)s and %(last)s."),
            code="date_out_of_range",
            params={"first": FIRST_DAY.year, "last": LAST_DAY.year},
        )


def is_key(field: models.Field, value) -> bool:
    """Whether ``value`` can be stored in ``field`` (an id): "abc" cannot, nor a number of 25 digits."""
    try:
        field.run_validators(field.to_python(value))
    except ValidationError:
        return False
    return True


def target_field(db_field) -> models.Field:
    """The field of the related model a foreign key or many-to-many field stores."""
    opts = db_field.remote_field.model._meta
    return opts.get_field(getattr(db_field.remote_field, "field_name", None) or opts.pk.name)


class KeysOnlyAutocompleteMixin:
    """Django's autocomplete widgets query the submitted values to show them again: only those that
    can be ids are asked for (the field itself says "select a valid choice" for the others)."""

    def optgroups(self, name, value, attr=None):
        field = target_field(self.field)
        return super().optgroups(name, [v for v in value if v in (None, "") or is_key(field, v)], attr)


class NamedAutocompleteMixin:
    """Select2 names neither its box nor its search fields: a script gives them the field's label
    (or the select's ``aria-label``, "Personne de Catherine Bertram")."""

    @property
    def media(self):
        # Named after Django's script: a list of its own would be merged in any order.
        return super().media + forms.Media(js=["admin/js/autocomplete.js", "admin/js/autocomplete_names.js"])


class KeysOnlyAutocompleteSelect(KeysOnlyAutocompleteMixin, NamedAutocompleteMixin, AutocompleteSelect):
    pass


class KeysOnlyAutocompleteSelectMultiple(KeysOnlyAutocompleteMixin, NamedAutocompleteMixin, AutocompleteSelectMultiple):
    pass


class KeyChoiceField(forms.ModelChoiceField):
    """A value that cannot be an id is an invalid choice before any query: SQLite cannot even bind
    a number of 25 digits (OverflowError)."""

    def to_python(self, value):
        opts = self.queryset.model._meta
        if value not in self.empty_values and not is_key(opts.get_field(self.to_field_name or opts.pk.name), value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class KeyMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        opts = self.queryset.model._meta
        field = opts.get_field(self.to_field_name or opts.pk.name)
        for pk in value:
            if not is_key(field, pk):
                raise ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk})
        return super()._check_values(value)


class TypedTagWidget(TagWidget):
    """Tags as an editor types them, "friches industrielles, Québec": taggit's own widget puts straight
    quotes around every tag of several words. With a comma in the text, taggit splits on commas only,
    so a lone tag of several words ends with one."""

    def format_value(self, value):
        if value is None or isinstance(value, str):
            return super().format_value(value)
        names = sorted(tag.name for tag in value)
        if any("," in name or '"' in name for name in names):  # only quotes say where such a tag ends
            return super().format_value(value)
        text = ", ".join(names)
        return f"{text}," if len(names) == 1 and " " in text else text


class BoundedTagField(TagField):
    """django-taggit stores each tag in a column of 100 characters: PostgreSQL refuses longer ones."""

    widget = TypedTagWidget

    def clean(self, value):
        tags = super().clean(value)
        limit = Tag._meta.get_field("name").max_length
        if too_long := [tag for tag in tags if len(tag) > limit]:
            raise ValidationError(
                _("A tag has at most %(limit)d characters: “%(tag)s…” has %(length)d."),
                code="max_length",
                params={"limit": limit, "tag": too_long[0][:30], "length": len(too_long[0])},
            )
        return tags


class LenientChangeList(ChangeList):
    """Dates in a list's filters that Python or SQLite cannot handle (the year after 9999, 1 January
    of year 1 in UTC) are wrong parameters: Django then shows the unfiltered list (``?e=1``)."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (ValueError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error

    def get_results(self, request):
        try:
            return super().get_results(request)
        except OverflowError as error:
            raise IncorrectLookupParameters(error) from error


# How editors type a time: "9h30", "9 h 30", "09:30", "9:30", "14h"; seconds are still read.
TIME_INPUT_FORMATS = ["%H:%M", "%Hh%M", "%H h %M", "%Hh", "%H h", "%H:%M:%S", "%H:%M:%S.%f"]
TIME_DISPLAY_FORMAT = "%H:%M"


class MinuteDateTimeField(forms.SplitDateTimeField):
    """A date and a time to the minute, as editors read and type them: "09:30", "9 h 30", never "09:30:00".
    A time left as shown is no change, though the stored one had seconds (a publication made "now")."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[1].input_formats = TIME_INPUT_FORMATS
        if isinstance(self.widget, forms.MultiWidget):
            self.widget.widgets[1].format = TIME_DISPLAY_FORMAT
            # Django writes "Date :" and "Heure :" as plain text before the two boxes: no label.
            date, time = self.widget.widgets[:2]
            date.attrs.setdefault("aria-label", format_lazy(_("{field}, date"), field=self.label))
            time.attrs.setdefault("aria-label", format_lazy(_("{field}, time"), field=self.label))

    def has_changed(self, initial, data):
        if isinstance(initial, datetime.datetime):
            initial = initial.replace(second=0, microsecond=0)
        return super().has_changed(initial, data)


class NamedRowsFormSetMixin:
    """In a table of forms (an inline, a list's editable columns) the column's header is no label:
    each field says whose row it is, "Rôle de Catherine Bertram"."""

    @staticmethod
    def row_name(obj) -> str:
        return str(obj)

    def add_fields(self, form, index):
        super().add_fields(form, index)
        instance = getattr(form, "instance", None)
        if instance is not None and instance.pk is not None:
            row = self.row_name(instance)
        elif index is None:
            row = gettext("the new row")
        else:
            row = gettext("row %(number)d") % {"number": index + 1}
        for name, field in form.fields.items():
            if field.widget.is_hidden or isinstance(field.widget, forms.MultiWidget):
                continue
            if name == DELETION_FIELD_NAME:
                text = gettext("Delete %(row)s") % {"row": row}
            else:
                text = gettext("%(field)s of %(row)s") % {"field": field.label or pretty_name(name), "row": row}
            widget = field.widget
            while hasattr(widget, "widget"):  # the admin's wrapper with its add and change links
                widget = widget.widget
            widget.attrs["aria-label"] = text


class EditorInputMixin:
    """For model admins and inlines: dates within 1900–2100, tags that fit, image fields that show
    their picture, autocomplete values that are ids, odd list parameters, action ids and over-long
    searches handled."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, TaggableManager):
            kwargs.setdefault("form_class", BoundedTagField)
        if isinstance(db_field, models.ImageField):
            kwargs.setdefault("widget", ThumbnailImageInput)
        if isinstance(db_field, models.DateTimeField):
            kwargs.setdefault("form_class", MinuteDateTimeField)
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(db_field, models.DateField) and formfield is not None:
            formfield.validators.append(validate_date_in_range)
        return formfield

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KeysOnlyAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        kwargs.setdefault("form_class", KeyChoiceField)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KeysOnlyAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        kwargs.setdefault("form_class", KeyMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_changelist(self, request, **kwargs):
        return LenientChangeList

    def row_name(self, obj) -> str:
        """How a row of an inline or an editable list is named to screen readers."""
        return str(obj)

    def named_rows(self, formset):
        return type(formset.__name__, (NamedRowsFormSetMixin, formset), {"row_name": staticmethod(self.row_name)})

    def get_changelist_formset(self, request, **kwargs):
        return self.named_rows(super().get_changelist_formset(request, **kwargs))

    def get_formset(self, request, obj=None, **kwargs):
        """Inlines' (a model admin has no such method)."""
        return self.named_rows(super().get_formset(request, obj, **kwargs))

    def response_action(self, request, queryset):
        # Django filters on the posted ids as they come: "abc" would be a ValueError.
        if not all(is_key(self.opts.pk, pk) for pk in request.POST.getlist(ACTION_CHECKBOX_NAME)):
            raise BadRequest("Selected ids that cannot be ids.")
        return super().response_action(request, queryset)

    def search_words(self, request, search_term: str) -> list[str] | None:
        """The words of a search, quotes removed, or None (and a warning) when there are too many."""
        words = [
            unescape_string_literal(word) if word[0] in "\"'" and word[0] == word[-1] and len(word) > 1 else word
            for word in smart_split(search_term)
        ]
        if len(words) > MAX_SEARCH_WORDS:
            message = ngettext("Search with at most %(n)d word.", "Search with at most %(n)d words.", MAX_SEARCH_WORDS)
            self.message_user(request, message % {"n": MAX_SEARCH_WORDS}, messages.WARNING)
            return None
        return words

    def get_search_results(self, request, queryset, search_term):
        if self.search_words(request, search_term) is None:
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)
