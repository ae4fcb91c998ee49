from itertools import groupby

from django import forms
from django.conf import settings
from django.db.models import Prefetch
from django.http import Http404, HttpResponsePermanentRedirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, ListView, TemplateView
from taggit.models import Tag

from core.dates import MAX_YEAR, MIN_YEAR
from core.generation import remember
from core.seo import absolute, describe, safe_url, share_image_url
from core.views import ListPageMixin, StaffPreviewMixin
from core.widgets import LongSelect
from events.calendar import google_calendar_url, outlook_calendar_url
from events.display import event_place
from events.month import Month, month_events, month_grid, weekdays
from news.models import Article
from people.models import Person

from .models import Event, Participation, ProgrammeItem


class EventFilterForm(forms.Form):
    """The agenda's filters; an unknown value is ignored rather than an error."""

    type = forms.ChoiceField(label=gettext_lazy("Kind"), required=False, widget=LongSelect)
    etiquette = forms.ChoiceField(label=gettext_lazy("Tag"), required=False, widget=LongSelect)
    annee = forms.IntegerField(label=gettext_lazy("Year"), required=False, min_value=MIN_YEAR, max_value=MAX_YEAR)

    def __init__(self, *args, tags=(), **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", _("All kinds")), *Event.Kind.choices]
        self.fields["etiquette"].choices = [("", _("All tags")), *((tag.slug, tag.name) for tag in tags)]

    def cleaned(self) -> dict:
        """The valid, non-empty filters."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data[name] for name in self.fields if data.get(name) not in (None, "")}


def public_event_tags() -> list[Tag]:
    """The tags of public events, by name: the agenda's filter."""
    return list(Tag.objects.filter(event__in=Event.objects.published()).distinct().order_by("name"))


class EventListView(ListPageMixin, ListView):
    """Upcoming events, soonest first, filtered by kind, tag and year."""

    paginate_by = 12
    cache_query_parameters = ("page", "type", "etiquette", "annee")  # the filter form's fields
    template_name = "events/event_list.html"
    context_object_name = "events"
    past = False

    def get_queryset(self):
        events = Event.objects.published()
        events = events.past() if self.past else events.upcoming()
        tags = remember("events:tags", public_event_tags)
        self.form = EventFilterForm(self.request.GET or None, tags=tags)
        self.filters = self.form.cleaned()
        if "type" in self.filters:
            events = events.filter(kind=self.filters["type"])
        if "etiquette" in self.filters:
            events = events.tagged(self.filters["etiquette"])
        if "annee" in self.filters:
            events = events.filter(start__year=self.filters["annee"])
        return events

    def heading(self) -> str:
        return _("Past events") if self.past else _("Upcoming events")

    def title_for(self, heading: str) -> str:
        choices = {name: dict(self.form.fields[name].choices) for name in ("type", "etiquette")}
        labels = [
            str(choices[name][value]) if name in choices else str(value) for name, value in self.filters.items()
        ]
        return f"{heading} – {', '.join(labels)}" if labels else heading

    def canonical_query(self) -> dict:
        return dict(self.filters)

    def get_context_data(self, **kwargs):
        return super().get_context_data(form=self.form, filters=self.filters, past=self.past, **kwargs)


class PastEventListView(EventListView):
    past = True


class EventMonthView(TemplateView):
    """A month of the agenda as a calendar grid: the current month (site's time zone) or the one asked."""

    template_name = "events/event_month.html"
    cache_query_parameters = ()

    def get(self, request, *args, year=None, month=None, **kwargs):
        today = timezone.localdate()
        if year is None:
            self.month = Month.containing(today)
        else:
            self.month = Month.valid(year, month)
            if self.month is None:
                raise Http404
            if request.path != self.month.get_absolute_url():  # 2025/5/ → 2025/05/
                return HttpResponsePermanentRedirect(self.month.get_absolute_url())
        self.today = today
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        month = self.month
        events = month_events(month)
        weeks = month_grid(month, events, self.today)
        title = _("Agenda: %(month)s") % {"month": month}
        return super().get_context_data(
            month=month,
            events=events,
            weeks=weeks,
            days_with_events=[day for week in weeks for day in week if day.entries],
            weekdays=weekdays(),
            is_current=month == Month.containing(self.today),
            heading=title,
            page_title=title,
            canonical_path=month.get_absolute_url(),
            **kwargs,
        )


class EventDetailView(StaffPreviewMixin, DetailView):
    model = Event
    template_name = "events/event_detail.html"

    def public_queryset(self):
        return Event.objects.published()

    def get_queryset(self):
        return super().get_queryset().prefetch_related(
            "tags",
            "organisers",
            Prefetch(
                "programme",
                queryset=ProgrammeItem.objects.prefetch_related(
                    Prefetch("speakers", queryset=Person.objects.public())
                ),
            ),
            Prefetch(
                "participations",
                queryset=Participation.objects.contributing()
                .of_public_people()
                .select_related("person", "organisation")
                .order_by("person__last_name", "person__first_name"),
                to_attr="contributors",
            ),
            Prefetch("articles", queryset=Article.objects.published(), to_attr="news"),
        )

    def get_context_data(self, **kwargs):
        event = self.object
        event.speakers = [p for p in event.contributors if p.role in Participation.SPEAKING_ROLES]
        event.organising_people = [p for p in event.contributors if p.role == Participation.Role.ORGANISER]
        programme = [
            (day, list(items))
            for day, items in groupby(event.programme.all(), key=lambda item: item.start.astimezone(event.zone).date())
        ]
        url = absolute(event.get_absolute_url())
        return super().get_context_data(
            programme=programme,
            past=event.end < timezone.now(),
            google_calendar_url=google_calendar_url(event, url=url),
            outlook_calendar_url=outlook_calendar_url(event, url=url),
            structured_data=event_json_ld(event),
            meta_description=describe(event.summary or event.description),
            share_image=share_image_url(event),
            share_image_alt=event.image_alt,
            **kwargs,
        )


def event_json_ld(event) -> dict:
    if event.all_day:
        start, end = event.start_date.isoformat(), event.end_date.isoformat()
    else:
        start, end = event.start_local.isoformat(), event.end_local.isoformat()
    place = {
        "@type": "Place",
        "name": event.venue or event_place(event),
        "address": {
            "@type": "PostalAddress",
            "streetAddress": event.address,
            "addressLocality": event.city,
            "addressRegion": event.region,
            "addressCountry": event.country,
        },
    }
    if event.online:
        location = [{"@type": "VirtualLocation", "url": safe_url(event.website) or absolute(event.get_absolute_url())}]
        if event.city or event.venue:
            location.append(place)
        mode = "https://schema.org/MixedEventAttendanceMode" if len(location) > 1 else "https://schema.org/OnlineEventAttendanceMode"
    else:
        location, mode = place, "https://schema.org/OfflineEventAttendanceMode"
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "description": describe(event.summary or event.description, 300),
        "url": absolute(event.get_absolute_url()),
        "startDate": start,
        "endDate": end,
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": mode,
        "location": location,
        "inLanguage": "fr",
        "performer": [
            {"@type": "Person", "name": p.person.full_name, "url": absolute(p.person.get_absolute_url())}
            for p in event.speakers
        ],
        "organizer": [
            *(
                {"@type": "Organization", "name": organisation.name, **({"url": safe_url(organisation.website)} if safe_url(organisation.website) else {})}
                for organisation in event.organisers.all()
            ),
            *(
                {"@type": "Person", "name": p.person.full_name, "url": absolute(p.person.get_absolute_url())}
                for p in event.organising_people
            ),
        ]
        or {"@type": "Organization", "name": settings.SITE_NAME, "url": absolute("/")},
    }
    image = share_image_url(event)
    if image:
        data["image"] = [image]
    return data
