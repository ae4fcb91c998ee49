"""Exporting participant lists from the admin: the button, the action, the filtered list, the log."""

import csv
import io
import re
import secrets
import socket
import struct
import time
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection
from django.test import Client, LiveServerTestCase, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.exporters import DEFAULT_COLUMNS
from events.models import ParticipantExport, Participation
from people.models import Person
from tests.factories import make_event, make_participation, make_person, make_user


def rows_of(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def export(client, url, params=None):
    """What the export buttons do: a POST to the export address, the list's filters in its query string."""
    return client.post(f"{url}?{urlencode(params)}" if params else url)


def csrf_token_of(response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())[1]


class ExportAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.congress = make_event(title="Congrès 2025", slug="congres-2025", start=timezone.now())
        cls.workshop = make_event(title="Atelier friches", slug="atelier-friches")
        cls.alice = make_participation(cls.congress, make_person(first_name="Alice", last_name="Zeller"))
        cls.bob = make_participation(
            cls.congress, make_person(first_name="Bob", last_name="Ahmed"), role=Participation.Role.ATTENDEE
        )
        cls.carla = make_participation(cls.workshop, make_person(first_name="Carla", last_name="Morel"))
        cls.communication = make_user(group="Communication")
        cls.staff = make_user()
        cls.superuser = make_user(is_superuser=True)
        cls.visitor = make_user(is_staff=False)
        cls.today = timezone.localdate().isoformat()

    def event_export_url(self, event):
        return reverse("admin:events_event_export", args=[event.pk])

    def test_event_page_shows_the_button_to_communication(self):
        """The button is a form that posts, with the CSRF token, to the export address."""
        self.client.force_login(self.communication)
        response = self.client.get(reverse("admin:events_event_change", args=[self.congress.pk]))
        self.assertContains(response, "Exporter les participants (CSV)")
        form = re.search(
            rf'<form method="post" action="{re.escape(self.event_export_url(self.congress))}"[^>]*>(.*?)</form>',
            response.content.decode(), re.DOTALL,
        )
        self.assertIsNotNone(form)
        self.assertIn('name="csrfmiddlewaretoken"', form[1])
        self.assertFalse(ParticipantExport.objects.exists())

    def test_event_page_hides_the_button_without_the_permission(self):
        self.staff.user_permissions.add(*self.permissions("view_event", "change_event"))
        self.client.force_login(self.staff)
        response = self.client.get(reverse("admin:events_event_change", args=[self.congress.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, self.event_export_url(self.congress))

    def test_event_export_streams_an_excel_file_and_records_it(self):
        self.client.force_login(self.communication)
        response = export(self.client, self.event_export_url(self.congress))
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.streaming)
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertEqual(
            response["Content-Disposition"], f'attachment; filename="participants-congres-2025-{self.today}.csv"'
        )
        rows = rows_of(response)
        self.assertEqual([row[0] for row in rows], ["Nom", "Ahmed", "Zeller"])
        record = ParticipantExport.objects.get()
        self.assertEqual(record.user, self.communication)
        self.assertEqual(record.username, self.communication.username)
        self.assertEqual(record.source, ParticipantExport.Source.EVENT_PAGE)
        self.assertEqual(record.events, ["congres-2025"])
        self.assertEqual((record.row_count, record.completed, record.format), (2, True, "excel"))

    def test_event_export_in_rfc4180(self):
        self.client.force_login(self.superuser)
        response = export(self.client, self.event_export_url(self.congress), {"format": "csv"})
        content = b"".join(response.streaming_content)
        self.assertTrue(content.startswith(b"Nom,Pr\xc3\xa9nom,"))
        self.assertEqual(ParticipantExport.objects.get().format, "csv")

    def test_bad_input_is_a_client_error(self):
        self.client.force_login(self.communication)
        self.assertEqual(export(self.client, self.event_export_url(self.congress), {"format": "pdf"}).status_code, 400)
        self.assertEqual(self.client.get(self.event_export_url(self.congress), {"format": "pdf"}).status_code, 400)
        for pk in ("999999", "abc"):
            self.assertEqual(export(self.client, reverse("admin:events_event_export", args=[pk])).status_code, 404)
            self.assertEqual(self.client.get(reverse("admin:events_event_export", args=[pk])).status_code, 404)
        self.assertFalse(ParticipantExport.objects.exists())

    def test_without_the_permission_export_is_forbidden(self):
        self.client.force_login(self.staff)
        for url in (self.event_export_url(self.congress), reverse("admin:events_participation_export")):
            self.assertEqual(self.client.get(url).status_code, 403)
            self.assertEqual(export(self.client, url).status_code, 403)
        self.assertFalse(ParticipantExport.objects.exists())

    def test_anonymous_and_non_staff_are_sent_to_the_login_page(self):
        for user in (None, self.visitor):
            if user:
                self.client.force_login(user)
            for url in (self.event_export_url(self.congress), reverse("admin:events_participation_export")):
                for response in (self.client.get(url), export(self.client, url)):
                    with self.subTest(user=user, url=url, method=response.request["REQUEST_METHOD"]):
                        self.assertEqual(response.status_code, 302)
                        self.assertTrue(response["Location"].startswith(reverse("admin:login")))
        self.assertFalse(ParticipantExport.objects.exists())

    def test_event_list_action_exports_the_selected_events_as_one_file(self):
        """The action opens the export page, whose form posts back to the list with the selection."""
        self.client.force_login(self.communication)
        selection = {"action": "export_participants", "_selected_action": [self.congress.pk, self.workshop.pk]}
        page = self.client.post(reverse("admin:events_event_changelist"), selection)
        self.assertFalse(page.streaming)
        self.assertContains(page, "Participants de 2 événements.")
        self.assertContains(page, '<input type="hidden" name="action" value="export_participants">')
        self.assertFalse(ParticipantExport.objects.exists())
        response = self.client.post(
            reverse("admin:events_event_changelist"),
            {**selection, "_export_form": "1", "format": "excel", "columns-shown": "1",
             **{f"columns-{key}": "1" for key in DEFAULT_COLUMNS}},
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Disposition"], f'attachment; filename="participants-{self.today}.csv"')
        rows = rows_of(response)
        self.assertEqual([(row[0], row[10]) for row in rows[1:]], [
            ("Ahmed", "Congrès 2025"), ("Morel", "Atelier friches"), ("Zeller", "Congrès 2025"),
        ])
        record = ParticipantExport.objects.get()
        self.assertEqual(record.source, ParticipantExport.Source.EVENT_LIST)
        self.assertEqual(record.events, ["atelier-friches", "congres-2025"])
        self.assertEqual(record.row_count, 3)

    def test_event_list_action_is_offered_only_with_the_permission(self):
        self.client.force_login(self.communication)
        self.assertContains(self.client.get(reverse("admin:events_event_changelist")), 'value="export_participants"')
        self.staff.user_permissions.add(*self.permissions("view_event", "change_event"))
        self.client.force_login(self.staff)
        response = self.client.get(reverse("admin:events_event_changelist"))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, 'value="export_participants"')
        response = self.client.post(
            reverse("admin:events_event_changelist"),
            {"action": "export_participants", "_selected_action": [self.congress.pk]},
        )
        self.assertFalse(response.streaming)
        self.assertFalse(ParticipantExport.objects.exists())

    def test_participation_list_exports_the_filtered_and_searched_selection(self):
        self.client.force_login(self.communication)
        changelist = self.client.get(reverse("admin:events_participation_changelist"), {"role__exact": "speaker"})
        self.assertContains(changelist, "Exporter cette liste (CSV)")
        self.assertContains(
            changelist, f'<form method="post" action="{reverse("admin:events_participation_export")}?role__exact=speaker"'
        )
        response = export(self.client, reverse("admin:events_participation_export"), {"role__exact": "speaker", "q": "zel"})
        rows = rows_of(response)
        self.assertEqual([row[0] for row in rows[1:]], ["Zeller"])
        self.assertEqual(response["Content-Disposition"], f'attachment; filename="participants-congres-2025-{self.today}.csv"')
        record = ParticipantExport.objects.get()
        self.assertEqual(record.source, ParticipantExport.Source.PARTICIPATION_LIST)
        self.assertEqual(record.filters, {"role__exact": "speaker", "q": "zel"})
        self.assertEqual((record.events, record.row_count), (["congres-2025"], 1))

    def test_participation_list_export_of_several_events_in_rfc4180(self):
        self.client.force_login(self.communication)
        response = export(self.client, reverse("admin:events_participation_export"), {"role__exact": "speaker", "format": "csv"})
        self.assertEqual(response["Content-Disposition"], f'attachment; filename="participants-{self.today}.csv"')
        text = b"".join(response.streaming_content).decode()
        self.assertEqual([row[0] for row in csv.reader(io.StringIO(text, newline=""))][1:], ["Morel", "Zeller"])

    def test_participation_list_export_with_a_bad_filter_goes_back_to_the_list(self):
        self.client.force_login(self.communication)
        response = export(self.client, reverse("admin:events_participation_export"), {"event__start__gte": "pas une date"})
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].endswith("?e=1"))
        self.assertFalse(ParticipantExport.objects.exists())

    def test_hostile_query_strings_are_client_errors(self):
        self.client.force_login(self.communication)
        url = reverse("admin:events_participation_export")
        cases = [
            ({"q": "a\x00b"}, 400),
            ({"role__exact": "\x00"}, 400),
            ({"format": "\x00"}, 400),
            ({"format": "pdf"}, 400),
            ({"_to_field": "notes"}, 400),
            ({"event__start__gte": "2025-13-45"}, 302),
            ({"event__id__exact": "abc"}, 302),
            ({"o": "zz"}, 200),
            ({"p": "x", "all": ""}, 200),
        ]
        for params, status in cases:
            with self.subTest(params=params):
                response = export(self.client, url, params)
                self.assertEqual(response.status_code, status)
                if response.streaming:
                    self.assertEqual(len(rows_of(response)), 4)
        self.assertEqual(ParticipantExport.objects.count(), 2)

    def test_participation_list_hides_the_button_without_the_permission(self):
        self.staff.user_permissions.add(*self.permissions("view_participation"))
        self.client.force_login(self.staff)
        response = self.client.get(reverse("admin:events_participation_changelist"))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, reverse("admin:events_participation_export"))

    def test_export_takes_as_many_queries_for_ten_rows_as_for_a_thousand(self):
        self.client.force_login(self.communication)
        counts = []
        for size in (10, 1000):
            event = make_event(slug=f"taille-{size}")
            people = Person.objects.bulk_create(
                Person(first_name="P", last_name=f"N{n:04}", slug=f"n-{size}-{n}") for n in range(size)
            )
            Participation.objects.bulk_create(Participation(event=event, person=person) for person in people)
            with CaptureQueriesContext(connection) as queries:
                response = export(self.client, self.event_export_url(event))
                rows = rows_of(response)
            self.assertEqual(len(rows), size + 1)
            counts.append(len(queries))
        self.assertEqual(counts[0], counts[1])

    @staticmethod
    def permissions(*codenames):
        from django.contrib.auth.models import Permission

        return Permission.objects.filter(content_type__app_label="events", codename__in=codenames)


