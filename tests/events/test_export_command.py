"""export_participants for operators and scheduled jobs."""

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

from django.core.management import CommandError, call_command
from django.test import TestCase

from events.models import ParticipantExport, Participation
from tests.factories import make_event, make_participation, make_person

BASE_DIR = Path(__file__).resolve().parents[2]


def parse(data: bytes, format="excel"):
    text = data.decode("utf-8-sig" if format == "excel" else "utf-8")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";" if format == "excel" else ","))


class ExportCommandTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.congress = make_event(title="Congrès 2025", slug="congres-2025")
        cls.workshop = make_event(title="Atelier friches", slug="atelier-friches")
        make_participation(cls.congress, make_person(first_name="Alice", last_name="Zeller"))
        make_participation(
            cls.congress, make_person(first_name="Bob", last_name="Ahmed"),
            role=Participation.Role.ATTENDEE, status=Participation.Status.CANCELLED,
        )
        make_participation(cls.workshop, make_person(first_name="Carla", last_name="Émery"))
        make_participation(make_event(slug="autre"), make_person(last_name="Ailleurs"))

    def run_command(self, *args) -> bytes:
        out = io.BytesIO()
        call_command("export_participants", *args, stdout=out)
        return out.getvalue()

    def test_writes_the_excel_file_to_stdout_by_default(self):
        data = self.run_command("congres-2025")
        self.assertTrue(data.startswith(b"\xef\xbb\xbfNom;"))
        self.assertEqual([row[0] for row in parse(data)], ["Nom", "Ahmed", "Zeller"])
        record = ParticipantExport.objects.get()
        self.assertEqual(record.source, ParticipantExport.Source.COMMAND)
        self.assertIsNone(record.user)
        self.assertTrue(record.username.endswith("(command)"))
        self.assertEqual((record.events, record.row_count, record.completed), (["congres-2025"], 2, True))

    def test_several_events_role_status_and_rfc4180(self):
        data = self.run_command(
            "congres-2025", "atelier-friches", "--role", "speaker", "--status", "confirmed", "--format", "csv"
        )
        rows = parse(data, "csv")
        self.assertEqual([(row[0], row[10]) for row in rows[1:]], [("Émery", "Atelier friches"), ("Zeller", "Congrès 2025")])
        record = ParticipantExport.objects.get()
        self.assertEqual(record.filters, {"role": "speaker", "status": "confirmed"})
        self.assertEqual((record.events, record.format), (["atelier-friches", "congres-2025"], "csv"))

    def test_text_stdout_gets_the_same_text(self):
        out = io.StringIO()
        call_command("export_participants", "congres-2025", stdout=out)
        self.assertEqual(out.getvalue().encode(), self.run_command("congres-2025"))

    def test_output_file_is_written_whole(self):
        target = Path(self.enterContext(self.temporary_directory())) / "liste.csv"
        target.write_text("ancienne liste")
        out = io.StringIO()
        call_command("export_participants", "congres-2025", "--output", str(target), stdout=out)
        self.assertEqual([row[0] for row in parse(target.read_bytes())], ["Nom", "Ahmed", "Zeller"])
        self.assertIn("2 rows written", out.getvalue())
        self.assertEqual(os.listdir(target.parent), ["liste.csv"])

    def test_bad_arguments_are_one_clear_error_and_leave_no_file(self):
        directory = Path(self.enterContext(self.temporary_directory()))
        target = directory / "liste.csv"
        cases = [
            (["inconnu"], "Unknown event slug: inconnu."),
            (["congres\x00"], "Unknown event slug"),
            (["congres-2025", "inconnu", "autre-inconnu"], "Unknown event slug: autre-inconnu, inconnu."),
            (["congres-2025", "--role", "chef"], "Unknown role: 'chef'"),
            (["congres-2025", "--status", "parti"], "Unknown status: 'parti'"),
            (["congres-2025", "--format", "pdf"], "Unknown format: 'pdf'"),
            (["congres-2025", "--output", str(directory / "absent" / "liste.csv")], "No such directory"),
        ]
        for args, message in cases:
            with self.subTest(args=args):
                output = [] if "--output" in args else ["--output", str(target)]
                with self.assertRaisesMessage(CommandError, message):
                    call_command("export_participants", *args, *output)
        self.assertEqual(os.listdir(directory), [])
        self.assertFalse(ParticipantExport.objects.exists())

    def test_an_existing_file_survives_a_failed_export(self):
        target = Path(self.enterContext(self.temporary_directory())) / "liste.csv"
        target.write_text("ancienne liste")
        with self.assertRaises(CommandError):
            call_command("export_participants", "inconnu", "--output", str(target))
        self.assertEqual(target.read_text(), "ancienne liste")

    def test_a_write_failure_leaves_no_temporary_file(self):
        directory = Path(self.enterContext(self.temporary_directory()))
        (directory / "liste.csv").mkdir()
        with self.assertRaisesMessage(CommandError, "Cannot write the export"):
            call_command("export_participants", "congres-2025", "--output", str(directory / "liste.csv"))
        self.assertEqual(os.listdir(directory), ["liste.csv"])
        self.assertEqual(os.listdir(directory / "liste.csv"), [])
        self.assertFalse(ParticipantExport.objects.get().completed)

    @staticmethod
    def temporary_directory():
        import tempfile

        return tempfile.TemporaryDirectory()


class CommandLineTests(TestCase):
    """From a shell: one line on stderr and a non-zero exit status."""

    def test_an_unknown_format_from_the_shell(self):
        result = subprocess.run(
            [sys.executable, "manage.py", "export_participants", "congres-2025", "--format", "pdf"],
            cwd=BASE_DIR, capture_output=True, text=True, timeout=60,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"},
        )
        self.assertNotEqual(result.returncode, 0)
        self.assertEqual(result.stdout, "")
        self.assertEqual(result.stderr.strip().splitlines(), ["CommandError: Unknown format: 'pdf' (choose among excel, csv, xlsx)."])
