"""The history of content: every saved version, who made it and why, compared and restored.

django-reversion keeps the versions: each app registers its models in its models.py, following
what belongs to an item (an event's programme, speakers, organisers and attachments), so that a
version is the item as an editor sees it and a restore puts all of it back. A revision is written
in the same transaction as the save that makes it.

This module adds what the admin needs around it, knowing no app:
- ``HistoryAdminMixin``: versions for the admin's saves, list actions and in-place list edits,
  an optional comment typed at save, a history page newest first, a field-by-field comparison of
  any two versions (rich text as a word-level diff), a restore that keeps the item's current
  publication status, and a snapshot of what a deletion removes so that it can be recovered;
- ``command_revision``: versions written by a management command, signed with its name;
- ``compare``: the comparison itself, for the admin and for tests.

Pruning is django-reversion's command: ``manage.py deleterevisions --days=730 --keep=10``.
"""

from __future__ import annotations

import difflib
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from html import unescape
from itertools import groupby

import reversion
from django import forms
from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.db import models, transaction
from django.db.models.deletion import Collector
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from reversion import models as reversion_models  # _safe_revert: reversion's own retry on dependencies
from reversion import revisions  # _get_options, _follow_relations_recursive: the registration's follows
from reversion.admin import VersionAdmin
from reversion.models import Version

from .dates import french_date, moment
from .models import RevisionOrigin
from .richtext import nonce_media

# What a version records but nobody edits: not worth a line in a comparison.
UNCOMPARED_FIELDS = {"id", "created", "updated", "search_vector", "image_renditions", "photo_renditions"}
PUBLICATION_FIELDS = ("status", "published_at", "unpublish_at")
HISTORY_PAGE_SIZE = 50


@contextmanager
def command_revision(command: str, *, comment: str = ""):
    """Everything saved inside is one version, signed by the management command ``command``."""
    with reversion.create_revision():
        reversion.set_comment(comment)
        reversion.add_meta(RevisionOrigin, command=command)
        yield


def record(objects, *, user=None, comment: str = ""):
    """A version of each registered object, as they are now: for writes that bypass save()
    (``QuerySet.update``), inside the caller's transaction."""
    objects = [obj for obj in objects if reversion.is_registered(type(obj))]
    if not objects:
        return
    with reversion.create_revision():
        if user is not None:
            reversion.set_user(user)
        reversion.set_comment(comment)
        for obj in objects:
            reversion.add_to_revision(obj)


# The comparison.


@dataclass
class Change:
    label: str
    before: str = ""
    after: str = ""
    diff: str = ""  # HTML: the words removed and inserted


@dataclass
class RelatedChanges:
    label: str  # the related model's plural name
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[tuple[str, list[Change]]] = field(default_factory=list)

    def __bool__(self):
        return bool(self.added or self.removed or self.changed)


def compare(old: Version, new: Version, *, may_view=lambda model: True):
    """What changed from ``old`` to ``new`` (two versions of one object): its own fields, then
    the objects its revision follows, grouped by model, for the models ``may_view`` allows."""
    model = old._model
    own = field_changes(model, old.field_dict, new.field_dict)
    related = []
    before, after = _followed(old), _followed(new)
    for related_model in sorted(set(before) | set(after), key=lambda m: str(m._meta.verbose_name_plural)):
        if not may_view(related_model):
            continue
        was, now = before.get(related_model, {}), after.get(related_model, {})
        group = RelatedChanges(str(related_model._meta.verbose_name_plural).capitalize())
        group.added = sorted(now[pk].object_repr for pk in now.keys() - was.keys())
        group.removed = sorted(was[pk].object_repr for pk in was.keys() - now.keys())
        for pk in sorted(was.keys() & now.keys(), key=lambda pk: now[pk].object_repr):
            changes = field_changes(related_model, was[pk].field_dict, now[pk].field_dict)
            if changes:
                group.changed.append((now[pk].object_repr, changes))
        if group:
            related.append(group)
    return own, related


