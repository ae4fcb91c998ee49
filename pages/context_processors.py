from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from core.generation import remember

from .models import SitePage


def menus(request):
    """The header and footer menus: one query per change of content, made only if the page shows
    them (the admin does not).

    ``menu_path`` is the page's address when a menu links to it (the menus mark it as the
    current page), else empty: all the header and footer need of the address, so that they are
    the same fragment on every other page ({% memo %}).
    """
    site_menus = SimpleLazyObject(lambda: remember("pages:menus", SitePage.objects.menus))

    def menu_path() -> str:
        linked = {item.get_absolute_url() for items in site_menus.values() for item in items}
        return request.path if request.path in linked or request.path == reverse("pages:site-map") else ""

    return {"site_menus": site_menus, "menu_path": SimpleLazyObject(menu_path)}
