"""The media library seen by a visitor (a picture in an article's text, an event's documents) and by
a communications officer (the library's admin pages, the focal point set with a click)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from events.models import EventDocument
from tests.browser.conftest import SCREENSHOTS
from tests.factories import (
    communication_group,
    docx_bytes,
    make_article,
    make_congress,
    make_document,
    make_picture,
    make_user,
    pdf_bytes,
    uploaded_image,
)

pytestmark = pytest.mark.browser
PASSWORD = "mot-de-passe-solide-2025"


@pytest.fixture
def library(db):
    picture = make_picture(
        title="Chevalement", alt="Le chevalement de l’ancien site minier Bell",
        caption="L’ancien site minier Bell, au cœur du Plan directeur urbain.", credit="Ville de Thetford Mines",
        file=uploaded_image("site.jpg", size=(1600, 1000), color=(120, 80, 60)), focal_x=0.3,
    )
    programme = make_document(pdf_bytes(1_258_291), title="Programme du congrès")
    slides = make_document(docx_bytes(), name="slides.docx", title="Présentation de Catherine Bertram")
    congress = make_congress(description="<p>Élus, experts et professionnels de l’aménagement.</p>")
    EventDocument.objects.create(event=congress, document=programme, position=0)
    EventDocument.objects.create(event=congress, document=slides, position=1)
    paragraph = ("<p>Réunissant une centaine de participants, ce congrès avait pour ambition de favoriser le "
                 "partage d’expériences internationales en matière de transformation des espaces délaissés.</p>")
    article = make_article(
        title="La Mission Bassin Minier au congrès de Thetford Mines",
        body=(paragraph + f'<figure data-picture="{picture.pk}" data-align="right"></figure>' + paragraph * 2
              + f'<p>Lire <a href="/ancien" data-document="{programme.pk}">le programme du congrès</a>.</p>'),
    )
    return {"picture": picture, "programme": programme, "slides": slides, "congress": congress, "article": article}


def test_an_article_shows_the_library_picture_of_its_text(site, screenshot, axe, library):
    site.goto(site.base_url + library["article"].get_absolute_url())
    figure = site.locator(".prose figure.rich-picture")
    expect(figure.locator("img")).to_have_attribute("alt", "Le chevalement de l’ancien site minier Bell")
    expect(figure.locator("figcaption")).to_contain_text("L’ancien site minier Bell")
    expect(figure.locator("figcaption")).to_contain_text("Photo\u00a0: Ville de Thetford Mines")
    link = site.locator(".prose a[data-document]")
    expect(link).to_have_attribute("href", library["programme"].get_absolute_url())
    expect(site.locator(".prose .document-link__about")).to_have_text("(PDF, 1,2\u00a0Mo)")
    figure.scroll_into_view_if_needed()
    assert figure.locator("img").evaluate("img => img.complete && img.naturalWidth > 0")
    # Beside the text on a laptop, the column's width on a phone.
    prose = site.locator(".prose").bounding_box()
    box = figure.bounding_box()
    assert box["width"] < prose["width"] * 0.6 and box["x"] > prose["x"] + prose["width"] / 3
    assert axe(site) == []
    screenshot("library-article")
    site.set_viewport_size({"width": 360, "height": 800})
    assert abs(figure.bounding_box()["width"] - site.locator(".prose").bounding_box()["width"]) < 2
    assert site.problems == []


def test_an_event_lists_its_documents_that_open_or_download_safely(site, screenshot, axe, library):
    site.goto(site.base_url + library["congress"].get_absolute_url())
    items = site.locator(".attachments li")
    expect(items).to_have_text([
        "Programme du congrès (PDF, 1,2\u00a0Mo)",
        "Présentation de Catherine Bertram (Word, 267\u00a0octets)",
    ])
    assert axe(site) == []
    screenshot("library-event")
    pdf = site.request.get(site.base_url + library["programme"].get_absolute_url())
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"].startswith("inline;")
    assert pdf.headers["x-content-type-options"] == "nosniff"
    with site.expect_download() as download:
        items.nth(1).locator("a").click()
    assert download.value.suggested_filename == "presentation-de-catherine-bertram.docx"
    assert site.problems == []


def test_a_communications_officer_manages_the_library(site, live_server, library):
    communication_group()
    make_user(group="Communication", username="lea.durand@example.org", password=PASSWORD)
    site.set_viewport_size({"width": 1280, "height": 900})
    site.goto(live_server.url + reverse("admin:login"))
    site.fill("#id_username", "lea.durand@example.org")
    site.fill("#id_password", PASSWORD)
    site.click("input[type=submit]")
    site.wait_for_url(live_server.url + reverse("admin:index"))
    expect(site.locator("#content-main")).to_contain_text("Médiathèque")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    site.goto(live_server.url + reverse("admin:library_picture_changelist"))
    expect(site.locator("#result_list tbody tr")).to_have_count(1)
    expect(site.locator("#result_list")).to_contain_text("1 utilisation")
    site.screenshot(path=str(SCREENSHOTS / "admin-library-pictures.png"), full_page=True)

    picture = library["picture"]
    site.goto(live_server.url + reverse("admin:library_picture_change", args=[picture.pk]))
    picker = site.locator(".library-focal")
    expect(picker.locator("img")).to_be_visible()
    box = picker.bounding_box()
    picker.click(position={"x": box["width"] * 0.8, "y": box["height"] * 0.25})
    expect(site.locator("#id_focal_x")).to_have_value("0.80")
    expect(site.locator("#id_focal_y")).to_have_value("0.25")
    marker = site.locator(".library-focal__marker").bounding_box()
    assert abs(marker["x"] + marker["width"] / 2 - (box["x"] + box["width"] * 0.8)) <= 4
    site.screenshot(path=str(SCREENSHOTS / "admin-library-picture-change.png"), full_page=True)
    site.locator("input[name=_save]").click()
    expect(site.locator(".messagelist")).to_be_visible()
    picture.refresh_from_db()
    assert (picture.focal_x, picture.focal_y) == (0.8, 0.25)

    site.goto(live_server.url + reverse("admin:library_document_changelist"))
    expect(site.locator("#result_list")).to_contain_text("1,2\u00a0Mo")
    site.screenshot(path=str(SCREENSHOTS / "admin-library-documents.png"), full_page=True)
    assert site.problems == []
