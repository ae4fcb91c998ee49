"""An editor working with the keyboard always sees where the focus is, in the admin's lists and forms.

Each element the Tab key reaches must look different focused and unfocused (outline, shadow, border
or background): WCAG 2.4.7, RGAA 10.7.
"""

import pytest
from django.urls import reverse

from tests.browser.admin_pages import editor_with_content, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The focused element's look, then the same element unfocused (blurred without any pointer).
LOOKS = """async () => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    // Composite widgets show the focus on their frame: the text editor, an autocomplete's box.
    const target = (el.classList.contains("ProseMirror") && el.closest(".prose-editor"))
        || el.closest(".select2-container")?.querySelector(".select2-selection") || el;
    const look = () => {
        const s = getComputedStyle(target);
        return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow, s.borderColor, s.backgroundColor, s.textDecorationLine].join("|");
    };
    const focused = look();
    el.blur();
    await new Promise(done => setTimeout(done, 20));  // select2 drops its focus class a moment later
    const unfocused = look();
    el.focus({focusVisible: true});
    const name = el.getAttribute("aria-label") || el.name || el.id || (el.textContent || "").trim().slice(0, 40) || el.tagName;
    return {focused, unfocused, name: `${el.tagName.toLowerCase()} ${name}`};
}"""


@pytest.mark.parametrize("page_name", ["article-add", "event-change", "participation-list", "article-list"])
def test_every_tab_stop_shows_the_focus(site, live_server, page_name):
    editor, congress = editor_with_content()
    site.set_viewport_size({"width": 1280, "height": 900})
    log_in(site, live_server, editor.username)
    address = {
        "article-add": reverse("admin:news_article_add"),
        "event-change": reverse("admin:events_event_change", args=[congress.pk]),
        "participation-list": reverse("admin:events_participation_changelist") + f"?event__id__exact={congress.pk}",
        "article-list": reverse("admin:news_article_changelist"),
    }[page_name]
    site.goto(live_server.url + address)
    site.wait_for_load_state("networkidle")

    invisible, seen = [], 0
    for _ in range(80):
        site.keyboard.press("Tab")
        looks = site.evaluate(LOOKS)
        if looks is None:
            continue
        seen += 1
        if looks["focused"] == looks["unfocused"]:
            invisible.append(looks["name"])
    assert seen >= 40, f"only {seen} tab stops reached on {page_name}"
    assert invisible == [], f"no visible focus on {page_name}: {sorted(set(invisible))}"
