"""The participant list as XLSX: typed cells, the sheet's dressing, both row sources, LibreOffice."""

import csv
import io
import shutil
import subprocess
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl.utils.escape import unescape

from events.exporters import ParticipantExporter, sheet_name
from events.exporters.xlsx import DATETIME_FORMAT, ParticipantSheet
from events.models import ParticipantExport, Participation
from people.models import Person
from tests.factories import make_event, make_organisation, make_participation, make_person, make_user

HEADERS = [
    "Nom", "Prénom", "Organisation", "Fonction", "Rôle", "Intitulé de l’intervention",
    "Courriel", "Téléphone", "Statut", "Inscrit le", "Événement",
]  # fmt: skip
SOFFICE = shutil.which("libreoffice") or shutil.which("soffice")
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
# Values a spreadsheet could take for something else: each must come back as the very same text.
TRICKY_TEXT = [
    "=1+1",
    "+33 3 21 08 72 72",
    "0321087272",
    "-2+3",
    "@SUM(A1:A2)",
    '=HYPERLINK("http://x.example","clic")',
    "007",
    "1e5",
    "12/05/2025",
    "TRUE",
    "  espaces autour  ",
    "ligne 1\nligne 2",
    'a & b <c> "d"',
    "_x0041_ littéral",
    "contrôle \x07 caché",
    "Œuvre, straße, Nguyễn",
    "tabulation\t",
    "\u00a0insécable",
    "fin \nde ligne",
    "x_x",
]


