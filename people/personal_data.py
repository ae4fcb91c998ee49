"""Personal data: what the site holds about a person (right of access), its erasure (right to
erasure) and how long it is kept (retention). docs/personal-data.md tells the team how to use it.

- ``find(ident)``: the one person an e-mail (any case) or a slug (current or old) names.
- ``collect(person)`` and ``export_archive(person)``: everything held, as a dict and as a zip
  (``data.json``, a readable ``summary.html`` in French, the original photo).
- ``plan(person)`` and ``erase(person, by=...)``: what an erasure removes, then removes it.
- ``purge(now, dry_run)``: what the retention periods (``settings.PERSONAL_DATA_RETENTION``) make
  due, anonymised by the same code as an erasure, in batches.

An erased person stays as a row, « Personne anonymisée », never public, so that the statistics of
events (participations by role and status) still add up; nothing in it, nor in what points to it,
says who it was. Everything runs in one transaction per batch, with ``QuerySet.update()`` and
``delete()`` (no ``save()``: neither a new version in the history, nor a redirect from the old
slug); the content generation's triggers (core/generation.py) make every cached page stale at
commit. Files (the photo and its renditions) go through the storage API after the commit.
"""

from __future__ import annotations

import io
import json
import logging
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.redirects.models import Redirect
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from reversion.models import Revision, Version
from taggit.models import TaggedItem

from core.history import author
from events.display import role_label
from events.models import Event, ParticipantExport, Participation, Speaker
from news.models import Article

from .models import Person, PersonalDataAudit

logger = logging.getLogger(__name__)
PLACEHOLDER_FIRST_NAME = "Personne"
PLACEHOLDER_LAST_NAME = "anonymisée"
PLACEHOLDER_NAME = f"{PLACEHOLDER_FIRST_NAME} {PLACEHOLDER_LAST_NAME}"
BATCH_SIZE = 500
SLUG = re.compile(r"[-a-zA-Z0-9_]+")
ANONYMISED = (PersonalDataAudit.Action.ERASURE, PersonalDataAudit.Action.RETENTION)


class IdentError(Exception):
    """An ident that names nobody, or several people: one line for the command or the admin."""


# Finding the person.


def find(ident: str) -> tuple[Person, str]:
    """The person ``ident`` names and how (``PersonalDataAudit.IdentKind``): an e-mail in any case,
    or a slug, current or one of their old addresses."""
    ident = ident.strip()
    if not ident or "\x00" in ident:
        raise IdentError("Give an e-mail address or a person's slug.")
    if "@" in ident:
        kind = PersonalDataAudit.IdentKind.EMAIL
        matches = list(Person.objects.alias(email_lower=Lower("email")).filter(email_lower=ident.lower())[:10])
    else:
        kind = PersonalDataAudit.IdentKind.SLUG
        matches = list(Person.objects.filter(slug=ident)) if SLUG.fullmatch(ident) else []
        if not matches and SLUG.fullmatch(ident):  # an old address of theirs
            new_path = (
                Redirect.objects.filter(old_path=Person(slug=ident).get_absolute_url())
                .values_list("new_path", flat=True)
                .first()
            )
            current = new_path.rstrip("/").rsplit("/", 1)[-1] if new_path else ""
            matches = [p for p in Person.objects.filter(slug=current) if p.get_absolute_url() == new_path]
    if not matches:
        raise IdentError(f"No person has the {'e-mail' if kind == 'email' else 'slug'} {ident!r}.")
    if len(matches) > 1:
        slugs = ", ".join(sorted(person.slug for person in matches))
        raise IdentError(f"{len(matches)} people have the e-mail {ident!r} ({slugs}): give the slug of one.")
    return matches[0], kind


def is_anonymised(person: Person) -> bool:
    return PersonalDataAudit.objects.filter(person=person, action__in=ANONYMISED).exists()


def digest(ident: str) -> str:
    """A keyed hash of what named the person: checkable with SECRET_KEY, meaningless without."""
    return salted_hmac("people.personal_data", ident.strip().lower(), algorithm="sha256").hexdigest()


