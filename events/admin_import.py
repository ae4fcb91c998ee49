"""The admin's "import a list" for one event: upload, map the columns, preview, confirm.

One address, the steps posted to it. The uploaded file waits between the steps in the default
storage under ``imports/`` with a random name that only the uploader's session knows (shared by
several app servers, as media are); it is parsed again at each step, never pickled, and deleted
once imported or cancelled (leftovers older than a day are swept at each upload).
"""

import re
import secrets
from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View

from .importing import (
    FIELDS,
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    BadFile,
    Fate,
    Table,
    guess_mapping,
    import_table,
    mapping_problems,
    plan_import,
    read_table,
)
from .models import Participation

SESSION_KEY = "participant_imports"
FOLDER = "imports"
TOKEN = re.compile(r"[0-9a-f]{32}")
KEPT_FOR = timedelta(days=1)
PREVIEW_ROWS = 300  # shown in the preview besides every row with a problem
PREVIEW_PROBLEMS = 1000
PREVIEW_FIELDS = ("last_name", "first_name", "email", "organisation", "role", "status")


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("List of people"),
        help_text=gettext_lazy(
            "CSV (separated by semicolons or commas, UTF-8 or Windows as Excel saves it) or Excel workbook (.xlsx, "
            "first sheet). The first row holds the column names. At most %(size)s MB and %(rows)s rows."
        )
        % {"size": MAX_FILE_BYTES // 2**20, "rows": "20 000"},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is too large (%(size)s MB); the limit is %(limit)s MB.")
                % {"size": number_format(upload.size / 2**20, 1), "limit": MAX_FILE_BYTES // 2**20}
            )
        data = upload.read(MAX_FILE_BYTES + 1)
        try:
            self.table = read_table(data)
        except BadFile as error:
            raise forms.ValidationError(str(error)) from None
        return data


class MappingForm(forms.Form):
    """One choice per column of the file (what it holds), then the role and status given to everyone."""

    role = forms.ChoiceField(
        label=gettext_lazy("Role"),
        choices=Participation.Role.choices,
        initial=Participation.Role.ATTENDEE,
        help_text=gettext_lazy("For the rows without a role column or with that column empty."),
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=Participation.Status.choices,
        initial=Participation.Status.REGISTERED,
        help_text=gettext_lazy("For the rows without a status column or with that column empty."),
    )

    def __init__(self, *args, table: Table, **kwargs):
        super().__init__(*args, **kwargs)
        self.table = table
        choices = [("", _("— ignore —")), *((f.name, f.label) for f in FIELDS)]
        guessed = guess_mapping(table.headers)
        self.columns = []
        for index in range(min(len(table.headers), MAX_COLUMNS)):
            name = f"column_{index}"
            self.fields[name] = forms.ChoiceField(
                label=table.column_label(index), choices=choices, required=False, initial=guessed.get(index, "")
            )
            self.columns.append((self[name], table.samples(index)))

    @property
    def mapping(self) -> dict[int, str]:
        return {
            index: self.cleaned_data[f"column_{index}"]
            for index in range(len(self.columns))
            if self.cleaned_data.get(f"column_{index}")
        }

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            for problem in mapping_problems(self.mapping):
                self.add_error(None, problem)
        return cleaned

    def hidden_values(self) -> list[tuple[str, str]]:
        return [(name, self.cleaned_data[name]) for name in self.fields if self.cleaned_data.get(name)]


class ImportParticipantsView(View):
    """The steps are posted to one address: "upload", "map" (then the preview), "confirm", "back", "cancel"."""

    model_admin = None
    http_method_names = ["get", "post"]

    def dispatch(self, request, object_id):
        self.event = self.model_admin.get_object(request, unquote(object_id))
        if self.event is None:
            raise Http404
        if not (
            self.model_admin.has_change_permission(request, self.event)
            and request.user.has_perm("events.add_participation")
        ):
            raise PermissionDenied
        return super().dispatch(request, object_id)

    # Steps

    def get(self, request, object_id):
        return self.render("upload", form=UploadForm())

    def post(self, request, object_id):
        step = request.POST.get("step")
        if step == "upload":
            return self.upload()
        token = request.POST.get("token", "")
        stored = self.stored(token)
        if stored is None:
            messages.warning(request, _("This import has expired: choose the file again."))
            return self.render("upload", form=UploadForm())
        if step == "cancel":
            self.forget(token)
            messages.info(request, _("The import was cancelled; nothing was written."))
            return HttpResponseRedirect(self.event_url())
        try:
            with default_storage.open(stored["path"], "rb") as file:
                table = read_table(file.read(MAX_FILE_BYTES + 1))
        except (OSError, BadFile):
            self.forget(token)
            messages.warning(request, _("This import has expired: choose the file again."))
            return self.render("upload", form=UploadForm())
        form = MappingForm(request.POST, table=table)
        if step == "back" or not form.is_valid():
            return self.render("mapping", form=form, token=token, stored=stored, table=table)
        if step == "confirm":
            return self.confirm(form, token, stored, table)
        plan = plan_import(
            self.event, table, form.mapping, role=form.cleaned_data["role"], status=form.cleaned_data["status"]
        )
        return self.preview(form, token, stored, plan)

    def upload(self):
        form = UploadForm(self.request.POST, self.request.FILES)
        if not form.is_valid():
            return self.render("upload", form=form)
        sweep()
        token = secrets.token_hex(16)
        path = default_storage.save(f"{FOLDER}/{token}", ContentFile(form.cleaned_data["file"]))
        stored = {"event": self.event.pk, "path": path, "name": self.request.FILES["file"].name[:200]}
        imports = self.request.session.get(SESSION_KEY, {})
        imports[token] = stored
        self.request.session[SESSION_KEY] = imports
        return self.render("mapping", form=MappingForm(table=form.table), token=token, stored=stored, table=form.table)

    def preview(self, form, token, stored, plan, *, skip_errors=False):
        problems = [row for row in plan.rows if row.fate != Fate.NEW and row.fate != Fate.EXISTING]
        shown = {row.number: row for row in plan.rows[:PREVIEW_ROWS]}
        shown.update((row.number, row) for row in problems[:PREVIEW_PROBLEMS])
        # What decides a row's fate; the other values go in as they are.
        columns = [f for f in FIELDS if f.name in form.mapping.values() and f.name in PREVIEW_FIELDS]
        rows = [(shown[number], [shown[number].values[f.name] for f in columns]) for number in sorted(shown)]
        counts = plan.counts
        return self.render(
            "preview",
            form=form,
            token=token,
            stored=stored,
            plan=plan,
            rows=rows,
            hidden_rows=len(plan.rows) - len(rows),
            counts=[(fate, Fate.counted(fate, counts[fate]), counts[fate]) for fate in Fate.ORDER],
            expected="-".join(str(counts[fate]) for fate in Fate.ORDER),
            to_write=counts[Fate.NEW] + counts[Fate.EXISTING],
            errors=counts[Fate.ERROR],
            skip_errors=skip_errors,
            columns=columns,
        )

    def confirm(self, form, token, stored, table):
        expected = self.request.POST.get("expected", "")
        counts = expected.split("-")
        if len(counts) != len(Fate.ORDER) or not all(count.isdigit() for count in counts):
            return self.render("mapping", form=form, token=token, stored=stored, table=table)
        skip_errors = self.request.POST.get("skip_errors") == "on"
        try:
            plan, result = import_table(
                self.event,
                table,
                form.mapping,
                role=form.cleaned_data["role"],
                status=form.cleaned_data["status"],
                skip_errors=skip_errors,
                expected=dict(zip(Fate.ORDER, map(int, counts), strict=True)),
            )
        except BadFile as error:
            messages.error(self.request, str(error))
            plan = plan_import(
                self.event, table, form.mapping, role=form.cleaned_data["role"], status=form.cleaned_data["status"]
            )
            return self.preview(form, token, stored, plan, skip_errors=skip_errors)
        if result is None:
            if plan.errors and not skip_errors:
                messages.error(
                    self.request,
                    _(
                        "Some rows are in error: correct the file, or tick the box to import "
                        "the other rows without them."
                    ),
                )
            else:
                messages.warning(
                    self.request,
                    _(
                        "The people or participants changed since the preview: "
                        "check this new preview, then confirm again."
                    ),
                )
            return self.preview(form, token, stored, plan, skip_errors=skip_errors)
        self.forget(token)
        messages.success(
            self.request,
            ngettext(
                "%(participants)s added to “%(event)s” (%(people)s, %(organisations)s).",
                "%(participants)s added to “%(event)s” (%(people)s, %(organisations)s).",
                result.participations,
            )
            % {
                "participants": ngettext("%d participant", "%d participants", result.participations)
                % result.participations,
                "event": self.event.title,
                "people": ngettext("%d new person", "%d new people", len(result.people)) % len(result.people),
                "organisations": ngettext("%d new organisation", "%d new organisations", len(result.organisations))
                % len(result.organisations),
            },
        )
        return HttpResponseRedirect(
            reverse(f"{self.model_admin.admin_site.name}:events_participation_changelist")
            + f"?event__id__exact={self.event.pk}"
        )

    # The file between the steps

    def stored(self, token: str) -> dict | None:
        if not TOKEN.fullmatch(token):
            return None
        stored = self.request.session.get(SESSION_KEY, {}).get(token)
        if not isinstance(stored, dict) or stored.get("event") != self.event.pk:
            return None
        return stored

    def forget(self, token: str) -> None:
        imports = self.request.session.get(SESSION_KEY, {})
        stored = imports.pop(token, None)
        self.request.session[SESSION_KEY] = imports
        if stored:
            default_storage.delete(stored["path"])

    # Rendering

    def event_url(self) -> str:
        return reverse(f"{self.model_admin.admin_site.name}:events_event_change", args=[self.event.pk])

    def render(self, step: str, **context):
        titles = {
            "upload": _("Import a list: choose the file"),
            "mapping": _("Import a list: what each column holds"),
            "preview": _("Import a list: check before importing"),
        }
        context = {
            **self.model_admin.admin_site.each_context(self.request),
            "opts": self.model_admin.opts,
            "original": self.event,
            "event": self.event,
            "event_url": self.event_url(),
            "title": titles[step],
            "step": step,
            "max_rows": MAX_ROWS,
            **context,
        }
        return TemplateResponse(self.request, f"admin/events/import_{step}.html", context)


def sweep() -> None:
    """Deletes the files of imports left unfinished for more than a day."""
    limit = timezone.now() - KEPT_FOR
    try:
        _folders, names = default_storage.listdir(FOLDER)
    except (FileNotFoundError, NotImplementedError):
        return
    for name in names:
        path = f"{FOLDER}/{name}"
        try:
            if default_storage.get_modified_time(path) < limit:
                default_storage.delete(path)
        except (OSError, NotImplementedError):
            continue
