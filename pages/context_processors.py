from django.utils.functional import SimpleLazyObject

from .models import SitePage


def menus(request):
    """The header and footer menus: one query, made only if the page shows them (the admin does not)."""
    return {"site_menus": SimpleLazyObject(SitePage.objects.menus)}
