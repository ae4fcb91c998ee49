# Placeholder views: the public-site work replaces every one of them.
from django.http import HttpResponse
from django.views import View


class _Placeholder(View):
    def get(self, request, *args, **kwargs):
        return HttpResponse("TODO")


from config.robots import RobotsView  # noqa: E402,F401
from config.search import SearchView  # noqa: E402,F401
from config.tags import TagDetailView  # noqa: E402,F401


def bench_ping(request):
    """The framework's ceiling for bench/load.py: the full middleware stack, no query, no template."""
    return HttpResponse("ok", content_type="text/plain")
