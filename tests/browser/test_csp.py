"""The Content-Security-Policy is enforced and nothing on the site or in the editors' admin breaks it."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from core.publishing import Status
from events.models import Participation
from news.models import Article
from tests.factories import (
    communication_group,
    make_article,
    make_event,
    make_organisation,
    make_participation,
    make_person,
    make_programme_item,
    make_user,
    uploaded_image,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mot-de-passe-solide-2025"
LISTEN = """() => document.addEventListener("securitypolicyviolation",
    e => window.reportViolation(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"} in ${e.sourceFile}:${e.lineNumber}`))"""


@pytest.fixture
def guarded(site):
    """The site's page, recording every CSP violation and checking each response enforces the policy."""
    site.violations = []
    site.expose_function("reportViolation", lambda text: site.violations.append(text))
    site.add_init_script(f"({LISTEN})()")

    def check_policy(response):
        if response.request.resource_type == "document" and response.url.startswith(site.base_url):
            headers = response.headers
            assert "content-security-policy" in headers, response.url
            assert "content-security-policy-report-only" not in headers, response.url

    site.on("response", check_policy)
    return site


@pytest.fixture
def content(db):
    mbm = make_organisation(name="Mission Bassin Minier", acronym="MBM")
    event = make_event(
        title="Congrès sur les friches industrielles",
        image=uploaded_image("congres.jpg", size=(800, 500)),
        image_alt="La salle du congrès",
        description="<p>Élus et experts <strong>partagent</strong> leurs expériences.</p>",
    )
    event.organisers.add(mbm)
    event.tags.add("friches")
    person = make_person(first_name="Catherine", last_name="Bertram", organisation=mbm,
                         photo=uploaded_image("bertram.jpg", size=(400, 400)))
    make_participation(event, person, talk_title="Un exemple de revitalisation")
    make_participation(event, make_person(first_name="Marc", last_name="De Nale"), role=Participation.Role.PANELLIST)
    make_programme_item(event, title="Ouverture").speakers.add(person)
    article = make_article(title="Retour sur le congrès", image=uploaded_image("salle.jpg", size=(800, 500)),
                           image_alt="Les participants")
    article.tags.add("friches")
    article.related_events.add(event)
    article.related_people.add(person)
    make_article(title="Brouillon", status=Status.DRAFT)
    return {"event": event, "person": person, "article": article}


def visit(page, path, status=200):
    response = page.goto(page.base_url + path)
    assert response.status == status, path
    page.wait_for_load_state("networkidle")


def test_every_public_page_type_keeps_to_the_policy(guarded, content):
    for path in [
        "/",
        "/actualites/",
        content["article"].get_absolute_url(),
        "/agenda/",
        "/agenda/archives/",
        content["event"].get_absolute_url(),
        "/personnes/",
        content["person"].get_absolute_url(),
        "/etiquettes/friches/",
        "/recherche/?q=friches",
    ]:
        visit(guarded, path)
    assert guarded.problems == []
    visit(guarded, "/nulle-part/", status=404)
    assert guarded.violations == []


def test_the_policy_is_enforced_not_just_reported(guarded, content):
    visit(guarded, "/")
    ran = guarded.evaluate("""() => new Promise(done => {
        const script = document.createElement("script");
        script.textContent = "window.injected = true";
        document.body.append(script);
        setTimeout(() => done(window.injected === true), 100);
    })""")
    assert ran is False
    assert any(v.startswith("script-src") for v in guarded.violations)


def test_a_communications_officer_works_in_the_admin_without_a_violation(guarded, content):
    communication_group()
    officer = make_user(username="redaction", password=PASSWORD, group="Communication")
    admin = "/" + settings.ADMIN_URL

    visit(guarded, admin + "login/")
    guarded.fill("#id_username", officer.username)
    guarded.fill("#id_password", PASSWORD)
    guarded.click("input[type=submit]")
    guarded.wait_for_url(guarded.base_url + admin)
    guarded.wait_for_load_state("networkidle")

    visit(guarded, admin + "news/article/add/")
    guarded.fill("#id_title", "Un article écrit dans le navigateur")
    editor = guarded.locator(".prose-editor > .ProseMirror").first
    expect(editor).to_be_visible()
    editor.click()
    guarded.keyboard.type("Un texte ")
    guarded.keyboard.press("Control+b")
    guarded.keyboard.type("en gras")
    expect(editor.locator("strong")).to_have_text("en gras")
    guarded.keyboard.press("Shift+Home")
    guarded.locator(".prose-menubar__button[title='Lien']").first.click()
    dialog = guarded.locator(".prose-editor-dialog")
    expect(dialog).to_be_visible()
    dialog.locator("input").first.fill("https://www.missionbassinminier.fr/")
    dialog.locator("button").first.click()
    expect(editor.locator("a")).to_have_attribute("href", "https://www.missionbassinminier.fr/")
    guarded.locator("#calendarlink0").click()
    expect(guarded.locator("#calendarbox0")).to_be_visible()
    guarded.locator("#calendarbox0 .calendarnav-next").click()
    guarded.keyboard.press("Escape")
    guarded.locator("input[name=_save]").first.click()
    guarded.wait_for_load_state("networkidle")
    saved = Article.objects.get(title="Un article écrit dans le navigateur")
    assert "<strong>en gras</strong>" in saved.body and 'href="https://www.missionbassinminier.fr/"' in saved.body

    visit(guarded, admin + f"news/article/{content['article'].pk}/change/")
    expect(guarded.locator(".prose-editor > .ProseMirror").first).to_be_visible()

    visit(guarded, admin + f"events/event/{content['event'].pk}/change/")
    expect(guarded.locator(".prose-editor > .ProseMirror").first).to_be_visible()
    guarded.locator("#participations-0 .select2-selection").first.click()
    expect(guarded.locator(".select2-results__option").first).to_be_visible()
    guarded.keyboard.press("Escape")

    visit(guarded, admin + f"events/participation/?event__id__exact={content['event'].pk}")
    visit(guarded, admin + "events/participantexport/")
    visit(guarded, admin + "people/person/add/")
    guarded.locator(".field-organisation .select2-selection").first.click()
    expect(guarded.locator(".select2-results__option").first).to_be_visible()

    assert guarded.violations == []
    assert guarded.problems == []
