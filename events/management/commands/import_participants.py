from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, no_translations

from events.importing import (
    MAX_FILE_BYTES,
    BadFile,
    guess_mapping,
    import_table,
    mapping_problems,
    plan_import,
    read_table,
    summary_lines,
)
from events.models import Event, Participation


class Command(BaseCommand):
    help = (
        "Add the people of a CSV or XLSX list to an event's participants, the columns guessed from the header. "
        "Prints the preview; writes nothing when a row is in error (unless --skip-errors) or with --dry-run."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", metavar="EVENT_SLUG", help="Slug of the event.")
        parser.add_argument("file", metavar="FILE", help="CSV (UTF-8 or Windows-1252, ; or ,) or XLSX file.")
        parser.add_argument(
            "--role",
            default=Participation.Role.ATTENDEE,
            help=f"For rows without a role: {', '.join(Participation.Role.values)} (default attendee).",
        )
        parser.add_argument(
            "--status",
            default=Participation.Status.REGISTERED,
            help=f"For rows without a status: {', '.join(Participation.Status.values)} (default registered).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Print the preview, write nothing.")
        parser.add_argument("--skip-errors", action="store_true", help="Import the other rows when some are in error.")

    @no_translations  # one language, English, as the other commands
    def handle(self, *args, slug, file, role, status, dry_run, skip_errors, **options):
        choose("role", role, Participation.Role.values)
        choose("status", status, Participation.Status.values)
        event = Event.objects.filter(slug=slug.replace("\x00", "")).first()
        if event is None:
            raise CommandError(f"Unknown event slug: {slug}.")
        path = Path(file)
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise CommandError(
                    f"{path}: too large ({path.stat().st_size // 2**20} MB, at most {MAX_FILE_BYTES // 2**20} MB)."
                )
            with path.open("rb") as handle:
                table = read_table(handle.read(MAX_FILE_BYTES + 1))
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror or error}.") from None
        except BadFile as error:
            raise CommandError(f"{path}: {error}") from None
        mapping = guess_mapping(table.headers)
        problems = mapping_problems(mapping)
        if problems:
            raise CommandError(f"{path}: {' '.join(problems)} Columns: {', '.join(table.headers)}.")
        verbose = options["verbosity"] > 0
        if verbose:
            columns = ", ".join(f"{table.column_label(index)} → {name}" for index, name in sorted(mapping.items()))
            self.stdout.write(f"Columns: {columns}.")
        if dry_run:
            plan = plan_import(event, table, mapping, role=role, status=status)
            self.write_summary(plan, verbose)
            if plan.errors and not skip_errors:
                raise CommandError(f"{len(plan.errors)} rows in error: nothing would be imported.")
            self.stdout.write("Dry run: nothing written.")
            return
        try:
            plan, result = import_table(event, table, mapping, role=role, status=status, skip_errors=skip_errors)
        except BadFile as error:
            raise CommandError(str(error)) from None
        self.write_summary(plan, verbose)
        if result is None:
            raise CommandError(f"{len(plan.errors)} rows in error: nothing imported (--skip-errors imports the rest).")
        if verbose:
            self.stdout.write(
                f"Imported into “{event.title}”: {result.participations} participants, {len(result.people)} new "
                f"people, {len(result.organisations)} new organisations"
                + (f", {result.skipped_errors} rows in error skipped." if result.skipped_errors else ".")
            )

    def write_summary(self, plan, verbose):
        for line in summary_lines(plan):
            if verbose or plan.errors:
                self.stdout.write(line)


def choose(name: str, value: str, allowed: list[str]) -> None:
    if value not in allowed:
        raise CommandError(f"Unknown {name}: {value!r} (choose among {', '.join(allowed)}).")
