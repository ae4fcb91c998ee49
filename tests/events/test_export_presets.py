"""Chosen columns and filters on the export page, saved as presets shared by the team."""

import csv
import io
import tempfile
from pathlib import Path

from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.test import TestCase
from django.urls import reverse

from events.exporters import DEFAULT_COLUMNS
from events.models import ExportPreset, ParticipantExport, Participation
from tests.factories import make_event, make_participation, make_person, make_user

ALL_HEADERS = [
    "Nom", "Prénom", "Organisation", "Fonction", "Rôle", "Intitulé de l’intervention",
    "Courriel", "Téléphone", "Statut", "Inscrit le", "Événement",
]  # fmt: skip


def rows_of(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def form_data(columns, *, positions=None, roles=(), statuses=(), format="excel", **extra):
    """What the export page's form posts: the ticked columns and their typed positions."""
    data = {"_export_form": "1", "columns-shown": "1", "format": format, "roles": list(roles)}
    data["statuses"] = list(statuses)
    for key in columns:
        data[f"columns-{key}"] = "1"
    for key, position in (positions or {}).items():
        data[f"columns-{key}-position"] = position
    data.update(extra)
    return data


class ExportPresetTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.event = make_event(title="Congrès 2025", slug="congres-2025")
        cls.alice = make_participation(
            cls.event,
            make_person(first_name="Alice", last_name="Zeller", email="alice@example.org", phone="0612345678"),
            role=Participation.Role.SPEAKER,
            status=Participation.Status.CONFIRMED,
        )
        cls.bob = make_participation(
            cls.event,
            make_person(first_name="Bob", last_name="Ahmed", email="bob@example.org"),
            role=Participation.Role.ATTENDEE,
            status=Participation.Status.CANCELLED,
        )
        cls.communication = make_user(group="Communication")
        cls.colleague = make_user(group="Communication")
        # May export, but may not read people's contact details in the admin.
        cls.exporter = make_user()
        cls.exporter.user_permissions.add(
            *Permission.objects.filter(
                content_type__app_label="events", codename__in=["export_participants", "view_event"]
            )
        )
        cls.url = reverse("admin:events_event_export", args=[cls.event.pk])
        cls.welcome = ExportPreset.objects.create(
            name="Accueil : nom, organisation", columns=["last_name", "first_name", "organisation"],
            statuses=["registered", "confirmed", "attended"],
        )  # fmt: skip

    def test_the_default_preset_is_the_eleven_columns(self):
        self.client.force_login(self.communication)
        self.assertEqual(len(DEFAULT_COLUMNS), 11)
        self.assertEqual(rows_of(self.client.post(self.url))[0], ALL_HEADERS)
        self.assertEqual(ParticipantExport.objects.get().columns, DEFAULT_COLUMNS)

    def test_the_page_is_a_french_form(self):
        self.client.force_login(self.communication)
        response = self.client.get(self.url)
        for text in ("Colonnes", "Position de «\u00a0Courriel\u00a0»", "Rôles", "Statuts", "Classeur XLSX", "Modèle enregistré",
                     "Appliquer le modèle", "Enregistrer le modèle", "Accueil : nom, organisation"):  # fmt: skip
            with self.subTest(text=text):
                self.assertContains(response, text)
        self.assertFalse(ParticipantExport.objects.exists())

    def test_chosen_columns_in_the_chosen_order_with_filters(self):
        self.client.force_login(self.communication)
        data = form_data(
            ["last_name", "phone", "status"],
            positions={"phone": "1", "last_name": "2", "status": ""},
            statuses=["confirmed"],
        )
        rows = rows_of(self.client.post(self.url, data))
        self.assertEqual(rows, [["Téléphone", "Nom", "Statut"], ["0612345678", "Zeller", "Confirmé"]])
        record = ParticipantExport.objects.get()
        self.assertEqual(record.columns, ["phone", "last_name", "status"])
        self.assertEqual((record.filters, record.preset, record.row_count), ({"statuses": ["confirmed"]}, "", 1))

    def test_contact_columns_only_for_those_who_may_see_them(self):
        self.client.force_login(self.exporter)
        page = self.client.get(self.url)
        self.assertNotContains(page, "columns-email")
        self.assertNotContains(page, "columns-phone")
        self.assertContains(page, "Le courriel et le téléphone ne sont proposés")
        rows = rows_of(self.client.post(self.url, form_data(["last_name", "email", "phone"])))
        self.assertEqual(rows[0], ["Nom"])
        self.assertNotIn("alice@example.org", str(rows))
        # The event page's button (all columns by default) leaves them out too.
        rows = rows_of(self.client.post(self.url))
        self.assertEqual(rows[0], [h for h in ALL_HEADERS if h not in ("Courriel", "Téléphone")])
        self.assertEqual(
            ParticipantExport.objects.first().columns, [k for k in DEFAULT_COLUMNS if k not in ("email", "phone")]
        )

    def test_save_a_preset_shared_with_the_team(self):
        self.client.force_login(self.communication)
        data = form_data(["last_name", "talk_title"], roles=["speaker"], preset_name=" Traiteur ", _save_preset="1")
        response = self.client.post(self.url, data)
        self.assertContains(response, "Le modèle «\u00a0Traiteur\u00a0» est enregistré.")
        self.assertFalse(response.streaming)
        preset = ExportPreset.objects.get(name="Traiteur")
        self.assertEqual(
            (preset.columns, preset.roles, preset.created_by),
            (["last_name", "talk_title"], ["speaker"], self.communication),
        )
        # A colleague finds it, applies it, exports with it.
        self.client.force_login(self.colleague)
        page = self.client.post(self.url, form_data([], preset="Traiteur", _load_preset="1"))
        self.assertContains(page, 'name="columns-talk_title" value="1" checked')
        self.assertNotContains(page, 'name="columns-first_name" value="1" checked')
        rows = rows_of(
            self.client.post(self.url, form_data(["last_name", "talk_title"], roles=["speaker"], preset="Traiteur"))
        )
        self.assertEqual([row[0] for row in rows], ["Nom", "Zeller"])
        self.assertEqual(ParticipantExport.objects.get().preset, "Traiteur")
        # Saved again under the same name: replaced, not doubled.
        response = self.client.post(self.url, form_data(["first_name"], preset_name="Traiteur", _save_preset="1"))
        self.assertContains(response, "Le modèle «\u00a0Traiteur\u00a0» est remplacé.")
        self.assertEqual(ExportPreset.objects.get(name="Traiteur").columns, ["first_name"])

    def test_export_with_a_preset_from_the_event_page_and_the_list_action(self):
        self.client.force_login(self.communication)
        rows = rows_of(self.client.post(self.url + "?preset=Accueil : nom, organisation&format=excel"))
        self.assertEqual(rows, [["Nom", "Prénom", "Organisation"], ["Zeller", "Alice", ""]])  # Bob cancelled
        self.assertEqual(ParticipantExport.objects.get().preset, "Accueil : nom, organisation")
        selection = {"action": "export_participants", "_selected_action": [self.event.pk]}
        changelist = reverse("admin:events_event_changelist")
        page = self.client.post(
            changelist, {**selection, "_load_preset": "1", "_export_form": "1", "preset": self.welcome.name}
        )
        self.assertContains(page, 'name="columns-organisation" value="1" checked')
        response = self.client.post(
            changelist,
            {**selection, **form_data(self.welcome.columns, statuses=self.welcome.statuses, preset=self.welcome.name)},
        )
        self.assertEqual(rows_of(response)[0], ["Nom", "Prénom", "Organisation"])
        self.assertEqual(ParticipantExport.objects.first().source, ParticipantExport.Source.EVENT_LIST)

    def test_bad_choices_are_form_errors_and_export_nothing(self):
        self.client.force_login(self.communication)
        cases = [
            (form_data([]), "Choisissez au moins une colonne."),
            (form_data(["last_name"], positions={"last_name": "premier"}), "La position de «\u00a0Nom\u00a0»"),
            (form_data(["last_name"], positions={"last_name": "0"}), "La position de «\u00a0Nom\u00a0»"),
            (form_data(["last_name"], format="pdf"), "Sélectionnez un choix valide"),
            (form_data(["last_name"], roles=["chef"]), "Sélectionnez un choix valide"),
            (form_data(["last_name"], preset="Inconnu"), "Sélectionnez un choix valide"),
            (form_data([], preset="Inconnu", _load_preset="1"), "Sélectionnez un choix valide"),
            (form_data(["last_name"], _save_preset="1"), "Donnez un nom au modèle."),
        ]
        for data, message in cases:
            with self.subTest(data=data):
                response = self.client.post(self.url, data)
                self.assertEqual(response.status_code, 200)
                self.assertFalse(response.streaming)
                self.assertContains(response, message)
        self.assertFalse(ParticipantExport.objects.exists())
        self.assertEqual(ExportPreset.objects.count(), 1)

    def test_unknown_preset_in_the_address_is_a_client_error(self):
        self.client.force_login(self.communication)
        for params in ("?preset=Inconnu", "?preset=a%00b"):
            with self.subTest(params=params):
                self.assertEqual(self.client.post(self.url + params).status_code, 400)
                self.assertEqual(self.client.get(self.url + params).status_code, 400)
        list_url = reverse("admin:events_participation_export") + "?preset=Inconnu"
        self.assertEqual(self.client.post(list_url).status_code, 400)
        ExportPreset.objects.create(name="Ancien", columns=["last_name", "fax"])
        self.assertEqual(self.client.post(self.url + "?preset=Ancien").status_code, 400)
        ExportPreset.objects.create(name="Contacts", columns=["email", "phone"])
        self.client.force_login(self.exporter)  # who may not see contact details: nothing left to export
        self.assertEqual(self.client.post(self.url + "?preset=Contacts").status_code, 400)
        self.assertFalse(ParticipantExport.objects.exists())

    def test_saving_a_preset_needs_the_permission(self):
        self.client.force_login(self.exporter)
        self.assertNotContains(self.client.get(self.url), "Enregistrer le modèle")
        response = self.client.post(self.url, form_data(["last_name"], preset_name="Moi", _save_preset="1"))
        self.assertEqual(response.status_code, 403)
        self.assertFalse(ExportPreset.objects.filter(name="Moi").exists())


class PresetAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.communication = make_user(group="Communication")
        cls.preset = ExportPreset.objects.create(name="Traiteur", columns=["last_name", "status"], roles=["attendee"])

    def test_the_list_and_the_form_are_french(self):
        self.client.force_login(self.communication)
        response = self.client.get(reverse("admin:events_exportpreset_changelist"))
        self.assertContains(response, "Modèles d’export")
        self.assertContains(response, "Nom, Statut")
        self.assertContains(response, "Participant")
        response = self.client.get(reverse("admin:events_exportpreset_change", args=[self.preset.pk]))
        self.assertContains(response, "Colonnes")
        self.assertContains(response, 'name="columns-status-position" value="2"')

    def test_add_a_preset_with_ordered_columns(self):
        self.client.force_login(self.communication)
        data = form_data(
            ["organisation", "last_name"], positions={"organisation": "1", "last_name": "2"}, name="Badges"
        )
        data.pop("format")
        response = self.client.post(reverse("admin:events_exportpreset_add"), data)
        self.assertEqual(response.status_code, 302)
        preset = ExportPreset.objects.get(name="Badges")
        self.assertEqual((preset.columns, preset.created_by), (["organisation", "last_name"], self.communication))

    def test_the_export_log_shows_the_columns(self):
        record = ParticipantExport.objects.create(
            username="x", source="command", format="xlsx", columns=["last_name", "phone"], preset="Traiteur"
        )
        self.client.force_login(self.communication)
        response = self.client.get(reverse("admin:events_participantexport_change", args=[record.pk]))
        self.assertContains(response, "Nom, Téléphone")


class PresetCommandTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        event = make_event(slug="congres-2025")
        make_participation(event, make_person(last_name="Zeller", phone="0612345678"), role=Participation.Role.SPEAKER)
        make_participation(event, make_person(last_name="Ahmed"), role=Participation.Role.ATTENDEE)
        ExportPreset.objects.create(name="Orateurs", columns=["phone", "last_name"], roles=["speaker"])

    def test_export_with_a_preset(self):
        with tempfile.TemporaryDirectory() as directory:
            target = Path(directory) / "liste.csv"
            call_command(
                "export_participants", "congres-2025", "--preset", "Orateurs", "--output", str(target), verbosity=0
            )
            text = target.read_bytes().decode("utf-8-sig")
        self.assertEqual(text, "Téléphone;Nom\r\n0612345678;Zeller\r\n")
        record = ParticipantExport.objects.get()
        self.assertEqual(
            (record.preset, record.columns, record.filters),
            ("Orateurs", ["phone", "last_name"], {"roles": ["speaker"]}),
        )

    def test_an_unknown_preset_is_one_line_and_writes_nothing(self):
        with self.assertRaisesMessage(CommandError, "Unknown preset: 'Inconnu' (presets: Orateurs)."):
            call_command("export_participants", "congres-2025", "--preset", "Inconnu")
        ExportPreset.objects.create(name="Ancien", columns=["last_name", "fax"])
        with self.assertRaisesMessage(CommandError, "Preset 'Ancien': Unknown column: 'fax'"):
            call_command("export_participants", "congres-2025", "--preset", "Ancien")
        self.assertFalse(ParticipantExport.objects.exists())
