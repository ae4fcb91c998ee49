import zoneinfo
from datetime import date, datetime, time

import reversion
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

from core.images import Illustrated
from core.postgres import substring_index
from core.publishing import Publishable, PublishableQuerySet, SlugHistoryMixin
from core.richtext import RichTextField
from core.search import SearchFields
from core.slugs import SLUG_HELP, unique_slug, validate_slug_address
from core.tagging import TaggedQuerySet
from library.models import Attachment
from people.models import Organisation, Person

TIME_ZONE_CHOICES = sorted((name, name.replace("_", " ")) for name in zoneinfo.available_timezones())


class EventQuerySet(TaggedQuerySet, PublishableQuerySet):
    def upcoming(self):
        """Events not yet over, soonest first."""
        return self.filter(end__gte=timezone.now()).order_by("start")

    def past(self):
        return self.filter(end__lt=timezone.now()).order_by("-start")


# What the site search reads, and with what weight (core/search.py).
SEARCH = SearchFields(
    {"A": ("title",), "B": ("summary", "city", "region", "country", "venue"), "C": ("description",)}
)


# A version of an event is the event as its page shows it: programme with speakers, organisers,
# speakers and organisers of the contributor list, attached documents (core/history.py).
@reversion.register(follow=["programme", "organiser_set", "contributions", "attachments"])
class Event(SlugHistoryMixin, Illustrated, Publishable):
    site_search = SEARCH
    class Kind(models.TextChoices):
        CONGRESS = "congress", _("Congress")
        CONFERENCE = "conference", _("Conference")
        ROUND_TABLE = "round_table", _("Round table")
        SITE_VISIT = "site_visit", _("Site visit")
        WEBINAR = "webinar", _("Webinar")
        OTHER = "other", _("Other")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, blank=True, help_text=SLUG_HELP)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CONFERENCE)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    all_day = models.BooleanField(
        _("all day"),
        default=False,
        help_text=_("Shown and exported as whole days; the times are ignored."),
    )
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        choices=TIME_ZONE_CHOICES,
        default=settings.TIME_ZONE,
        help_text=_("Where the event takes place: start and end are entered in this zone."),
    )
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=250, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True, default="France")
    online = models.BooleanField(_("online"), default=False)
    organisers = models.ManyToManyField(
        Organisation,
        through="Organiser",
        verbose_name=_("organisers"),
        related_name="organised_events",
        blank=True,
    )
    summary = models.TextField(
        _("summary"), max_length=500, blank=True, help_text=_("One or two sentences for lists and search engines.")
    )
    description = RichTextField(_("description"), blank=True)
    tags = TaggableManager(verbose_name=_("tags"), blank=True)
    expected_attendance = models.PositiveIntegerField(_("expected attendance"), null=True, blank=True)
    website = models.URLField(_("external website"), blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=F("start")),
                name="event_end_after_start",
                violation_error_message=_("The end must not be before the start."),
            ),
        ]
        indexes = [
            # The agenda: soonest first among events not over yet; "end" in the index answers that
            # without reading each past event (scanning from the oldest start read 8,000 of them).
            models.Index(fields=["status", "start", "end"], name="events_event_agenda_idx"),
            models.Index(fields=["status", "end"], name="events_event_public_end_idx"),
            models.Index(fields=["status", "published_at"], name="events_event_published_idx"),
            models.Index(
                fields=["unpublish_at"], condition=Q(unpublish_at__isnull=False), name="events_event_expiry_idx"
            ),
            substring_index("title", name="events_event_title_trgm"),  # the admin's searches, PostgreSQL only
        ]

    def __str__(self) -> str:
        return self.title

    # Which versions of the followed "contributions" belong to a version of the event (core/history.py).
    history_follow_tests = {"contributions": lambda fields: fields.get("role") in Participation.CONTRIBUTING_ROLES}

    @property
    def contributions(self):
        """Its speakers and organisers, cancelled or not: part of each version of the event (not
        the attendees, who have versions of their own)."""
        return self.participations.filter(role__in=Participation.CONTRIBUTING_ROLES)

    def url_for_slug(self, slug: str) -> str:
        return reverse("events:event-detail", kwargs={"slug": slug})

    def addresses_for_slug(self, slug: str) -> list[str]:
        return [self.url_for_slug(slug), reverse("events:event-ics", kwargs={"slug": slug})]

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def start_local(self) -> datetime:
        return self.start.astimezone(self.zone)

    @property
    def end_local(self) -> datetime:
        return self.end.astimezone(self.zone)

    @property
    def start_date(self) -> date:
        return self.start_local.date()

    @property
    def end_date(self) -> date:
        return self.end_local.date()

    @property
    def is_multi_day(self) -> bool:
        return self.start_date != self.end_date

    @property
    def in_home_zone(self) -> bool:
        return self.timezone == settings.TIME_ZONE

    def clean(self):
        super().clean()
        validate_slug_address(self)
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("The end must not be before the start.")})

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.title)
        if self.all_day and self.start and self.end:
            self.start, self.end = whole_days(self.start, self.end, self.zone)
        super().save(*args, **kwargs)


