"""Every admin page an editor opens passes axe-core's WCAG 2.1 A/AA rules (RGAA) without a serious or
critical finding: fields and widgets have names (a table's row says whose it is, an autocomplete its
field), links in text are told apart without colour.

The pages are those of the width walk (tests/browser/admin_pages.py), from the admin registry.
"""

import os
import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from core.publishing import Status
from news.models import Article
from tests.browser.admin_pages import PASSWORD, editor_with_content, log_in, unique_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR") or Path(__file__).resolve().parents[2] / "test-results" / "screenshots")


@pytest.fixture
def audit(site, axe):
    """axe's findings on the page, each line prefixed with the page's name. What axe does in the page
    while it measures (inline styles the CSP refuses, stylesheets it fetches again) is not the page's
    fault: only the messages logged before it runs stay in ``site.problems``."""

    def run(name: str) -> list[str]:
        before = len(site.problems)
        findings = axe(site)
        del site.problems[before:]
        return [f"{name}: {finding}" for finding in findings]

    return run


def test_every_admin_page_an_editor_opens_passes_axe(site, live_server, audit):
    editor, congress = editor_with_content()
    site.set_viewport_size({"width": 1280, "height": 900})
    site.goto(live_server.url + reverse("admin:login"))
    found = audit("login")
    log_in(site, live_server, editor.username)

    pages = unique_pages(editor, congress)
    assert {"event-change", "article-add", "participation-list-of-the-congress"} <= {name for name, _ in pages}
    for name, address in pages:
        response = site.goto(live_server.url + address)
        assert response.status == 200, f"{name}: {address} answered {response.status}"
        site.wait_for_load_state("networkidle")
        found.extend(audit(f"{name} ({address})"))

    site.goto(live_server.url + reverse("admin:taggit_tag_changelist"))
    site.locator("input.action-select").first.check()
    site.select_option("select[name=action]", "render_tag_form")
    site.locator("button[name=index]").first.click()
    site.wait_for_url(re.compile(r".*/merge-tags/$"))
    found.extend(audit("tag merge"))

    assert found == [], "\n" + "\n".join(found)
    assert site.problems == []


def test_a_table_row_says_whose_it_is_and_an_autocomplete_its_field(site, live_server):
    """ "Rôle de Catherine Bertram" in the participation list and the event's speakers; the autocomplete
    boxes and their search fields read their field's name, also in a row added with "Ajouter"."""
    editor, congress = editor_with_content()
    site.set_viewport_size({"width": 1280, "height": 900})
    log_in(site, live_server, editor.username)

    site.goto(live_server.url + reverse("admin:events_participation_changelist") + f"?event__id__exact={congress.pk}")
    assert site.get_by_role("combobox", name="Rôle de Catherine Bertram", exact=True).count() == 1
    assert site.get_by_role("combobox", name="Statut de Catherine Bertram", exact=True).count() == 1

    site.goto(live_server.url + reverse("admin:events_event_change", args=[congress.pk]))
    assert site.get_by_role("combobox", name="Rôle de Catherine Bertram", exact=True).count() == 1
    person = site.get_by_role("combobox", name=re.compile(r"^Personne de Catherine Bertram"))
    assert person.count() == 1
    site.locator("#participations-group .add-row a").click()
    assert site.get_by_role("combobox", name=re.compile(r"^Personne de la nouvelle ligne")).count() >= 1

    site.goto(live_server.url + reverse("admin:news_article_add"))
    search = site.get_by_role("searchbox", name="Événements liés", exact=True)
    assert search.count() == 1
    # The number of results is said once the list settles (a polite status region).
    search.click()
    site.keyboard.type("Congrès")
    expect(site.get_by_role("option", name=re.compile("Congrès international"))).to_be_visible()
    expect(site.get_by_role("status").filter(has_text="résultat")).to_have_text("1 résultat")
    assert site.problems == []


# 200 % zoom of a 1280 px window lays pages out as a 640 CSS px one (what the browser's zoom does).
ZOOMED = {"width": 640, "height": 450}
REACHABLE = r"""() => {
    const width = document.documentElement.clientWidth;
    const faults = [];
    if (document.documentElement.scrollWidth > width) faults.push("the page scrolls sideways");
    const controls = "#content input:not([type=hidden]), #content select, #content textarea, #content button, "
        + "#content .select2-selection, #content [contenteditable=true]";
    for (const el of document.querySelectorAll(controls)) {
        const box = el.getBoundingClientRect();
        if (!el.offsetParent || box.width < 1) continue;
        // Cut off by the window or by a box that hides what overflows it; a box that scrolls keeps it reachable.
        let right = width;
        for (let parent = el.parentElement; parent; parent = parent.parentElement) {
            const overflow = getComputedStyle(parent).overflowX;
            if (overflow === "auto" || overflow === "scroll") { right = Infinity; break; }
            if (overflow === "hidden" || overflow === "clip") right = Math.min(right, parent.getBoundingClientRect().right);
        }
        if (box.left < 0 || box.right > right + 1)
            faults.push(`${el.tagName.toLowerCase()}#${el.id || el.name || el.className} cut off at ${Math.round(right)}px`);
    }
    return faults;
}"""


