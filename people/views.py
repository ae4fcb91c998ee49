
from django import forms
from django.db.models import Exists, OuterRef, Prefetch
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from core.generation import remember
from core.seo import absolute, describe, safe_url, share_image_url
from core.views import ListPageMixin, StaffPreviewMixin
from core.widgets import LongSelect
from events.models import Participation
from news.models import Article

from .models import Organisation, Person


class PersonFilterForm(forms.Form):
    """The directory's filter: one organisation among those with public profiles.

    There are 2,000 of them at full size: the select is written once per change of content and
    choice (``remember``), and a choice is checked by looking that one organisation up; giving
    the field its choices on each request cost 15 ms (Django normalises them twice, then checks
    the choice among them).
    """

    organisation = forms.SlugField(label=gettext_lazy("Organisation"), required=False, widget=LongSelect)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def chosen_organisation(self) -> Organisation | None:
        if not self.is_valid() or not self.cleaned_data["organisation"]:
            return None
        return with_public_people(Organisation.objects.filter(slug=self.cleaned_data["organisation"])).first()

    def organisation_select(self, chosen: str) -> str:
        widget = self.fields["organisation"].widget
        widget.choices = [("", _("All organisations")), *organisations_with_public_people()]
        return widget.render("organisation", chosen, {"id": self["organisation"].id_for_label})


def with_public_people(organisations):
    return organisations.filter(Exists(Person.objects.public().filter(organisation=OuterRef("pk"))))


def organisations_with_public_people() -> list[tuple[str, str]]:
    """The filter's choices: organisations with at least one public profile, by name (slug, label)."""
    organisations = with_public_people(Organisation.objects.order_by("name"))
    return [(organisation.slug, str(organisation)) for organisation in organisations]


class PersonListView(ListPageMixin, ListView):
    """The directory of public profiles, optionally narrowed to one organisation."""

    paginate_by = 24
    cache_query_parameters = ("page", "organisation")
    template_name = "people/person_list.html"
    context_object_name = "people"

    def get_queryset(self):
        self.form = PersonFilterForm(self.request.GET or None)
        self.organisation = self.form.chosen_organisation()
        people = Person.objects.public().select_related("organisation")
        if self.organisation:
            people = people.filter(organisation=self.organisation)
        return people

    def heading(self) -> str:
        if self.organisation:
            return _("People from %(organisation)s") % {"organisation": self.organisation}
        return _("People")

    def canonical_query(self) -> dict:
        return {"organisation": self.organisation.slug} if self.organisation else {}

    def get_context_data(self, **kwargs):
        chosen = self.organisation.slug if self.organisation else ""
        select = remember(
            f"people:organisation-select:{get_language()}:{chosen}", lambda: self.form.organisation_select(chosen)
        )
        return super().get_context_data(form=self.form, organisation_select=select, **kwargs)


class PersonDetailView(StaffPreviewMixin, DetailView):
    model = Person
    template_name = "people/person_detail.html"

    def public_queryset(self):
        return Person.objects.public()

    def get_queryset(self):
        return super().get_queryset().select_related("organisation").prefetch_related(
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
