"""Importing a list of people into an event: reading files, guessing columns, the preview, the writes."""

import codecs
import io
import random
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path
from unittest import mock

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from events import importing
from events.importing import BadFile, guess_mapping, import_table, plan_import, read_table
from events.models import Participation
from people.models import Organisation, Person
from tests.factories import (
    communication_group,
    make_event,
    make_organisation,
    make_participation,
    make_person,
    make_user,
)

DATA = Path(__file__).parent / "data" / "import"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
HEADER = "Nom;Prénom;E-mail;Organisme;Téléphone;Fonction"


@pytest.fixture(autouse=True)
def english(request):
    """Messages are compared in English here; the admin's tests read them in French."""
    if request.cls is not None and request.cls.__name__ == "AdminImportTests":
        yield
        return
    with translation.override("en"):
        yield


def csv_bytes(*lines: str, encoding="utf-8") -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def plan_of(event, data: bytes, **kwargs):
    table = read_table(data)
    return plan_import(event, table, guess_mapping(table.headers), **kwargs)


def fates(plan) -> list[str]:
    return [row.fate for row in plan.rows]


class ReadingTests(TestCase):
    """Files as staff have them: Excel's CSV in France, UTF-8 with a BOM, commas, XLSX."""

    def test_reads_windows_1252_with_semicolons_as_excel_writes_it_in_france(self):
        table = read_table((DATA / "excel_fr.csv").read_bytes())
        self.assertEqual((table.kind, table.encoding, table.delimiter), ("csv", "windows-1252", ";"))
        self.assertEqual(table.headers[:2], ["Nom", "Prénom"])
        self.assertEqual(table.rows[1][1][:2], ["ŒILLET", "Zoé"])
        self.assertEqual(table.rows[0][0], 2)  # row numbers as the spreadsheet shows them

    def test_reads_utf8_with_bom_and_commas_and_quoted_commas(self):
        table = read_table((DATA / "utf8_bom.csv").read_bytes())
        self.assertEqual((table.encoding, table.delimiter), ("utf-8-sig", ","))
        self.assertEqual(table.headers[0], "E-mail")
        self.assertEqual(table.rows[0][1][4], "chercheuse, géographe")

    def test_reads_utf8_without_bom_utf16_and_the_sep_hint_line(self):
        self.assertEqual(read_table(csv_bytes("Nom,Prénom", "Zola,Émile")).rows[0][1], ["Zola", "Émile"])
        utf16 = codecs.BOM_UTF16_LE + "Nom\tPrénom\r\nZola\tÉmile\r\n".encode("utf-16-le")
        self.assertEqual(read_table(utf16).rows[0][1], ["Zola", "Émile"])
        self.assertEqual(read_table(csv_bytes("sep=,", "Nom;x,Prénom", "Zola;y,Émile")).headers, ["Nom;x", "Prénom"])

    def test_reads_the_first_sheet_of_an_xlsx_numbers_and_dates_as_text(self):
        table = read_table((DATA / "liste.xlsx").read_bytes())
        self.assertEqual(table.kind, "xlsx")
        self.assertEqual(
            table.rows[0][1][:6], ["Ångström", "Ève", "eve.angstrom@example.org", "MBM", "321087272", "02/04/2025"]
        )
        self.assertEqual(table.rows[2][1][1], '=B2&"x"')  # a formula stays a formula, refused later

    def test_a_list_the_site_exported_maps_back_column_by_column(self):
        from events.exporters.columns import COLUMNS, french_headers

        mapping = guess_mapping(french_headers(COLUMNS))
        self.assertEqual(
            sorted(mapping.values()),
            sorted(["last_name", "first_name", "organisation", "job_title", "role", "talk_title", "email", "phone",
                    "status"]),
        )

    def test_blank_rows_and_trailing_empty_cells_are_dropped(self):
        table = read_table(csv_bytes("", "Nom;Prénom;;", ";;;", "Zola;Émile;;", "Hugo"))
        self.assertEqual(table.headers, ["Nom", "Prénom"])
        self.assertEqual(table.rows, [(4, ["Zola", "Émile"]), (5, ["Hugo", ""])])


