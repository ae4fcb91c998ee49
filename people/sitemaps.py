from core.sitemaps import PublicSitemap

from .models import Person


class PersonSitemap(PublicSitemap):
    columns = PublicSitemap.columns + ("is_public",)

    def public(self):
        return Person.objects.public()
