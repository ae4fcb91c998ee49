from functools import cache

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.views import View

FAVICON = "img/favicon.ico"
MAX_AGE = 7 * 24 * 3600  # a fixed address: cached a week, not for ever, should the icon change


@cache
def favicon_bytes() -> bytes:
    with open(finders.find(FAVICON), "rb") as icon:
        return icon.read()


class FaviconView(View):
    """/favicon.ico, which browsers ask for wherever a page names no icon (the admin's pages)."""

    def get(self, request, *args, **kwargs):
        response = HttpResponse(favicon_bytes(), content_type="image/x-icon")
        response["Cache-Control"] = f"public, max-age={MAX_AGE}"
        return response