def workbook_of(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def export(participations=None, **kwargs) -> bytes:
    participations = Participation.objects.all() if participations is None else participations
    return b"".join(ParticipantExporter(participations, format="xlsx", **kwargs).stream())


class XlsxFileTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.event = make_event(
            title="Congrès : friches [2025] / « Bassin » ?", slug="congres-xlsx", timezone="America/Toronto"
        )
        organisation = make_organisation(name="=Organisme")
        cls.alice = make_participation(
            cls.event,
            make_person(
                first_name="Émilie", last_name="Éluard", job_title="=1+1", phone="0321087272",
                email="+emilie@example.org", organisation=organisation,
            ),
            role=Participation.Role.SPEAKER,
            talk_title="-Friches : la suite",
            created=datetime(2025, 5, 7, 18, 30, tzinfo=UTC),  # 14:30 in Toronto (UTC-4 in May)
        )  # fmt: skip
        cls.bob = make_participation(
            cls.event,
            make_person(first_name="Bob", last_name="Zola", phone="+33 3 21 08 72 72", job_title=""),
            created=datetime(2025, 1, 10, 9, 5, tzinfo=UTC),
        )
        cls.data = export(Participation.objects.filter(event=cls.event), events=[cls.event])

    def setUp(self):
        self.sheet = workbook_of(self.data).worksheets[0]  # not in setUpTestData: a deep copy loses its styles

    def test_header_and_rows_in_order(self):
        rows = list(self.sheet.iter_rows(values_only=True))
        self.assertEqual(list(rows[0]), HEADERS)
        self.assertEqual([row[0] for row in rows[1:]], ["Éluard", "Zola"])

    def test_text_cells_stay_text(self):
        """Phone numbers keep their leading zero or +33; =, +, - and @ starts are text, not formulas."""
        alice, bob = list(self.sheet.iter_rows(min_row=2))
        by_header = dict(zip(HEADERS, alice, strict=True))
        expected = {
            "Fonction": "=1+1", "Téléphone": "0321087272", "Courriel": "+emilie@example.org",
            "Organisation": "=Organisme", "Intitulé de l’intervention": "-Friches : la suite", "Rôle": "Intervenant",
        }  # fmt: skip
        for header, value in expected.items():
            with self.subTest(header=header):
                cell = by_header[header]
                self.assertEqual((cell.value, cell.data_type, cell.number_format), (value, "s", "@"))
        self.assertEqual(bob[7].value, "+33 3 21 08 72 72")
        self.assertEqual(bob[7].data_type, "s")
        with zipfile.ZipFile(io.BytesIO(self.data)) as archive:
            self.assertNotRegex(archive.read("xl/worksheets/sheet1.xml").decode(), "<f[ >]")

    def test_registration_is_a_date_in_the_event_time_zone(self):
        cell = self.sheet["J2"]
        self.assertTrue(cell.is_date)
        self.assertEqual(cell.value, datetime(2025, 5, 7, 14, 30))
        self.assertEqual(cell.number_format, DATETIME_FORMAT)
        self.assertEqual(self.sheet["J3"].value, datetime(2025, 1, 10, 4, 5))  # UTC-5 in January

    def test_sheet_dressing(self):
        self.assertEqual(self.sheet.title, "Congrès friches 2025 « Bassin »")
        self.assertTrue(all(cell.font.b for cell in self.sheet[1]))
        self.assertEqual(self.sheet.freeze_panes, "A2")
        self.assertEqual(self.sheet.auto_filter.ref, "A1:K3")
        self.assertEqual(self.sheet.column_dimensions["C"].width, pytest.approx(32, abs=1))
        self.assertGreater(self.sheet.column_dimensions["F"].width, self.sheet.column_dimensions["E"].width)

    def test_an_empty_list_is_a_sheet_with_its_header(self):
        sheet = workbook_of(export(Participation.objects.none(), events=[self.event])).worksheets[0]
        self.assertEqual([list(row) for row in sheet.iter_rows(values_only=True)], [HEADERS])

    def test_chosen_columns_in_their_order(self):
        data = export(
            Participation.objects.filter(event=self.event), events=[self.event], columns=["phone", "last_name"]
        )
        rows = list(workbook_of(data).worksheets[0].iter_rows(values_only=True))
        self.assertEqual(rows, [("Téléphone", "Nom"), ("0321087272", "Éluard"), ("+33 3 21 08 72 72", "Zola")])

    def test_several_events_make_one_sheet_named_participants(self):
        other = make_event(title="Atelier", slug="atelier-xlsx")
        make_participation(other, make_person(last_name="Morel"))
        data = export(Participation.objects.all(), events=[self.event, other])
        sheet = workbook_of(data).worksheets[0]
        self.assertEqual(sheet.title, "Participants")
        self.assertEqual(sheet.max_row, 4)

    def test_tricky_text_round_trips(self):
        event = make_event(slug="pieges-xlsx")
        for n, value in enumerate(TRICKY_TEXT):
            make_participation(event, make_person(last_name=f"Piège {n:02}", job_title=value))
        sheet = workbook_of(export(Participation.objects.filter(event=event), events=[event])).worksheets[0]
        # openpyxl undoes OOXML's _xHHHH_ escapes in shared strings only, not in inline ones.
        values = [unescape(row[3]) for row in sheet.iter_rows(min_row=2, values_only=True)]
        self.assertEqual(values, TRICKY_TEXT)

    def test_constant_number_of_queries(self):
        counts = []
        for size in (10, 300):
            event = make_event(slug=f"xlsx-{size}")
            people = Person.objects.bulk_create(
                Person(first_name="P", last_name=f"N{n:04}", slug=f"x-{size}-{n}") for n in range(size)
            )
            Participation.objects.bulk_create(Participation(event=event, person=person) for person in people)
            with CaptureQueriesContext(connection) as queries:
                sheet = workbook_of(export(Participation.objects.filter(event=event))).worksheets[0]
            self.assertEqual(sheet.max_row, size + 1)
            counts.append(len(queries))
        self.assertEqual(counts[0], counts[1])

    @on_postgresql
    def test_copy_and_the_portable_source_make_the_same_sheet(self):
        for n, value in enumerate(TRICKY_TEXT):
            make_participation(self.event, make_person(last_name=f"Piège {n:02}", job_title=value, phone=value))
        participations = Participation.objects.filter(event=self.event)
        sheets = [
            list(workbook_of(export(participations, events=[self.event], use_copy=use_copy)).worksheets[0].values)
            for use_copy in (True, False)
        ]
        self.assertEqual(sheets[0], sheets[1])
        self.assertEqual(len(sheets[0]), len(TRICKY_TEXT) + 3)


class SheetNameTests(TestCase):
    def test_excel_rules(self):
        cases = {
            "Congrès 2025": "Congrès 2025",
            "a[b]c:d*e?f/g\\h": "a b c d e f g h",
            "'Citation'": "Citation",
            "Rencontres régionales de la transition énergétique": "Rencontres régionales de la tra",
            "x" * 30 + "é'": "x" * 30 + "é",
            "": "Participants",
            "[]:*?/\\": "Participants",
            "History": "Participants",
            "Ligne\nsuivante\x00": "Ligne suivante",
            "😀" * 20: "😀" * 15,
        }
        for title, expected in cases.items():
            with self.subTest(title=title):
                self.assertEqual(sheet_name(title), expected)
                self.assertLessEqual(len(expected.encode("utf-16-le")), 62)
                workbook = xlsxwriter.Workbook(io.BytesIO())
                workbook.add_worksheet(sheet_name(title))  # XlsxWriter's own checks agree
                workbook.close()


class FastRowsTests(TestCase):
    """ParticipantSheet.write_rows() writes the XML of XlsxWriter's write_string() and write_datetime()."""

    def sheet_xml(self, fast: bool) -> bytes:
        rows = [
            [value, "", datetime(2025, 5, 7, 14, 30, 15, 500), value.upper()] for value in [*TRICKY_TEXT, "x" * 20000]
        ]
        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": False})
        sheet = workbook.add_worksheet("Feuille", worksheet_class=ParticipantSheet)
        text, date = workbook.add_format({"num_format": "@"}), workbook.add_format({"num_format": DATETIME_FORMAT})
        for index, heading in enumerate(["A", "B", "C", "D"]):
            sheet.write_string(0, index, heading, text)
        if fast:
            kinds = ["text", "text", "datetime", "text"]
            sheet.write_rows(1, rows, kinds, [text._get_xf_index(), text._get_xf_index(), date._get_xf_index(), 1])
        else:
            for number, row in enumerate(rows, 1):
                for index, value in enumerate(row):
                    if isinstance(value, datetime):
                        sheet.write_datetime(number, index, value, date)
                    elif value:
                        sheet.write_string(number, index, value, text)
        sheet.autofilter(0, 0, len(rows), 3)
        workbook.close()
        with zipfile.ZipFile(buffer) as archive:
            return archive.read("xl/worksheets/sheet1.xml")

    def test_same_xml_as_the_public_methods(self):
        self.assertEqual(self.sheet_xml(fast=True), self.sheet_xml(fast=False))

    def test_rows_only_go_forward(self):
        workbook = xlsxwriter.Workbook(io.BytesIO(), {"constant_memory": True})
        sheet = workbook.add_worksheet(worksheet_class=ParticipantSheet)
        sheet.write_string(3, 0, "ligne 4")
        with self.assertRaises(ValueError):
            sheet.write_rows(2, [["x"]], ["text"], [0])
        workbook.close()


class XlsxAdminAndCommandTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.event = make_event(title="Congrès 2025", slug="congres-2025")
        make_participation(cls.event, make_person(first_name="Alice", last_name="Zeller", phone="0612345678"))
        cls.communication = make_user(group="Communication")
        cls.today = timezone.localdate().isoformat()

    def test_the_event_page_exports_xlsx(self):
        self.client.force_login(self.communication)
        response = self.client.post(reverse("admin:events_event_export", args=[self.event.pk]) + "?format=xlsx")
        self.assertEqual(response["Content-Type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        self.assertEqual(
            response["Content-Disposition"], f'attachment; filename="participants-congres-2025-{self.today}.xlsx"'
        )
        sheet = workbook_of(b"".join(response.streaming_content)).worksheets[0]
        self.assertEqual((sheet.title, sheet["A2"].value, sheet["H2"].value), ("Congrès 2025", "Zeller", "0612345678"))
        record = ParticipantExport.objects.get()
        self.assertEqual((record.format, record.row_count, record.completed), ("xlsx", 1, True))
        self.assertEqual(len(record.columns), 11)

    def test_the_participation_list_exports_xlsx(self):
        self.client.force_login(self.communication)
        url = reverse("admin:events_participation_export") + f"?event__id__exact={self.event.pk}&format=xlsx"
        response = self.client.post(url)
        sheet = workbook_of(b"".join(response.streaming_content)).worksheets[0]
        self.assertEqual(sheet.max_row, 2)
        self.assertEqual(ParticipantExport.objects.get().filters, {"event__id__exact": str(self.event.pk)})

    def test_the_command_writes_xlsx(self):
        with tempfile.TemporaryDirectory() as directory:
            target = Path(directory) / "liste.xlsx"
            call_command(
                "export_participants", "congres-2025", "--format", "xlsx", "--output", str(target), verbosity=0
            )
            sheet = openpyxl.load_workbook(target).worksheets[0]
        self.assertEqual(sheet["H2"].value, "0612345678")
        self.assertEqual(ParticipantExport.objects.get().format, "xlsx")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed (apt-get install libreoffice-calc-nogui)")
class LibreOfficeOpensTheWorkbookTests(TestCase):
    """LibreOffice, headless, reads the workbook: text as text, the date as a French date, no formula."""

    def test_libreoffice_reads_it(self):
        event = make_event(title="Réunion à Liévin", slug="lievin-xlsx")
        make_participation(
            event,
            make_person(first_name="Émilie", last_name="Éluard", job_title="=1+1", phone="0321087272"),
            created=datetime(2025, 5, 7, 12, 30, tzinfo=UTC),
        )
        make_participation(event, make_person(last_name="Zola", phone="+33 3 21 08 72 72", job_title="@SUM(A1:A2)"))
        data = export(Participation.objects.filter(event=event), events=[event])
        with tempfile.TemporaryDirectory() as directory:
            folder = Path(directory)
            (folder / "liste.xlsx").write_bytes(data)
            subprocess.run(
                [
                    SOFFICE, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
                    "--convert-to", "csv:Text - txt - csv (StarCalc):59,34,76", "--outdir", str(folder),
                    str(folder / "liste.xlsx"),
                ],
                check=True, capture_output=True, timeout=120,
            )  # fmt: skip
            text = (folder / "liste.csv").read_text("utf-8")
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
        self.assertEqual(rows[0], HEADERS)
        self.assertEqual(rows[1][:4], ["Éluard", "Émilie", "", "=1+1"])
        self.assertEqual(rows[1][7], "0321087272")
        self.assertEqual(rows[1][9], "07/05/2025 14:30")  # Paris, summer time
        self.assertEqual((rows[2][3], rows[2][7]), ("@SUM(A1:A2)", "+33 3 21 08 72 72"))
