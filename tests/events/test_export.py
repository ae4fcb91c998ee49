"""The participant export file: format, order, injection, streaming, and its two row sources."""

import csv
import io
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import psycopg
import pytest
from django.db import connection, transaction
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.text import LIGATURES, sort_key
from events.exporters import (
    FORMULA_PATTERN,
    ParticipantExporter,
    defuse,
    pg_cell,
    pg_sort_key,
    recorded,
    register_sqlite_functions,
    start_record,
)
from events.models import ParticipantExport, Participation
from people.models import Person
from tests.factories import local, make_event, make_organisation, make_participation, make_person

HEADERS = [
    "Nom", "Prénom", "Organisation", "Fonction", "Rôle", "Intitulé de l’intervention",
    "Courriel", "Téléphone", "Statut", "Inscrit le", "Événement",
]
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")


def export(participations=None, **kwargs) -> bytes:
    exporter = ParticipantExporter(Participation.objects.all() if participations is None else participations, **kwargs)
    return b"".join(exporter.stream())


def parse(data: bytes, format="excel") -> list[list[str]]:
    text = data.decode("utf-8-sig" if format == "excel" else "utf-8")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";" if format == "excel" else ","))


def add_participants(event, count):
    people = Person.objects.bulk_create(
        Person(first_name=f"Prénom {n}", last_name=f"Nom {n:05}", slug=f"p-{event.slug}-{n}", email=f"p{n}@example.org")
        for n in range(count)
    )
    Participation.objects.bulk_create(
        Participation(event=event, person=person, role=Participation.Role.ATTENDEE, talk_title="x" * 80)
        for person in people
    )


