"""An editor of the Communication group writes an article in the rich-text editor: French toolbar,
French spell-check, room to write, no missing glyph, a picture and a document from the library."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core.publishing import Status
from news.models import Article
from tests.browser.conftest import SCREENSHOTS
from tests.factories import communication_group, make_document, make_picture, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mot-de-passe-solide-2025"
EDITABLE = ".prose-editor .ProseMirror[contenteditable]"

# Each toolbar icon on its own: a ligature the font lacks would be drawn as its letters (wide),
# a character no font has as a box; measured in a visible copy, hidden buttons included.
GLYPHS = """async () => {
    const loaded = await document.fonts.load('24px "Material Icons"', "format_bold");
    const probe = document.createElement("div");
    document.body.append(probe);
    const widths = {};
    for (const button of document.querySelectorAll(".prose-menubar .material-icons")) {
        const copy = button.cloneNode(true);
        copy.classList.remove("hidden");
        probe.append(copy);
        const range = document.createRange();
        range.selectNodeContents(copy);
        widths[`${button.dataset.name || "selected"}:${copy.textContent}`] = range.getBoundingClientRect().width;
    }
    probe.remove();
    const pseudo = [];
    for (const element of document.querySelectorAll(".prose-menubar, .prose-menubar *")) {
        for (const which of ["::before", "::after"]) {
            const content = getComputedStyle(element, which).content;
            if (!["none", "normal", '""'].includes(content)) pseudo.push(content);
        }
    }
    return {
        fontLoaded: loaded.length > 0 && document.fonts.check('24px "Material Icons"'),
        widths,
        pseudo,
    };
}"""


def log_in(page):
    communication_group()
    make_user(username="redaction", password=PASSWORD, group="Communication")
    page.goto(f"{page.base_url}/admin/login/")
    page.fill("#id_username", "redaction")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{page.base_url}/admin/")


def open_article_form(page):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{page.base_url}/admin/news/article/add/")
    page.wait_for_selector(f"{EDITABLE}")
    page.wait_for_selector(".prose-menubar button[data-name=libraryPicture]")


def title_of(page, name):
    return page.get_attribute(f".prose-menubar button[data-name='{name}']", "title")


def test_the_editor_speaks_french_and_has_room_to_write(site):
    log_in(site)
    open_article_form(site)

    assert title_of(site, "bold") == "Gras"
    assert title_of(site, "italic") == "Italique"
    assert title_of(site, "bulletList") == "Liste à puces"
    assert title_of(site, "history:undo") == "Annuler la dernière modification"
    assert title_of(site, "libraryPicture") == "Insérer une image de la médiathèque"
    assert title_of(site, "documentLink") == "Lien vers un document"
    assert site.get_attribute(".prose-menubar button[data-name=documentLink]", "aria-label") == "Lien vers un document"
    options = site.locator(".prose-menubar__picker .prose-menubar__option").all_text_contents()
    assert options == ["Titre de niveau 2", "Titre de niveau 3", "Titre de niveau 4", "Paragraphe"]

    editable = site.locator(EDITABLE)
    assert editable.get_attribute("spellcheck") == "true"
    assert editable.get_attribute("lang") == "fr"
    assert editable.get_attribute("aria-label") == "Texte"
    assert editable.bounding_box()["height"] >= 200

    glyphs = site.evaluate(GLYPHS)
    assert glyphs["fontLoaded"]
    assert glyphs["widths"] and all(0 < width <= 32 for width in glyphs["widths"].values()), glyphs["widths"]
    assert all(content.isascii() for content in glyphs["pseudo"]), glyphs["pseudo"]

    editable.click()
    site.keyboard.type("Le congrès")
    site.keyboard.press("Shift+Home")
    site.click(".prose-menubar button[data-name=link]")
    dialog = site.locator("dialog.prose-editor-dialog")
    assert dialog.locator("h3").inner_text() == "Modifier le lien"
    assert dialog.locator("label").all_inner_texts() == ["Adresse (URL)", "Titre (info-bulle)"]
    assert dialog.locator("button").all_inner_texts() == ["Valider", "Annuler"]
    site.keyboard.press("Escape")
    assert dialog.count() == 0

    site.locator(".prose-menubar button[data-name=documentLink]").focus()
    site.keyboard.press("Enter")
    library = site.get_by_role("dialog", name="Lien vers un document")
    expect(library).to_be_visible()
    site.keyboard.press("Escape")
    expect(library).to_have_count(0)
    assert site.evaluate("document.activeElement.matches('.ProseMirror')")  # back to the text
    assert site.problems == []


def test_a_picture_and_a_document_from_the_library_are_stored_as_references(site, axe, screenshot):
    log_in(site)
    headframe = make_picture(title="Chevalement du puits Arthur", alt="Le chevalement rouillé du puits Arthur")
    make_picture(title="Salle du congrès", alt="Des rangées de fauteuils")
    programme = make_document(title="Programme du congrès")
    open_article_form(site)
    site.fill("#id_title", "Le puits Arthur rouvre")

    site.locator(EDITABLE).click()
    site.keyboard.type("Premier paragraphe.")
    site.locator(".prose-menubar button[data-name=libraryPicture]").focus()
    site.keyboard.press("Enter")
    dialog = site.get_by_role("dialog", name="Insérer une image de la médiathèque")
    search = dialog.get_by_role("searchbox", name="Rechercher")
    assert search.evaluate("element => element === document.activeElement")
    site.keyboard.type("puits")
    expect(dialog.locator(".richtext-picker__item")).to_have_count(1)
    assert dialog.get_by_role("status").inner_text() == "1 résultat"
    site.keyboard.press("Tab")  # the alignment, "Pleine largeur" first
    site.keyboard.press("ArrowLeft")
    site.keyboard.press("ArrowLeft")
    assert dialog.get_by_role("radio", name="À gauche").is_checked()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    site.screenshot(path=str(SCREENSHOTS / "editor-picture-dialog-1280.png"))
    site.set_viewport_size({"width": 360, "height": 740})
    assert dialog.bounding_box()["width"] <= 360
    site.screenshot(path=str(SCREENSHOTS / "editor-picture-dialog-360.png"))
    site.set_viewport_size({"width": 1280, "height": 900})
    assert site.problems == []
    assert axe(site, ".richtext-picker") == []
    site.problems.clear()  # axe-core's own inline styles, refused by the policy: not the editor's
    site.keyboard.press("Tab")  # the result
    site.keyboard.press("Enter")
    assert dialog.count() == 0
    preview = site.locator(".richtext-picture")
    assert preview.get_attribute("data-align") == "left"
    assert "Le chevalement rouillé du puits Arthur" in preview.inner_text()
    expect(preview.locator("img")).to_have_js_property("complete", True)
    assert preview.locator("img").evaluate("image => image.naturalWidth") > 0
    assert site.evaluate("document.activeElement.matches('.ProseMirror')")  # back to the text

    site.keyboard.type("Lire ")
    site.locator(".prose-menubar button[data-name=documentLink]").focus()
    site.keyboard.press("Enter")
    dialog = site.get_by_role("dialog", name="Lien vers un document")
    site.keyboard.type("programme")
    expect(dialog.locator(".richtext-picker__item")).to_have_count(1)
    site.screenshot(path=str(SCREENSHOTS / "editor-document-dialog-1280.png"))
    site.keyboard.press("ArrowDown")
    site.keyboard.press("Enter")
    site.keyboard.type(", à lire.")
    site.screenshot(path=str(SCREENSHOTS / "editor-with-references-1280.png"))

    site.get_by_role("button", name="Enregistrer", exact=True).first.click()
    site.wait_for_url(f"{site.base_url}/admin/news/article/")
    article = Article.objects.get(title="Le puits Arthur rouvre")
    assert article.body.startswith(
        f'<p>Premier paragraphe.</p><figure data-picture="{headframe.pk}" data-align="left"></figure><p>Lire <a '
    )
    link = re.search(r"<a ([^>]*)>Programme du congrès</a>, à lire\.</p>$", article.body)
    assert sorted(link[1].split()) == [f'data-document="{programme.pk}"', f'href="{programme.get_absolute_url()}"']
    assert site.problems == []

    Article.objects.filter(pk=article.pk).update(status=Status.PUBLISHED, published_at=timezone.now())
    site.goto(f"{site.base_url}{article.get_absolute_url()}")
    picture = site.locator(".prose figure img")
    assert picture.get_attribute("alt") == "Le chevalement rouillé du puits Arthur"
    picture.scroll_into_view_if_needed()
    expect(picture).to_have_js_property("complete", True)
    assert picture.evaluate("image => image.naturalWidth") > 0
    assert site.locator(".prose a[data-document]").get_attribute("href") == programme.get_absolute_url()
    screenshot("editor-article-public")
    assert site.problems == []
