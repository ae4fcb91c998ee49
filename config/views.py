"""Site-wide views that belong to no app: the server-error handler and the benchmark's trivial view."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views import defaults

RETRY_AFTER_SECONDS = 30


def server_error(request):
    """``handler500``: a database that cannot answer is a 503 with Retry-After, not a 500.

    PostgreSQL restarting or unreachable, or a lock held past ``lock_timeout`` (a migration),
    raise ``OperationalError`` or ``InterfaceError``, in a view or in a middleware (the page
    cache asks the database when a page may be kept). Visitors are told the site is briefly
    unavailable; crawlers and monitoring get a status that means "come back", not "a bug".
    Django logs the error with its traceback either way.
    """
    if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):
        # Rendered without the request, like Django's 500 page: no context processor, no session.
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return defaults.server_error(request)


def bench_ping(request):
    """The framework's ceiling for bench/load.py: the full middleware stack, no query, no template."""
    return HttpResponse("ok", content_type="text/plain")
