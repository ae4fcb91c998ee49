"""The admin's slug script and the server agree on French titles."""

import pytest

from core.text import slugify_fr
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLES = [
    "Congrès à Québec",
    "Cœur de ville : l'œuvre",
    "Cœur de ville : l’œuvre",
    "ŒUVRES ÆSTHÉTIQUES",
    "Nord–Pas de Calais : « patrimoine » mondial !",
    "Straße & Ça, c'est l'été — 2025",
    "  espaces   multiples  ",
    "Requalification des friches industrielles et des sites stratégiques de Thetford Mines au Québec",
    "日本語",
    "Œ œ Æ æ ß ẞ Ø ø Ł ł Đ đ Ð ð Þ þ ı Ħ ħ Ŧ ŧ : Łódź, Ærø, Þingvellir",  # every entry of core.text.LIGATURES
]


def log_in(page, live_server):
    make_user(username="redaction", password="mot-de-passe-solide-2025", is_superuser=True)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "redaction")
    page.fill("#id_password", "mot-de-passe-solide-2025")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")


def test_typing_a_french_title_fills_the_slug_the_server_would_make(page, live_server):
    log_in(page, live_server)
    page.goto(f"{live_server.url}/admin/news/article/add/")
    page.locator("#id_title").press_sequentially("Cœur de ville : l’œuvre")
    assert page.input_value("#id_slug") == "coeur-de-ville-l-oeuvre"


def test_the_admin_script_matches_slugify_fr_on_edge_cases(page, live_server):
    log_in(page, live_server)
    page.goto(f"{live_server.url}/admin/events/event/add/")
    for title in TITLES:
        in_browser = page.evaluate("([title, n]) => window.URLify(title, n)", [title, 80])
        assert in_browser == slugify_fr(title, 80), title
