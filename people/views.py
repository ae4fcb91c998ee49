from urllib.parse import urlencode

from django import forms
from django.db.models import Exists, OuterRef, Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, ListView

from core.seo import absolute, collection_json_ld, describe, safe_url, share_image_url
from events.models import Participation
from news.models import Article

from .models import Organisation, Person


class PersonFilterForm(forms.Form):
    organisation = forms.ChoiceField(label=gettext_lazy("Organisation"), required=False)

    def __init__(self, *args, organisations=(), **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.organisations = {organisation.slug: organisation for organisation in organisations}
        self.fields["organisation"].choices = [
            ("", _("All organisations")),
            *((organisation.slug, str(organisation)) for organisation in self.organisations.values()),
        ]


class PersonListView(ListView):
    """The directory of public profiles, optionally narrowed to one organisation."""

    paginate_by = 24
    cache_query_parameters = ("page", "organisation")
    template_name = "people/person_list.html"
    context_object_name = "people"

    def get_queryset(self):
        organisations = Organisation.objects.filter(
            Exists(Person.objects.public().filter(organisation=OuterRef("pk")))
        ).order_by("name")
        self.form = PersonFilterForm(self.request.GET or None, organisations=organisations)
        self.organisation = None
        people = Person.objects.public().select_related("organisation")
        if self.form.is_valid() and self.form.cleaned_data["organisation"]:
            self.organisation = self.form.organisations[self.form.cleaned_data["organisation"]]
            people = people.filter(organisation=self.organisation)
        return people

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context["page_obj"]
        heading = _("People")
        if self.organisation:
            heading = _("People from %(organisation)s") % {"organisation": self.organisation}
        query = {"organisation": self.organisation.slug} if self.organisation else {}
        if page.number > 1:
            query["page"] = page.number
        context.update(
            heading=heading,
            page_title=heading if page.number == 1 else _("%(title)s – page %(page)s") % {"title": heading, "page": page.number},
            form=self.form,
            canonical_path=self.request.path + (f"?{urlencode(query)}" if query else ""),
        )
        context["structured_data"] = collection_json_ld(context["page_title"], context["canonical_path"], page.object_list)
        return context


class PersonDetailView(DetailView):
    template_name = "people/person_detail.html"

    def get_queryset(self):
        if self.request.user.has_perm("people.change_person"):
            people = Person.objects.all()  # staff preview
        else:
            people = Person.objects.public()
        return people.select_related("organisation").prefetch_related(
            "tags",
            Prefetch(
                "participations",
                queryset=Participation.objects.public().select_related("event", "organisation").order_by("-event__start"),
                to_attr="talks",
            ),
            Prefetch("articles", queryset=Article.objects.published(), to_attr="news"),
        )

    def get_context_data(self, **kwargs):
        person = self.object
        return super().get_context_data(
            structured_data=person_json_ld(person),
            meta_description=describe(
                person.bio or ", ".join(str(part) for part in (person.job_title, person.organisation) if part)
            ),
            share_image=share_image_url(person, "photo"),
            share_image_alt=person.full_name,
            **kwargs,
        )


def person_json_ld(person) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "Person",
        "name": person.full_name,
        "givenName": person.first_name,
        "familyName": person.last_name,
        "url": absolute(person.get_absolute_url()),
    }
    if person.job_title:
        data["jobTitle"] = person.job_title
    if person.organisation:
        data["worksFor"] = {"@type": "Organization", "name": person.organisation.name}
        if safe_url(person.organisation.website):
            data["worksFor"]["url"] = safe_url(person.organisation.website)
    if person.bio:
        data["description"] = describe(person.bio, 300)
    image = share_image_url(person, "photo")
    if image:
        data["image"] = image
    return data
