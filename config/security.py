"""Security pieces the settings point to: the admin's script nonce, the client's address, the lockout page."""

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import BadRequest
from django.shortcuts import render

from core.richtext import nonce_media


class MediaNonceMiddleware:
    """Gives the admin's form media the request's CSP nonce.

    The rich-text editor needs an inline ``<script type="importmap">``; django-js-asset
    renders it (and the other tags of the media) with the nonce it is given, so the
    policy can forbid every other inline script.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_template_response(self, request, response):
        nonce_media(request, response.context_data)
        return response


def client_ip(request) -> str | None:
    """The address that failed to log in: the proxy's X-Forwarded-For only when PROXY_COUNT says
    how many proxies append to it, else the peer address (a client cannot forge either then)."""
    count = settings.PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if count and len(forwarded) >= count:
        return forwarded[-count]
    return request.META.get("REMOTE_ADDR")


def locked_out(request, original_response=None, credentials=None):
    """The admin login page, refusing for a while, in the admin's own look."""
    context = {
        **admin.site.each_context(request),
        "title": admin.site.site_title,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "admin/locked_out.html", context, status=429)


class RejectNulBytesMiddleware:
    """A NUL byte in an admin address is a client error (400), never a database error.

    PostgreSQL refuses NUL in text; without this, an admin filter such as
    ``?role__exact=%00`` reached the database and answered 500. Public views
    already treat such values as unknown (404 or a normal page).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = "/" + settings.ADMIN_URL

    def __call__(self, request):
        raw = request.META.get("QUERY_STRING", "")
        if request.path.startswith(self.admin_prefix) and ("%00" in raw or "\x00" in raw):
            raise BadRequest("NUL bytes are not allowed in the address.")  # Django answers with 400.html
        return self.get_response(request)
