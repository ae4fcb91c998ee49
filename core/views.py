"""Small pieces every app's views share."""

import functools
from urllib.parse import urlencode

from django.utils.translation import gettext as _

from core.generation import remember
from core.seo import collection_json_ld


def uses_query_parameters(*names: str):
    """Declare the query parameters a function view reads (a class view sets
    ``cache_query_parameters``): the page cache hands it those and no other (pages/cache.py)."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            return view(*args, **kwargs)

        wrapped.cache_query_parameters = names
        return wrapped

    return decorate


class StaffPreviewMixin:
    """A detail page: the public sees what is public; staff who may change the model preview drafts.

    Views set ``model`` and say what is public in ``public_queryset()``, evaluated per request.
    """

    def public_queryset(self):
        raise NotImplementedError

    def get_queryset(self):
        opts = self.model._meta
        if self.request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}"):
            return self.model._default_manager.all()
        return self.public_queryset()


class ListPageMixin:
    """A paginated list page: heading, title with the page number, canonical address, JSON-LD.

    The canonical address keeps the filters the page was asked with (``canonical_query()``)
    and the page number; the title names the filters (``title_for()``). The number of items,
    which every page of the list needs (a COUNT of 100,000 articles: 25 ms), is counted once
    per change of content (``core.generation.remember``).
    """

    def get_paginator(self, queryset, *args, **kwargs):
        paginator = super().get_paginator(queryset, *args, **kwargs)
        filters = urlencode(sorted(self.canonical_query().items()))
        paginator.count = remember(f"count:{self.request.path}?{filters}", paginator.object_list.count)
        return paginator

    def heading(self) -> str:
        raise NotImplementedError

    def title_for(self, heading: str) -> str:
        return heading

    def canonical_query(self) -> dict:
        return {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context["page_obj"]
        heading = self.heading()
        title = self.title_for(heading)
        if page.number > 1:
            title = _("%(title)s – page %(page)s") % {"title": title, "page": page.number}
        query = self.canonical_query()
        if page.number > 1:
            query["page"] = page.number
        canonical_path = self.request.path + (f"?{urlencode(query)}" if query else "")
        context.update(
            heading=heading,
            page_title=title,
            canonical_path=canonical_path,
            structured_data=collection_json_ld(title, canonical_path, page.object_list),
        )
        return context