def audit(action: str, person: Person | None, *, by=None, ident_kind: str, ident: str = "") -> PersonalDataAudit:
    return PersonalDataAudit.objects.create(
        action=action,
        person=person,
        **_by(by),
        ident_kind=ident_kind,
        ident_digest=digest(ident) if ident else "",
    )


def _by(by) -> dict:
    """``by``: a user, or the name of a command."""
    if by is None or isinstance(by, str):
        return {"user": None, "username": by or ""}
    return {"user": by, "username": by.get_username()}


# Access.


def collect(person: Person) -> dict:
    """Everything the site holds about ``person``, as plain data (dates in ISO 8601)."""
    person = Person.objects.select_related("organisation").get(pk=person.pk)
    participations = (
        Participation.objects.filter(person=person)
        .select_related("event", "organisation")
        .order_by("event__start", "pk")
    )
    organisation = person.organisation
    data = {
        "generated": timezone.now(),
        "site": settings.SITE_NAME,
        "person": {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "slug": person.slug,
            "address": person.get_absolute_url() if person.is_public else None,
            "job_title": person.job_title,
            "grammatical_gender": person.grammatical_gender,
            "email": person.email,
            "phone": person.phone,
            "is_public": person.is_public,
            "biography": person.bio,
            "photo": f"photo/{person.photo.name.rsplit('/', 1)[-1]}" if person.photo else None,
            "tags": sorted(person.tags.names()),
            "created": person.created,
            "updated": person.updated,
        },
        "old_addresses": sorted(
            Redirect.objects.filter(new_path=person.get_absolute_url()).values_list("old_path", flat=True)
        ),
        "organisation": _organisation(organisation),
        "participations": [
            {
                "event": participation.event.title,
                "event_slug": participation.event.slug,
                "event_start": participation.event.start,
                "event_end": participation.event.end,
                "event_public": participation.event.is_public,
                "role": participation.role,
                "role_label": role_label(participation),
                "status": participation.status,
                "status_label": str(participation.get_status_display()),
                "talk_title": participation.talk_title,
                "organisation_at_the_time": str(participation.organisation) if participation.organisation else None,
                "internal_notes": participation.notes,
                "registered_on": participation.created,
                "updated": participation.updated,
            }
            for participation in participations
        ],
        "programme": [
            {
                "event": speaker.programme_item.event.title,
                "event_slug": speaker.programme_item.event.slug,
                "item": speaker.programme_item.title,
                "start": speaker.programme_item.start,
            }
            for speaker in Speaker.objects.filter(person=person)
            .select_related("programme_item__event")
            .order_by("programme_item__start")
        ],
        "articles": [
            {
                "title": article.title,
                "slug": article.slug,
                "public": article.is_public,
                "published_at": article.published_at,
            }
            for article in Article.objects.filter(related_people=person).order_by("published_at", "pk")
        ],
        "participant_exports": _exports_including(person, participations),
        "history": [
            {
                "date": version.revision.date_created,
                "by": author(version.revision),
                "comment": version.revision.comment,
                "fields": _version_fields(version),
            }
            for version in Version.objects.get_for_object(person)
            .select_related("revision__user", "revision__revisionorigin")
            .order_by("revision__date_created", "pk")
        ],
        "requests": [
            {"date": record.created, "action": record.action, "by": record.username}
            for record in person.personal_data_audits.order_by("created")
        ],
    }
    return data


def _organisation(organisation) -> dict | None:
    if organisation is None:
        return None
    return {
        "name": organisation.name,
        "acronym": organisation.acronym,
        "kind": organisation.kind,
        "city": organisation.city,
        "country": organisation.country,
        "website": organisation.website,
    }


