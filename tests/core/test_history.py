"""The history of content: an officer corrects an article, sees who changed what, compares two
versions, puts an earlier one back, and recovers an event a superuser deleted by mistake."""

import io
from datetime import timedelta

import reversion
from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from core.history import author, compare, word_diff
from core.publishing import Status
from events.models import Event, Participation, ProgrammeItem, Speaker
from news.models import Article
from tests.core.test_admin_editing import resubmit_data
from tests.factories import (
    communication_group,
    make_article,
    make_event,
    make_participation,
    make_person,
    make_programme_item,
    make_user,
)
from tests.security.test_hostile_input import form_data


def versions_of(obj):
    return list(Version.objects.get_for_object(obj).select_related("revision__user").order_by("-pk"))


class HistoryTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        communication_group()
        cls.officer = make_user(group="Communication", first_name="Léa", last_name="Durand")
        cls.superuser = make_user(is_superuser=True, username="root")

    def setUp(self):
        self.client.force_login(self.officer)

    def admin_url(self, obj, view="change", *args):
        opts = obj._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=(obj.pk, *args))

    def save_through_admin(self, obj, comment="", **changes):
        url = self.admin_url(obj)
        page = self.client.get(url)
        data = form_data(page) if b'enctype="multipart/form-data"' in page.content else resubmit_data(page)
        data.update(changes)
        data["version_comment"] = comment
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302, getattr(response, "context", None) and response.context.get("errors"))
        return response


class VersionsFromEveryPathTests(HistoryTestCase):
    def test_an_admin_save_is_a_version_with_its_author_and_comment(self):
        article = make_article(title="Friches : le congrès")
        self.save_through_admin(article, comment="Correction du titre", title="Friches : le congrès de Thetford")
        [version] = versions_of(article)
        self.assertEqual(version.revision.user, self.officer)
        self.assertEqual(version.revision.comment, "Correction du titre")
        self.assertEqual(version.field_dict["title"], "Friches : le congrès de Thetford")
        self.assertEqual(author(version.revision), "Léa Durand")

    def test_without_a_comment_the_version_says_what_changed_in_french(self):
        article = make_article()
        self.save_through_admin(article, title="Un autre titre")
        [version] = versions_of(article)
        self.assertEqual(version.revision.comment, "Champs modifiés\u00a0: Titre.")

    def test_the_publish_and_unpublish_actions_write_versions(self):
        draft = make_article(status=Status.DRAFT, published_at=None)
        changelist = reverse("admin:news_article_changelist")
        self.client.post(changelist, {"action": "publish", "_selected_action": [draft.pk]})
        self.client.post(changelist, {"action": "unpublish", "_selected_action": [draft.pk]})
        newest, oldest = versions_of(draft)
        self.assertEqual(oldest.field_dict["status"], Status.PUBLISHED)
        self.assertEqual(newest.field_dict["status"], Status.DRAFT)
        self.assertEqual(newest.revision.user, self.officer)
        self.assertEqual(newest.revision.comment, "Dépublication depuis la liste")

    def test_an_in_place_edit_of_the_participation_list_is_a_version(self):
        participation = make_participation(status=Participation.Status.INVITED)
        url = reverse("admin:events_participation_changelist") + f"?event__id__exact={participation.event_id}"
        data = {
            "form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-MIN_NUM_FORMS": "0", "form-MAX_NUM_FORMS": "1000",
            "form-0-id": str(participation.pk), "form-0-role": participation.role,
            "form-0-status": Participation.Status.CONFIRMED, "_save": "Enregistrer",
        }
        self.assertEqual(self.client.post(url, data).status_code, 302)
        [version] = versions_of(participation)
        self.assertEqual(version.field_dict["status"], Participation.Status.CONFIRMED)
        self.assertEqual(version.revision.user, self.officer)

    def test_a_speakers_talk_title_shows_in_the_events_history(self):
        event = make_event(title="Congrès des friches")
        speaker = make_participation(event=event, role=Participation.Role.SPEAKER, talk_title="Les terrils")
        self.save_through_admin(speaker, talk_title="Les terrils et leurs usages")
        [event_version] = versions_of(event)
        followed = {v.object_id: v for v in event_version.revision.version_set.all()}
        self.assertEqual(followed[str(speaker.pk)].field_dict["talk_title"], "Les terrils et leurs usages")

    def test_an_event_version_holds_its_programme_speakers_and_contributors_not_its_attendees(self):
        event = make_event()
        item = make_programme_item(event)
        person = make_person()
        Speaker.objects.create(programme_item=item, person=person)
        make_participation(event=event, person=person, role=Participation.Role.SPEAKER)
        make_participation(event=event, role=Participation.Role.ATTENDEE)
        self.save_through_admin(event, title="Nouveau titre")
        [version] = versions_of(event)
        kinds = sorted(v.content_type.model for v in version.revision.version_set.all())
        self.assertEqual(kinds, ["event", "participation", "programmeitem", "speaker"])

    def test_a_management_command_signs_its_versions(self):
        call_command("loaddemo", stdout=io.StringIO())
        article = Article.objects.get(slug="mission-bassin-minier-congres-friches-industrielles-thetford-mines")
        [version] = versions_of(article)
        self.assertEqual(author(version.revision), "commande «\u00a0loaddemo\u00a0»")

    def test_a_save_costs_the_same_queries_however_long_the_history(self):
        article = make_article()

        def save_cost():
            with CaptureQueriesContext(connection) as queries, reversion.create_revision():
                article.title += "!"
                article.save()
            return len(queries)

        first = save_cost()
        for _n in range(60):
            save_cost()
        self.assertEqual(save_cost(), first)
        self.assertLessEqual(first, 12)


