"""Every admin page an editor opens fits a 1280 px screen: nothing scrolls sideways, nothing is cut off.

The pages come from the admin registry (each model's list, add form and one object's form) and the
custom views, so that a new app's admin is measured without touching this file.
"""

import os
import re
from pathlib import Path

import pytest
from django.urls import reverse

from events.models import Participation
from tests.browser.admin_pages import PASSWORD, build_content, editor_pages, log_in
from tests.factories import communication_group, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR") or Path(__file__).resolve().parents[2] / "test-results" / "screenshots")
# What sticks out at the page's width: the page itself scrolling sideways, a box that scrolls its
# content sideways (Django's lists and inline tables are such boxes), a table or a field whose right
# edge passes the window's.
MEASURE = r"""async () => {
    for (let i = 0; i < 2; i++) await new Promise(done => requestAnimationFrame(done));
    const root = document.documentElement;
    const width = root.clientWidth;
    const faults = [];
    const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
        + (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : "");
    if (root.scrollWidth > width) faults.push(`the page scrolls sideways by ${root.scrollWidth - width}px`);
    const content = document.querySelector("#content") || document.body;
    for (const el of content.querySelectorAll("*")) {
        if (!el.offsetParent && getComputedStyle(el).position !== "fixed") continue;
        const box = el.getBoundingClientRect();
        if (box.width <= 1 || box.height <= 1) continue;  // visually hidden, for screen readers
        const style = getComputedStyle(el);
        // A name too long for a compact inline's autocomplete ends in "…", whole in its tooltip.
        const ellipsis = el.matches(".tabular .select2-selection__rendered[title]");
        if (!ellipsis && ["auto", "scroll", "hidden"].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1)
            faults.push(`${name(el)} scrolls or cuts its content by ${el.scrollWidth - el.clientWidth}px`);
        if (el.matches("table, input, select, textarea, img, .select2, .selector")) {
            const right = box.right;
            if (right > width + 1) faults.push(`${name(el)} ends at ${Math.round(right)}px`);
        }
    }
    return faults;
}"""


def test_every_admin_page_an_editor_opens_fits_1280_px(site, live_server):
    communication_group()
    editor = make_user(group="Communication", username="lea.durand@example.org", password=PASSWORD)
    congress = build_content(editor)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    site.set_viewport_size({"width": 1280, "height": 900})
    log_in(site, live_server, editor.username)

    addresses = {}
    for name, address in editor_pages(editor, congress):
        addresses.setdefault(address, name)
    pages = [(name, address) for address, name in addresses.items()]
    assert {"event-change", "article-list", "person-change", "article-change"} <= {name for name, _ in pages}
    found = []
    for name, address in pages:
        response = site.goto(live_server.url + address)
        assert response.status == 200, f"{name}: {address} answered {response.status}"
        found.extend(f"{name} ({address}): {fault}" for fault in site.evaluate(MEASURE))
        site.screenshot(path=str(SCREENSHOTS / f"admin-{name}.png"), full_page=True)

    # The tag merge page, reached as an editor does: tags ticked in the list, then the action.
    site.goto(live_server.url + reverse("admin:taggit_tag_changelist"))
    site.locator("input.action-select").first.check()
    site.select_option("select[name=action]", "render_tag_form")
    site.locator("button[name=index]").first.click()
    site.wait_for_url(re.compile(r".*/merge-tags/$"))
    found.extend(f"tag merge: {fault}" for fault in site.evaluate(MEASURE))
    site.screenshot(path=str(SCREENSHOTS / "admin-tag-merge.png"), full_page=True)

    assert site.problems == []
    assert found == [], "\n" + "\n".join(found)


def test_the_speakers_inline_shows_every_column_of_a_row(site, live_server):
    """Status, internal notes and the deletion box of each speaker are on screen at 1280 px."""
    communication_group()
    editor = make_user(group="Communication", username="lea.durand@example.org", password=PASSWORD)
    congress = build_content(editor)
    site.set_viewport_size({"width": 1280, "height": 900})
    log_in(site, live_server, editor.username)
    site.goto(live_server.url + reverse("admin:events_event_change", args=[congress.pk]))
    row = site.locator("#participations-0")
    for field in ("status", "notes", "DELETE"):
        box = row.locator(f"[name=participations-0-{field}]").bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 1280, field
    # Only the roles this inline lists: an attendee added here would vanish from it once saved.
    roles = row.locator("[name=participations-0-role] option").evaluate_all("options => options.map(o => o.value)")
    assert set(roles) - {""} == {str(role) for role in Participation.CONTRIBUTING_ROLES}