class BadFileTests(TestCase):
    """Every bad file is one clear sentence, raised before anything is written."""

    def assertRefused(self, data: bytes, words: str):
        with self.assertRaises(BadFile) as caught:
            read_table(data)
        self.assertIn(words, str(caught.exception))

    def test_binary_junk(self):
        self.assertRefused(random.Random(1).randbytes(4096), "neither a CSV text nor an XLSX workbook")
        self.assertRefused(b"\x7fELF\x02\x01\x01" + bytes(200), "neither a CSV")

    def test_empty_files_and_a_header_alone(self):
        self.assertRefused(b"", "empty")
        self.assertRefused(b"\r\n \r\n", "empty")
        self.assertRefused(csv_bytes(HEADER), "no rows of people")

    def test_a_file_over_the_size_limit(self):
        self.assertRefused(b"x" * (50 * 1024 * 1024), "too large")

    def test_too_many_rows_or_columns(self):
        self.assertRefused(csv_bytes("Nom;Prénom", *["Zola;Émile"] * 100_000), "more than 20")
        self.assertRefused(csv_bytes(";".join(f"c{n}" for n in range(60)), "a"), "more than 50 columns")

    def test_a_zip_bomb_disguised_as_xlsx(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/workbook.xml", b"<workbook/>")
            archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (200 * 1024 * 1024))
        self.assertLess(len(buffer.getvalue()), 1024 * 1024)
        self.assertRefused(buffer.getvalue(), "once uncompressed")

    def test_xml_entity_bomb_in_a_workbook(self):
        data = xlsx_bytes([["Nom", "Prénom"], ["Zola", "Émile"]])
        source = zipfile.ZipFile(io.BytesIO(data))
        laughs = (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
            b'<c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>'
        )
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for member in source.infolist():
                sheet = member.filename == "xl/worksheets/sheet1.xml"
                archive.writestr(member, laughs if sheet else source.read(member))
        self.assertRefused(buffer.getvalue(), "cannot be read")  # defusedxml, which openpyxl uses, refuses entities

    def test_other_formats_and_damaged_workbooks(self):
        self.assertRefused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), ".xls")
        ods = io.BytesIO()
        with zipfile.ZipFile(ods, "w") as archive:
            archive.writestr("mimetype", b"application/vnd.oasis.opendocument.spreadsheet")
        self.assertRefused(ods.getvalue(), ".ods")
        plain = io.BytesIO()
        with zipfile.ZipFile(plain, "w") as archive:
            archive.writestr("photo.jpg", b"...")
        self.assertRefused(plain.getvalue(), "not an XLSX workbook")
        damaged = io.BytesIO()
        with zipfile.ZipFile(damaged, "w") as archive:
            archive.writestr("xl/workbook.xml", b"<not-a-workbook")
        self.assertRefused(damaged.getvalue(), "cannot be read")
        self.assertRefused(xlsx_bytes([["Nom"]])[:300], "neither a CSV")  # truncated

    def test_a_csv_field_larger_than_the_csv_module_allows(self):
        self.assertRefused(csv_bytes("Nom;Prénom", '"' + "a" * 200_000 + '";b'), "cannot be read")


class GuessingTests(TestCase):
    def test_french_and_english_headers(self):
        headers = [
            "NOM",
            "Prénom",
            "Courriel",
            "Organisation",
            "Tél.",
            "Fonction",
            "Statut",
            "Rôle",
            "Remarques",
            "Date",
        ]
        self.assertEqual(
            guess_mapping(headers),
            {
                0: "last_name",
                1: "first_name",
                2: "email",
                3: "organisation",
                4: "phone",
                5: "job_title",
                6: "status",
                7: "role",
                8: "notes",
            },
        )
        self.assertEqual(
            guess_mapping(["Last name", "First name", "E-mail address", "Organisme employeur", "Téléphone portable"]),
            {0: "last_name", 1: "first_name", 2: "email", 3: "organisation", 4: "phone"},
        )

    def test_each_field_once_the_first_column_wins(self):
        self.assertEqual(guess_mapping(["E-mail", "Mail"]), {0: "email"})

    def test_our_own_export_reads_back(self):
        headers = [
            "Nom",
            "Prénom",
            "Organisation",
            "Fonction",
            "Rôle",
            "Titre de l’intervention",
            "E-mail",
            "Téléphone",
            "Statut",
            "Inscrit le",
            "Événement",
        ]
        self.assertEqual(
            set(guess_mapping(headers).values()),
            {"last_name", "first_name", "organisation", "job_title", "role", "talk_title", "email", "phone", "status"},
        )


