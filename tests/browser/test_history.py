"""An officer of the Communication group corrects a published article, compares the two versions
and puts the earlier one back: in a real browser, with the editor, the CSP and the page cache."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core.publishing import Status
from tests.browser.conftest import SCREENSHOTS
from tests.factories import communication_group, make_article, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mot-de-passe-solide-2025"


def test_correct_compare_and_restore_an_article(site, axe):
    communication_group()
    make_user(username="lea", first_name="Léa", last_name="Durand", password=PASSWORD, group="Communication")
    article = make_article(
        title="Friches : le congrès de Thetford Mines",
        body="<p>Le congrès a réuni 300 personnes.</p>",
        status=Status.PUBLISHED,
        published_at=timezone.now() - timezone.timedelta(days=1),
    )
    errors = []
    site.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    site.set_viewport_size({"width": 1280, "height": 900})
    site.goto(f"{site.base_url}/admin/login/")
    site.fill("#id_username", "lea")
    site.fill("#id_password", PASSWORD)
    site.click("input[type=submit]")

    # A first save, then a correction with a comment.
    change = f"{site.base_url}/admin/news/article/{article.pk}/change/"
    site.goto(change)
    site.click("input[name=_continue]")
    site.fill("#id_title", "Friches : le congrès international de Thetford Mines")
    site.fill("#id_version_comment", "Correction du titre")
    site.click("input[name=_continue]")
    site.goto(f"{site.base_url}{article.get_absolute_url()}")
    expect(site.locator("h1")).to_contain_text("congrès international")

    # The history, newest first; compare the two versions.
    site.goto(change)
    site.get_by_role("link", name="Historique").click()
    rows = site.locator("#change-history tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Correction du titre")
    expect(rows.first).to_contain_text("Léa Durand")
    assert axe(site) == []
    site.screenshot(path=str(SCREENSHOTS / "admin-history-1280.png"), full_page=True)
    site.get_by_role("button", name="Comparer les versions choisies").click()
    expect(site.locator(".history-compare ins")).to_have_text("international ")
    assert axe(site) == []
    site.screenshot(path=str(SCREENSHOTS / "admin-history-compare-1280.png"), full_page=True)

    # Restore the first version: the editor loads (CSP nonce), the status stays as it is.
    site.get_by_role("link", name="Voir et restaurer").click()
    expect(site.get_by_role("textbox", name="Texte", exact=True)).to_be_visible()
    expect(site.locator("#id_status")).to_have_value(Status.PUBLISHED)
    site.screenshot(path=str(SCREENSHOTS / "admin-history-restore-1280.png"))
    site.get_by_role("button", name="Enregistrer").first.click()
    expect(site.locator(".messagelist")).to_be_visible()

    site.goto(f"{site.base_url}{article.get_absolute_url()}")
    expect(site.locator("h1")).to_have_text("Friches : le congrès de Thetford Mines")
    assert [error for error in errors if "Content Security Policy" in error] == []
