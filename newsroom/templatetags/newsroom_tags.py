"""The admin home's blocks (newsroom/dashboard.py) for the current request: {% newsroom_dashboard %}
above the app list, {% newsroom_sidebar %} beside it."""

from django import template
from django.utils import timezone

from newsroom import dashboard

register = template.Library()


@register.inclusion_tag("newsroom/dashboard.html", takes_context=True)
def newsroom_dashboard(context):
    request, now = context["request"], timezone.now()
    return {
        "publishing": dashboard.publishing_blocks(request, now),
        "events": dashboard.upcoming_events(request, now),
    }


@register.inclusion_tag("newsroom/dashboard_sidebar.html", takes_context=True)
def newsroom_sidebar(context):
    request = context["request"]
    return {"changes": dashboard.latest_changes(request), "exports": dashboard.latest_exports(request)}