def _followed(version: Version, *, everything: bool = False) -> dict:
    """The objects of the version's revision that its model's registration follows, {model:
    {object_id: version}}: an event's programme items, their speakers, its contributors... A
    revision may hold more (a command saves many items in one): only what belongs to this object
    counts, found by the foreign keys that point to it. A follow that is a property (a subset of a
    relation) names its test on the model: ``history_follow_tests = {name: test(field_dict)}``.
    With ``everything``, whatever points to the object, followed or not: what a deletion took along."""
    others = {}
    for other in version.revision.version_set.select_related("content_type"):
        related_model = other.content_type.model_class()
        if other.pk != version.pk and related_model is not None:
            # field_dict deserialises at each call: once here.
            others.setdefault(related_model._meta.concrete_model, []).append((other, other.field_dict))
    found = {}

    def relations(model):
        if everything:  # every foreign key that points to the model
            for related_model in others:
                for fk in related_model._meta.concrete_fields:
                    if fk.many_to_one and fk.related_model._meta.concrete_model is model._meta.concrete_model:
                        yield None, related_model, fk.attname
            return
        for name in revisions._get_options(model).follow:
            related_model, attname = _followed_relation(model, name)
            if related_model is not None:
                yield name, related_model, attname

    def visit(model, object_id):
        tests = getattr(model, "history_follow_tests", {})
        for name, related_model, attname in relations(model):
            for other, fields in others.get(related_model._meta.concrete_model, []):
                if str(fields.get(attname)) != str(object_id) or not tests.get(name, bool)(fields):
                    continue
                if other.object_id not in found.setdefault(related_model, {}):
                    found[related_model][other.object_id] = other
                    visit(related_model, other.object_id)

    visit(version._model, version.object_id)
    return found


def _followed_relation(model, name):
    """The model a follow name leads to and the attribute of its foreign key to ``model``."""
    try:
        relation = model._meta.get_field(name)
    except FieldDoesNotExist:
        related_model = getattr(model(pk=0), name).model  # a property giving a queryset
        relation = next((f.remote_field for f in related_model._meta.concrete_fields
                         if f.many_to_one and f.related_model is model), None)
        if relation is None:
            return None, None
    if not relation.one_to_many:
        return None, None
    return relation.related_model, relation.field.attname


def revert_item(version: Version, *, everything: bool = False):
    """Put back the version's object and what belongs to it, deleting what belongs to it now and
    did not then, and nothing else of the revision (a command's revision holds many items)."""
    followed = _followed(version, everything=everything)
    versions = [version, *(other for group in followed.values() for other in group.values())]
    kept = {(other._model._meta.concrete_model, other.object_id) for other in versions}
    with transaction.atomic(using=version.db):
        current = version._model._default_manager.using(version.db).filter(pk=version.object_id).first()
        if current is not None:
            stale = [
                obj for obj in revisions._follow_relations_recursive(current)
                if (type(obj)._meta.concrete_model, str(obj.pk)) not in kept
            ]
            collector = Collector(using=version.db)
            for _model, group in groupby(sorted(stale, key=lambda obj: obj._meta.label), type):
                collector.collect(list(group))
            collector.delete()
        reversion_models._safe_revert(versions)


def field_changes(model, old: dict, new: dict) -> list[Change]:
    changes = []
    for model_field in model._meta.get_fields():
        if not getattr(model_field, "concrete", False) or model_field.name in UNCOMPARED_FIELDS:
            continue
        if model_field.many_to_many and not model_field.remote_field.through._meta.auto_created:
            continue  # a through model of its own is followed, not serialised
        key = model_field.attname if not model_field.many_to_many else model_field.name
        was, now = old.get(key), new.get(key)
        if model_field.many_to_many:
            was, now = sorted(was or []), sorted(now or [])
        if was == now:
            continue
        label = str(model_field.verbose_name).capitalize()
        before, after = display(model_field, was), display(model_field, now)
        if is_text(model_field):
            changes.append(Change(label, before, after, word_diff(before, after)))
        else:
            changes.append(Change(label, before, after))
    return changes


