from django.views.generic import DetailView, ListView

from .models import Event


class EventListView(ListView):
    paginate_by = 12

    def get_queryset(self):
        return Event.objects.published().upcoming()


class EventDetailView(DetailView):
    def get_queryset(self):
        if self.request.user.has_perm("events.change_event"):
            return Event.objects.all()
        return Event.objects.published()
