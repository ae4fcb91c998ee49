"""axe-core finds nothing serious on any page type the public reads, on a laptop and on a phone.

The site's own pages and the HTML site map are checked with their feature (tests/browser/).
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import Participation
from tests.factories import (
    local,
    make_article,
    make_congress,
    make_event,
    make_organisation,
    make_participation,
    make_person,
    uploaded_image,
)

pytestmark = pytest.mark.browser

WIDTHS = (1280, 360)


@pytest.fixture
def content(db):
    """A little of everything: an illustrated article, a past congress and an upcoming visit,
    speakers, an organisation, a tag."""
    congress = make_congress(
        summary="Le premier congrès international sur la requalification des friches industrielles.",
        description="<p>Élus, experts et professionnels de l’aménagement partagent leurs expériences.</p>",
    )
    congress.tags.add("friches")
    soon = timezone.now().replace(hour=14, minute=0, second=0, microsecond=0) + timedelta(days=10)
    visit = make_event(title="Visite de la base 11/19", kind="site_visit", start=soon, end=soon + timedelta(hours=3))
    visit.tags.add("friches")
    speaker = make_person(first_name="Catherine", last_name="Bertram", job_title="directrice",
                          organisation=make_organisation(name="Mission Bassin Minier"))
    make_participation(congress, speaker, talk_title="Le Bassin minier, un exemple de revitalisation")
    make_participation(congress, make_person(last_name="Soyer"), role=Participation.Role.PANELLIST)
    article = make_article(
        title="Retour sur le congrès des friches de Thetford Mines",
        published_at=local(2025, 5, 12, 9),
        image=uploaded_image("congres.jpg", size=(1600, 900), color=(60, 110, 70)),
        image_alt="Les participants du congrès devant le centre des congrès",
        featured=True,
    )
    article.tags.add("friches")
    article.related_events.add(congress)
    make_article(title="La base 11/19 accueille un centre de ressources").tags.add("friches")
    return {"article": article, "congress": congress, "visit": visit, "speaker": speaker}


# Each page type, and what shows it is the page meant (not an empty or error page).
PAGES = {
    "home": (lambda c: "/", ".card--article"),
    "news list": (lambda c: "/actualites/", ".card--article"),
    "article with image": (lambda c: c["article"].get_absolute_url(), "main img[alt^='Les participants']"),
    "news year archive": (lambda c: "/actualites/annee/2025/", ".card--article"),
    "agenda list": (lambda c: "/agenda/", ".card--event"),
    "agenda archives": (lambda c: "/agenda/archives/", ".card--event"),
    "month with events": (lambda c: "/agenda/mois/2025/05/", "table.month tbody a"),
    "empty month": (lambda c: "/agenda/mois/2031/05/", ".month-empty"),
    "upcoming event": (lambda c: c["visit"].get_absolute_url(), ".calendar-links"),
    "past event": (lambda c: c["congress"].get_absolute_url(), ".event__past"),
    "people directory": (lambda c: "/personnes/", ".card--person"),
    "person": (lambda c: c["speaker"].get_absolute_url(), ".person__header"),
    "tag page": (lambda c: "/etiquettes/friches/", ".card--event"),
    "search results": (lambda c: "/recherche/?q=friches", ".search-group"),
    "search without results": (lambda c: "/recherche/?q=zzyzzx", ".results-count"),
    "404 page": (lambda c: "/cette-page-n-existe-pas/", ".error-page"),
}


@pytest.mark.parametrize("name", PAGES)
def test_no_serious_accessibility_finding(site, axe, content, name):
    address, landmark = PAGES[name]
    path = address(content)
    missing = name == "404 page"
    response = site.goto(site.base_url + path)
    assert response.status == (404 if missing else 200), path
    assert site.locator(landmark).count() >= 1, f"{name} ({path}) shows no {landmark}"
    for width in WIDTHS:
        site.set_viewport_size({"width": width, "height": 900})
        assert axe(site) == [], f"{name} ({path}) at {width}px"
    # The browser reports the 404 page's own status in the console; nothing else may fail.
    assert [problem for problem in site.problems if not (missing and "404" in problem)] == []
