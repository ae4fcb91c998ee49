import getpass
import io
import os
import tempfile
from contextlib import closing
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from events.exporters import FORMATS, ParticipantExporter, recorded, start_record
from events.models import Event, ExportPreset, ParticipantExport, Participation


class Command(BaseCommand):
    help = "Write the participant list of one or more events as CSV or XLSX, to standard output or a file."

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="+", metavar="SLUG", help="Slug of an event.")
        parser.add_argument("--role", help=f"Only this role: {', '.join(Participation.Role.values)}.")
        parser.add_argument("--status", help=f"Only this status: {', '.join(Participation.Status.values)}.")
        parser.add_argument(
            "--format",
            default=ParticipantExport.Format.EXCEL,
            help="excel (UTF-8 with BOM, semicolons; the default), csv (RFC 4180) or xlsx (a workbook).",
        )
        parser.add_argument(
            "--preset", metavar="NAME", help="The columns and filters of this export preset (all columns by default)."
        )
        parser.add_argument("--output", metavar="FILE", help="Write to FILE (replaced atomically) instead of stdout.")

    def handle(self, *args, slugs, role, status, format, preset, output, **options):
        choose("format", format, FORMATS)
        choose("role", role, Participation.Role.values)
        choose("status", status, Participation.Status.values)
        chosen = None
        if preset is not None:
            chosen = ExportPreset.objects.filter(name=preset).first() if "\x00" not in preset else None
            if chosen is None:
                names = ", ".join(ExportPreset.objects.values_list("name", flat=True)) or "none yet"
                raise CommandError(f"Unknown preset: {preset!r} (presets: {names}).")
        events = list(Event.objects.filter(slug__in=[slug for slug in slugs if "\x00" not in slug]).order_by("start"))
        unknown = sorted(set(slugs) - {event.slug for event in events})
        if unknown:
            raise CommandError(f"Unknown event slug: {', '.join(unknown)}.")
        target = Path(output).resolve() if output else None
        if target is not None and not target.parent.is_dir():
            raise CommandError(f"No such directory: {target.parent}.")

        participations = Participation.objects.filter(event__in=events)
        filters = {}
        if chosen is not None and chosen.roles:
            participations = participations.filter(role__in=chosen.roles)
            filters["roles"] = chosen.roles
        if chosen is not None and chosen.statuses:
            participations = participations.filter(status__in=chosen.statuses)
            filters["statuses"] = chosen.statuses
        if role:
            participations = participations.filter(role=role)
            filters["role"] = role
        if status:
            participations = participations.filter(status=status)
            filters["status"] = status
        try:
            exporter = ParticipantExporter(
                participations,
                format=format,
                events=events,
                columns=chosen.columns if chosen is not None else None,
                preset=chosen.name if chosen is not None else "",
            )
        except ValueError as error:  # a preset naming a column that no longer exists
            raise CommandError(f"Preset {chosen.name!r}: {error}") from error
        record = start_record(
            exporter, source=ParticipantExport.Source.COMMAND, username=system_user(), filters=filters
        )
        with closing(recorded(exporter, record)) as chunks:
            try:
                if target is None:
                    self.write_stdout(chunks)
                else:
                    write_atomically(target, chunks)
            except OSError as error:
                ParticipantExport.objects.filter(pk=record.pk).update(completed=False)
                raise CommandError(f"Cannot write the export: {error}.") from error
        if target is not None and options["verbosity"] > 0:
            self.stdout.write(f"{exporter.row_count} rows written to {target}.")

    def write_stdout(self, chunks):
        stream = self.stdout._out
        binary = getattr(stream, "buffer", stream if isinstance(stream, io.BufferedIOBase | io.RawIOBase) else None)
        for chunk in chunks:
            if binary is None:
                stream.write(chunk.decode())
            else:
                binary.write(chunk)
        stream.flush()


def choose(name: str, value: str | None, allowed: list[str]) -> None:
    if value is not None and value not in allowed:
        raise CommandError(f"Unknown {name}: {value!r} (choose among {', '.join(allowed)}).")


def write_atomically(target: Path, chunks) -> None:
    """Write next to the target, then rename: readers see the old file or the whole new one."""
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as file:
            for chunk in chunks:
                file.write(chunk)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o640)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def system_user() -> str:
    try:
        return f"{getpass.getuser()} (command)"
    except (KeyError, OSError):
        return "(command)"
