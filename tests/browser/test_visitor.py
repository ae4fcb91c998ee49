"""A visitor walks the public site in a real browser: home, news, article, event, person, tag."""

import io
import json
import re

import pytest
from playwright.sync_api import expect

from core.publishing import Status
from events.models import Participation, ProgrammeItem
from tests.factories import (
    communication_group,
    local,
    make_article,
    make_congress,
    make_event,
    make_organisation,
    make_participation,
    make_person,
    make_programme_item,
    make_user,
    uploaded_image,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def congress(db):
    mbm = make_organisation(name="Mission Bassin Minier", acronym="MBM")
    thetford = make_organisation(name="Ville de Thetford Mines", website="https://www.ville.thetfordmines.qc.ca/")
    palme = make_organisation(name="Réseau PALME")
    event = make_congress(
        start=local(2025, 5, 7, 9, tz="America/Toronto"),
        venue="Centre des congrès de Thetford",
        summary="Le premier congrès international sur la requalification des friches industrielles et des sites stratégiques.",
        description="<p>Élus, experts et professionnels de l’aménagement partagent leurs expériences.</p>",
        image=uploaded_image("thetford.jpg", size=(1600, 900), color=(70, 90, 60)),
        image_alt="Le chevalement du site King Beaver",
        image_credit="Ville de Thetford Mines",
    )
    event.organisers.add(thetford)
    event.tags.add("friches", "coopération")
    bertram = make_person(
        first_name="Catherine", last_name="Bertram", job_title="directrice", organisation=mbm,
        bio="<p>Catherine Bertram dirige la Mission Bassin Minier.</p>",
        photo=uploaded_image("bertram.jpg", size=(600, 600), color=(150, 110, 90)),
        email="catherine.bertram@example.org",
    )
    bertram.tags.add("friches")
    make_participation(
        event, bertram,
        talk_title="Le Bassin minier du Nord–Pas de Calais : un exemple remarquable de revitalisation",
    )
    denale = make_person(first_name="Marc", last_name="De Nale", job_title="président", organisation=palme)
    make_participation(event, denale, role=Participation.Role.PANELLIST)
    make_participation(event, make_person(first_name="Paul", last_name="Privé", is_public=False))
    opening = make_programme_item(event, title="Ouverture du congrès", kind=ProgrammeItem.Kind.KEYNOTE,
                                  start=local(2025, 5, 7, 9, tz="America/Toronto"), end=local(2025, 5, 7, 9, 45, tz="America/Toronto"))
    opening.speakers.add(bertram)
    make_programme_item(event, title="Pause", kind=ProgrammeItem.Kind.BREAK, start=local(2025, 5, 7, 10, 30, tz="America/Toronto"))
    make_programme_item(event, title="Visite des sites Bell et King Beaver", kind=ProgrammeItem.Kind.SITE_VISIT,
                        start=local(2025, 5, 8, 14, tz="America/Toronto"), end=local(2025, 5, 8, 16, 30, tz="America/Toronto"))
    article = make_article(
        title="La Mission Bassin Minier invitée au congrès de Thetford Mines (Québec)",
        standfirst="Les 7 et 8 mai 2025, la Mission Bassin Minier a participé au premier congrès international sur la requalification des friches industrielles.",
        body="<p>Réunissant une centaine de participants, ce congrès favorisait le partage d’expériences.</p>"
             "<h2>Une intervention remarquée</h2><p>Catherine Bertram est intervenue sur le Bassin minier.</p>",
        image=uploaded_image("congres.jpg", size=(1600, 1000), color=(40, 70, 120)),
        image_alt="Les participants du congrès dans la salle plénière",
        image_credit="Mission Bassin Minier",
        featured=True,
    )
    article.tags.add("friches", "coopération")
    article.related_events.add(event)
    article.related_people.add(bertram, denale)
    make_article(title="Un nouveau parc sur le carreau de fosse 9-9 bis")
    make_article(title="Brouillon à ne pas montrer", status=Status.DRAFT).tags.add("friches")
    make_event(title="Rencontre des territoires miniers à Lens")
    return {"event": event, "article": article, "person": bertram}


def test_visitor_walks_from_home_to_a_tag(site, screenshot, congress):
    site.goto(site.base_url + "/")
    expect(site).to_have_title(re.compile("Mission Bassin Minier"))
    expect(site.locator("html")).to_have_attribute("lang", "fr")
    assert site.locator('link[rel="alternate"]').count() == 4
    screenshot("home")

    site.locator(".site-nav a").first.click()
    expect(site).to_have_url(re.compile(r"/actualites/$"))
    expect(site.locator("main")).not_to_contain_text("Brouillon à ne pas montrer")
    screenshot("news-list")

    site.get_by_role("link", name=congress["article"].title).first.click()
    expect(site.locator("h1")).to_have_text(congress["article"].title)
    expect(site.locator(".article__date time")).to_contain_text(re.compile(r"\d+(er)? [^\s\d]+ \d{4}"))
    image = site.locator(".article__figure img")
    expect(image).to_have_attribute("alt", "Les participants du congrès dans la salle plénière")
    assert site.evaluate("el => el.complete && el.naturalWidth > 0", image.element_handle())
    data = json.loads(site.locator('script[type="application/ld+json"]').text_content())
    assert data["@type"] == "NewsArticle"
    screenshot("article")

    site.locator(".related .card--event a").first.click()
    expect(site.locator("h1")).to_have_text(congress["event"].title)
    expect(site.locator(".event__when-where")).to_have_text("7–8 mai 2025, Thetford Mines (Québec, Canada)")
    expect(site.locator(".event__facts")).to_contain_text("heure de Québec")
    expect(site.locator(".programme__day h3").first).to_have_text("mercredi 7 mai 2025")
    expect(site.locator("main")).not_to_contain_text("Privé")
    ics = site.locator(f'a[href="/agenda/{congress["event"].slug}.ics"]')
    expect(ics).to_be_visible()
    assert json.loads(site.locator('script[type="application/ld+json"]').text_content())["@type"] == "Event"
    screenshot("event")

    site.locator(".speakers").get_by_role("link", name="Catherine Bertram").click()
    expect(site.locator("h1")).to_have_text("Catherine Bertram")
    expect(site.locator(".talks")).to_contain_text("un exemple remarquable de revitalisation")
    expect(site.locator("main")).not_to_contain_text("catherine.bertram@example.org")
    screenshot("person")

    site.locator(".tag-list a", has_text="friches").click()
    expect(site).to_have_url(re.compile(r"/etiquettes/friches/$"))
    expect(site.locator("main")).to_contain_text(congress["article"].title)
    expect(site.locator("main")).to_contain_text("Catherine Bertram")
    screenshot("tag")
    assert site.problems == []


def test_lists_filters_and_error_page(site, screenshot, congress):
    site.goto(site.base_url + "/agenda/")
    expect(site.locator("main")).to_contain_text("Rencontre des territoires miniers à Lens")
    screenshot("agenda")
    site.locator(".tabs a").nth(1).click()
    expect(site.locator("main")).to_contain_text(congress["event"].title)
    site.select_option("#id_type", "congress")
    site.locator(".filters button").click()
    expect(site).to_have_url(re.compile(r"type=congress"))
    expect(site.locator(".card--event")).to_have_count(1)
    screenshot("agenda-past")

    site.goto(site.base_url + "/personnes/")
    expect(site.locator("main")).to_contain_text("Marc De Nale")
    expect(site.locator("main")).not_to_contain_text("Privé")
    screenshot("people")
    assert site.problems == []

    response = site.goto(site.base_url + "/actualites/nexiste-pas/")
    assert response.status == 404
    expect(site.locator("main form[role=search]")).to_be_visible()
    screenshot("404")


def test_search_form_subscribe_links_and_keyboard(site, screenshot, congress):
    site.goto(site.base_url + "/")
    site.keyboard.press("Tab")
    skip = site.locator(".skip-link")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box and box["y"] >= 0, "the skip link shows when focused"
    site.keyboard.press("Enter")
    expect(site).to_have_url(re.compile("#contenu$"))

    site.fill("#site-search-q", "friches")
    site.locator(".site-search button").click()
    expect(site).to_have_url(re.compile(r"/recherche/\?q=friches$"))
    expect(site.locator("main")).to_contain_text(congress["article"].title)
    screenshot("search")

    site.goto(site.base_url + "/")
    hrefs = site.eval_on_selector_all('link[rel="alternate"]', "links => links.map(l => l.getAttribute('href'))")
    footer = site.eval_on_selector_all(".site-footer .subscribe a", "links => links.map(l => l.getAttribute('href'))")
    for href in {*hrefs, *footer, f"/agenda/{congress['event'].slug}.ics"}:
        assert site.request.get(site.base_url + href).status == 200, href


def test_demo_content_looks_right(site, screenshot, db):
    """The demo loader's real congress, for screenshots closer to the agency's content."""
    from django.core.management import call_command

    from news.models import Article

    call_command("loaddemo", stdout=io.StringIO())
    site.goto(site.base_url + "/")
    screenshot("demo-home")
    article = Article.objects.published().filter(title__icontains="Thetford").first() or Article.objects.published().first()
    site.goto(site.base_url + article.get_absolute_url())
    screenshot("demo-article")
    event = article.related_events.first()
    if event:
        site.goto(site.base_url + event.get_absolute_url())
        expect(site.locator(".event__when-where")).to_contain_text("2025")
        screenshot("demo-event")
    assert site.problems == []


def test_error_pages_speak_french_in_the_site_layout(site, screenshot, db):
    communication_group()
    make_user(username="redaction", password="mot-de-passe-solide-2025", group="Communication")
    article = make_article(title="Les terrils classés")

    site.goto(site.base_url + "/admin/login/")
    site.context.clear_cookies()  # the form's cookie is gone: a stale form, a privacy setting
    site.fill("#id_username", "redaction")
    site.fill("#id_password", "mot-de-passe-solide-2025")
    with site.expect_navigation() as navigation:
        site.locator("input[type=submit]").click()
    assert navigation.value.status == 403
    expect(site.locator("h1")).to_have_text("Le formulaire n’a pas pu être envoyé")
    expect(site.locator("main")).to_contain_text("autorisez les cookies pour ce site")
    screenshot("403-csrf")

    site.goto(site.base_url + "/admin/login/")
    site.fill("#id_username", "redaction")
    site.fill("#id_password", "mot-de-passe-solide-2025")
    site.locator("input[type=submit]").click()
    expect(site.locator("#site-name")).to_be_visible()
    response = site.goto(site.base_url + f"/admin/news/article/{article.pk}/delete/")  # editors may not delete
    assert response.status == 403
    expect(site.locator("h1")).to_have_text("Accès refusé")
    expect(site.locator("main a")).to_have_text("Retour à l’administration")
    screenshot("403")

    response = site.goto(site.base_url + "/admin/news/article/?q=a%00b")
    assert response.status == 400
    expect(site.locator("h1")).to_have_text("Requête invalide")
    screenshot("400")
    # The browser reports each error page's own status; nothing else went wrong.
    assert [p for p in site.problems if "the server responded with a status of 40" not in p] == []