def _exports_including(person: Person, participations) -> list[dict]:
    """The participant exports of an event the person took part in, since they were registered.

    The audit keeps the events' slugs at the time of the export and its filters (role, status,
    columns): an export filtered to other roles may not have held this person's row; the filters
    say so.
    """
    slugs = {}
    first = None
    for participation in participations:
        slugs[participation.event.slug] = participation.event
        first = participation.created if first is None else min(first, participation.created)
    if not slugs:
        return []
    # An event's old slugs, as the export may have recorded them.
    for old_path, new_path in Redirect.objects.filter(
        new_path__in=[event.get_absolute_url() for event in slugs.values()]
    ).values_list("old_path", "new_path"):
        event = next(event for event in slugs.values() if event.get_absolute_url() == new_path)
        slugs.setdefault(old_path.rstrip("/").rsplit("/", 1)[-1], event)
    found = []
    exports = ParticipantExport.objects.filter(created__gte=first).order_by("created")
    for export in exports.iterator(chunk_size=2000):
        events = sorted({slugs[slug].title for slug in export.events if slug in slugs})
        if events:
            found.append(
                {
                    "date": export.created,
                    "by": export.username,
                    "source": str(export.get_source_display()),
                    "events": events,
                    "filters": export.filters,
                    "columns": export.columns,
                    "format": export.format,
                    "rows": export.row_count,
                }
            )
    return found


def _version_fields(version: Version) -> dict:
    try:
        return json.loads(version.serialized_data)[0]["fields"]
    except (ValueError, LookupError, TypeError):
        return {"serialized_data": version.serialized_data}


def export_archive(person: Person) -> bytes:
    """A zip: ``data.json`` (everything, machine-readable), ``summary.html`` (the same, to read,
    in French) and the original photo under ``photo/``."""
    data = collect(person)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        photo = data["person"]["photo"]
        if photo:
            try:
                with person.photo.open("rb") as source:
                    archive.writestr(photo, source.read())
            except OSError:
                data["person"]["photo"] = None
                data["person"]["photo_missing"] = person.photo.name.rsplit("/", 1)[-1]
        archive.writestr("data.json", json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))
        with translation.override("fr"):
            summary = render_to_string("admin/people/person/personal_data_summary.html", {"data": data})
        archive.writestr("summary.html", summary)
    return buffer.getvalue()


def archive_name(person: Person) -> str:
    return f"donnees-personnelles-{person.slug}-{timezone.localdate():%Y-%m-%d}.zip"


# Erasure.


@dataclass
class ErasurePlan:
    """What an erasure removes, changes and keeps: shown before it is done."""

    person: Person
    removed: list[str] = field(default_factory=list)  # labels of the fields that hold something
    photo_files: int = 0
    old_addresses: int = 0
    participations: int = 0
    notes: int = 0
    talk_titles_kept: int = 0
    talk_titles_removed: int = 0
    speaker_links: int = 0
    articles: list[Article] = field(default_factory=list)
    versions: int = 0
    participation_versions: int = 0
    already_anonymised: bool = False


def plan(person: Person) -> ErasurePlan:
    person = Person.objects.select_related("organisation").get(pk=person.pk)
    result = ErasurePlan(person=person, already_anonymised=is_anonymised(person))
    for name in ("email", "phone", "job_title", "bio", "organisation", "photo"):
        if getattr(person, name):
            result.removed.append(str(Person._meta.get_field(name).verbose_name))
    tags = person.tags.count()
    if tags:
        result.removed.append(f"{Person._meta.get_field('tags').verbose_name} ({tags})")
    if person.photo:
        renditions = person.photo_renditions or {}
        result.photo_files = 1 + len(renditions.get("webp", [])) + len(renditions.get("fallback", []))
    result.old_addresses = Redirect.objects.filter(new_path=person.get_absolute_url()).count()
    participations = Participation.objects.filter(person=person)
    public_events = Event.objects.published()
    result.participations = participations.count()
    result.notes = participations.exclude(notes="").count()
    with_title = participations.exclude(talk_title="")
    result.talk_titles_kept = with_title.filter(event__in=public_events).count()
    result.talk_titles_removed = with_title.exclude(event__in=public_events).count()
    result.speaker_links = Speaker.objects.filter(person=person).count()
    result.articles = list(Article.objects.filter(related_people=person).order_by("-published_at"))
    result.versions = _versions(Person, [person.pk]).count()
    result.participation_versions = _versions(Participation, participations.values_list("pk", flat=True)).count()
    return result