class CompareTests(HistoryTestCase):
    def test_rich_text_is_compared_word_by_word_not_as_html(self):
        article = make_article(body="<p>Le congrès a réuni <strong>300</strong> personnes.</p>")
        self.save_through_admin(article, comment="Premier jet")
        self.save_through_admin(article, body="<p>Le congrès a réuni <strong>350</strong> personnes à Thetford.</p>")
        newest, oldest = versions_of(article)
        response = self.client.get(self.admin_url(article, "compare") + f"?from={oldest.pk}&to={newest.pk}")
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertIn("<del>300</del><ins>350</ins>", html)
        self.assertIn("personnes<ins> à Thetford</ins>.", html)
        self.assertNotIn("&lt;strong&gt;", html)

    def test_word_diff_marks_insertions_and_deletions_and_escapes(self):
        self.assertEqual(
            str(word_diff("le vieux <texte>", "le nouveau <texte>")),
            "le <del>vieux</del><ins>nouveau</ins> &lt;texte&gt;",
        )

    def test_the_programme_changes_of_an_event_are_listed(self):
        event = make_event()
        item = make_programme_item(event, title="Ouverture")
        self.save_through_admin(event)
        ProgrammeItem.objects.filter(pk=item.pk).update(title="Ouverture officielle")
        with reversion.create_revision():
            reversion.add_to_revision(Event.objects.get(pk=event.pk))
        newest, oldest = versions_of(event)
        own, related = compare(oldest, newest)
        self.assertEqual(own, [])
        [group] = related
        [(name, changes)] = group.changed
        self.assertEqual(changes[0].label, "Titre")
        self.assertEqual(changes[0].diff, "Ouverture<ins> officielle</ins>")

    def test_the_history_page_lists_versions_newest_first_in_french(self):
        article = make_article()
        self.save_through_admin(article, comment="Premier")
        self.save_through_admin(article, comment="Second", title="Autre")
        response = self.client.get(self.admin_url(article, "history"))
        html = response.content.decode()
        self.assertLess(html.index("Second"), html.index("Premier"))
        self.assertIn("Comparer les versions choisies", html)
        self.assertIn("Léa Durand", html)

    def test_bad_version_numbers_are_404(self):
        article = make_article()
        other = make_article()
        self.save_through_admin(other)
        [foreign] = versions_of(other)
        url = self.admin_url(article, "compare")
        for query in ("", "?from=x&to=1", f"?from={foreign.pk}&to={foreign.pk}", "?from=99999999999999999999&to=1"):
            self.assertEqual(self.client.get(url + query).status_code, 404, query)