class ExportFileTests(TestCase):
    """A communication officer opens the list of a congress in a spreadsheet."""

    @classmethod
    def setUpTestData(cls):
        cls.event = make_event(title="Congrès « Bassin minier » 2025", slug="congres-2025")
        town = make_organisation(name="Ville de Lens")
        region = make_organisation(name="Région Hauts-de-France")
        emilie = make_person(
            first_name="Émilie", last_name="Éluard", job_title="=1+1", phone="+33 3 21 08 72 72", organisation=region
        )
        cls.emilie = make_participation(
            cls.event,
            emilie,
            organisation=town,
            talk_title='Le "bassin"; vu d\'ici,\nen deux lignes',
            created=local(2025, 5, 7, 14, 30),
        )
        zoe = make_person(first_name="Zoé", last_name="Zola", job_title="+cmd|' /C calc'!A0", organisation=region)
        cls.zoe = make_participation(
            cls.event, zoe, role=Participation.Role.ATTENDEE, status=Participation.Status.REGISTERED,
            talk_title="-2+3", created=local(2025, 1, 15, 9, 5),
        )
        Participation.objects.filter(pk=cls.zoe.pk).update(organisation=None)
        for last, first, job in [
            ("Dupont", "Zacharie", "@SUM(1+1)*cmd|' /C calc'!A0"),
            ("Dupont", "Émile", "\t=1+1"),
            ("Durand", "E\u0301tienne", "\r=1+1"),
            ("Durand", "Eve", "- rien"),
            ("eluard", "Anne", "chargée de mission"),
            ("ELUARD", "Bruno", ""),
            ("Œillet", "Marc", "directeur ; adjoint"),
            ("Oeillet", "Aude", "cheffe, de projet"),
            ("Ångström", "Ola", "ingénieure"),
            ("Ćosić", "Ivo", "+"),
        ]:
            make_participation(cls.event, make_person(last_name=last, first_name=first, job_title=job, phone=""))
        make_participation(make_event(slug="autre"), make_person(last_name="Ailleurs"))

    def setUp(self):
        self.participations = Participation.objects.filter(event=self.event)

    def test_excel_format_is_utf8_with_bom_semicolons_and_crlf(self):
        data = export(self.participations)
        self.assertTrue(data.startswith(b"\xef\xbb\xbfNom;Pr\xc3\xa9nom;"))
        self.assertNotIn(b"sep=", data)
        self.assertEqual(data.count(b"\n"), data.count(b"\r\n"))
        self.assertTrue(data.endswith(b"\r\n"))

    def test_csv_format_is_rfc4180_without_bom(self):
        data = export(self.participations, format="csv")
        self.assertTrue(data.startswith(b"Nom,Pr\xc3\xa9nom,Organisation,"))
        self.assertEqual(data.count(b"\n"), data.count(b"\r\n"))
        self.assertEqual(parse(data, "csv"), parse(export(self.participations), "excel"))

    def test_headers_in_french_and_in_order(self):
        self.assertEqual(parse(export(self.participations))[0], HEADERS)

    def test_one_row_per_participation_of_the_event(self):
        rows = parse(export(self.participations))[1:]
        self.assertEqual(len(rows), 12)
        self.assertTrue(all(row[10] == "Congrès « Bassin minier » 2025" for row in rows))

    def test_sorted_by_last_then_first_name_ignoring_case_and_accents(self):
        names = [(row[0], row[1]) for row in parse(export(self.participations))[1:]]
        self.assertEqual(
            names,
            [
                ("Ångström", "Ola"),
                ("Ćosić", "Ivo"),
                ("Dupont", "Émile"),
                ("Dupont", "Zacharie"),
                ("Durand", "E\u0301tienne"),
                ("Durand", "Eve"),
                ("eluard", "Anne"),
                ("ELUARD", "Bruno"),
                ("Éluard", "Émilie"),
                ("Oeillet", "Aude"),
                ("Œillet", "Marc"),
                ("Zola", "Zoé"),
            ],
        )

    def test_a_participant_row(self):
        row = next(row for row in parse(export(self.participations)) if row[0] == "Éluard")
        self.assertEqual(
            row,
            [
                "Éluard", "Émilie", "Ville de Lens", "'=1+1", "Intervenant",
                'Le "bassin"; vu d\'ici,\r\nen deux lignes', self.emilie.person.email, "+33 3 21 08 72 72",
                "Confirmé", "07/05/2025 14:30", "Congrès « Bassin minier » 2025",
            ],
        )

    def test_organisation_falls_back_to_the_persons(self):
        row = next(row for row in parse(export(self.participations)) if row[0] == "Zola")
        self.assertEqual(row[2], "Région Hauts-de-France")
        self.assertEqual(row[4:6], ["Participant", "'-2+3"])
        self.assertEqual(row[8:10], ["Inscrit", "15/01/2025 09:05"])

    def test_formulas_are_defused_in_the_file(self):
        jobs = {row[0] + " " + row[1]: row[3] for row in parse(export(self.participations))[1:]}
        self.assertEqual(jobs["Zola Zoé"], "'+cmd|' /C calc'!A0")
        self.assertEqual(jobs["Dupont Zacharie"], "'@SUM(1+1)*cmd|' /C calc'!A0")
        self.assertEqual(jobs["Dupont Émile"], "'\t=1+1")
        self.assertEqual(jobs["Durand E\u0301tienne"], "'\r\n=1+1")
        self.assertEqual(jobs["Durand Eve"], "'- rien")
        self.assertEqual(jobs["Ćosić Ivo"], "'+")
        self.assertEqual(jobs["Œillet Marc"], "directeur ; adjoint")
        self.assertEqual(jobs["Oeillet Aude"], "cheffe, de projet")

    def test_a_value_outside_the_choices_is_written_raw_and_defused(self):
        Participation.objects.filter(pk=self.zoe.pk).update(role="=import", status="")
        for use_copy in [False, True] if connection.vendor == "postgresql" else [False]:
            with self.subTest(use_copy=use_copy):
                row = next(row for row in parse(export(self.participations, use_copy=use_copy)) if row[0] == "Zola")
                self.assertEqual((row[4], row[8]), ("'=import", ""))

    def test_file_names(self):
        today = timezone.localdate().isoformat()
        one = ParticipantExporter(self.participations, events=[self.event])
        self.assertEqual(one.filename(), f"participants-congres-2025-{today}.csv")
        several = ParticipantExporter(Participation.objects.all(), events=[self.event, self.zoe.event])
        self.assertEqual(several.filename(), f"participants-{today}.csv")

    def test_unknown_format_is_refused(self):
        with self.assertRaises(ValueError):
            ParticipantExporter(self.participations, format="pdf")

    def test_an_empty_selection_is_a_header_line(self):
        for participations in (Participation.objects.none(), Participation.objects.filter(event__in=[])):
            for use_copy in [False, True] if connection.vendor == "postgresql" else [False]:
                with self.subTest(participations=participations, use_copy=use_copy):
                    self.assertEqual(parse(export(participations, use_copy=use_copy)), [HEADERS])

    def test_everybody_at_once(self):
        rows = parse(export(Participation.objects.all()))
        self.assertEqual(len(rows), 1 + 13)
        self.assertEqual(rows[1][0], "Ailleurs")

    def test_portable_source_on_every_database(self):
        data = export(self.participations, use_copy=False)
        self.assertEqual(data, export(self.participations))

    @on_postgresql
    def test_copy_and_portable_sources_write_the_same_bytes(self):
        for format in ("excel", "csv"):
            with self.subTest(format=format):
                copy = ParticipantExporter(self.participations, format=format, use_copy=True)
                portable = ParticipantExporter(self.participations, format=format, use_copy=False)
                self.assertEqual(b"".join(copy.stream()), b"".join(portable.stream()))
                self.assertEqual(copy.row_count, portable.row_count)
                self.assertEqual(copy.row_count, 12)

    @on_postgresql
    def test_copy_export_of_a_filtered_selection(self):
        speakers = Participation.objects.filter(event=self.event, role="speaker", person__last_name__icontains="u")
        copy = export(speakers, use_copy=True)
        self.assertEqual(copy, export(speakers, use_copy=False))
        self.assertEqual(len(parse(copy)), 1 + speakers.count())


