from django.http import HttpResponse
from django.urls import reverse
from django.views import View


class RobotsView(View):
    """Everything may be crawled but the back office; the sitemap is named in full."""

    def get(self, request, *args, **kwargs):
        lines = [
            "User-agent: *",
            f"Disallow: {reverse('admin:index')}",  # wherever ADMIN_URL puts it
            "",
            f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
        ]
        return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
