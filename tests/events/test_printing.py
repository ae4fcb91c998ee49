"""Printing an event's participants: the sign-in sheet and the badges, read back from the PDF."""

import io
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.test import SimpleTestCase, TestCase
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from events.models import ParticipantExport, Participation
from events.printing import NothingToPrint, attendees, print_sheet
from events.printing.text import BOLD, REGULAR, fit, line_width, missing_glyphs, words
from people.models import Person
from tests.factories import make_congress, make_event, make_organisation, make_participation, make_person, make_user

Role, Status = Participation.Role, Participation.Status
VIETNAMESE = "Nguyễn Thị Ánh"


def pdf(content: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(content))


def text_of(reader: PdfReader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


def fonts_of(reader: PdfReader) -> dict[str, bool]:
    """Every font the pages use, and whether the file carries it (a TrueType font program)."""
    found = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            found[str(font["/BaseFont"])] = descriptor is not None and "/FontFile2" in descriptor.get_object()
    return found


class FittedTextTests(SimpleTestCase):
    def test_the_font_draws_french_german_and_vietnamese(self):
        """Œ, É, ß and a Vietnamese name have their glyphs in both embedded fonts."""
        for font in (REGULAR, BOLD):
            self.assertEqual(missing_glyphs(f"Œuvre Élodie Strauß {VIETNAMESE} « ’ » ẞ Łódź", font), set())
        self.assertEqual(missing_glyphs("北京"), {"北", "京"})

    def test_text_too_long_is_shrunk_never_cut(self):
        text = "Établissement public foncier des Hauts-de-France, direction de l’aménagement et du renouvellement"
        fitted = fit(words(text), width=150, height=30, size=10, max_lines=2)
        self.assertLess(fitted.size, 10)
        self.assertLessEqual(len(fitted.lines), 2)
        self.assertLessEqual(fitted.height, 30)
        self.assertTrue(all(line_width(line, fitted.size) <= 150 for line in fitted.lines))
        self.assertEqual(" ".join(word.text for line in fitted.lines for word in line), text)

    def test_one_long_word_is_shrunk_to_the_width(self):
        fitted = fit(words("Rochefoucauld-Liancourt-d’Estissac-Montmorency"), width=60, height=20, size=22)
        self.assertEqual(len(fitted.lines), 1)
        self.assertLessEqual(line_width(fitted.lines[0], fitted.size), 60)

    def test_no_line_break_at_a_no_break_space(self):
        """French typography: "inscription\u00a0:" never leaves its colon at the start of the next line."""
        fitted = fit(words("Sans inscription\u00a0: à compléter"), width=60, height=100, size=10, max_lines=4)
        self.assertIn("inscription\u00a0:", [word.text for line in fitted.lines for word in line])

    def test_short_text_keeps_its_size(self):
        self.assertEqual(fit(words("Zoé"), width=100, height=30, size=22).size, 22)


class PrintTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.congress = make_congress(slug="congres-friches")
        agency = make_organisation(name="Mission Bassin Minier")
        cls.people = {
            "oeillet": make_participation(
                cls.congress,
                make_person(first_name="Élodie", last_name="Œillet", organisation=agency),
                role=Role.SPEAKER,
            ),
            "nguyen": make_participation(
                cls.congress, make_person(first_name="Thị Ánh", last_name="Nguyễn"), role=Role.ATTENDEE
            ),
            "strauss": make_participation(
                cls.congress,
                make_person(
                    first_name="Jürgen", last_name="Strauß", grammatical_gender=Person.GrammaticalGender.MASCULINE
                ),
                role=Role.ORGANISER,
            ),
            "eluard": make_participation(
                cls.congress, make_person(first_name="Paul", last_name="éluard"), role=Role.DELEGATE
            ),
            "dupont": make_participation(
                cls.congress, make_person(first_name="Anne", last_name="Dupont"), role=Role.ATTENDEE
            ),
            "cancelled": make_participation(
                cls.congress, make_person(first_name="Annulée", last_name="Absente"), status=Status.CANCELLED
            ),
        }
        # Organisation at the time of the participation, else the person's current one.
        Participation.objects.filter(pk=cls.people["oeillet"].pk).update(organisation=None)
        cls.empty = make_event(title="Atelier sans inscrits", slug="atelier-vide")
        cls.crowd = make_event(title="Grand forum", slug="grand-forum")
        people = Person.objects.bulk_create(
            Person(first_name=f"Prénom {n:02d}", last_name=f"Nom {n:02d}", slug=f"crowd-{n}") for n in range(60)
        )
        Participation.objects.bulk_create(
            Participation(event=cls.crowd, person=person, role=Role.ATTENDEE, status=Status.REGISTERED)
            for person in people
        )

    def test_expected_participants_are_sorted_by_folded_last_name(self):
        """Every role but no cancelled participation; accents and case ignored: Dupont, éluard, Nguyễn, Œillet, Strauß."""
        people = attendees(self.congress)
        self.assertEqual([person.last_name for person in people], ["Dupont", "éluard", "Nguyễn", "Œillet", "Strauß"])
        self.assertEqual(people[3].organisation, "Mission Bassin Minier")
        self.assertEqual(people[4].role_label, "Organisateur")

    def test_signin_sheet_reads_back_with_its_event_and_names(self):
        printed = print_sheet(self.congress, "signin")
        reader = pdf(printed.content)
        self.assertEqual(printed.filename, "feuille-emargement-congres-friches.pdf")
        self.assertEqual((printed.count, printed.pages, len(reader.pages)), (5, 1, 1))
        text = text_of(reader)[0]
        for expected in (
            "FEUILLE D’ÉMARGEMENT",
            "Congrès international sur la requalification",
            "7–8 mai 2025",
            "Centre des congrès, Thetford Mines (Québec, Canada)",
            "5 participants attendus",
            "Nom et prénom",
            "Signature",
            "Œillet Élodie",
            "Nguyễn Thị Ánh",
            "Strauß Jürgen",
            "Sans inscription : à compléter sur place",  # a no-break space before the colon: one glyph with space
            "page 1 / 1",
        ):
            self.assertIn(expected, text)
        self.assertNotIn("Absente", text)
        self.assertLess(text.index("Dupont"), text.index("éluard"))
        self.assertLess(text.index("Nguyễn"), text.index("Œillet"))
        self.assertEqual(printed.missing, set())

    def test_fonts_are_embedded(self):
        for sheet in ("signin", "badges"):
            fonts = fonts_of(pdf(print_sheet(self.congress, sheet).content))
            self.assertEqual(sorted(name.split("+")[-1] for name in fonts), ["DejaVuSans", "DejaVuSans-Bold"])
            self.assertTrue(all(fonts.values()), fonts)

    def test_long_list_repeats_the_header_and_numbers_the_pages(self):
        printed = print_sheet(self.crowd, "signin")
        reader = pdf(printed.content)
        pages = text_of(reader)
        self.assertEqual(len(pages), printed.pages)
        self.assertGreaterEqual(len(pages), 3)
        for number, text in enumerate(pages, start=1):
            self.assertIn(f"page {number} / {len(pages)}", text)
            self.assertIn("Nom et prénom", text)  # the header row, on every page
        self.assertIn("Grand forum", pages[1])  # the event named atop the next pages
        names = re.findall(r"Nom (\d\d) Prénom", "\n".join(pages))
        self.assertEqual(names, [f"{n:02d}" for n in range(60)])
        self.assertIn("Sans inscription", "".join(pages[-2:]))

    def test_an_event_without_participants_prints_walk_in_rows(self):
        printed = print_sheet(self.empty, "signin")
        text = text_of(pdf(printed.content))[0]
        self.assertEqual(printed.pages, 1)
        self.assertIn("Aucun participant inscrit", text)
        self.assertIn("Sans inscription", text)
        with self.assertRaises(NothingToPrint):
            print_sheet(self.empty, "badges")

    def test_badges_name_large_role_band_and_event(self):
        printed = print_sheet(self.congress, "badges")
        reader = pdf(printed.content)
        self.assertEqual(printed.filename, "badges-congres-friches.pdf")
        self.assertEqual((printed.pages, len(reader.pages)), (1, 1))
        text = text_of(reader)[0]
        self.assertEqual(text.count("Congrès international sur la requalification"), 8 + 1)  # 5 badges, 3 blank, footer
        for expected in ("Élodie\nŒillet", "Thị Ánh\nNguyễn", "Jürgen\nStrauß", "INTERVENTION", "ORGANISATEUR"):
            self.assertIn(expected, text)
        self.assertIn("Mission Bassin Minier", text)
        self.assertNotIn("PARTICIPATION", text)  # attendees and delegates wear no band
        self.assertNotIn("DÉLÉGATION", text)

    def test_badges_of_sixty_fill_eight_sheets(self):
        printed = print_sheet(self.crowd, "badges")
        pages = text_of(pdf(printed.content))
        self.assertEqual(len(pages), 8)
        self.assertIn("page 8 / 8", pages[-1])

    def test_a_png_of_each_sheet_shows_ink(self):
        """pdftoppm draws the first page; SCREENSHOT_DIR keeps the pictures to look at."""
        if shutil.which("pdftoppm") is None:
            self.skipTest("pdftoppm (poppler-utils) is not installed")
        keep = os.environ.get("SCREENSHOT_DIR")
        with tempfile.TemporaryDirectory() as folder:
            for sheet in ("signin", "badges"):
                source = Path(folder) / f"{sheet}.pdf"
                source.write_bytes(print_sheet(self.congress, sheet).content)
                subprocess.run(
                    ["pdftoppm", "-png", "-r", "60", "-singlefile", source, Path(folder) / sheet], check=True
                )
                picture = Path(folder) / f"{sheet}.png"
                with Image.open(picture) as image:
                    self.assertEqual(image.size, (497, 702))  # A4 at 60 dpi
                    dark = sum(image.convert("L").histogram()[:128])
                    self.assertGreater(dark, 500)
                if keep:
                    Path(keep).mkdir(parents=True, exist_ok=True)
                    shutil.copy(picture, Path(keep) / f"print-{sheet}.png")


class PrintCommandTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.event = make_event(title="Rencontre des friches", slug="rencontre-friches")
        make_participation(cls.event, make_person(first_name="Ève", last_name="Lefèvre"))
        cls.empty = make_event(slug="sans-personne")

    def setUp(self):
        self.folder = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.folder, ignore_errors=True)

    def run_command(self, *args):
        out, err = io.StringIO(), io.StringIO()
        call_command("print_participants", *args, stdout=out, stderr=err)
        return out.getvalue()

    def test_writes_each_sheet_and_records_it(self):
        for sheet in ("signin", "badges"):
            target = self.folder / f"{sheet}.pdf"
            out = self.run_command("rencontre-friches", "--sheet", sheet, "--output", str(target))
            self.assertIn(f"1 participants on 1 pages, written to {target}", out)
            self.assertIn("Lefèvre", pdf(target.read_bytes()).pages[0].extract_text())
        records = ParticipantExport.objects.order_by("pk")
        self.assertEqual([record.filters for record in records], [{"sheet": "signin"}, {"sheet": "badges"}])
        self.assertTrue(
            all(record.format == "pdf" and record.row_count == 1 and record.completed for record in records)
        )
        self.assertEqual({record.source for record in records}, {ParticipantExport.Source.COMMAND})

    def test_bad_input_is_one_line_and_writes_nothing(self):
        target = str(self.folder / "out.pdf")
        cases = [
            (["nulle-part", "--sheet", "signin", "--output", target], "Unknown event slug: nulle-part."),
            (["rencontre-friches", "--sheet", "poster", "--output", target], "Unknown sheet: 'poster'"),
            (["rencontre-friches", "--output", target], "Say what to print with --sheet"),
            (["rencontre-friches", "--sheet", "signin"], "Say where to write the PDF"),
            (
                ["rencontre-friches", "--sheet", "signin", "--output", str(self.folder / "no" / "x.pdf")],
                "No such directory",
            ),
            (["rencontre-friches", "--sheet", "signin", "--output", str(self.folder)], "is a directory"),
            (["sans-personne", "--sheet", "badges", "--output", target], "No badge to print: sans-personne"),
        ]
        for args, message in cases:
            with self.subTest(args=args), self.assertRaisesMessage(CommandError, message) as raised:
                self.run_command(*args)
            self.assertNotIn("\n", str(raised.exception))
        self.assertEqual(list(self.folder.iterdir()), [])
        self.assertFalse(ParticipantExport.objects.exists())

    def test_an_empty_event_still_gets_its_signin_sheet(self):
        target = self.folder / "vide.pdf"
        self.run_command("sans-personne", "--sheet", "signin", "--output", str(target))
        self.assertIn("Sans inscription", pdf(target.read_bytes()).pages[0].extract_text())


class PrintAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.event = make_congress(slug="congres-friches")
        make_participation(cls.event, make_person(first_name="Ève", last_name="Lefèvre"))
        cls.empty = make_event(slug="sans-personne")
        cls.communication = make_user(group="Communication")
        cls.staff = make_user()
        cls.staff.user_permissions.add(
            *Permission.objects.filter(content_type__app_label="events", codename__in=["view_event", "change_event"])
        )

    def url(self, sheet, event=None):
        return reverse(f"admin:events_event_print_{sheet}", args=[(event or self.event).pk])

    def test_event_page_shows_both_buttons_as_forms_that_post(self):
        self.client.force_login(self.communication)
        page = self.client.get(reverse("admin:events_event_change", args=[self.event.pk])).content.decode()
        for sheet, label in (("signin", "Feuille d’émargement (PDF)"), ("badges", "Badges (PDF)")):
            form = re.search(
                rf'<form method="post" action="{re.escape(self.url(sheet))}">(.*?)</form>', page, re.DOTALL
            )
            self.assertIsNotNone(form, sheet)
            self.assertIn('name="csrfmiddlewaretoken"', form[1])
            self.assertIn(label, form[1])
        self.assertIn("Exporter les participants (CSV)", page)  # the export button stays

    def test_staff_without_the_export_permission_neither_see_nor_print(self):
        self.client.force_login(self.staff)
        page = self.client.get(reverse("admin:events_event_change", args=[self.event.pk]))
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, self.url("signin"))
        self.assertEqual(self.client.post(self.url("signin")).status_code, 403)
        self.assertFalse(ParticipantExport.objects.exists())

    def test_post_answers_the_pdf_as_an_attachment_and_logs_it(self):
        self.client.force_login(self.communication)
        for sheet, name in (
            ("signin", "feuille-emargement-congres-friches.pdf"),
            ("badges", "badges-congres-friches.pdf"),
        ):
            response = self.client.post(self.url(sheet))
            self.assertEqual(response.status_code, 200)
            self.assertEqual(response["Content-Type"], "application/pdf")
            self.assertEqual(response["Content-Disposition"], f'attachment; filename="{name}"')
            self.assertIn("Lefèvre", pdf(response.content).pages[0].extract_text())
        records = list(ParticipantExport.objects.order_by("pk"))
        self.assertEqual(
            [(r.filters["sheet"], r.user, r.source, r.row_count) for r in records],
            [
                ("signin", self.communication, ParticipantExport.Source.EVENT_PAGE, 1),
                ("badges", self.communication, ParticipantExport.Source.EVENT_PAGE, 1),
            ],
        )

    def test_a_link_prints_nothing_but_shows_the_button(self):
        self.client.force_login(self.communication)
        response = self.client.get(self.url("signin"))
        self.assertContains(response, "Feuille d’émargement (PDF)")
        self.assertContains(response, "ne s’imprime qu’avec un bouton")
        self.assertEqual(response["Content-Type"], "text/html; charset=utf-8")
        self.assertFalse(ParticipantExport.objects.exists())

    def test_badges_of_an_empty_event_come_back_with_a_message(self):
        self.client.force_login(self.communication)
        response = self.client.post(self.url("badges", self.empty), follow=True)
        self.assertRedirects(response, reverse("admin:events_event_change", args=[self.empty.pk]))
        self.assertContains(response, "Aucun badge à imprimer")
        signin = self.client.post(self.url("signin", self.empty))
        self.assertEqual(signin["Content-Type"], "application/pdf")

    def test_unknown_event_is_a_404(self):
        self.client.force_login(self.communication)
        self.assertEqual(self.client.post(reverse("admin:events_event_print_signin", args=[999999])).status_code, 404)