class PlanTests(TestCase):
    """The preview: each row's fate, nothing written."""

    @classmethod
    def setUpTestData(cls):
        cls.event = make_event(title="Rencontre des friches")
        cls.mbm = make_organisation(name="Mission Bassin Minier", acronym="MBM")
        cls.lens = make_organisation(name="Ville de Lens")
        cls.helene = make_person(
            first_name="Hélène", last_name="Lefèvre", email="H.Lefevre@Example.org", organisation=cls.mbm
        )
        cls.zoe = make_person(first_name="Zoé", last_name="Œillet", email="", organisation=cls.lens)
        cls.bruno = make_person(first_name="Bruno", last_name="Morel", email="", organisation=None)
        cls.participant = make_person(first_name="Anne", last_name="Déjà", email="anne@example.org")
        make_participation(cls.event, cls.participant)

    def test_matches_on_email_ignoring_case(self):
        plan = plan_of(self.event, csv_bytes(HEADER, "Lefevre;Helene;h.lefevre@EXAMPLE.org;Autre;;"))
        self.assertEqual((fates(plan), plan.rows[0].person_id), (["existing"], self.helene.pk))

    def test_else_matches_on_folded_name_and_organisation_or_its_acronym(self):
        plan = plan_of(
            self.event,
            csv_bytes(
                HEADER,
                "OEILLET;ZOE;;ville de lens;;",
                "LEFÈVRE;hélène;;mbm;;",
                "Morel;Bruno;;;;",
                "Oeillet;Zoé;;Mission Bassin Minier;;",  # same name, another organisation: someone else
                "Œillet;Zoé;zoe.oeillet@example.org;Ville de Lens;;",  # an address where the other has none: the same
            ),
        )
        self.assertEqual(fates(plan), ["existing", "existing", "existing", "new", "duplicate"])
        self.assertEqual([row.person_id for row in plan.rows[:3]], [self.zoe.pk, self.helene.pk, self.bruno.pk])

    def test_same_name_with_another_email_is_someone_else(self):
        make_person(first_name="Paul", last_name="Durand", email="paul@example.org", organisation=self.mbm)
        plan = plan_of(self.event, csv_bytes(HEADER, "Durand;Paul;paul.durand@autre.example;MBM;;"))
        self.assertEqual(fates(plan), ["new"])

    def test_already_a_participant(self):
        plan = plan_of(self.event, csv_bytes(HEADER, "Déjà;Anne;anne@example.org;;;"))
        self.assertEqual(fates(plan), ["participant"])

    def test_duplicates_inside_the_file_are_reported_once(self):
        plan = plan_of(
            self.event,
            csv_bytes(
                HEADER,
                "Nouveau;Jean;jean@example.org;;;",
                "NOUVEAU;Jean;JEAN@example.org;;;",
                "Sans;Adresse;;Ville de Lens;;",
                "sans;adresse;;ville de lens;;",
                "Lefèvre;Hélène;;MBM;;",
                "Lefevre;Helene;h.lefevre@example.org;;;",  # the same existing person, found another way
            ),
        )
        self.assertEqual(fates(plan), ["new", "duplicate", "new", "duplicate", "existing", "duplicate"])
        self.assertEqual(plan.rows[1].duplicate_of, 2)
        self.assertIn("row 2", plan.rows[1].reason)

    def test_errors_say_why(self):
        plan = plan_of(
            self.event,
            csv_bytes(
                HEADER + ";Rôle;Statut",
                "Seul;;;;;;;",
                "Adresse;Fausse;pas-une-adresse;;;;;",
                '=HYPERLINK("http://evil.example");Clic;;;;;;',
                "Long;Nom;;;;" + "x" * 201 + ";;",
                "Rôle;Inconnu;;;;;Traiteur;",
                "Statut;Inconnu;;;;;;Peut-être",
            ),
        )
        self.assertEqual(fates(plan), ["error"] * 6)
        reasons = [row.reason for row in plan.rows]
        self.assertIn("First name", reasons[0])
        self.assertIn("not an e-mail address", reasons[1])
        self.assertIn("formula", reasons[2])
        self.assertIn("too long", reasons[3])
        self.assertIn("Unknown role", reasons[4])
        self.assertIn("Unknown status", reasons[5])

    def test_role_and_status_columns_read_french_labels_and_codes(self):
        plan = plan_of(
            self.event,
            csv_bytes("Nom;Prénom;Rôle;Statut", "Un;A;Intervenant;Confirmé", "Deux;B;speaker;", "Trois;C;;annulé"),
            role=Participation.Role.DELEGATE,
            status=Participation.Status.INVITED,
        )
        self.assertEqual(
            [(row.role, row.status) for row in plan.rows],
            [("speaker", "confirmed"), ("speaker", "invited"), ("delegate", "cancelled")],
        )

    def test_a_value_our_export_defused_is_read_as_text(self):
        plan = plan_of(self.event, csv_bytes(HEADER, "Moins;Tiret;;;;'-"))
        self.assertEqual((fates(plan), plan.rows[0].values["job_title"]), (["new"], "-"))

    def test_new_organisations_are_listed_once(self):
        plan = plan_of(self.event, csv_bytes(HEADER, "A;A;;Université d’Artois;;", "B;B;;UNIVERSITE D’ARTOIS;;"))
        self.assertEqual(plan.new_organisations, {"universite d’artois": "Université d’Artois"})

    def test_writes_nothing(self):
        before = (Person.objects.count(), Organisation.objects.count(), Participation.objects.count())
        plan_of(self.event, (DATA / "excel_fr.csv").read_bytes())
        self.assertEqual((Person.objects.count(), Organisation.objects.count(), Participation.objects.count()), before)


class WriteTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.event = make_event(title="Rencontre des friches")
        cls.mbm = make_organisation(name="Mission Bassin Minier", acronym="MBM")
        cls.helene = make_person(
            first_name="Hélène",
            last_name="Lefèvre",
            email="helene.lefevre@example.org",
            organisation=cls.mbm,
            slug="helene-lefevre",
        )

    def run_import(self, data: bytes, **kwargs):
        table = read_table(data)
        return import_table(self.event, table, guess_mapping(table.headers), **kwargs)

    def test_writes_people_organisations_and_participations(self):
        plan, result = self.run_import((DATA / "excel_fr.csv").read_bytes(), status=Participation.Status.CONFIRMED)
        self.assertEqual(fates(plan), ["existing", "new", "new"])
        self.assertEqual((result.participations, len(result.people), len(result.organisations)), (3, 2, 2))
        zoe = Person.objects.get(last_name="ŒILLET")
        self.assertEqual(
            (zoe.first_name, zoe.phone, zoe.organisation.name, zoe.is_public),
            ("Zoé", "+33 6 12 34 56 78", "Ville de Lens", False),
        )
        self.assertEqual(zoe.slug, "zoe-oeillet")
        participation = Participation.objects.get(event=self.event, person=zoe)
        self.assertEqual(
            (participation.role, participation.status, participation.organisation_id),
            ("attendee", "confirmed", zoe.organisation_id),
        )
        self.assertEqual(Participation.objects.get(event=self.event, person=self.helene).organisation, self.mbm)
        self.helene.refresh_from_db()
        self.assertEqual(self.helene.phone, "+33 3 21 00 00 00")  # existing people are not changed

    def test_new_slugs_never_take_a_used_one(self):
        make_person(first_name="Jean", last_name="Neuf", slug="jean-neuf")
        make_person(first_name="Jean", last_name="Neuf", slug="jean-neuf-2")
        plan, result = self.run_import(csv_bytes(HEADER, "Neuf;Jean;j1@example.org;;;", "NEUF;Jean;j2@example.org;;;"))
        self.assertEqual(
            sorted(Person.objects.filter(pk__in=result.people).values_list("slug", flat=True)),
            ["jean-neuf-3", "jean-neuf-4"],
        )

    def test_the_organisation_of_the_list_is_that_of_the_participation(self):
        self.run_import(csv_bytes(HEADER, "Lefèvre;Hélène;helene.lefevre@example.org;Région Hauts-de-France;;"))
        participation = Participation.objects.get(person=self.helene)
        self.assertEqual(participation.organisation.name, "Région Hauts-de-France")
        self.helene.refresh_from_db()
        self.assertEqual(self.helene.organisation, self.mbm)

    def test_nothing_is_written_when_a_row_is_in_error_unless_told_to_skip_them(self):
        data = csv_bytes(HEADER, "Bon;Jean;jean@example.org;;;", "Mauvais;;;;;")
        counts = (Person.objects.count(), Participation.objects.count())
        plan, result = self.run_import(data)
        self.assertIsNone(result)
        self.assertEqual((Person.objects.count(), Participation.objects.count()), counts)
        plan, result = self.run_import(data, skip_errors=True)
        self.assertEqual((result.participations, result.skipped_errors), (1, 1))

    def test_nothing_is_written_when_the_fates_changed_since_the_preview(self):
        data = csv_bytes(HEADER, "Neuf;Jean;jean@example.org;;;")
        preview = plan_of(self.event, data)
        make_person(first_name="Jean", last_name="Neuf", email="jean@example.org")
        plan, result = self.run_import(data, expected=preview.counts)
        self.assertIsNone(result)
        self.assertEqual(fates(plan), ["existing"])
        self.assertEqual(Participation.objects.filter(event=self.event).count(), 0)

    def test_a_failure_half_way_leaves_nothing_behind(self):
        data = csv_bytes(HEADER, *(f"Nom{n};Prénom;p{n}@example.org;Org {n % 3};;" for n in range(10)))
        real = Participation.objects.bulk_create
        calls = []

        def fail_second_batch(objects, *args, **kwargs):
            calls.append(1)
            if len(calls) == 2:
                raise RuntimeError("disk full")
            return real(objects, *args, **kwargs)

        counts = (Person.objects.count(), Organisation.objects.count(), Participation.objects.count())
        with (
            mock.patch.object(Participation.objects, "bulk_create", side_effect=fail_second_batch),
            self.assertRaises(RuntimeError),
        ):
            self.run_import(data, batch_size=4)
        self.assertEqual((Person.objects.count(), Organisation.objects.count(), Participation.objects.count()), counts)

    def test_importing_the_same_file_twice_adds_nobody_the_second_time(self):
        data = (DATA / "liste.xlsx").read_bytes()
        plan, result = self.run_import(data, skip_errors=True)
        self.assertEqual(fates(plan), ["new", "new", "error"])
        plan, result = self.run_import(data, skip_errors=True)
        self.assertEqual(fates(plan), ["participant", "participant", "error"])
        self.assertEqual(result.participations, 0)
        note = Participation.objects.get(person__last_name="Ångström").notes
        self.assertEqual(note, "végétarienne")
        # "MBM" is the acronym of an existing organisation.
        self.assertEqual(Person.objects.get(last_name="Ångström").organisation, self.mbm)


