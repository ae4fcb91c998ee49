from django.views.generic import DetailView, ListView

from .models import Person


class PersonListView(ListView):
    paginate_by = 24

    def get_queryset(self):
        return Person.objects.public().select_related("organisation")


class PersonDetailView(DetailView):
    def get_queryset(self):
        if self.request.user.has_perm("people.change_person"):
            return Person.objects.all()
        return Person.objects.public()
