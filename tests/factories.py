"""Small builders for test data: make_x(**overrides) saves and returns one object."""

import importlib
import io
import itertools
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Group, Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from core.publishing import Status
from events.models import Event, Participation, ProgrammeItem
from news.models import Article
from pages.models import SitePage
from people.models import Organisation, Person

_counter = itertools.count(1)


def _n() -> int:
    return next(_counter)


def make_organisation(**overrides) -> Organisation:
    n = _n()
    fields = {"name": f"Organisation {n}", "kind": Organisation.Kind.PUBLIC_BODY}
    fields.update(overrides)
    return Organisation.objects.create(**fields)


def make_person(**overrides) -> Person:
    n = _n()
    fields = {
        "first_name": "Camille",
        "last_name": f"Martin {n}",
        "job_title": "chargée de mission",
        "email": f"camille.martin{n}@example.org",
        "phone": "+33 3 21 00 00 00",
        "is_public": True,
    }
    fields.update(overrides)
    return Person.objects.create(**fields)


def make_event(**overrides) -> Event:
    n = _n()
    zone = ZoneInfo(overrides.get("timezone", "Europe/Paris"))
    start = overrides.pop("start", timezone.now() + timedelta(days=30))
    fields = {
        "title": f"Rencontre {n}",
        "kind": Event.Kind.CONFERENCE,
        "start": start,
        "end": overrides.pop("end", start + timedelta(hours=3)),
        "city": "Lens",
        "region": "Hauts-de-France",
        "country": "France",
        "summary": "Une rencontre.",
        "status": Status.PUBLISHED,
        "published_at": timezone.now() - timedelta(days=1),
        "timezone": str(zone),
    }
    fields.update(overrides)
    return Event.objects.create(**fields)


def make_congress(**overrides) -> Event:
    """The congress of the seed article: Thetford Mines (Québec), 7–8 May 2025, in Québec's time."""
    fields = {
        "title": "Congrès international sur la requalification des friches industrielles",
        "kind": Event.Kind.CONGRESS,
        "timezone": "America/Toronto",
        "start": local(2025, 5, 7, 9, 30, tz="America/Toronto"),
        "end": local(2025, 5, 8, 17, tz="America/Toronto"),
        "venue": "Centre des congrès",
        "city": "Thetford Mines",
        "region": "Québec",
        "country": "Canada",
    }
    fields.update(overrides)
    return make_event(**fields)


def make_programme_item(event: Event, **overrides) -> ProgrammeItem:
    fields = {"event": event, "title": f"Intervention {_n()}", "start": event.start}
    fields.update(overrides)
    return ProgrammeItem.objects.create(**fields)


def make_participation(event: Event | None = None, person: Person | None = None, **overrides) -> Participation:
    fields = {
        "event": event or make_event(),
        "person": person or make_person(),
        "role": Participation.Role.SPEAKER,
        "status": Participation.Status.CONFIRMED,
    }
    fields.update(overrides)
    return Participation.objects.create(**fields)


def make_article(**overrides) -> Article:
    n = _n()
    fields = {
        "title": f"Actualité {n}",
        "standfirst": "Un chapeau.",
        "body": "<p>Le corps de l’article.</p>",
        "status": Status.PUBLISHED,
        "published_at": timezone.now() - timedelta(hours=n),
    }
    fields.update(overrides)
    return Article.objects.create(**fields)


def make_site_page(**overrides) -> SitePage:
    n = _n()
    fields = {
        "title": f"Page {n}",
        "summary": "Une page du site.",
        "body": "<p>Le texte de la page.</p>",
        "status": Status.PUBLISHED,
        "published_at": timezone.now() - timedelta(hours=n),
    }
    fields.update(overrides)
    return SitePage.objects.create(**fields)


def make_user(*, group: str | None = None, **overrides) -> User:
    n = _n()
    fields = {"username": f"user{n}", "email": f"user{n}@example.org", "is_staff": True}
    fields.update(overrides)
    password = fields.pop("password", "correct horse battery staple")
    user = User.objects.create_user(password=password, **fields)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def communication_group() -> Group:
    """The group a migration made; transactional tests (the browser's) flush it: made again the same way."""
    migration = importlib.import_module("people.migrations.0002_communication_group")
    group, _ = Group.objects.get_or_create(name=migration.GROUP)
    library = importlib.import_module("events.migrations.0010_communication_uses_library")
    wanted = [*migration.codenames(), ("events", "view_participantexport"), *library.CODENAMES]
    site_pages = importlib.import_module("pages.migrations.0002_communication_edits_pages")
    wanted += [("pages", codename) for codename in site_pages.CODENAMES]
    presets = importlib.import_module("events.migrations.0012_export_presets")
    wanted += [("events", codename) for codename in presets.CODENAMES]
    group.permissions.set(
        [Permission.objects.get(content_type__app_label=app, codename=codename) for app, codename in wanted]
    )
    return group


def image_bytes(fmt: str = "JPEG", size: tuple[int, int] = (1600, 900), color=(40, 90, 140), exif=None) -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, color)
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(buffer, fmt, **kwargs)
    return buffer.getvalue()


def uploaded_image(name: str = "photo.jpg", **kwargs) -> SimpleUploadedFile:
    fmt = {"jpg": "JPEG", "jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}[name.rsplit(".", 1)[-1].lower()]
    kwargs.setdefault("fmt", fmt)
    return SimpleUploadedFile(name, image_bytes(**kwargs), content_type=f"image/{fmt.lower()}")


def local(year, month, day, hour=0, minute=0, tz="Europe/Paris") -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(tz))


# The media library (library/)


def pdf_bytes(size: int = 0) -> bytes:
    """A small valid PDF (the demo's programme), padded with a comment to about ``size`` bytes."""
    from demo.content import programme_pdf

    data = programme_pdf()
    return data + b"%" + b"x" * max(0, size - len(data) - 2) + b"\n" if size > len(data) else data


def zip_bytes(parts: dict[str, bytes]) -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in parts.items():
            # A fixed date: the same parts make the same bytes, whichever second the test runs in.
            archive.writestr(zipfile.ZipInfo(name, date_time=(2025, 5, 7, 9, 30, 0)), content)
    return buffer.getvalue()


def docx_bytes(macros: bool = False) -> bytes:
    parts = {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}
    if macros:
        parts["word/vbaProject.bin"] = b"\x00" * 16
    return zip_bytes(parts)


def make_picture(**overrides):
    from library.models import Picture

    n = _n()
    fields = {"title": f"Image {n}", "alt": f"Un chevalement, vue {n}", "file": uploaded_image(f"image{n}.jpg")}
    fields.update(overrides)
    picture = Picture(**fields)
    picture.full_clean()
    picture.save()
    return picture


def make_document(content: bytes | None = None, name: str = "programme.pdf", **overrides):
    from library.models import Document

    n = _n()
    fields = {"title": f"Document {n}", "file": SimpleUploadedFile(name, pdf_bytes() if content is None else content)}
    fields.update(overrides)
    document = Document(**fields)
    document.full_clean()
    document.save()
    return document