class CrossSiteExportTests(TestCase):
    """A link or a form on another site never exports a list in an editor's name."""

    @classmethod
    def setUpTestData(cls):
        cls.congress = make_event(title="Congrès 2025", slug="congres-2025")
        make_participation(cls.congress, make_person(first_name="Alice", last_name="Zeller"))
        cls.communication = make_user(group="Communication")
        cls.event_url = reverse("admin:events_event_export", args=[cls.congress.pk])
        cls.list_url = reverse("admin:events_participation_export") + "?role__exact=speaker&format=csv"

    def setUp(self):
        self.browser = Client(enforce_csrf_checks=True)
        self.browser.force_login(self.communication)

    def test_a_link_opens_a_french_page_whose_button_posts(self):
        """A GET exports nothing: it explains, in French, and offers the button that posts."""
        for url in (self.event_url, self.list_url):
            with self.subTest(url=url):
                response = self.browser.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertFalse(response.streaming)
                self.assertContains(response, "Exporter les participants")
                self.assertContains(response, "un lien peut venir d’un autre site")
                form = re.search(r'<form method="post" action="([^"]*)"[^>]*>(.*?)</form>', response.content.decode(), re.DOTALL)
                self.assertEqual(form[1].replace("&amp;", "&"), url)
                self.assertIn('name="csrfmiddlewaretoken"', form[2])
        self.assertFalse(ParticipantExport.objects.exists())

    def test_the_button_of_that_page_exports(self):
        page = self.browser.get(self.list_url)
        response = self.browser.post(self.list_url, {"csrfmiddlewaretoken": csrf_token_of(page)})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(b"".join(response.streaming_content).startswith(b"Nom,Pr\xc3\xa9nom,"))
        record = ParticipantExport.objects.get()
        self.assertEqual((record.user, record.filters), (self.communication, {"role__exact": "speaker"}))

    def test_a_head_request_writes_no_audit_record(self):
        for url in (self.event_url, self.list_url):
            with self.subTest(url=url):
                self.assertEqual(self.browser.head(url).status_code, 200)
        self.assertFalse(ParticipantExport.objects.exists())

    def test_a_post_from_another_site_is_refused(self):
        """Without the CSRF token of the site, a POST is a 403 and nothing is recorded."""
        for url in (self.event_url, self.list_url):
            with self.subTest(url=url):
                response = self.browser.post(url, headers={"origin": "https://evil.example", "sec-fetch-site": "cross-site"})
                self.assertEqual(response.status_code, 403)
                self.assertFalse(response.streaming)
        self.assertFalse(ParticipantExport.objects.exists())

    def test_other_methods_are_not_allowed(self):
        self.client.force_login(self.communication)
        for method in ("put", "delete", "patch"):
            with self.subTest(method=method):
                self.assertEqual(getattr(self.client, method)(self.event_url).status_code, 405)
        self.assertFalse(ParticipantExport.objects.exists())