def erase(person: Person, *, by=None, ident_kind: str = PersonalDataAudit.IdentKind.ADMIN, ident: str = "") -> bool:
    """Anonymise ``person`` now, at their request; False if it was already done."""
    with transaction.atomic():
        done = anonymise([person.pk], action=PersonalDataAudit.Action.ERASURE, by=by, ident_kind=ident_kind)
        if done:
            PersonalDataAudit.objects.filter(pk__in=done).update(ident_digest=digest(ident) if ident else "")
    return bool(done)


def anonymise(ids, *, action: str, by=None, ident_kind: str) -> list[int]:
    """Anonymise the people ``ids`` (a batch) not anonymised yet; the audit records' ids.

    What goes: name, slug (and the redirects of the old ones), job title, organisation, biography,
    photo with every rendition, e-mail, phone, tags, public profile; programme speaker links;
    article "people mentioned" links; the versions of the person in the history.
    What stays, linked to the placeholder: each participation's event, role, status and dates;
    its talk title only if the event is public (its programme may need it; the placeholder is
    never shown, so the talk is credited to no one). Its internal notes and organisation go.
    Versions of participations keep only what the participation keeps (an event restored from
    its history stays consistent); versions of speaker links go; articles' versions forget them.
    """
    with transaction.atomic():
        people = list(
            Person.objects.filter(pk__in=list(ids))
            .exclude(Exists(PersonalDataAudit.objects.filter(person=OuterRef("pk"), action__in=ANONYMISED)))
            .select_for_update(of=("self",))
            .only("pk", "slug", "is_public", "photo", "photo_renditions")  # is_public: SlugHistoryMixin.from_db
        )
        if not people:
            return []
        ids = [person.pk for person in people]
        now = timezone.now()
        person_type = ContentType.objects.get_for_model(Person)

        # Files: after the commit, so that a rollback leaves the person as they were.
        storage = Person._meta.get_field("photo").storage
        files = []
        for person in people:
            if person.photo:
                files.append(person.photo.name)
            for key in ("webp", "fallback"):
                files.extend(name for _width, name in (person.photo_renditions or {}).get(key, []))
        if files:
            transaction.on_commit(lambda: _delete_files(storage, files))

        paths = [person.get_absolute_url() for person in people]
        Redirect.objects.filter(Q(new_path__in=paths) | Q(old_path__in=paths)).delete()
        TaggedItem.objects.filter(content_type=person_type, object_id__in=ids).delete()

        speaker_ids = list(Speaker.objects.filter(person__in=ids).values_list("pk", flat=True))
        Speaker.objects.filter(pk__in=speaker_ids).delete()
        mentions = Article.related_people.through.objects.filter(person__in=ids)
        article_ids = set(mentions.values_list("article_id", flat=True))
        mentions.delete()

        participations = Participation.objects.filter(person__in=ids)
        participations.exclude(notes="", organisation=None).update(notes="", organisation=None)
        participations.exclude(event__in=Event.objects.published()).exclude(talk_title="").update(talk_title="")

        Person.objects.filter(pk__in=ids).update(
            first_name=PLACEHOLDER_FIRST_NAME,
            last_name=PLACEHOLDER_LAST_NAME,
            job_title="",
            organisation=None,
            grammatical_gender=Person.GrammaticalGender.NEUTRAL,
            bio="",
            photo="",
            photo_renditions={},
            email="",
            phone="",
            is_public=False,
            slug=_random_slug(),
            updated=now,
        )

        _forget_history(ids, speaker_ids, article_ids)
        LogEntry.objects.filter(content_type=person_type, object_id__in=[str(pk) for pk in ids]).update(
            object_repr=PLACEHOLDER_NAME
        )
        participation_type = ContentType.objects.get_for_model(Participation)
        LogEntry.objects.filter(
            content_type=participation_type,
            object_id__in=[str(pk) for pk in participations.values_list("pk", flat=True)],
        ).update(object_repr=PLACEHOLDER_NAME)

        records = PersonalDataAudit.objects.bulk_create(
            [
                PersonalDataAudit(created=now, action=action, person_id=pk, ident_kind=ident_kind, **_by(by))
                for pk in ids
            ]
        )
    return [record.pk for record in records]