DEFUSE_CASES = [
    ("=1+1", "'=1+1"),
    ("+1+1", "'+1+1"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
    ("=HYPERLINK(\"http://x.example\",\"clic\")", "'=HYPERLINK(\"http://x.example\",\"clic\")"),
    ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
    ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r\n=1+1"),
    ("-", "'-"),
    ("+", "'+"),
    ("+A1", "'+A1"),
    ("+1:1", "'+1:1"),
    ("+33 3 21 08 72 72\n=1+1", "'+33 3 21 08 72 72\r\n=1+1"),
    ("+33 3 21 08 72 72", "+33 3 21 08 72 72"),
    ("+33 (0)3 21 08 72 72", "+33 (0)3 21 08 72 72"),
    ("+33.3.21.08.72.72", "+33.3.21.08.72.72"),
    ("+1-555-0100", "+1-555-0100"),
    ("+33\u00a03\u00a021\u00a008\u00a072\u00a072", "+33\u00a03\u00a021\u00a008\u00a072\u00a072"),
    ("+33\u202f3\u202f21\u202f08\u202f72\u202f72", "+33\u202f3\u202f21\u202f08\u202f72\u202f72"),
    ("03 21 08 72 72", "03 21 08 72 72"),
    ("Jean-Marie", "Jean-Marie"),
    ("a=1+1", "a=1+1"),
    ("É=1+1", "É=1+1"),
    ("l'@ssociation", "l'@ssociation"),
    ("ligne 1\nligne 2", "ligne 1\r\nligne 2"),
    ("ligne 1\r\nligne 2\rligne 3", "ligne 1\r\nligne 2\r\nligne 3"),
    ("ligne 1\n=1+1", "ligne 1\r\n=1+1"),
    ("", ""),
    (" ", " "),
    ("\u00a0", "\u00a0"),
    ("\u200b", "\u200b"),
    # What a spreadsheet skips before reading a formula: white space, no-break spaces,
    # zero-width characters, a byte-order mark.
    (" =1+1", "' =1+1"),
    ("   @SUM(A1:A2)", "'   @SUM(A1:A2)"),
    ("\u00a0=1+1", "'\u00a0=1+1"),
    ("\u202f-2+3", "'\u202f-2+3"),
    ("\u3000=1+1", "'\u3000=1+1"),
    ("\u200b=1+1", "'\u200b=1+1"),
    ("\u200c+A1", "'\u200c+A1"),
    ("\u200d@SUM(A1:A2)", "'\u200d@SUM(A1:A2)"),
    ("\u2060=1+1", "'\u2060=1+1"),
    ("\ufeff=1+1", "'\ufeff=1+1"),
    (" \u200b\u00a0\t=1+1", "' \u200b\u00a0\t=1+1"),
    (" +33 3 21 08 72 72", "' +33 3 21 08 72 72"),
    # The full-width signs.
    ("\uff1d1+1", "'\uff1d1+1"),
    ("\uff0bA1", "'\uff0bA1"),
    ("\uff0d2+3", "'\uff0d2+3"),
    ("\uff20SUM(A1:A2)", "'\uff20SUM(A1:A2)"),
    ("\uff0b33 3 21 08 72 72", "'\uff0b33 3 21 08 72 72"),
    # A leading line break is written CRLF: the cell starts with CR.
    ("\n=1+1", "'\r\n=1+1"),
    ("\r\n=1+1", "'\r\n=1+1"),
    ("\nsuite", "'\r\nsuite"),
    ("+33 3 21 08 72 72\n", "'+33 3 21 08 72 72\r\n"),
]


class DefuseTests(TestCase):
    def test_formula_triggers_get_a_leading_quote_phone_numbers_do_not(self):
        for value, expected in DEFUSE_CASES:
            with self.subTest(value=value):
                self.assertEqual(defuse(value), expected)

    def test_no_formula_starts_with_a_letter_from_A_to_DEL(self):
        """pg_cell() skips the pattern for a cell starting with A to DEL (U+0041-U+007F)."""
        self.assertEqual([chr(c) for c in range(0x41, 0x80) if re.match(FORMULA_PATTERN, chr(c) + "=1+1")], [])

    def test_every_unicode_space_may_come_before_a_formula(self):
        """White space that str.isspace() knows is skipped before a formula sign, as a spreadsheet may."""
        spaces = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]
        self.assertEqual([space for space in spaces if not re.match(FORMULA_PATTERN, space + "=1+1")], [])

    def test_sql_defusing_matches_python(self):
        """On PostgreSQL, the COPY source's SQL gives the same cell as the portable writer."""
        if connection.vendor != "postgresql":
            self.skipTest("SQL defusing is PostgreSQL's")
        with connection.cursor() as cursor:
            for value, expected in DEFUSE_CASES:
                with self.subTest(value=value):
                    cursor.execute(f"SELECT {pg_cell('v')} FROM (SELECT %s::text AS v) AS t", [value])
                    (cell,) = cursor.fetchone()
                    self.assertEqual("" if cell is None else cell.replace("\n", "\r\n"), expected)


