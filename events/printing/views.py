"""The event page's print buttons: a POST answers the PDF as an attachment; a GET, the button alone."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from ..models import ParticipantExport
from . import SHEETS, NothingToPrint, print_sheet, record_print


def print_view(model_admin, sheet: str):
    """The view of one sheet for EventAdmin.get_urls(), under the participant export's permission."""
    layout = SHEETS[sheet]

    def view(request, object_id):
        if not model_admin.has_export_permission(request):
            raise PermissionDenied
        event = model_admin.get_object(request, object_id)
        if event is None:
            raise Http404
        if request.method in ("GET", "HEAD"):
            context = {
                **model_admin.admin_site.each_context(request),
                "title": layout.title,
                "opts": model_admin.opts,
                "original": event,
                "sheet": sheet,
            }
            return TemplateResponse(request, "events/print/confirmation.html", context)
        if request.method != "POST":
            return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
        try:
            printed = print_sheet(event, sheet)
        except NothingToPrint:
            messages.warning(
                request,
                _("No badge to print: “%(event)s” has no participant yet (cancelled ones are left out).")
                % {"event": event.title},
            )
            return HttpResponseRedirect(reverse("admin:events_event_change", args=[event.pk]))
        record_print(printed, event, source=ParticipantExport.Source.EVENT_PAGE, user=request.user)
        response = HttpResponse(printed.content, content_type="application/pdf")
        response.headers["Content-Disposition"] = content_disposition_header(True, printed.filename)
        return response

    return view
