"""Bring the pictures stored before uploads were cleaned (config/images.py) to the same rules.

Each original not yet under a random name goes through what an upload goes through
(``validate_image``, ``clean_picture``, the field's ``upload_to`` and storage,
``make_renditions``); every row using it then points to the clean copy and its new
renditions. The old original and old renditions are deleted once no row of any model
uses them: bulk rows share one file (and its renditions) across many rows and models.
"""

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.storage import Storage
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from core.images import RenditionsMixin, clean_picture, make_renditions, validate_image

# What clean_picture names a file, under the field's folder.
CLEAN_NAME = r"(^|/)[0-9a-f]{32}\.(jpg|png|webp)$"
BATCH = 500
# An original, or the source of some renditions; the files that may go with it; their storage.
Candidate = tuple[str, set[str], Storage]


def picture_fields() -> list[tuple[type, str]]:
    return [
        (model, field)
        for model in apps.get_models()
        if issubclass(model, RenditionsMixin)
        for field in model.picture_fields
    ]


def still_referenced(names: set[str]) -> set[str]:
    """Those of ``names`` some row still uses as its picture or as the source of its renditions.

    Renditions are made from one original and record it as their ``source``: a rendition
    file is still in use exactly while a row's renditions name its source."""
    found, names = set(), sorted(names)
    for start in range(0, len(names), BATCH):
        chunk = names[start:start + BATCH]
        for model, field in picture_fields():
            source = f"{field}_renditions__source"
            rows = model._base_manager.filter(Q(**{f"{field}__in": chunk}) | Q(**{f"{source}__in": chunk}))
            for pair in rows.order_by().values_list(field, source).distinct():
                found.update(name for name in pair if name in chunk)
    return found


def rendition_files(description: dict) -> set[str]:
    return {name for key in ("webp", "fallback") for _width, name in (description or {}).get(key, [])}


def failure(error: Exception) -> str:
    if isinstance(error, FileNotFoundError):
        return "missing file"
    if isinstance(error, ValidationError):
        return " ".join(str(message) for message in error.messages)
    return str(error) or type(error).__name__


class Command(BaseCommand):
    help = (
        "Store every picture saved before uploads were cleaned again as an upload would be: without "
        "EXIF/XMP/GPS/device data, upright, under a random name, with new renditions; remove the old "
        "files once no row uses them. --dry-run opens and checks every picture but writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report what would be done; write nothing.")

    def handle(self, *, dry_run: bool, **options):
        self.dry_run = dry_run
        self.cleaned = self.skipped = self.failed = self.removed = 0
        for model, field in picture_fields():
            rows = model._base_manager.exclude(**{field: ""})
            self.skipped += rows.filter(**{f"{field}__regex": CLEAN_NAME}).count()
            old = rows.exclude(**{f"{field}__regex": CLEAN_NAME}).order_by(field).values_list(field, flat=True)
            last = None
            while True:
                # Batches by name rather than one open cursor: the rows read are the rows written.
                batch = old.filter(**{f"{field}__gt": last}) if last is not None else old
                names = list(batch.distinct()[:BATCH])
                if not names:
                    break
                last = names[-1]
                replaced = [done for name in names if (done := self.clean(model, field, name))]
                self.remove(replaced)
        self.summary()

    def clean(self, model, field: str, name: str) -> list[Candidate] | None:
        """Clean the original ``name`` of ``model.field`` and point its rows to the copy; what may go."""
        rows = model._base_manager.filter(**{field: name})
        instance = rows.only("pk", field).first()
        if instance is None:
            return None  # changed since the batch was read
        count = rows.count()
        fieldfile = getattr(instance, field)
        try:
            with fieldfile.open("rb"):
                validate_image(fieldfile)  # what the upload form checks
                clean = clean_picture(fieldfile)  # what RenditionsMixin.save stores instead of an upload
        except Exception as error:
            self.failed += count
            self.stderr.write(f"{model._meta.label}.{field} {name} ({count} row{'s' * (count > 1)}): {failure(error)}")
            return None
        if self.dry_run:
            self.cleaned += count
            return None
        old_renditions = rows.order_by().values_list(f"{field}_renditions", flat=True).distinct()
        # Each group of rendition files may go once its source is no longer used.
        candidates = [(name, {name}, fieldfile.storage)] + [
            (description.get("source", ""), rendition_files(description), fieldfile.storage)
            for description in old_renditions if description
        ]
        fieldfile.save(clean.name, clean, save=False)  # the field's upload_to and storage, as FileField.pre_save
        stored = getattr(instance, field)
        renditions = make_renditions(stored)
        updated = rows.update(**{field: stored.name, f"{field}_renditions": renditions})
        if not updated:  # every row changed meanwhile: the copy is not needed
            for leftover in {stored.name} | rendition_files(renditions):
                stored.storage.delete(leftover)
            return None
        self.cleaned += updated
        return candidates

    def remove(self, replaced: list[list[Candidate]]) -> None:
        """Delete the replaced files that no row of any model uses any more, with one query per model and batch."""
        candidates = [candidate for group in replaced for candidate in group]
        in_use = still_referenced({source for source, _files, _storage in candidates if source})
        doomed = {}
        for source, files, storage in candidates:
            if source and source not in in_use:
                doomed.update(dict.fromkeys(files, storage))
        for name, storage in sorted(doomed.items(), key=lambda item: item[0]):
            if storage.exists(name):
                storage.delete(name)
                self.removed += 1

    def summary(self) -> None:
        verb = "would clean" if self.dry_run else "cleaned"
        self.stdout.write(f"{verb} {self.cleaned} pictures (rows now pointing to a clean original and new renditions)")
        self.stdout.write(f"skipped {self.skipped} pictures already clean")
        if self.failed:
            self.stdout.write(f"failed {self.failed} pictures (reported above, left as they were)")
        self.stdout.write(f"files removed {self.removed}" + (" (dry run: none)" if self.dry_run else ""))
        if not self.cleaned and not self.failed:
            self.stdout.write("Nothing to clean: every stored picture already follows the rules.")
        if self.failed:
            raise CommandError(f"{self.failed} pictures could not be cleaned.")