def is_text(model_field) -> bool:
    return isinstance(model_field, models.TextField) or (
        isinstance(model_field, models.CharField) and not model_field.choices and model_field.max_length >= 100
    )


def display(model_field, value) -> str:
    """A stored value as an editor reads it: choices by label, dates in French, related objects by name."""
    if value in (None, "", []):
        return ""
    if model_field.many_to_many:
        names = {str(pk): str(obj) for pk, obj in model_field.related_model._base_manager.in_bulk(value).items()}
        return ", ".join(names.get(str(pk), gettext("(deleted)")) for pk in value)
    if model_field.is_relation:
        related = model_field.related_model._base_manager.filter(pk=value).first()
        if related is None:
            return gettext("(deleted)")
        return (related.get_full_name() if hasattr(related, "get_full_name") else "") or str(related)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return gettext("Yes") if value else gettext("No")
    if isinstance(model_field, models.DateTimeField):
        return moment(value)
    if isinstance(model_field, models.DateField):
        return french_date(value)
    if isinstance(model_field, models.FileField):
        return str(value).rsplit("/", 1)[-1]
    text = str(value)
    return plain_text(text) if "<" in text else text


def plain_text(html: str) -> str:
    """Rich text as words: paragraphs and line breaks become new lines, tags go."""
    html = re.sub(r"(?i)<br\s*/?>|</(p|h[1-6]|li|blockquote|figure)>", "\n", html)
    text = strip_tags(html)
    return re.sub(r"[ \t]+", " ", unescape(text)).strip()


def word_diff(before: str, after: str) -> str:
    """The words removed (<del>) and inserted (<ins>) between two texts, the rest as it is."""
    old, new = re.findall(r"\w+|[^\w\s]|\s+", before), re.findall(r"\w+|[^\w\s]|\s+", after)
    parts = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            parts.append(format_html("{}", "".join(old[i1:i2])))
            continue
        if i2 > i1:
            parts.append(format_html("<del>{}</del>", "".join(old[i1:i2])))
        if j2 > j1:
            parts.append(format_html("<ins>{}</ins>", "".join(new[j1:j2])))
    return mark_safe("".join(parts))


# The admin.


class VersionCommentForm(forms.ModelForm):
    version_comment = forms.CharField(
        label=_("Version comment"),
        max_length=255,
        required=False,
        help_text=_("Optional: what this change is, for the history (« Correction du titre »)."),
    )