class RestoreTests(HistoryTestCase):
    def test_restoring_keeps_the_current_publication_and_shows_at_once_on_the_site(self):
        article = make_article(title="Titre fautif", status=Status.DRAFT, published_at=None)
        self.save_through_admin(article, comment="Brouillon")
        self.save_through_admin(article, title="Titre corrigé", status=Status.PUBLISHED,
                                published_at_0=(timezone.localtime() - timedelta(hours=1)).strftime("%d/%m/%Y"),
                                published_at_1="08:00")
        article.refresh_from_db()
        self.assertEqual(self.client.get(article.get_absolute_url()).status_code, 200)  # cached now
        _newest, draft_version = versions_of(article)

        restore_url = self.admin_url(article, "revision", draft_version.pk)
        form = self.client.get(restore_url)
        self.assertContains(form, "Titre fautif")
        self.assertContains(form, "statut actuel")
        data = form_data(form)
        self.assertEqual(data["status"], Status.PUBLISHED)  # the current status, not the version's draft
        self.assertEqual(self.client.post(restore_url, data).status_code, 302)

        article.refresh_from_db()
        self.assertEqual(article.title, "Titre fautif")
        self.assertEqual(article.status, Status.PUBLISHED)
        self.assertContains(self.client.get(article.get_absolute_url()), "Titre fautif")
        self.assertEqual(len(versions_of(article)), 3)  # the restore is a new version: nothing lost

    def test_a_restore_can_also_take_the_versions_status(self):
        article = make_article(status=Status.DRAFT, published_at=None)
        self.save_through_admin(article)
        self.save_through_admin(article, status=Status.PUBLISHED)
        _newest, draft = versions_of(article)
        url = self.admin_url(article, "revision", draft.pk)
        data = form_data(self.client.get(url))
        data["status"] = Status.DRAFT
        self.client.post(url, data)
        article.refresh_from_db()
        self.assertEqual(article.status, Status.DRAFT)


class RestoreAnEventTests(HistoryTestCase):
    def test_restoring_an_event_puts_its_programme_back_and_leaves_the_attendees_and_other_items(self):
        event = make_event(title="Congrès des friches")
        opening = make_programme_item(event, title="Ouverture")
        attendee = make_participation(event=event, role=Participation.Role.ATTENDEE, status=Participation.Status.INVITED)
        other = make_article(title="Un autre article")
        with reversion.create_revision():  # one revision holding two items, as a command makes
            reversion.add_to_revision(event)
            reversion.add_to_revision(other)
        [first] = versions_of(event)

        ProgrammeItem.objects.filter(pk=opening.pk).update(title="Ouverture officielle")
        make_programme_item(event, title="Table ronde ajoutée")
        Participation.objects.filter(pk=attendee.pk).update(status=Participation.Status.CONFIRMED)
        Article.objects.filter(pk=other.pk).update(title="Titre changé depuis")

        url = self.admin_url(event, "revision", first.pk)
        self.assertEqual(self.client.post(url, form_data(self.client.get(url))).status_code, 302)
        self.assertEqual(list(event.programme.values_list("title", flat=True)), ["Ouverture"])
        attendee.refresh_from_db()
        self.assertEqual(attendee.status, Participation.Status.CONFIRMED)  # not part of the event's versions
        self.assertEqual(Article.objects.get(pk=other.pk).title, "Titre changé depuis")  # nor is another item
        self.assertEqual(versions_of(event)[0].revision.comment[:11], "Version du ")


class RecoverTests(HistoryTestCase):
    def test_a_deleted_event_comes_back_with_programme_speakers_and_participants(self):
        self.client.force_login(self.superuser)
        event = make_event(title="Visite de friche")
        item = make_programme_item(event)
        speaker = make_person()
        Speaker.objects.create(programme_item=item, person=speaker)
        make_participation(event=event, person=speaker, role=Participation.Role.SPEAKER)
        make_participation(event=event, role=Participation.Role.ATTENDEE)
        pk = event.pk
        delete = self.client.post(self.admin_url(event, "delete"), {"post": "yes"})
        self.assertEqual(delete.status_code, 302)
        self.assertFalse(Event.objects.filter(pk=pk).exists())

        listing = self.client.get(reverse("admin:events_event_recoverlist"))
        self.assertContains(listing, "Visite de friche")
        [deleted] = Version.objects.get_deleted(Event)
        url = reverse("admin:events_event_recover", args=(deleted.pk,))
        data = form_data(self.client.get(url))
        self.assertEqual(self.client.post(url, data).status_code, 302)
        event = Event.objects.get(pk=pk)
        self.assertEqual(event.programme.count(), 1)
        self.assertEqual(Speaker.objects.filter(programme_item__event=event).count(), 1)
        self.assertEqual(event.participations.count(), 2)

    def test_the_change_list_offers_deleted_items_to_those_who_may_add(self):
        response = self.client.get(reverse("admin:news_article_changelist"))
        self.assertContains(response, "Récupérer un élément supprimé")