def row_sources() -> list[bool]:
    """use_copy values to try: the portable source everywhere, COPY on PostgreSQL."""
    return [False, True] if connection.vendor == "postgresql" else [False]


class HostileCellTests(TestCase):
    """Someone typed every hostile value of DEFUSE_CASES into every text field of a participant."""

    @classmethod
    def setUpTestData(cls):
        cls.title = "\u200b=HYPERLINK(\"http://x.example\")"
        event = make_event(title=cls.title, slug="piege")
        for n, (value, _) in enumerate(DEFUSE_CASES):
            person = make_person(
                last_name=value, first_name=f"{n:02}", job_title=value, email=value, phone=value, slug=f"piege-{n}"
            )
            organisation = make_organisation(name=value, slug=f"piege-{n}")
            make_participation(event, person, organisation=organisation, talk_title=value)
        cls.participations = Participation.objects.filter(event=event)

    def test_every_text_cell_reads_as_text(self):
        """Names, organisation, job, talk, e-mail, phone and event title are all defused, from both sources."""
        for use_copy in row_sources():
            with self.subTest(use_copy=use_copy):
                rows = {row[1]: row for row in parse(export(self.participations, use_copy=use_copy))[1:]}
                for n, (value, expected) in enumerate(DEFUSE_CASES):
                    row = rows[f"{n:02}"]
                    cells = [row[0], row[2], row[3], row[5], row[6], row[7]]
                    self.assertEqual(cells, [expected] * 6, msg=repr(value))
                    self.assertEqual(row[10], "'" + self.title)

    @on_postgresql
    def test_copy_and_portable_sources_write_the_same_bytes(self):
        for format in ("excel", "csv"):
            with self.subTest(format=format):
                copy = export(self.participations, format=format, use_copy=True)
                self.assertEqual(copy, export(self.participations, format=format, use_copy=False))


SORT_CASES = ["Émilie", "ÉMILIE", "emilie", "Zoé", "Œuvray", "Straße", "Ångström", "E\u0301lodie", "Łukasz",
              "Ærø", "d'Arc", "Ĳssel", "Ørsted", "Nuñez", "Çelik", "Þór", "İzmir", "Ωmega", "李", "tab\tA", ""]


