"""axe-core runs in the real browser: the home page and the agenda have no serious finding."""

import pytest

from tests.factories import make_article, make_event

pytestmark = pytest.mark.browser


def test_home_and_agenda_have_no_serious_accessibility_finding(site, axe, db):
    make_article(title="La reconversion des friches avance")
    make_event(title="Congrès des friches")
    for path in ("/", "/agenda/"):
        site.goto(site.base_url + path)
        assert axe(site) == [], path


def test_axe_reports_what_it_finds(site, axe, db):
    site.goto(site.base_url + "/")
    site.evaluate("() => { const i = document.createElement('input'); document.querySelector('main').append(i); }")
    assert any(finding.startswith("label (critical)") for finding in axe(site))