class QueryCountTests(TestCase):
    """The number of queries grows with the batches, never with the rows."""

    @classmethod
    def setUpTestData(cls):
        cls.event = make_event()
        cls.organisations = [make_organisation(name=f"Organisme {n}") for n in range(5)]
        for n in range(0, 2000, 4):  # every fourth row is someone the database knows
            make_person(
                first_name="Prénom",
                last_name=f"Connu{n}",
                email=f"p{n}@example.org",
                organisation=cls.organisations[n % 5],
            )

    def rows(self, count: int, offset: int = 0) -> bytes:
        """Half the rows name an existing organisation, the other half one of five new ones."""
        lines = [
            f"Nom{n};Prénom;p{n}@example.org;{f'Organisme {n % 5}' if n % 2 else f'Nouvel organisme {offset} {n % 5}'};;"
            for n in range(offset, offset + count)
        ]
        return csv_bytes(HEADER, *lines)

    def queries(self, data: bytes, batch_size: int) -> list[str]:
        """The statements of an import, one per round trip that PostgreSQL makes.

        SQLite takes at most 999 parameters a statement: Django splits each bulk insert into
        statements of some 90 rows there, counted here as the one insert they are on PostgreSQL.
        """
        table = read_table(data)
        mapping = guess_mapping(table.headers)
        with CaptureQueriesContext(connection) as context:
            plan, result = import_table(self.event, table, mapping, batch_size=batch_size)
        assert result is not None
        statements = []
        for query in context.captured_queries:
            sql = query["sql"]
            table_name = sql.split('"')[1] if sql.startswith("INSERT") else None
            if table_name and statements and statements[-1] == f"INSERT {table_name}" and connection.vendor == "sqlite":
                continue
            statements.append(f"INSERT {table_name}" if table_name else sql.split(" ", 1)[0])
        return statements

    def test_500_and_1000_rows_in_one_batch_take_the_same_queries(self):
        self.assertEqual(
            self.queries(self.rows(500), batch_size=1000), self.queries(self.rows(1000, offset=1000), batch_size=1000)
        )

    def test_each_batch_takes_the_same_queries(self):
        one = self.queries(self.rows(500), batch_size=500)
        two = self.queries(self.rows(1000, offset=500), batch_size=500)
        fixed = 3  # savepoint or transaction, the lock of the event, release
        self.assertEqual(len(two) - fixed, 2 * (len(one) - fixed) - 2)  # new organisations: created by the first batch
        self.assertLessEqual(len(one), 14)


class CommandTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.event = make_event(slug="rencontre")

    def setUp(self):
        self.tmp = Path(default_storage.path(""))

    def file(self, data: bytes, name="liste.csv") -> str:
        path = self.tmp / name
        path.write_bytes(data)
        return str(path)

    def call(self, *args) -> str:
        out = io.StringIO()
        call_command("import_participants", *args, stdout=out)
        return out.getvalue()

    def test_imports_and_prints_the_summary(self):
        output = self.call("rencontre", str(DATA / "excel_fr.csv"), "--role", "delegate")
        self.assertIn("3 rows: 3 new people", output)
        self.assertIn("3 participants, 3 new people, 3 new organisations", output)
        self.assertEqual(set(self.event.participations.values_list("role", flat=True)), {"delegate"})

    def test_dry_run_writes_nothing(self):
        output = self.call("rencontre", str(DATA / "utf8_bom.csv"), "--dry-run")
        self.assertIn("2 rows: 2 new people", output)
        self.assertIn("Dry run", output)
        self.assertFalse(self.event.participations.exists())

    def test_an_error_exits_non_zero_and_writes_nothing_unless_skip_errors(self):
        path = str(DATA / "liste.xlsx")
        with self.assertRaisesMessage(CommandError, "1 rows in error: nothing imported"):
            self.call("rencontre", path)
        self.assertFalse(self.event.participations.exists())
        with self.assertRaisesMessage(CommandError, "nothing would be imported"):
            self.call("rencontre", path, "--dry-run")
        output = self.call("rencontre", path, "--skip-errors")
        self.assertIn("Row 4: “First name” is a formula", output)
        self.assertIn("1 rows in error skipped", output)
        self.assertEqual(self.event.participations.count(), 2)

    def test_bad_arguments_and_files_are_one_line(self):
        junk = self.file(random.Random(2).randbytes(2000), "junk.csv")
        for args, message in [
            (("inconnu", junk), "Unknown event slug"),
            (("rencontre", junk), "neither a CSV text nor an XLSX workbook"),
            (("rencontre", str(self.tmp / "absent.csv")), "Cannot read"),
            (("rencontre", junk, "--role", "chef"), "Unknown role"),
            (("rencontre", self.file(csv_bytes("Nom;Ville", "Zola;Paris"))), "Choose the column holding"),
        ]:
            with self.subTest(message), self.assertRaisesMessage(CommandError, message):
                self.call(*args)