def _random_slug():
    """``anonyme-`` and 12 random hexadecimal digits, drawn by the database for each row."""
    if connection.vendor == "postgresql":
        return RawSQL("'anonyme-' || substr(md5(gen_random_uuid()::text), 1, 12)", [])
    return RawSQL("'anonyme-' || lower(hex(randomblob(6)))", [])


def _delete_files(storage, names) -> None:
    for name in names:
        try:
            storage.delete(name)  # a missing file is no error, on disk or in a bucket
        except Exception:  # the bucket unreachable: the data is already gone from the database
            logger.exception("Personal data: could not delete the file %s; delete it by hand.", name)


def _versions(model, ids):
    return Version.objects.filter(
        db=DEFAULT_DB_ALIAS,
        content_type=ContentType.objects.get_for_model(model),
        object_id__in=[str(pk) for pk in ids],
    )


def _forget_history(ids, speaker_ids, article_ids) -> None:
    """The history keeps nothing of the people ``ids``, already anonymised in the database."""
    touched = set()

    def delete(versions):
        touched.update(versions.values_list("revision_id", flat=True))
        versions.delete()

    delete(_versions(Person, ids))
    delete(_versions(Speaker, speaker_ids))

    # A participation's versions: what the participation keeps now (see anonymise()).
    current = {
        str(row["pk"]): row
        for row in Participation.objects.filter(person__in=ids).values("pk", "talk_title", "role", "event__title")
    }
    changed = []
    for version in _versions(Participation, current).iterator(chunk_size=BATCH_SIZE):
        row = current[version.object_id]
        data = _rewrite(version, notes="", organisation=None, talk_title=row["talk_title"])
        role = dict(Participation.Role.choices).get(row["role"], row["role"])
        version.serialized_data = data
        version.object_repr = f"{PLACEHOLDER_NAME} – {row['event__title']} ({role})"
        changed.append(version)

    # Articles' versions: "people mentioned" without them.
    wanted = {pk for pk in ids}
    for version in _versions(Article, article_ids).iterator(chunk_size=BATCH_SIZE):
        fields = _version_fields(version)
        mentioned = fields.get("related_people") or []
        if any(pk in wanted for pk in mentioned):
            version.serialized_data = _rewrite(version, related_people=[pk for pk in mentioned if pk not in wanted])
            changed.append(version)
    Version.objects.bulk_update(changed, ["serialized_data", "object_repr"], batch_size=BATCH_SIZE)

    # Revisions left with no version (a save of the person alone) go, with their comment.
    if touched:
        Revision.objects.filter(pk__in=touched).exclude(
            Exists(Version.objects.filter(revision=OuterRef("pk")))
        ).delete()


def _rewrite(version: Version, **fields) -> str:
    try:
        data = json.loads(version.serialized_data)
        data[0]["fields"].update(fields)
    except (ValueError, LookupError, TypeError, AttributeError):
        return "[]"  # unreadable: keep nothing
    return json.dumps(data, cls=DjangoJSONEncoder)


# Retention.


@dataclass
class PurgeReport:
    """What the retention periods make due; with ``dry_run``, nothing is done."""

    now: datetime
    dry_run: bool
    former_participants: list[int] = field(default_factory=list)  # anonymised: not public, last event long ago
    inactive: list[int] = field(default_factory=list)  # anonymised: not public, no participation, unchanged
    public_contacts: int = 0  # public people whose e-mail and phone go
    notes: int = 0  # participations whose internal notes go
    export_audits: int = 0  # participant export records deleted
    anonymised: int = 0

    @property
    def people(self) -> list[int]:
        return self.former_participants + self.inactive