def test_at_200_percent_zoom_the_forms_and_the_participation_list_keep_every_control_usable(site, live_server):
    editor, congress = editor_with_content()
    log_in(site, live_server, editor.username)
    site.set_viewport_size(ZOOMED)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pages = {
        "article-add": reverse("admin:news_article_add"),
        "event-change": reverse("admin:events_event_change", args=[congress.pk]),
        "participation-list": reverse("admin:events_participation_changelist") + f"?event__id__exact={congress.pk}",
    }
    found = []
    for name, address in pages.items():
        site.goto(live_server.url + address)
        site.wait_for_load_state("networkidle")
        found.extend(f"{name}: {fault}" for fault in site.evaluate(REACHABLE))
        site.screenshot(path=str(SCREENSHOTS / f"admin-zoom-200-{name}.png"), full_page=True)
    assert found == [], "\n" + "\n".join(found)
    assert site.problems == []


def tab_to(page, selector: str, backwards: bool = False, limit: int = 60):
    """Presses Tab (or Shift+Tab) until the focus is on ``selector`` (if not there already): reachable by
    keyboard, in order."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        if page.evaluate("selector => document.activeElement.matches(selector)", selector):
            return
        page.keyboard.press(key)
    raise AssertionError(f"{selector} is not reached with {key}")


def test_an_editor_writes_and_publishes_an_article_with_a_link_and_a_list_with_the_keyboard_only(site, live_server):
    editor, _congress = editor_with_content()
    site.set_viewport_size({"width": 1280, "height": 900})
    site.goto(live_server.url + reverse("admin:login"))
    tab_to(site, "#id_username")
    site.keyboard.type(editor.username)
    tab_to(site, "#id_password")
    site.keyboard.type(PASSWORD)
    site.keyboard.press("Enter")
    site.wait_for_url(live_server.url + reverse("admin:index"))

    site.goto(live_server.url + reverse("admin:news_article_add"))
    site.wait_for_selector(".prose-menubar button")
    tab_to(site, "#id_title")
    site.keyboard.type("Retour sur le congrès")
    tab_to(site, "#id_standfirst")
    site.keyboard.type("Trois jours d’échanges.")

    # The text: a sentence with a link, then a bulleted list, all from the keyboard.
    editable = ".prose-editor [contenteditable=true]"
    tab_to(site, editable)
    site.keyboard.type("Lire le programme")
    for _ in "programme":
        site.keyboard.press("Shift+ArrowLeft")
    # The editor takes in the browser's selection a moment later: a person's next key comes after it.
    site.wait_for_timeout(300)
    tab_to(site, ".prose-menubar button[data-name=link]", backwards=True)
    site.keyboard.press("Enter")
    site.wait_for_selector("dialog[open]")
    site.keyboard.type("https://example.org/programme")
    tab_to(site, "dialog[open] button[type=submit]")
    site.keyboard.press("Space")
    site.wait_for_selector("dialog[open]", state="detached")
    site.wait_for_function("() => document.querySelector('.prose-editor a[href]')?.textContent === 'programme'")
    tab_to(site, editable)
    site.keyboard.press("ArrowRight")
    site.wait_for_timeout(300)
    site.keyboard.press("End")
    site.keyboard.press("Enter")
    tab_to(site, ".prose-menubar button[data-name=bulletList]", backwards=True)
    site.keyboard.press("Enter")
    tab_to(site, editable)
    site.keyboard.type("Les friches")
    site.keyboard.press("Enter")
    site.keyboard.type("Le Québec")
    # Tab in a list indents the item: twice Enter ends the list, and Tab then leaves the editor.
    site.keyboard.press("Enter")
    site.keyboard.press("Enter")

    tab_to(site, "#id_status")
    site.keyboard.type("Publié")
    tab_to(site, "input[name=_save]")
    site.keyboard.press("Enter")
    site.wait_for_url(live_server.url + reverse("admin:news_article_changelist"))

    article = Article.objects.get(title="Retour sur le congrès")
    assert article.status == Status.PUBLISHED and article.is_public
    assert '<a href="https://example.org/programme"' in article.body
    assert "<ul><li><p>Les friches</p></li><li><p>Le Québec</p></li></ul>" in article.body
    assert site.problems == []
