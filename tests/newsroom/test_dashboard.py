"""The admin home as a newsroom: what waits (drafts, scheduled, leaving), the upcoming events and their
participants, the latest changes and exports; each block for those who may view it, in a dozen queries."""

import re
from datetime import timedelta

import reversion
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.publishing import Status
from events.models import ParticipantExport, Participation
from newsroom import dashboard
from tests.factories import (
    make_article,
    make_event,
    make_participation,
    make_person,
    make_site_page,
    make_user,
)

INDEX = reverse("admin:index")


def piles(block) -> dict:
    return {pile.kind: pile for pile in block.piles}


class NewsroomTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        now = timezone.now()
        cls.editor = make_user(group="Communication", first_name="Léa", last_name="Durand")
        cls.colleague = make_user(group="Communication", first_name="Hugo", last_name="Petit")
        # Six drafts: four of a colleague's, changed after the editor's two; the editor's come first.
        cls.colleague_drafts = [make_article(status=Status.DRAFT, author=cls.colleague) for _ in range(4)]
        cls.own_drafts = [make_article(status=Status.DRAFT, author=cls.editor) for _ in range(2)]
        cls.scheduled = make_article(title="Les terrils au printemps", published_at=now + timedelta(days=3))
        cls.leaving = make_article(title="Appel à projets 2026", unpublish_at=now + timedelta(days=2))
        make_article(unpublish_at=now + timedelta(days=20))  # leaves later: not yet
        make_article(unpublish_at=now - timedelta(days=1))  # already gone
        make_article()
        cls.event = make_event(title="Rencontre des cités minières", start=now + timedelta(days=10))
        counts = {"invited": 2, "registered": 1, "confirmed": 3, "attended": 0, "cancelled": 1}
        for status, count in counts.items():
            for _ in range(count):
                make_participation(event=cls.event, status=status, role=Participation.Role.ATTENDEE)
        make_participation(event=make_event(start=now - timedelta(days=30)), status="attended")  # past
        cls.draft_event = make_event(status=Status.DRAFT, start=now + timedelta(days=40))
        cls.page = make_site_page(title="Mentions légales", status=Status.DRAFT)
        # The history: an article saved by the editor with a comment, then a person.
        with reversion.create_revision():
            reversion.set_user(cls.editor)
            reversion.set_comment("Correction du titre")
            cls.own_drafts[0].save()
        cls.person = make_person(first_name="Catherine", last_name="Bertram")
        with reversion.create_revision():
            reversion.set_user(cls.colleague)
            cls.person.save()
        cls.export = ParticipantExport.objects.create(
            user=cls.editor,
            username=cls.editor.username,
            source=ParticipantExport.Source.EVENT_PAGE,
            events=[cls.event.slug],
            format=ParticipantExport.Format.EXCEL,
            row_count=7,
        )

    def request_for(self, user):
        request = self.client.get(INDEX).wsgi_request  # a real request: session, user, messages
        request.user = user
        return request

    def test_the_piles_count_and_list_drafts_scheduled_and_leaving_items(self):
        self.client.force_login(self.editor)
        blocks = dashboard.publishing_blocks(self.request_for(self.editor), timezone.now())
        self.assertEqual([block.label for block in blocks], ["Articles", "Événements", "Pages"])
        articles = piles(blocks[0])
        self.assertEqual(articles["draft"].total, 6)
        self.assertEqual(len(articles["draft"].items), dashboard.SHOWN)
        self.assertEqual(articles["scheduled"].total, 1)
        self.assertEqual(articles["scheduled"].items[0].title, "Les terrils au printemps")
        self.assertEqual(articles["leaving"].total, 1)
        self.assertEqual(articles["leaving"].items[0].title, "Appel à projets 2026")
        self.assertEqual(piles(blocks[1])["draft"].total, 1)
        self.assertEqual(piles(blocks[2])["draft"].items[0].title, "Mentions légales")

    def test_the_editors_drafts_come_first(self):
        self.client.force_login(self.editor)
        drafts = piles(dashboard.publishing_blocks(self.request_for(self.editor), timezone.now())[0])["draft"]
        self.assertEqual([item.mine for item in drafts.items], [True, True, False, False, False])
        self.assertEqual({item.title for item in drafts.items[:2]}, {draft.title for draft in self.own_drafts})
        self.assertEqual(drafts.items[2].by, "Hugo Petit")
        # For the colleague, theirs: the four most recently changed of them.
        self.client.force_login(self.colleague)
        drafts = piles(dashboard.publishing_blocks(self.request_for(self.colleague), timezone.now())[0])["draft"]
        self.assertEqual([item.mine for item in drafts.items], [True] * 4 + [False])

    def test_each_pile_links_to_the_filtered_list_it_counts(self):
        self.client.force_login(self.editor)
        response = self.client.get(INDEX)
        articles = reverse("admin:news_article_changelist")
        for query, count in [("status__exact=draft", 6), ("publication=scheduled", 1), ("publication=expiring", 1)]:
            self.assertContains(response, f'href="{articles}?{query}"')
            listed = self.client.get(f"{articles}?{query}")
            self.assertEqual(listed.status_code, 200)
            self.assertEqual(listed.context["cl"].result_count, count, query)
        self.assertContains(response, f'href="{reverse("admin:events_event_changelist")}?end__gte=')
        self.assertContains(response, f'href="{reverse("admin:pages_sitepage_changelist")}?status__exact=draft"')

    def test_upcoming_events_count_their_participants_by_status(self):
        self.client.force_login(self.editor)
        block = dashboard.upcoming_events(self.request_for(self.editor), timezone.now())
        self.assertEqual([event.title for event in block.events], [self.event.title, self.draft_event.title])
        first = block.events[0]
        self.assertEqual(
            {count.status: count.count for count in first.counts},
            {"invited": 2, "registered": 1, "confirmed": 3, "attended": 0, "cancelled": 1},
        )
        self.assertEqual(first.total, 7)
        self.assertEqual(first.bar_width, block.chart_width)  # the largest event fills the chart
        confirmed = next(count for count in first.counts if count.status == "confirmed")
        listed = self.client.get(confirmed.url)
        self.assertEqual(listed.context["cl"].result_count, 3)
        self.assertEqual(self.client.get(block.url).status_code, 200)

    def test_the_chart_is_svg_beside_a_real_table_and_obeys_the_csp(self):
        self.client.force_login(self.editor)
        html = self.client.get(INDEX).content.decode()
        chart = html[html.index('class="newsroom-chart"') : html.index("</table>")]
        self.assertIn('<svg class="newsroom-bar"', chart)
        self.assertIn('aria-hidden="true"', chart)
        self.assertIn('<th scope="row">', chart)
        self.assertIn("Confirmé", chart)
        participations = reverse("admin:events_participation_changelist")
        self.assertIn(f'href="{participations}?event__id__exact={self.event.pk}&amp;status__exact=confirmed"', chart)
        self.assertNotRegex(html, r"\sstyle=")
        self.assertNotRegex(html, r"<script(?![^>]*\bsrc=)")  # no inline script
        self.assertNotIn("<style", html)
        self.assertRegex(chart, r'<rect class="newsroom-confirmed" x="[\d.]+" width="[\d.]+"')  # no decimal comma

    def test_latest_changes_and_exports(self):
        self.client.force_login(self.editor)
        response = self.client.get(INDEX)
        self.assertContains(response, "Dernières modifications")
        self.assertContains(response, "Correction du titre")
        self.assertContains(response, reverse("admin:news_article_change", args=[self.own_drafts[0].pk]))
        self.assertContains(response, reverse("admin:people_person_change", args=[self.person.pk]))
        self.assertContains(response, "Hugo Petit")
        self.assertContains(response, "Derniers exports de participants")
        self.assertContains(response, reverse("admin:events_participantexport_change", args=[self.export.pk]))
        self.assertContains(response, self.event.title)
        self.assertContains(response, "7 lignes")

    def test_dates_read_in_french(self):
        self.client.force_login(self.editor)
        response = self.client.get(INDEX)
        self.assertContains(response, f"En ligne le {dashboard.moment(self.scheduled.published_at)}")
        self.assertContains(response, f"Quitte le site le {dashboard.moment(self.leaving.unpublish_at)}")
        self.assertContains(response, "Dernière modification le ")
        self.assertRegex(
            dashboard.moment(self.scheduled.published_at), r"^(1er|\d+) [a-zéû]+ \d{4} à \d+\u00a0h(\u00a0\d\d)?$"
        )
        self.assertContains(response, "Brouillons")
        self.assertContains(response, "Événements à venir")

    def test_staff_without_permissions_see_no_block_of_what_they_may_not_view(self):
        reader = make_user()
        reader.user_permissions.add(Permission.objects.get(codename="view_article"))
        self.client.force_login(reader)
        response = self.client.get(INDEX)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Brouillons")
        self.assertNotContains(response, "Événements à venir")
        self.assertNotContains(response, "Derniers exports")
        self.assertNotContains(response, "Catherine Bertram")  # a person's version: personal data
        self.assertContains(response, "Correction du titre")  # the article's version
        self.assertNotContains(response, reverse("admin:events_participation_changelist"))

        nobody = make_user()
        self.client.force_login(nobody)
        response = self.client.get(INDEX)
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "newsroom-module")
        self.assertNotContains(response, "Dernières modifications")

    def test_events_without_participations_permission_show_no_chart(self):
        reader = make_user()
        reader.user_permissions.add(Permission.objects.get(codename="view_event"))
        self.client.force_login(reader)
        response = self.client.get(INDEX)
        self.assertContains(response, "Événements")
        self.assertNotContains(response, "newsroom-chart")

    def test_the_app_index_stays_djangos(self):
        self.client.force_login(self.editor)
        response = self.client.get(reverse("admin:app_list", args=["news"]))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "newsroom")

    def test_the_index_takes_at_most_twelve_queries(self):
        for n in range(30):  # more of everything: the count stays the same
            make_article(status=Status.DRAFT, author=self.editor if n % 2 else None)
            make_participation(event=self.event, status="registered")
        self.client.force_login(self.editor)
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(INDEX)
        self.assertEqual(response.status_code, 200)
        self.assertLessEqual(len(queries), 12, "\n".join(query["sql"][:200] for query in queries))
        self.assertEqual(len(re.findall(r'<svg class="newsroom-bar"', response.content.decode())), 2)