def whole_days(start: datetime, end: datetime, zone: zoneinfo.ZoneInfo) -> tuple[datetime, datetime]:
    """From the first day's midnight to the last instant of the last day, in the event's zone."""
    first = datetime.combine(start.astimezone(zone).date(), time.min, tzinfo=zone)
    return first, datetime.combine(end.astimezone(zone).date(), time.max, tzinfo=zone)


@reversion.register()
class EventDocument(Attachment):
    """A document attached to an event: its programme, slides, proceedings (listed on its page, in order)."""

    attached_to = "event"
    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="attachments")

    class Meta(Attachment.Meta):
        constraints = [models.UniqueConstraint(fields=["event", "document"], name="events_one_attachment_per_document")]


@reversion.register(follow=["speaker_set"])
class ProgrammeItem(models.Model):
    class Kind(models.TextChoices):
        TALK = "talk", _("Talk")
        KEYNOTE = "keynote", _("Keynote")
        ROUND_TABLE = "round_table", _("Round table")
        SITE_VISIT = "site_visit", _("Site visit")
        WORKSHOP = "workshop", _("Workshop")
        RECEPTION = "reception", _("Reception")
        BREAK = "break", _("Break")
        OTHER = "other", _("Other")

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="programme"
    )
    title = models.CharField(_("title"), max_length=250)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.TALK)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    speakers = models.ManyToManyField(
        Person, through="Speaker", verbose_name=_("speakers"), related_name="programme_items", blank=True
    )

    class Meta:
        verbose_name = _("programme item")
        verbose_name_plural = _("programme")
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="programme_item_end_after_start",
            ),
        ]
        indexes = [models.Index(fields=["event", "start"], name="events_programme_start_idx")]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("The end must not be before the start.")})


@reversion.register()
class Organiser(models.Model):
    """An organisation organising an event: part of the event's history, so the database refuses
    to delete the organisation (PROTECT). The table is the one the plain many-to-many made."""

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE)
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT)

    class Meta:
        db_table = "events_event_organisers"
        verbose_name = _("event organiser")
        verbose_name_plural = _("event organisers")
        constraints = [models.UniqueConstraint(fields=["event", "organisation"], name="one_organiser_link_per_event")]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.event}"


@reversion.register()
class Speaker(models.Model):
    """A person speaking in a programme item: deleting the person is refused (PROTECT)."""

    programme_item = models.ForeignKey(
        ProgrammeItem, verbose_name=_("programme item"), on_delete=models.CASCADE, db_column="programmeitem_id"
    )
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT)

    class Meta:
        db_table = "events_programmeitem_speakers"
        verbose_name = _("programme speaker")
        verbose_name_plural = _("programme speakers")
        constraints = [
            models.UniqueConstraint(fields=["programme_item", "person"], name="one_speaker_link_per_programme_item")
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.programme_item.event} – {self.programme_item}"


class ParticipationQuerySet(models.QuerySet):
    def not_cancelled(self):
        return self.exclude(status=Participation.Status.CANCELLED)

    def speaking(self):
        """Those who take the floor (speakers, panellists, moderators), not cancelled."""
        return self.filter(role__in=Participation.SPEAKING_ROLES).not_cancelled()

    def contributing(self):
        """Speakers and organisers, not cancelled: those an event page names."""
        return self.filter(role__in=Participation.CONTRIBUTING_ROLES).not_cancelled()

    def of_public_people(self):
        return self.filter(person__is_public=True)

    def public(self):
        """Speaking roles of public people at published events: safe to show."""
        return self.speaking().of_public_people().filter(event__in=Event.objects.published())

    def mentioning(self, term: str, *, few: int = 5000):
        """Those whose person's first or last name, event's title or talk title contains ``term``.

        The matching people and events are looked up first, through their trigram indexes on
        PostgreSQL. When there are at most ``few`` of each, their ids go into the query as
        values: PostgreSQL then combines index scans of the participations instead of joining
        all of them to their people and events (1 million rows: 0.1 s instead of 0.6 s).
        """
        people = Person.objects.filter(Q(last_name__icontains=term) | Q(first_name__icontains=term))
        events = Event.objects.filter(title__icontains=term)
        return self.filter(
            Q(person__in=_ids_if_few(people, few))
            | Q(event__in=_ids_if_few(events, few))
            | Q(talk_title__icontains=term)
        )