class AdminImportTests(TestCase):
    """Upload, columns, preview, confirm: as an editor of the Communication group."""

    @classmethod
    def setUpTestData(cls):
        communication_group()
        cls.editor = make_user(group="Communication")
        cls.event = make_event(title="Rencontre des friches")
        cls.url = reverse("admin:events_event_import", args=[cls.event.pk])

    def setUp(self):
        self.client.force_login(self.editor)

    def upload(self, data: bytes, name="liste.csv"):
        upload = io.BytesIO(data)
        upload.name = name
        return self.client.post(self.url, {"step": "upload", "file": upload})

    def token_of(self, response) -> str:
        return response.context["token"]

    def mapping_post(self, response, **extra):
        form = response.context["form"]
        data = {name: form[name].value() or "" for name in form.fields}
        data.update(token=self.token_of(response), **extra)
        return data

    def test_the_whole_flow_writes_once_confirmed(self):
        response = self.client.get(self.url)
        self.assertContains(response, 'type="file"')
        response = self.upload((DATA / "excel_fr.csv").read_bytes())
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "admin/events/import_mapping.html")
        self.assertEqual(response.context["form"]["column_2"].value(), "email")  # guessed from "Courriel"
        stored = response.context["stored"]["path"]
        self.assertTrue(default_storage.exists(stored))

        preview = self.client.post(self.url, self.mapping_post(response, step="map", status="confirmed"))
        self.assertTemplateUsed(preview, "admin/events/import_preview.html")
        self.assertEqual(preview.context["expected"], "3-0-0-0-0")
        self.assertFalse(self.event.participations.exists())

        data = {name: value for name, value in preview.context["form"].hidden_values()}
        data.update(token=self.token_of(preview), expected=preview.context["expected"], step="confirm")
        done = self.client.post(self.url, data)
        self.assertRedirects(
            done,
            reverse("admin:events_participation_changelist") + f"?event__id__exact={self.event.pk}",
            fetch_redirect_response=False,
        )
        self.assertEqual(set(self.event.participations.values_list("status", flat=True)), {"confirmed"})
        [message] = [str(m) for m in get_messages(done.wsgi_request)]
        self.assertTrue(message.startswith(f"3 participants ajoutés à «\u00a0{self.event.title}\u00a0» (3 nouvelles personnes, "), message)
        self.assertFalse(default_storage.exists(stored))
        again = self.client.post(self.url, data)  # the same confirmation twice: the import is over
        self.assertContains(again, "a expiré")
        self.assertEqual(self.event.participations.count(), 3)

    def test_rows_in_error_block_the_import_until_skipped(self):
        response = self.upload((DATA / "liste.xlsx").read_bytes(), "liste.xlsx")
        preview = self.client.post(self.url, self.mapping_post(response, step="map"))
        self.assertContains(preview, "est une formule")
        data = dict(
            preview.context["form"].hidden_values(),
            token=self.token_of(preview),
            expected=preview.context["expected"],
            step="confirm",
        )
        refused = self.client.post(self.url, data)
        self.assertContains(refused, "Des lignes sont en erreur")
        self.assertFalse(self.event.participations.exists())
        self.client.post(self.url, {**data, "skip_errors": "on"})
        self.assertEqual(self.event.participations.count(), 2)

    def test_a_mapping_without_names_is_a_form_error(self):
        response = self.upload(csv_bytes("Colonne1;Colonne2", "Zola;Émile"))
        response = self.client.post(self.url, self.mapping_post(response, step="map"))
        self.assertContains(response, "Choisissez la colonne qui contient le « Prénom ».")
        data = self.mapping_post(response, step="map", column_0="last_name", column_1="last_name")
        response = self.client.post(self.url, data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "« Nom » est donné à plusieurs colonnes.")

    def test_bad_files_are_form_errors(self):
        for data in [random.Random(3).randbytes(5000), b"", csv_bytes(HEADER)]:
            response = self.upload(data)
            self.assertEqual(response.status_code, 200)
            self.assertTrue(response.context["form"].errors)
        self.assertFalse(default_storage.exists("imports") and default_storage.listdir("imports")[1])

    def test_cancel_deletes_the_file(self):
        response = self.upload((DATA / "utf8_bom.csv").read_bytes())
        stored = response.context["stored"]["path"]
        cancelled = self.client.post(self.url, {"step": "cancel", "token": self.token_of(response)})
        self.assertRedirects(
            cancelled, reverse("admin:events_event_change", args=[self.event.pk]), fetch_redirect_response=False
        )
        self.assertFalse(default_storage.exists(stored))

    def test_another_session_or_event_cannot_use_the_token(self):
        response = self.upload((DATA / "utf8_bom.csv").read_bytes())
        token = self.token_of(response)
        other = make_event()
        other_url = reverse("admin:events_event_import", args=[other.pk])
        self.assertContains(self.client.post(other_url, {"step": "map", "token": token}), "a expiré")
        self.client.force_login(make_user(is_superuser=True))
        self.assertContains(self.client.post(self.url, {"step": "map", "token": token}), "a expiré")
        self.assertContains(self.client.post(self.url, {"step": "map", "token": "../../etc/passwd"}), "a expiré")

    def test_permissions(self):
        viewer = make_user()
        viewer.user_permissions.add(Permission.objects.get(codename="change_event"))
        self.client.force_login(viewer)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        self.client.force_login(self.editor)
        self.assertEqual(self.client.get(reverse("admin:events_event_import", args=[987654])).status_code, 404)
        self.client.logout()
        self.assertEqual(self.client.get(self.url).status_code, 302)


