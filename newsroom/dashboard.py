"""The admin's home page as a newsroom: what waits, what comes, what changed, for one request.

Each block reads only what the user may view and links to the admin list it summarises. The
whole page costs a fixed number of queries whatever the size of the tables (one per
publishing block, one for the upcoming events and their participants, one for the history,
one for the exports): bench/admin.py measures it on the load dataset.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin.utils import quote
from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext, pgettext_lazy
from reversion.models import Revision, Version

from core.admin import PublicationFilter
from core.admin import moment as french_moment
from core.publishing import Status, expiring_between, scheduled_at
from events.display import event_dates
from events.models import Event, ParticipantExport, Participation
from news.models import Article
from pages.models import SitePage
from people.models import Organisation, Person

SHOWN = 5  # items listed under each heading
CHANGES_SHOWN = 8
EXPORTS_SHOWN = 5
TIME = re.compile(r"\d+ h( \d\d)?$")  # "9 h 30" at the end of core.admin.moment()
RECENT_SAVES = 200  # "theirs": what the user saved in their latest saves
# The models whose publication the newsroom follows, in the order of its blocks.
PUBLISHED_MODELS = (Article, Event, SitePage)
# The chart's columns: participants by status, as column headings read them (plural).
STATUS_HEADINGS = {
    Participation.Status.INVITED: pgettext_lazy("participants", "Invited"),
    Participation.Status.REGISTERED: pgettext_lazy("participants", "Registered"),
    Participation.Status.CONFIRMED: pgettext_lazy("participants", "Confirmed"),
    Participation.Status.ATTENDED: pgettext_lazy("participants", "Attended"),
    Participation.Status.CANCELLED: pgettext_lazy("participants", "Cancelled"),
}
# Which object names a revision: an event's save also versions its programme and speakers.
MAIN_MODELS = (Article, Event, SitePage, Person, Organisation)


@dataclass
class Item:
    title: str
    url: str
    when: str  # "Dernière modification le 3 décembre 2026 à 9 h 30"
    mine: bool = False
    by: str = ""


@dataclass
class Pile:
    """Drafts, scheduled or leaving items of one model: how many, the first few, the filtered list."""

    kind: str
    label: str
    total: int
    url: str
    items: list[Item] = field(default_factory=list)


@dataclass
class PublishingBlock:
    label: str
    url: str
    piles: list[Pile]


@dataclass
class StatusCount:
    status: str
    label: str
    count: int
    url: str
    x: float = 0.0  # the bar's segment, in the chart's units
    width: float = 0.0


@dataclass
class UpcomingEvent:
    title: str
    dates: str
    url: str  # its participants
    change_url: str
    total: int
    counts: list[StatusCount]
    bar_width: float = 0.0


@dataclass
class EventsBlock:
    url: str
    statuses: list[tuple[str, str]]
    events: list[UpcomingEvent]
    chart_width: int = 200


@dataclass
class Change:
    title: str
    url: str
    model: str
    when: str
    who: str
    comment: str
    others: int = 0


@dataclass
class ChangesBlock:
    url: str
    changes: list[Change]


@dataclass
class ExportLine:
    url: str
    when: str
    who: str
    events: str
    rows: int
    source: str


@dataclass
class ExportsBlock:
    url: str
    exports: list[ExportLine]


def moment(value) -> str:
    """3 décembre 2026 à 9 h 30, with no-break spaces: the time is never split across two lines."""
    return TIME.sub(lambda match: match.group().replace(" ", "\u00a0"), french_moment(value))


def model_admin_for(model):
    return admin.site._registry.get(model)


def may_view(request, model) -> bool:
    model_admin = model_admin_for(model)
    return model_admin is not None and model_admin.has_view_or_change_permission(request)


def admin_url(model, name: str, *args, query: dict | None = None) -> str:
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{name}", args=args)
    return f"{url}?{urlencode(query)}" if query else url


# Drafts, scheduled and leaving items.


def publishing_blocks(request, now: datetime) -> list[PublishingBlock]:
    return [publishing_block(request, model, now) for model in PUBLISHED_MODELS if may_view(request, model)]


def publishing_block(request, model, now: datetime) -> PublishingBlock:
    """One plain query for the three piles, sorted and counted here.

    Drafts, scheduled and leaving items are few (1,300 of the load dataset's 100,000 articles, found
    through the status and expiry indexes): reading their narrow rows costs less than ranking them
    with window functions, whose SQL alone takes Django longer to build than the database to run.
    """
    soon = now + PublicationFilter.SOON
    draft, scheduled, leaving = Q(status=Status.DRAFT), scheduled_at(now), expiring_between(now, soon)
    # One date a row: when a draft last changed, when a scheduled item comes out or a leaving one goes.
    pile = Case(When(draft, then=Value("draft")), When(scheduled, then=Value("scheduled")), default=Value("leaving"))
    when = Case(When(draft, then=F("updated")), When(scheduled, then=F("published_at")), default=F("unpublish_at"))
    fields = ["pk", "title", "pile", "when", "mine"]
    if model is Article:
        fields += ["author__first_name", "author__last_name", "author__username"]
    rows = (
        model._default_manager.filter(draft | scheduled | leaving)
        .annotate(pile=pile, when=when, mine=Case(When(theirs(model, request.user), then=1), default=0))
        .order_by()
        .values(*fields)
    )
    found = {"draft": [], "scheduled": [], "leaving": []}
    for row in rows:
        found[row["pile"]].append(row)
    # Drafts: theirs first, then the latest changed; the others: the soonest first.
    found["draft"].sort(key=lambda row: (-row["mine"], -row["when"].timestamp(), -row["pk"]))
    for kind in ("scheduled", "leaving"):
        found[kind].sort(key=lambda row: (row["when"], row["pk"]))
    totals = {kind: len(rows) for kind, rows in found.items()}
    found = {kind: [item(model, row) for row in rows[:SHOWN]] for kind, rows in found.items()}
    labels = {
        "draft": pgettext("newsroom", "Drafts"),
        "scheduled": pgettext("newsroom", "Scheduled"),
        "leaving": pgettext("newsroom", "Leaving the site within 7 days"),
    }
    queries = {"draft": {"status__exact": Status.DRAFT}, "scheduled": {"publication": "scheduled"}}
    queries["leaving"] = {"publication": "expiring"}
    piles = [
        Pile(kind, labels[kind], totals[kind], admin_url(model, "changelist", query=queries[kind]), found[kind])
        for kind in found
    ]
    return PublishingBlock(str(model._meta.verbose_name_plural).capitalize(), admin_url(model, "changelist"), piles)


def theirs(model, user) -> Q:
    """What the user wrote (an article's author) or saved in one of their latest saves: read from those
    few revisions, once, not from the whole history of the model nor once per row."""
    recent = Revision.objects.filter(user=user.pk).order_by("-pk").values("pk")[:RECENT_SAVES]
    edited = (
        Version.objects.filter(revision__in=recent, content_type=ContentType.objects.get_for_model(model))
        .annotate(object_pk=Cast("object_id", BigIntegerField()))
        .values("object_pk")
    )
    return Q(author=user.pk) | Q(pk__in=edited) if model is Article else Q(pk__in=edited)


def item(model, row: dict) -> Item:
    if row["pile"] == "draft":
        when = _("Last changed on %(moment)s") % {"moment": moment(row["when"])}
    elif row["pile"] == "scheduled":
        when = _("Online on %(moment)s") % {"moment": moment(row["when"])}
    else:
        when = _("Leaves the site on %(moment)s") % {"moment": moment(row["when"])}
    by = ""
    if row.get("author__username"):
        by = f"{row['author__first_name']} {row['author__last_name']}".strip() or row["author__username"]
    return Item(row["title"], admin_url(model, "change", quote(row["pk"])), when, bool(row["mine"]), by)


# Upcoming events and their participants.


def upcoming_events(request, now: datetime) -> EventsBlock | None:
    """The next events, each with its participants counted by status: one query (a count per status,
    read from the event's participations only)."""
    if not (may_view(request, Event) and may_view(request, Participation)):
        return None
    statuses = [(status, STATUS_HEADINGS.get(status, label)) for status, label in Participation.Status.choices]
    counts = {
        status: Coalesce(
            Subquery(
                Participation.objects.filter(event=OuterRef("pk"), status=status)
                .order_by()
                .values("event")
                .annotate(n=Count("pk"))
                .values("n")
            ),
            0,
            output_field=IntegerField(),
        )
        for status, _label in statuses
    }
    events = list(
        Event.objects.filter(end__gte=now)
        .order_by("start", "pk")
        .only("title", "start", "end", "timezone", "all_day")
        .annotate(**{f"n_{status}": count for status, count in counts.items()})[:SHOWN]
    )
    participations = reverse("admin:events_participation_changelist")
    block = EventsBlock(
        url=admin_url(
            Event, "changelist", query={"end__gte": timezone.localtime(now).replace(microsecond=0).isoformat()}
        ),
        statuses=[(status, str(label)) for status, label in statuses],
        events=[],
    )
    for event in events:
        row = [
            StatusCount(
                status,
                str(label),
                getattr(event, f"n_{status}"),
                f"{participations}?{urlencode({'event__id__exact': event.pk, 'status__exact': status})}",
            )
            for status, label in statuses
        ]
        block.events.append(
            UpcomingEvent(
                title=event.title,
                dates=event_dates(event),
                url=f"{participations}?{urlencode({'event__id__exact': event.pk})}",
                change_url=admin_url(Event, "change", quote(event.pk)),
                total=sum(count.count for count in row),
                counts=row,
            )
        )
    scale = block.chart_width / max([event.total for event in block.events] + [1])
    for event in block.events:
        x = 0.0
        for count in event.counts:
            count.x, count.width = round(x, 2), round(count.count * scale, 2)
            x += count.count * scale
        event.bar_width = round(x, 2)
    return block


# The history and the exports.


def latest_changes(request) -> ChangesBlock | None:
    """The latest revisions touching a model the user may view, each named by its main object: one query."""
    viewable = [model for model in admin.site._registry if may_view(request, model)]
    if not viewable:
        return None
    types = ContentType.objects.get_for_models(*viewable)
    models_by_type = {content_type.pk: model for model, content_type in types.items()}
    type_ids = list(models_by_type)
    revisions = (
        Revision.objects.filter(Exists(Version.objects.filter(revision=OuterRef("pk"), content_type__in=type_ids)))
        .order_by("-pk")
        .values("pk")[:CHANGES_SHOWN]
    )
    versions = (
        Version.objects.filter(revision__in=revisions, content_type__in=type_ids)
        .select_related("revision__user", "revision__revisionorigin")
        .only(
            "object_id",
            "object_repr",
            "content_type_id",
            "revision__date_created",
            "revision__comment",
            "revision__user__username",
            "revision__user__first_name",
            "revision__user__last_name",
            "revision__revisionorigin__command",
        )
        .order_by("-revision_id", "pk")
    )
    by_revision: dict[int, list[Version]] = {}
    for version in versions:
        by_revision.setdefault(version.revision_id, []).append(version)
    rank = {model: n for n, model in enumerate(MAIN_MODELS)}
    changes = []
    for found in by_revision.values():
        main = min(found, key=lambda v: rank.get(models_by_type[v.content_type_id], len(MAIN_MODELS)))
        model = models_by_type[main.content_type_id]
        revision = main.revision
        changes.append(
            Change(
                title=main.object_repr,
                url=admin_url(model, "change", quote(main.object_id)),
                model=str(model._meta.verbose_name).capitalize(),
                when=moment(revision.date_created),
                who=author_of(revision),
                comment=revision.comment,
                others=len(found) - 1,
            )
        )
    return ChangesBlock(url=revisions_url(), changes=changes)


def author_of(revision) -> str:
    if revision.user is not None:
        return revision.user.get_full_name() or revision.user.get_username()
    origin = getattr(revision, "revisionorigin", None)
    if origin is not None:
        return _("command %(command)s") % {"command": origin.command}
    return ""


def revisions_url() -> str:
    """The history's own list, when the admin has one."""
    try:
        return reverse("admin:reversion_revision_changelist")
    except NoReverseMatch:
        return ""


def latest_exports(request) -> ExportsBlock | None:
    """The latest participant exports, with the title of the first event each exported: one query."""
    model_admin = model_admin_for(ParticipantExport)
    if model_admin is None or not model_admin.has_view_permission(request):
        return None
    first_title = Event.objects.filter(slug=OuterRef("first_slug")).values("title")[:1]
    exports = (
        ParticipantExport.objects.annotate(first_slug=KT("events__0"), first_title=Subquery(first_title))
        .only("created", "username", "source", "events", "row_count")
        .order_by("-created", "-pk")[:EXPORTS_SHOWN]
    )
    lines = []
    for export in exports:
        events = export.first_title or export.first_slug or "—"
        if len(export.events) > 1:
            others = len(export.events) - 1
            events = ngettext("%(event)s and %(count)d more event", "%(event)s and %(count)d more events", others) % {
                "event": events,
                "count": others,
            }
        lines.append(
            ExportLine(
                url=admin_url(ParticipantExport, "change", quote(export.pk)),
                when=moment(export.created),
                who=export.username,
                events=events,
                rows=export.row_count,
                source=export.get_source_display(),
            )
        )
    return ExportsBlock(url=admin_url(ParticipantExport, "changelist"), exports=lines)