class HistoryAdminMixin(VersionAdmin):
    """A model admin whose saves are versions: the history page, compare, restore, recover.

    ``history_snapshot``: relations saved into a version just before a deletion (beyond what the
    model's registration follows), so that recovering the item brings them back.
    ``history_parents``: objects that also get a version when this one is saved (a speaker's talk
    title is part of the event's history), as ``{attribute: condition(obj)}``.
    ``history_recover``: whether the list offers its deleted items for recovery.
    """

    object_history_template = "admin/history/object_history.html"
    change_list_template = None  # the app's own or Django's; the recover link is in change_list_object_tools
    history_latest_first = True
    history_snapshot: tuple[str, ...] = ()
    history_parents: dict = {}
    history_recover = True  # « Récupérer un élément supprimé » on the list

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not issubclass(self.form, VersionCommentForm):
            self.form = type(self.form.__name__, (VersionCommentForm, self.form), {})

    # Registration is the app's (models.py, with what each version follows); the admin adds nothing.
    def reversion_register(self, model, **kwargs):
        if not reversion.is_registered(model):
            reversion.register(model, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not self.has_change_permission(request, obj) or self.is_history_preview(request):
            return fieldsets
        return [*fieldsets, (_("History"), {"fields": ["version_comment"], "classes": ["history-comment"]})]

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/history/compare/",
                self.admin_site.admin_view(self.compare_view),
                name=f"{opts.app_label}_{opts.model_name}_compare",
            ),
            *super().get_urls(),
        ]

    # Versions from every admin path.

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        self._typed_comment(request)
        return entry

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        self._typed_comment(request)
        return entry

    def _typed_comment(self, request):
        """The comment the editor typed, else the fields changed, by their labels in French
        (Django's change message keeps them in English)."""
        if not reversion.is_active():
            return
        typed = request.POST.get("version_comment", "").strip()[:255]
        changed = getattr(request, "_history_changed_fields", None)
        if typed:
            reversion.set_comment(typed)
        elif changed:
            reversion.set_comment(gettext("Changed: %s.") % ", ".join(changed)[:240])

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            request._history_changed_fields = [
                str(form.fields[name].label) for name in form.changed_data if name in form.fields and name != "version_comment"
            ]
        self._add_parents(obj)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        for saved in formset.new_objects + [obj for obj, _changed in formset.changed_objects]:
            self._add_parents(saved)

    def _add_parents(self, obj):
        if not reversion.is_active():
            return
        for attribute, condition in self.history_parents.items():
            if condition(obj) and (parent := getattr(obj, attribute, None)) is not None:
                reversion.add_to_revision(parent)

    def delete_model(self, request, obj):
        self._snapshot(request, [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        self._snapshot(request, list(queryset))
        super().delete_queryset(request, queryset)

    def _snapshot(self, request, objects):
        """A last version of what goes, with what the deletion takes along, to recover it."""
        with reversion.create_revision():
            reversion.set_user(request.user)
            reversion.set_comment(gettext("Before deletion"))
            for obj in objects:
                reversion.add_to_revision(obj)
                for name in self.history_snapshot:
                    for related in getattr(obj, name).all():
                        reversion.add_to_revision(related)

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        opts = self.model._meta
        if self.history_recover and self.has_change_permission(request) and self.has_add_permission(request):
            extra_context["recover_url"] = reverse(
                f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_recoverlist"
            )
        return super().changelist_view(request, extra_context)

    # Restore: the version's content, the item's current publication unless the editor changes it.

    def revision_view(self, request, object_id, version_id, extra_context=None):
        if not self.has_change_permission(request):
            raise PermissionDenied
        current = self.get_object(request, unquote(object_id))
        version = self._version(version_id, object_id=unquote(object_id))
        if current is not None and all(hasattr(current, name) for name in PUBLICATION_FIELDS):
            request._history_publication = {name: getattr(current, name) for name in PUBLICATION_FIELDS}
        request._history_preview = True
        context = {
            "title": gettext("Restore the version of %(date)s")
            % {"date": moment(version.revision.date_created)},
            "history_version": version,
            "keeps_publication": current is not None and hasattr(request, "_history_publication"),
            **(extra_context or {}),
        }
        return super().revision_view(request, object_id, version_id, context)

    def _reversion_revisionform_view(self, request, version, template_name, extra_context=None):
        """django-reversion's restore and recover form, reverting only the item and what belongs to
        it (``revert_item``) where django-reversion reverts its whole revision. A GET shows the form
        inside a transaction rolled back; a valid POST saves it as a new version."""
        try:
            with transaction.atomic(using=version.db):
                revert_item(version, everything=getattr(request, "_history_recovering", False))
                with self.create_revision(request):
                    response = self.changeform_view(request, quote(version.object_id), request.path, extra_context)
                    if request.method == "POST" and response.status_code == 302:
                        if not request.POST.get("version_comment", "").strip():
                            when = moment(version.revision.date_created)
                            reversion.set_comment(gettext("Version of %(date)s restored") % {"date": when})
                        return response
                    response.template_name = template_name
                    nonce_media(request, response.context_data)  # the middleware comes too late
                    response.render()  # with the reverted data, before the rollback
                    raise _Preview(response)
        except _Preview as preview:
            return preview.response
        except (reversion.RevertError, models.ProtectedError) as error:
            messages.error(request, str(error))
            opts = self.model._meta
            return redirect(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_changelist")

    def recover_view(self, request, version_id, extra_context=None):
        version = self._version(version_id)
        if self.model._default_manager.filter(pk=version.object_id).exists():
            raise Http404  # not deleted: its history restores it
        request._history_preview = True
        request._history_recovering = True  # with all that the deletion took along
        return super().recover_view(request, version_id, extra_context)

    def _version(self, version_id, *, object_id=None) -> Version:
        """A version of this admin's model (of that object): another model's version, which the
        user may have no right to change, is not found here."""
        versions = Version.objects.get_for_model(self.model)
        if object_id is not None:
            versions = versions.filter(object_id=object_id)
        return get_object_or_404(versions.select_related("revision"), pk=version_id)

    def is_history_preview(self, request) -> bool:
        return getattr(request, "_history_preview", False)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        kept = getattr(request, "_history_publication", None)
        if obj is not None and kept and request.method == "GET":
            for name, value in kept.items():
                setattr(obj, name, value)
        return obj

    # The history page and the comparison.

    def history_view(self, request, object_id, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.model._meta, object_id)
        opts = self.model._meta
        versions = (
            Version.objects.get_for_object(obj)
            .select_related("revision__user", "revision__revisionorigin")
            .order_by("-revision__date_created", "-pk")
        )
        page = Paginator(versions, HISTORY_PAGE_SIZE).get_page(request.GET.get("p"))
        may_restore = self.has_change_permission(request, obj)
        entries = [
            {
                "version": version,
                "author": author(version.revision),
                "restore_url": reverse(
                    f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_revision",
                    args=(quote(obj.pk), version.pk),
                )
                if may_restore
                else None,
            }
            for version in page
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("History: %s") % obj,
            "subtitle": None,
            "opts": opts,
            "app_label": opts.app_label,
            "object": obj,
            "entries": entries,
            "page": page,
            "compare_url": reverse(
                f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_compare", args=(quote(obj.pk),)
            ),
            "preserved_filters": self.get_preserved_filters(request),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_template, context)

    def compare_view(self, request, object_id):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        versions = Version.objects.get_for_object(obj).select_related("revision__user")
        chosen = []
        for name in ("from", "to"):
            value = request.GET.get(name, "")
            if not value.isascii() or not value.isdigit():
                raise Http404
            chosen.append(get_object_or_404(versions, pk=int(value)))
        old, new = sorted(chosen, key=lambda version: (version.revision.date_created, version.pk))
        own, related = compare(old, new, may_view=lambda model: self._may_view(request, model))
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Compare versions: %s") % obj,
            "subtitle": None,
            "opts": opts,
            "app_label": opts.app_label,
            "object": obj,
            "old": old,
            "new": new,
            "old_author": author(old.revision),
            "new_author": author(new.revision),
            "own_changes": own,
            "related_changes": related,
            "history_url": reverse(
                f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_history", args=(quote(obj.pk),)
            ),
            "restore_url": reverse(
                f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_revision", args=(quote(obj.pk), old.pk)
            )
            if self.has_change_permission(request, obj)
            else None,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/history/compare.html", context)

    def _may_view(self, request, model) -> bool:
        model_admin = self.admin_site._registry.get(model)
        if model_admin is not None:
            return model_admin.has_view_or_change_permission(request)
        opts = model._meta
        return request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}")


class _Preview(Exception):
    def __init__(self, response):
        self.response = response


def author(revision) -> str:
    """Who made a version: a person's name, or the command that wrote it."""
    try:
        return gettext("command « %s »") % revision.revisionorigin.command
    except RevisionOrigin.DoesNotExist:
        pass
    if revision.user is not None:
        return revision.user.get_full_name() or revision.user.get_username()
    return gettext("unknown")
