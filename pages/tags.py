"""The page of one tag: the public articles, events and people that carry it."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from taggit.models import Tag

from core.seo import collection_json_ld
from events.models import Event
from news.models import Article
from people.models import Person

SHOWN = 12


class TagDetailView(TemplateView):
    template_name = "tags/tag_detail.html"

    def get_context_data(self, **kwargs):
        tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        # One more than shown tells whether a "see all" link is needed, without counting.
        articles = list(Article.objects.published().tagged(tag)[: SHOWN + 1])
        upcoming = list(Event.objects.published().upcoming().tagged(tag)[: SHOWN + 1])
        past = list(Event.objects.published().past().tagged(tag)[: SHOWN + 1])
        people = list(Person.objects.public().tagged(tag).select_related("organisation")[: SHOWN + 1])
        if not (articles or upcoming or past or people):
            raise Http404(_("No public content carries this tag."))
        return super().get_context_data(
            tag=tag,
            articles=articles[:SHOWN],
            more_articles=len(articles) > SHOWN,
            upcoming=upcoming[:SHOWN],
            more_upcoming=len(upcoming) > SHOWN,
            past_events=past[:SHOWN],
            more_past=len(past) > SHOWN,
            people=people[:SHOWN],
            more_people=len(people) > SHOWN,
            meta_description=_("News, events and people about “%(tag)s”.") % {"tag": tag.name},
            structured_data=collection_json_ld(
                _("Tag: %(tag)s") % {"tag": tag.name},
                self.request.path,
                [*articles[:SHOWN], *upcoming[:SHOWN], *past[:SHOWN], *people[:SHOWN]],
            ),
            **kwargs,
        )
