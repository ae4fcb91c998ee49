from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from events.models import Event, ParticipantExport
from events.printing import SHEETS, NothingToPrint, print_sheet, record_print

from .export_participants import choose, system_user, write_atomically


class Command(BaseCommand):
    help = "Print the participants of an event as a PDF: the sign-in sheet (feuille d'émargement) or name badges."

    def add_arguments(self, parser):
        parser.add_argument("slug", metavar="EVENT_SLUG", help="Slug of the event.")
        parser.add_argument("--sheet", help=f"What to print: {' or '.join(SHEETS)}.")
        parser.add_argument("--output", metavar="FILE.pdf", help="Where to write the PDF (replaced atomically).")

    def handle(self, *args, slug, sheet, output, **options):
        if sheet is None:
            raise CommandError(f"Say what to print with --sheet ({' or '.join(SHEETS)}).")
        choose("sheet", sheet, list(SHEETS))
        if not output:
            raise CommandError("Say where to write the PDF with --output FILE.pdf.")
        event = Event.objects.filter(slug=slug).first() if "\x00" not in slug else None
        if event is None:
            raise CommandError(f"Unknown event slug: {slug}.")
        target = Path(output).resolve()
        if not target.parent.is_dir():
            raise CommandError(f"No such directory: {target.parent}.")
        if target.is_dir():
            raise CommandError(f"Cannot write the PDF: {target} is a directory.")

        try:
            printed = print_sheet(event, sheet)
        except NothingToPrint:
            raise CommandError(
                f"No badge to print: {event.slug} has no participant (cancelled ones are left out)."
            ) from None
        try:
            write_atomically(target, [printed.content])
        except OSError as error:
            raise CommandError(f"Cannot write the PDF: {error}.") from error
        record_print(printed, event, source=ParticipantExport.Source.COMMAND, username=system_user())
        if printed.missing:
            self.stderr.write(
                f"Warning: the font has no glyph for {''.join(sorted(printed.missing))}: those characters print as boxes."
            )
        if options["verbosity"] > 0:
            what = "sign-in sheet" if sheet == "signin" else "badges"
            self.stdout.write(
                f"{what.capitalize()}: {printed.count} participants on {printed.pages} pages, written to {target}."
            )