def retention() -> dict:
    defaults = {"PARTICIPATION_YEARS": 3, "INACTIVE_YEARS": 3, "EXPORT_AUDIT_DAYS": 365}
    return {**defaults, **getattr(settings, "PERSONAL_DATA_RETENTION", {})}


def _years_before(now: datetime, years) -> datetime | None:
    return None if years is None else now - timedelta(days=round(365.25 * years))


def due(now: datetime) -> dict:
    """The querysets of what falls due at ``now``."""
    periods = retention()
    participation_cutoff = _years_before(now, periods["PARTICIPATION_YEARS"])
    inactive_cutoff = _years_before(now, periods["INACTIVE_YEARS"])
    not_anonymised = ~Exists(PersonalDataAudit.objects.filter(person=OuterRef("pk"), action__in=ANONYMISED))
    found = {}
    if participation_cutoff is not None:
        recent = Participation.objects.filter(person=OuterRef("pk"), event__end__gte=participation_cutoff)
        former = (
            Person.objects.filter(Exists(Participation.objects.filter(person=OuterRef("pk"))))
            .exclude(Exists(recent))
            .filter(not_anonymised)
        )
        found["former_participants"] = former.filter(is_public=False)
        found["public_contacts"] = former.filter(is_public=True).exclude(email="", phone="")
        found["notes"] = Participation.objects.filter(event__end__lt=participation_cutoff).exclude(notes="")
    if inactive_cutoff is not None:
        found["inactive"] = (
            Person.objects.filter(is_public=False, updated__lt=inactive_cutoff)
            .exclude(Exists(Participation.objects.filter(person=OuterRef("pk"))))
            .filter(not_anonymised)
        )
    if periods["EXPORT_AUDIT_DAYS"] is not None:
        found["export_audits"] = ParticipantExport.objects.filter(
            created__lt=now - timedelta(days=periods["EXPORT_AUDIT_DAYS"])
        )
    return found


def purge(
    now: datetime | None = None, dry_run: bool = False, *, by: str = "", batch_size: int = BATCH_SIZE
) -> PurgeReport:
    """Apply the retention periods at ``now``: idempotent, one transaction per batch."""
    now = now or timezone.now()
    found = due(now)
    report = PurgeReport(now=now, dry_run=dry_run)
    for key in ("former_participants", "inactive"):
        if key in found:
            setattr(report, key, list(found[key].order_by("pk").values_list("pk", flat=True)))
    report.public_contacts = found["public_contacts"].count() if "public_contacts" in found else 0
    report.notes = found["notes"].count() if "notes" in found else 0
    report.export_audits = found["export_audits"].count() if "export_audits" in found else 0
    if dry_run:
        return report
    people = report.people
    for start in range(0, len(people), batch_size):
        done = anonymise(
            people[start : start + batch_size],
            action=PersonalDataAudit.Action.RETENTION,
            by=by,
            ident_kind=PersonalDataAudit.IdentKind.RETENTION,
        )
        report.anonymised += len(done)
    if "public_contacts" in found:
        _in_batches(
            found["public_contacts"], batch_size * 10, lambda batch: batch.update(email="", phone="", updated=now)
        )
    if "notes" in found:
        _in_batches(found["notes"], batch_size * 10, lambda batch: batch.update(notes=""))
    if "export_audits" in found:
        _in_batches(found["export_audits"], batch_size * 10, lambda batch: batch.delete())
    return report


def _in_batches(queryset, size: int, apply) -> None:
    """Apply to ``queryset`` a batch of primary keys at a time, each in its own transaction."""
    model = queryset.model
    while True:
        with transaction.atomic():
            batch = list(queryset.order_by("pk").values_list("pk", flat=True)[:size])
            if not batch:
                return
            apply(model._default_manager.filter(pk__in=batch))
