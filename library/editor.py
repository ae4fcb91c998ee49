"""What the rich-text editor asks of the media library: staff-only JSON for its two dialogs.

``pictures/`` and ``documents/`` list the latest items, or those whose every word of ``q`` is
in the title (or, for a picture, its alternative text); ``id`` asks for one item (the editor's
preview of a picture already in the text); ``limit`` caps the list. Served under the admin's
prefix (config/urls.py); a request without the view permission on the model gets 403.
"""

from functools import wraps

from django.db import connection
from django.db.models import Q
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .models import Document, Picture

app_name = "library-editor"

DEFAULT_LIMIT = 24
MAX_LIMIT = 100
MAX_WORDS = 10


class BadParameter(ValueError):
    pass


def staff_json(model):
    """Active staff with the view permission on ``model``, else 403 (JSON, no login redirect)."""

    def decorator(view):
        @wraps(view)
        @never_cache
        @require_GET
        def wrapper(request):
            user = request.user
            if not (user.is_active and user.is_staff and user.has_perm(f"library.view_{model._meta.model_name}")):
                return JsonResponse({"error": "forbidden"}, status=403)
            try:
                items = view(request, model._default_manager.all())
            except BadParameter as error:
                return JsonResponse({"error": str(error)}, status=400)
            return JsonResponse({"results": items})

        return wrapper

    return decorator


def matching(request, queryset, fields: tuple[str, ...]):
    """The items asked for: one by ``id``, else those matching ``q``, at most ``limit``."""
    params = request.GET
    if "id" in params:
        pk = params["id"]
        if not (pk.isascii() and pk.isdigit() and len(pk) <= 18):
            raise BadParameter("id: a positive whole number")
        return queryset.filter(pk=int(pk))
    limit = params.get("limit", str(DEFAULT_LIMIT))
    if not (limit.isascii() and limit.isdigit() and 1 <= int(limit) <= MAX_LIMIT):
        raise BadParameter(f"limit: a whole number from 1 to {MAX_LIMIT}")
    lookup = "unaccent__icontains" if connection.vendor == "postgresql" else "icontains"
    for word in params.get("q", "").replace("\x00", "").split()[:MAX_WORDS]:
        queryset = queryset.filter(Q.create([(f"{field}__{lookup}", word[:100]) for field in fields], connector=Q.OR))
    return queryset[: int(limit)]


@staff_json(Picture)
def pictures(request, queryset):
    return [
        {"id": picture.pk, "title": picture.title, "alt": picture.alt, "thumbnail": picture.thumbnail_url}
        for picture in matching(request, queryset, ("title", "alt"))
    ]


@staff_json(Document)
def documents(request, queryset):
    return [
        {
            "id": document.pk,
            "title": document.title,
            "kind": document.kind,
            "size": document.human_size,
            "url": document.get_absolute_url(),
        }
        for document in matching(request, queryset, ("title",))
    ]


urlpatterns = [
    path("pictures/", pictures, name="pictures"),
    path("documents/", documents, name="documents"),
]
