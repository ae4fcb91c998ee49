import getpass
import os
import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from people import personal_data
from people.models import PersonalDataAudit


class Command(BaseCommand):
    help = (
        "Personal data (docs/personal-data.md): export everything held about a person, erase it, "
        "or apply the retention periods."
    )

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="subcommand", metavar="{export,erase,purge}", required=True)
        export = commands.add_parser("export", help="A zip of everything held about a person (right of access).")
        export.add_argument("ident", metavar="IDENT", help="An e-mail (any case) or a person's slug.")
        export.add_argument("--output", metavar="FILE", help="Where to write the zip (default: a name in this folder).")
        erase = commands.add_parser("erase", help="Anonymise a person for good (right to erasure).")
        erase.add_argument("ident", metavar="IDENT", help="An e-mail (any case) or a person's slug.")
        erase.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")
        purge = commands.add_parser("purge", help="Anonymise and delete what the retention periods make due.")
        purge.add_argument("--dry-run", action="store_true", help="List what falls due, change nothing.")

    def handle(self, *args, subcommand, **options):
        getattr(self, subcommand)(**options)

    def find(self, ident: str):
        try:
            return personal_data.find(ident)
        except personal_data.IdentError as error:
            raise CommandError(str(error)) from error

    def export(self, *, ident, output, verbosity, **options):
        person, kind = self.find(ident)
        target = Path(output or personal_data.archive_name(person)).resolve()
        if not target.parent.is_dir():
            raise CommandError(f"No such directory: {target.parent}.")
        archive = personal_data.export_archive(person)
        try:
            write_atomically(target, archive)
        except OSError as error:
            raise CommandError(f"Cannot write the archive: {error}.") from error
        personal_data.audit(PersonalDataAudit.Action.EXPORT, person, by=command_user(), ident_kind=kind, ident=ident)
        if verbosity > 0:
            self.stdout.write(f"Personal data of {person} written to {target} ({len(archive)} bytes).")

    def erase(self, *, ident, yes, verbosity, **options):
        person, kind = self.find(ident)
        plan = personal_data.plan(person)
        if plan.already_anonymised:
            raise CommandError(f"{person.slug} is already anonymised.")
        self.stdout.write(describe(plan))
        if not yes:
            if not sys.stdin.isatty():
                raise CommandError("Nothing erased: confirm with --yes (standard input is not a terminal).")
            if input("Erase for good? Type yes: ").strip().lower() != "yes":
                raise CommandError("Nothing erased.")
        personal_data.erase(person, by=command_user(), ident_kind=kind, ident=ident)
        if verbosity > 0:
            self.stdout.write(f"Erased: {ident} is now “{personal_data.PLACEHOLDER_NAME}”.")

    def purge(self, *, dry_run, verbosity, **options):
        report = personal_data.purge(timezone.now(), dry_run=dry_run, by=command_user())
        lines = [
            f"People not public whose last event ended long ago: {len(report.former_participants)}",
            f"People not public with no participation, unchanged for long: {len(report.inactive)}",
            f"Public people whose e-mail and phone go: {report.public_contacts}",
            f"Participations whose internal notes go: {report.notes}",
            f"Participant export records deleted: {report.export_audits}",
        ]
        if dry_run:
            self.stdout.write("Dry run, nothing changed. Due now:\n  " + "\n  ".join(lines))
            if verbosity > 1:
                for pk, slug in personal_data.Person.objects.filter(pk__in=report.people).values_list("pk", "slug"):
                    self.stdout.write(f"  would anonymise #{pk} {slug}")
        elif verbosity > 0:
            self.stdout.write("\n".join(lines) + f"\nAnonymised: {report.anonymised}.")


def describe(plan) -> str:
    person = plan.person
    lines = [f"{person} ({person.slug}):"]
    if plan.removed:
        lines.append(f"  removed: {', '.join(plan.removed)}, name and slug")
    if plan.photo_files:
        lines.append(f"  files deleted: {plan.photo_files} (photo and its renditions)")
    lines.append(f"  old addresses forgotten: {plan.old_addresses}")
    lines.append(
        f"  participations kept for statistics, unlinked: {plan.participations} "
        f"(notes cleared: {plan.notes}; talk titles kept for public events: {plan.talk_titles_kept}, "
        f"removed: {plan.talk_titles_removed})"
    )
    lines.append(f"  programme speaker links removed: {plan.speaker_links}")
    lines.append(f"  articles no longer naming them (text unchanged): {len(plan.articles)}")
    for article in plan.articles:
        lines.append(f"    - {article.title}")
    lines.append(
        f"  history: {plan.versions} versions of the record purged, "
        f"{plan.participation_versions} participation versions anonymised"
    )
    return "\n".join(lines)


def command_user() -> str:
    try:
        return f"{getpass.getuser()} (command)"
    except (KeyError, OSError):
        return "(command)"


def write_atomically(target: Path, data: bytes) -> None:
    """Next to the target, then renamed; readable by its owner and group only."""
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o640)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
