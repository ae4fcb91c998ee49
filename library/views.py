from django.http import FileResponse, Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.views import View

from .models import Document

PUBLIC_CACHE = "public, max-age=600"  # a document unpublished or replaced is gone from caches within 10 minutes


class DocumentView(View):
    """A document, under its current address, to whoever may see it.

    Public once attached to, or linked from the text of, something public; before that,
    staff who may view documents only (a draft's documents stay private).
    """

    http_method_names = ["get", "head", "options"]

    def get(self, request, pk, slug=None, ext=None):
        document = get_object_or_404(Document, pk=pk)
        staff = request.user.has_perm("library.view_document")
        if not (staff or document.is_public()):
            raise Http404
        if (slug, ext) != (document.slug, document.extension):
            return HttpResponsePermanentRedirect(document.get_absolute_url())
        try:
            stream = document.file.open("rb")
        except (FileNotFoundError, ValueError) as error:
            raise Http404 from error
        response = FileResponse(
            stream,
            content_type=document.content_type or "application/octet-stream",
            as_attachment=not document.inline,
            filename=document.download_name,
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Cache-Control"] = "private, no-store" if staff else PUBLIC_CACHE
        return response