@pytest.mark.parametrize("value, expected", [(0, "A"), (25, "Z"), (26, "AA"), (51, "AZ"), (701, "ZZ")])
def test_column_letters(value, expected):
    assert importing.column_letter(value) == expected


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed (apt-get install libreoffice-calc-nogui)")
class SavedByLibreOfficeTests(TestCase):
    """A partner's workbook, saved as CSV by LibreOffice as staff do (« Enregistrer sous… CSV »):
    in Windows-1252 with semicolons (a French desktop) or in UTF-8 with commas, it reads as the
    workbook itself does."""

    def save_as_csv(self, options: str) -> bytes:
        with tempfile.TemporaryDirectory() as folder:
            source = Path(folder) / "liste.xlsx"
            shutil.copy(DATA / "liste.xlsx", source)
            subprocess.run(
                [SOFFICE, "--headless", f"-env:UserInstallation=file://{folder}/profile",
                 "--convert-to", f"csv:Text - txt - csv (StarCalc):{options}", "--outdir", folder, str(source)],
                check=True, capture_output=True, timeout=180,
            )
            return (Path(folder) / "liste.csv").read_bytes()

    def test_windows_1252_with_semicolons_and_utf8_with_commas_read_as_the_workbook(self):
        workbook = read_table((DATA / "liste.xlsx").read_bytes())
        # Windows-1252 has no « ễ »: LibreOffice writes "?" for Nguyễn there (UTF-8 keeps him).
        for options, encoding, delimiter, kept in (("59,34,1", "cp1252", ";", 1), ("44,34,76", "utf-8", ",", 2)):
            with self.subTest(encoding=encoding):
                data = self.save_as_csv(options)
                table = read_table(data)
                self.assertEqual((table.kind, table.delimiter), ("csv", delimiter))
                self.assertIn(encoding, table.encoding.lower().replace("windows-", "cp"))
                self.assertEqual(table.headers, workbook.headers)
                # The third row holds a formula, computed by LibreOffice; the date is in its locale's format.
                without_dates = [(number, cells[:5] + cells[6:]) for number, cells in table.rows[:kept]]
                self.assertEqual(without_dates, [(number, cells[:5] + cells[6:]) for number, cells in workbook.rows[:kept]])
                self.assertEqual(guess_mapping(table.headers), guess_mapping(workbook.headers))
                event = make_event()
                plan = plan_import(event, table, guess_mapping(table.headers))
                self.assertEqual([row.fate for row in plan.rows[:2]], ["new", "new"])