class SortKeyTests(TestCase):
    def test_python_key_folds_case_accents_and_ligatures(self):
        self.assertEqual(sort_key("Émilie"), "emilie")
        self.assertEqual(sort_key("Œuvray"), "oeuvray")
        self.assertEqual(sort_key("Straße"), "strasse")
        self.assertEqual(sort_key("E\u0301lodie"), "elodie")
        self.assertLess(sort_key("Émilie"), sort_key("Zoé"))
        self.assertTrue(all(value.isascii() for value in LIGATURES.values()))

    def test_database_key_matches_python(self):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                expression = pg_sort_key("v")
            else:
                register_sqlite_functions(connection)
                expression = "bassin_sort_key(v)"
            for value in SORT_CASES:
                with self.subTest(value=value):
                    cursor.execute(f"SELECT {expression} FROM (SELECT CAST(%s AS text) AS v) AS t", [value])
                    self.assertEqual(cursor.fetchone()[0], sort_key(value))


class StreamingTests(TestCase):
    """A thousand participants stream in chunks, in as many queries as ten."""

    @classmethod
    def setUpTestData(cls):
        cls.small = make_event(slug="petit")
        add_participants(cls.small, 10)
        cls.large = make_event(slug="grand")
        add_participants(cls.large, 1000)

    def count_queries(self, event, **kwargs):
        exporter = ParticipantExporter(Participation.objects.filter(event=event), **kwargs)
        record = start_record(exporter, source=ParticipantExport.Source.COMMAND, username="test")
        with CaptureQueriesContext(connection) as queries:
            chunks = list(recorded(exporter, record))
        record.refresh_from_db()
        return len(queries), len(chunks), record.row_count

    def test_constant_number_of_queries_portable_source(self):
        small = self.count_queries(self.small, use_copy=False)
        large = self.count_queries(self.large, use_copy=False)
        self.assertEqual(small[0], large[0])
        self.assertEqual(small[0], 2)  # the rows, then the audit record's count
        self.assertGreater(large[1], small[1])
        self.assertEqual((small[2], large[2]), (10, 1000))

    @on_postgresql
    def test_constant_number_of_queries_copy_source(self):
        small = self.count_queries(self.small, use_copy=True)
        large = self.count_queries(self.large, use_copy=True)
        self.assertEqual(small[0], large[0])
        self.assertEqual(small[0], 2)
        self.assertGreater(large[1], small[1])
        self.assertEqual((small[2], large[2]), (10, 1000))

    def test_large_export_is_the_same_from_both_sources(self):
        participations = Participation.objects.filter(event=self.large)
        data = export(participations, use_copy=False)
        self.assertEqual(len(parse(data)), 1001)
        if connection.vendor == "postgresql":
            self.assertEqual(data, export(participations, use_copy=True))

    def test_interrupted_download_records_the_rows_sent(self):
        for use_copy in ([False, True] if connection.vendor == "postgresql" else [False]):
            with self.subTest(use_copy=use_copy):
                exporter = ParticipantExporter(Participation.objects.filter(event=self.large), use_copy=use_copy)
                record = start_record(exporter, source=ParticipantExport.Source.COMMAND, username="test")
                chunks = recorded(exporter, record)
                next(chunks), next(chunks), next(chunks)  # header, two chunks: the first one was delivered
                chunks.close()
                record.refresh_from_db()
                self.assertFalse(record.completed)
                self.assertGreater(record.row_count, 0)
                self.assertLess(record.row_count, 1000)
                self.assertIsNotNone(record.finished)
                self.assertEqual(Participation.objects.filter(event=self.small).count(), 10)

    @on_postgresql
    def test_the_copy_has_a_time_limit_of_its_own(self):
        """Longer than a page may run, but not forever; the connection keeps the web's limit after."""
        def statement_timeout():
            with connection.cursor() as cursor:
                cursor.execute("SHOW statement_timeout")
                return cursor.fetchone()[0]

        participations = Participation.objects.filter(event=self.large)
        self.assertEqual(len(parse(export(participations, use_copy=True))), 1001)
        self.assertEqual(statement_timeout(), "20s")
        with override_settings(PARTICIPANT_EXPORT_TIMEOUT="1ms"), transaction.atomic():
            with self.assertRaises(psycopg.errors.QueryCanceled):
                export(participations, use_copy=True)
            transaction.set_rollback(True)
        self.assertEqual(statement_timeout(), "20s")

    def test_complete_download_is_recorded(self):
        exporter = ParticipantExporter(Participation.objects.filter(event=self.small), events=[self.small])
        record = start_record(exporter, source=ParticipantExport.Source.COMMAND, username="cron")
        self.assertEqual((record.row_count, record.completed), (0, False))
        b"".join(recorded(exporter, record))
        record.refresh_from_db()
        self.assertEqual((record.row_count, record.completed, record.events), (10, True, ["petit"]))


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
class LibreOfficeTests(TestCase):
    """LibreOffice opens the file with formula evaluation on: defused cells stay text."""

    @classmethod
    def setUpTestData(cls):
        event = make_event(title="Réunion à Liévin", slug="lievin")
        person = make_person(first_name="Émilie", last_name="Éluard", job_title="=1+1", phone="+33 3 21 08 72 72")
        make_participation(event, person, talk_title="+cmd|' /C calc'!A0")
        for n, (value, _) in enumerate(DEFUSE_CASES):
            make_participation(event, make_person(last_name="Piège", first_name=f"{n:02}", job_title=value, phone=""))
        data = export(Participation.objects.filter(event=event))
        # "Remove spaces" is a box of LibreOffice's import dialog: with it, " =1+1" is a formula.
        cls.opened = {remove_spaces: open_in_libreoffice(data, remove_spaces=remove_spaces) for remove_spaces in (False, True)}

    def test_formulas_stay_text_and_accents_survive(self):
        for remove_spaces, (control, exported) in self.opened.items():
            with self.subTest(remove_spaces=remove_spaces):
                self.assertRegex(control["sheet"], "<f[ >]")  # this set-up does evaluate formulas
                self.assertNotRegex(exported["sheet"], "<f[ >]")
                self.assertIn("'=1+1", exported["strings"])
                self.assertIn("'+cmd|' /C calc'!A0", exported["strings"])
                self.assertIn("Émilie", exported["strings"])
                self.assertIn("Réunion à Liévin", exported["strings"])
                self.assertIn("+33 3 21 08 72 72", exported["strings"])

    def test_hostile_cells_show_their_leading_quote_and_phone_numbers_do_not(self):
        """Each hostile value of DEFUSE_CASES reads as its defused text, whatever comes before the formula."""
        for remove_spaces, (_, exported) in self.opened.items():
            with self.subTest(remove_spaces=remove_spaces):
                for value, expected in DEFUSE_CASES:
                    if expected.startswith(("'", "+")):
                        # LibreOffice keeps a line break inside a cell as LF.
                        self.assertIn(expected.replace("\r\n", "\n"), exported["strings"], msg=repr(value))


