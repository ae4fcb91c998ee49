"""Staff outside the Communication group reach nothing of what it edits, not even sideways."""

from urllib.parse import urlsplit

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.test import TestCase
from django.urls import reverse
from taggit.models import Tag, TaggedItem

from core.publishing import Status
from tests.factories import make_article, make_event, make_person, make_user

PASSWORD = "mot-de-passe-solide-2025"


class ViewOnSiteTests(TestCase):
    """The admin's "view on site" shortcut names an object's address to those who may view it only."""

    @classmethod
    def setUpTestData(cls):
        cls.staff = make_user()
        cls.communication = make_user(group="Communication")
        cls.superuser = make_user(is_superuser=True)
        cls.people_viewer = make_user()
        cls.people_viewer.user_permissions.add(Permission.objects.get(codename="view_person"))
        cls.hidden = [
            make_article(status=Status.DRAFT, slug="brouillon-secret"),
            make_event(status=Status.DRAFT, slug="evenement-secret"),
            make_person(is_public=False, slug="personne-cachee"),
        ]

    def shortcut(self, obj):
        content_type = ContentType.objects.get_for_model(obj)
        return reverse("admin:view_on_site", args=[content_type.pk, obj.pk])

    def test_staff_without_the_view_permission_are_refused(self):
        """A staff user outside the group gets a 403, never the address of a hidden item."""
        self.client.force_login(self.staff)
        for obj in self.hidden:
            with self.subTest(obj=obj):
                response = self.client.get(self.shortcut(obj))
                self.assertEqual(response.status_code, 403)
                self.assertNotIn(obj.slug, response.content.decode())

    def test_the_permission_is_that_of_the_model(self):
        """Viewing people in the admin opens a person's page, not an article's."""
        self.client.force_login(self.people_viewer)
        article, _event, person = self.hidden
        response = self.client.get(self.shortcut(person))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(urlsplit(response["Location"]).path, person.get_absolute_url())
        self.assertEqual(self.client.get(self.shortcut(article)).status_code, 403)

    def test_editors_and_superusers_are_sent_to_the_preview(self):
        """Those who edit the item are sent to its address, where they see the draft."""
        for user in (self.communication, self.superuser):
            self.client.force_login(user)
            for obj in self.hidden:
                with self.subTest(user=user, obj=obj):
                    response = self.client.get(self.shortcut(obj), follow=True)
                    self.assertEqual(urlsplit(response.redirect_chain[0][0]).path, obj.get_absolute_url())
                    self.assertEqual(response.status_code, 200)

    def test_unknown_content_types_and_objects_are_not_found(self):
        """A made-up address is a 404, not a 500."""
        self.client.force_login(self.superuser)
        article_type = ContentType.objects.get_for_model(self.hidden[0])
        huge = 10**20
        for args in ((999999, 1), ("abc", 1), (huge, 1), (article_type.pk, 999999), (article_type.pk, "abc"),
                     (article_type.pk, huge)):
            with self.subTest(args=args):
                self.assertEqual(self.client.get(reverse("admin:view_on_site", args=args)).status_code, 404)

    def test_anonymous_visitors_are_sent_to_the_login_page(self):
        response = self.client.get(self.shortcut(self.hidden[0]))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("admin:login")))


class MergeTagsTests(TestCase):
    """django-taggit's "merge tags" page follows the rule of the other tag pages."""

    @classmethod
    def setUpTestData(cls):
        cls.staff = make_user()
        cls.tag_viewer = make_user()
        cls.tag_viewer.user_permissions.add(Permission.objects.get(codename="view_tag"))
        cls.communication = make_user(group="Communication")
        cls.article = make_article()
        cls.article.tags.add("friches", "Friches industrielles")
        cls.friches, cls.industrielles = Tag.objects.order_by("name")

    def merge_url(self):
        return reverse("admin:taggit_tag_merge_tags")

    def select(self, *tags):
        return self.client.post(
            reverse("admin:taggit_tag_changelist"),
            {"action": "render_tag_form", ACTION_CHECKBOX_NAME: [tag.pk for tag in tags]},
        )

    def test_staff_outside_the_group_cannot_open_or_post_the_page(self):
        """A staff user without the tag permissions gets a 403 on GET and POST, and nothing changes."""
        for user in (self.staff, self.tag_viewer):
            self.client.force_login(user)
            with self.subTest(user=user):
                self.assertEqual(self.client.get(self.merge_url()).status_code, 403)
                self.assertEqual(self.client.post(self.merge_url(), {"new_tag_name": "fusion"}).status_code, 403)
        self.assertFalse(Tag.objects.filter(name="fusion").exists())
        self.assertEqual(TaggedItem.objects.count(), 2)

    def test_the_merge_action_is_offered_to_those_who_may_change_tags(self):
        self.client.force_login(self.tag_viewer)
        response = self.client.get(reverse("admin:taggit_tag_changelist"))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, 'value="render_tag_form"')
        self.client.force_login(self.communication)
        self.assertContains(self.client.get(reverse("admin:taggit_tag_changelist")), 'value="render_tag_form"')

    def test_an_editor_merges_two_tags(self):
        """Selected in the list, merged into one: the article carries the merged tag."""
        self.client.force_login(self.communication)
        response = self.select(self.friches, self.industrielles)
        self.assertRedirects(response, self.merge_url(), fetch_redirect_response=False)
        self.assertEqual(self.client.get(self.merge_url()).status_code, 200)
        response = self.client.post(self.merge_url(), {"new_tag_name": "Reconversion"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(list(self.article.tags.names()), ["Reconversion"])

    def test_posting_without_a_selection_goes_back_to_the_list(self):
        """No tag selected (or one deleted meanwhile) is a message on the list, never a 500."""
        self.client.force_login(self.communication)
        response = self.client.post(self.merge_url(), {"new_tag_name": "fusion"})
        self.assertRedirects(response, reverse("admin:taggit_tag_changelist"), fetch_redirect_response=False)
        self.select(self.friches)
        Tag.objects.filter(pk=self.friches.pk).delete()
        response = self.client.post(self.merge_url(), {"new_tag_name": "fusion"}, follow=True)
        self.assertContains(response, "Sélectionnez au moins une étiquette")
        for made_up in ("abc", "99999999999999999999", "-1"):
            with self.subTest(selected=made_up):
                self.client.post(
                    reverse("admin:taggit_tag_changelist"), {"action": "render_tag_form", ACTION_CHECKBOX_NAME: made_up}
                )
                response = self.client.post(self.merge_url(), {"new_tag_name": "fusion"})
                self.assertRedirects(response, reverse("admin:taggit_tag_changelist"), fetch_redirect_response=False)
        self.assertFalse(Tag.objects.filter(name="fusion").exists())


class LoginNextTests(TestCase):
    """The login page never sends an editor off-site, nor to a page that does not exist."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user(username="redaction", group="Communication", password=PASSWORD)

    def log_in(self, next_url):
        return self.client.post(
            reverse("admin:login") + f"?next={next_url}",
            {"username": "redaction", "password": PASSWORD, "next": next_url},
        )

    def test_an_off_site_next_lands_on_the_admin_index(self):
        for next_url in ("https://evil.example/", "//evil.example/admin/", "javascript:alert(1)"):
            with self.subTest(next=next_url):
                self.client.logout()
                response = self.log_in(next_url)
                self.assertRedirects(response, reverse("admin:index"))

    def test_a_next_on_the_site_is_followed(self):
        response = self.log_in(reverse("admin:news_article_changelist"))
        self.assertRedirects(response, reverse("admin:news_article_changelist"))