class ExportLogAdminTests(TestCase):
    """Who exported what can be read in the admin, and not rewritten."""

    @classmethod
    def setUpTestData(cls):
        cls.communication = make_user(group="Communication")
        cls.staff = make_user()
        cls.superuser = make_user(is_superuser=True)
        cls.record = ParticipantExport.objects.create(
            user=cls.communication, username=cls.communication.username, source=ParticipantExport.Source.EVENT_PAGE,
            events=["congres-2025"], format="excel", row_count=42, completed=True,
        )

    def test_the_communication_group_may_view_the_log(self):
        self.assertTrue(self.communication.has_perm("events.view_participantexport"))
        self.assertFalse(self.communication.has_perm("events.change_participantexport"))

    def test_communication_and_superusers_read_the_log(self):
        for user in (self.communication, self.superuser):
            self.client.force_login(user)
            with self.subTest(user=user):
                response = self.client.get(reverse("admin:events_participantexport_changelist"))
                self.assertContains(response, "congres-2025")
                self.assertContains(response, self.communication.username)
                detail = self.client.get(reverse("admin:events_participantexport_change", args=[self.record.pk]))
                self.assertContains(detail, "42")
                self.assertNotContains(detail, 'name="_save"')

    def test_nobody_adds_changes_or_deletes_a_record(self):
        self.client.force_login(self.superuser)
        self.assertEqual(self.client.get(reverse("admin:events_participantexport_add")).status_code, 403)
        url = reverse("admin:events_participantexport_change", args=[self.record.pk])
        self.client.post(url, {"row_count": 1, "username": "someone"})
        self.record.refresh_from_db()
        self.assertEqual((self.record.row_count, self.record.username), (42, self.communication.username))
        delete = reverse("admin:events_participantexport_delete", args=[self.record.pk])
        self.assertEqual(self.client.post(delete, {"post": "yes"}).status_code, 403)
        self.assertTrue(ParticipantExport.objects.filter(pk=self.record.pk).exists())

    def test_staff_without_the_permission_do_not_see_the_log(self):
        self.client.force_login(self.staff)
        self.assertEqual(self.client.get(reverse("admin:events_participantexport_changelist")).status_code, 403)