class PermissionTests(HistoryTestCase):
    def test_staff_outside_the_group_see_no_history(self):
        person = make_person(email="secret@example.org")
        self.save_through_admin(person, comment="Coordonnées")
        outsider = make_user()
        self.client.force_login(outsider)
        for view in ("history",):
            self.assertEqual(self.client.get(self.admin_url(person, view)).status_code, 403)
        [version] = versions_of(person)
        self.assertEqual(self.client.get(self.admin_url(person, "compare") + f"?from={version.pk}&to={version.pk}").status_code, 403)
        self.assertEqual(self.client.get(self.admin_url(person, "revision", version.pk)).status_code, 403)

    def test_a_version_of_another_model_is_not_found_through_this_admin(self):
        person = make_person(first_name="Zoé", email="zoe@example.org")
        self.client.force_login(self.superuser)
        self.save_through_admin(person, email="nouvelle@example.org")
        [foreign] = versions_of(person)
        article = make_article(pk=person.pk)
        self.client.force_login(self.officer)
        for url in (
            self.admin_url(article, "revision", foreign.pk),
            reverse("admin:news_article_recover", args=(foreign.pk,)),
            reverse("admin:news_article_revision", args=("x", foreign.pk)),
        ):
            self.assertEqual(self.client.get(url).status_code, 404, url)
            self.assertEqual(self.client.post(url, {}).status_code, 404, url)
        person.refresh_from_db()
        self.assertEqual(person.email, "nouvelle@example.org")

    def test_an_item_still_there_is_restored_not_recovered(self):
        article = make_article()
        self.save_through_admin(article)
        [version] = versions_of(article)
        self.client.force_login(self.superuser)
        self.assertEqual(self.client.get(reverse("admin:news_article_recover", args=(version.pk,))).status_code, 404)

    def test_a_viewer_sees_the_history_but_cannot_restore(self):
        from django.contrib.auth.models import Permission

        article = make_article()
        self.save_through_admin(article)
        reader = make_user()
        reader.user_permissions.add(Permission.objects.get(codename="view_article"))
        self.client.force_login(reader)
        response = self.client.get(self.admin_url(article, "history"))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "Voir et restaurer")
        [version] = versions_of(article)
        self.assertEqual(self.client.get(self.admin_url(article, "revision", version.pk)).status_code, 403)

    def test_the_comparison_hides_related_data_the_user_may_not_view(self):
        from django.contrib.auth.models import Permission

        event = make_event()
        self.save_through_admin(event)
        make_participation(event=event, role=Participation.Role.SPEAKER, notes="Allergie aux arachides")
        self.save_through_admin(event)
        newest, oldest = versions_of(event)
        reader = make_user()
        reader.user_permissions.add(Permission.objects.get(codename="view_event"))
        self.client.force_login(reader)
        response = self.client.get(self.admin_url(event, "compare") + f"?from={oldest.pk}&to={newest.pk}")
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "Participations")


class PruneTests(HistoryTestCase):
    def test_old_versions_go_and_the_last_ones_of_each_item_stay(self):
        article = make_article()
        for n in range(5):
            self.save_through_admin(article, title=f"Titre {n}")
        from reversion.models import Revision

        Revision.objects.update(date_created=timezone.now() - timedelta(days=800))
        call_command("deleterevisions", "news.article", days=730, keep=2, verbosity=0)
        self.assertEqual([v.field_dict["title"] for v in versions_of(article)], ["Titre 4", "Titre 3"])