def _ids_if_few(queryset, few: int):
    ids = list(queryset.values_list("pk", flat=True)[: few + 1])
    return ids if len(ids) <= few else queryset.values("pk")


@reversion.register()
class Participation(models.Model):
    class Role(models.TextChoices):
        SPEAKER = "speaker", _("Speaker")
        PANELLIST = "panellist", _("Panellist")
        MODERATOR = "moderator", _("Moderator")
        ORGANISER = "organiser", _("Organiser")
        DELEGATE = "delegate", _("Delegate")
        ATTENDEE = "attendee", _("Attendee")

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        REGISTERED = "registered", _("Registered")
        CONFIRMED = "confirmed", _("Confirmed")
        ATTENDED = "attended", _("Attended")
        CANCELLED = "cancelled", _("Cancelled")

    SPEAKING_ROLES = (Role.SPEAKER, Role.PANELLIST, Role.MODERATOR)
    CONTRIBUTING_ROLES = (*SPEAKING_ROLES, Role.ORGANISER)

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="participations"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="participations"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.ATTENDEE)
    talk_title = models.CharField(_("talk title"), max_length=300, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation at the time"),
        on_delete=models.PROTECT,
        related_name="participations",
        null=True,
        blank=True,
        help_text=_("Left empty, the person's current organisation is used."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REGISTERED
    )
    notes = models.TextField(_("internal notes"), blank=True, help_text=_("Never shown publicly."))
    created = models.DateTimeField(_("registered on"), default=timezone.now)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = ParticipationQuerySet.as_manager()

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "person"],
                name="one_participation_per_person",
                violation_error_message=_("This person already takes part in this event."),
            ),
        ]
        indexes = [
            models.Index(fields=["event", "role"], name="events_participation_role_idx"),
            models.Index(fields=["role", "status"], name="events_part_role_status_idx"),
            substring_index("talk_title", name="events_part_talk_title_trgm"),  # PostgreSQL only
        ]
        permissions = [("export_participants", _("Can export participant lists"))]

    def __str__(self) -> str:
        return f"{self.person} – {self.event} ({self.get_role_display()})"

    def save(self, *args, **kwargs):
        if self.organisation_id is None and self.person_id is not None:
            self.organisation_id = (
                Person.objects.filter(pk=self.person_id).values_list("organisation_id", flat=True).first()
            )
        super().save(*args, **kwargs)


class ParticipantExport(models.Model):
    """Who exported which participant list, when, and how many rows left the building."""

    class Source(models.TextChoices):
        EVENT_PAGE = "event_page", _("Event page")
        EVENT_LIST = "event_list", _("Event list")
        PARTICIPATION_LIST = "participation_list", _("Participation list")
        COMMAND = "command", _("Command line")

    class Format(models.TextChoices):
        EXCEL = "excel", _("Excel (semicolons, UTF-8 with BOM)")
        CSV = "csv", _("CSV (RFC 4180)")
        XLSX = "xlsx", _("XLSX workbook (Excel, LibreOffice)")
        PDF = "pdf", _("PDF (sign-in sheet or badges)")

    created = models.DateTimeField(_("exported on"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participant_exports",
    )
    username = models.CharField(
        _("exported by"), max_length=150, help_text=_("Kept when the account is deleted.")
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    events = models.JSONField(_("events"), default=list, blank=True, help_text=_("Slugs of the exported events."))
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    completed = models.BooleanField(
        _("completed"), default=False, help_text=_("Unticked when the download stopped before the last row.")
    )
    finished = models.DateTimeField(_("finished on"), null=True, blank=True)
    columns = models.JSONField(
        _("columns"), default=list, blank=True, help_text=_("Keys of the exported columns, in the file's order.")
    )
    preset = models.CharField(_("export preset"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("participant export")
        verbose_name_plural = _("participant exports")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.username or '?'} – {timezone.localtime(self.created):%Y-%m-%d %H:%M}"


class ExportPreset(models.Model):
    """A named choice of columns and filters for participant exports, shared by the team."""

    name = models.CharField(_("name"), max_length=100, help_text=_("E.g. “Welcome desk: name, organisation”."))
    columns = models.JSONField(_("columns"), default=list, help_text=_("Keys of the columns, in the file's order."))
    roles = models.JSONField(_("roles"), default=list, blank=True, help_text=_("Empty: every role."))
    statuses = models.JSONField(_("statuses"), default=list, blank=True, help_text=_("Empty: every status."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("export preset")
        verbose_name_plural = _("export presets")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["name"], name="one_export_preset_per_name")]

    def __str__(self) -> str:
        return self.name