class InterruptedDownloadTests(LiveServerTestCase):
    """Through a real server: a download dropped half-way is logged as such."""

    serialized_rollback = True

    def test_a_dropped_download_is_logged_as_incomplete_with_the_rows_sent(self):
        event = make_event(slug="grand-congres")
        people = Person.objects.bulk_create(
            Person(first_name="Prénom", last_name=f"Nom {n:05}", slug=f"g-{n}", job_title="x" * 200) for n in range(12_000)
        )
        Participation.objects.bulk_create(Participation(event=event, person=person) for person in people)
        user = make_user(is_superuser=True)
        self.client.force_login(user)
        session = self.client.cookies[settings.SESSION_COOKIE_NAME].value
        csrf = secrets.token_hex(16)  # what the export button sends: the CSRF cookie and its token
        cookies = f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={csrf}"
        path = reverse("admin:events_event_export", args=[event.pk])
        with socket.create_connection((self.server_thread.host, self.server_thread.port)) as sock:
            sock.sendall(
                f"POST {path} HTTP/1.1\r\nHost: localhost\r\nCookie: {cookies}\r\n"
                f"X-CSRFToken: {csrf}\r\nContent-Length: 0\r\n\r\n".encode()
            )
            received = b""
            while len(received) < 300_000:  # a few chunks, then the visitor goes away
                received += sock.recv(65536)
            self.assertIn(b"200 OK", received[:100])
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # reset, not a polite close
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            record = ParticipantExport.objects.get()
            if record.finished:
                break
            time.sleep(0.1)
        self.assertIsNotNone(record.finished)
        self.assertFalse(record.completed)
        self.assertGreater(record.row_count, 0)
        self.assertLess(record.row_count, 12_000)