def open_in_libreoffice(data: bytes, *, remove_spaces: bool):
    """The exported file and a control file holding a bare =1+1, opened and saved as xlsx."""
    with tempfile.TemporaryDirectory() as directory:
        folder = Path(directory)
        (folder / "export.csv").write_bytes(data)
        (folder / "control.csv").write_bytes("\ufeffNom;Calcul\r\nÉluard;=1+1\r\n".encode())
        # ; separator, " quotes, UTF-8 (76), from line 1, French (1036), ..., token 11: remove
        # spaces, token 13: evaluate formulas.
        import_options = f"CSV:59,34,76,1,,1036,false,false,false,false,{str(remove_spaces).lower()},-1,true"
        subprocess.run(
            [
                SOFFICE, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
                f"--infilter={import_options}", "--convert-to", "xlsx", "--outdir", str(folder),
                str(folder / "export.csv"), str(folder / "control.csv"),
            ],
            check=True, capture_output=True, timeout=60,
        )
        return read_xlsx(folder / "control.xlsx"), read_xlsx(folder / "export.xlsx")


def read_xlsx(path):
    with zipfile.ZipFile(path) as archive:
        strings = ElementTree.fromstring(archive.read("xl/sharedStrings.xml"))
        return {
            "sheet": archive.read("xl/worksheets/sheet1.xml").decode(),
            "strings": ["".join(item.itertext()) for item in strings],
        }
