from django.test import TestCase

from tests.factories import make_participation, make_user


class NulByteTests(TestCase):
    def test_a_nul_byte_in_an_admin_filter_is_a_400_not_a_database_error(self):
        make_participation()
        self.client.force_login(make_user(is_superuser=True))
        for url in (
            "/admin/events/participation/?role__exact=%00",
            "/admin/events/participation/?q=a%00b",
            "/admin/news/article/?status__exact=%00",
        ):
            self.assertContains(self.client.get(url), "Requête invalide", status_code=400)
