"""A superuser erases a person's data from the admin: the confirmation page, in French, at 1280 px."""

import pytest
from playwright.sync_api import expect

from people.models import Person
from tests.browser.conftest import SCREENSHOTS
from tests.factories import make_article, make_participation, make_person, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mot-de-passe-solide-2025"


def test_erase_through_the_confirmation_page(site, axe):
    make_user(username="dpo", password=PASSWORD, is_superuser=True)
    person = make_person(first_name="Hélène", last_name="Boucher", bio="<p>Urbaniste.</p>")
    person.tags.add("urbanisme")
    make_participation(person=person, notes="Allergie", talk_title="Reconvertir un carreau de fosse")
    make_article(title="Les friches à l’honneur").related_people.add(person)
    site.set_viewport_size({"width": 1280, "height": 900})
    site.goto(f"{site.base_url}/admin/login/")
    site.fill("#id_username", "dpo")
    site.fill("#id_password", PASSWORD)
    site.click("input[type=submit]")

    site.goto(f"{site.base_url}/admin/people/person/{person.pk}/change/")
    site.get_by_role("link", name="Effacer les données personnelles").click()
    expect(site.locator("h1")).to_contain_text("Effacer les données personnelles de Hélène Boucher")
    expect(site.locator("#content-main")).to_contain_text("Les notes internes de 1 participation.")
    expect(site.locator("#content-main")).to_contain_text("Les friches à l’honneur")
    assert axe(site) == []
    overflow = site.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    site.screenshot(path=str(SCREENSHOTS / "admin-erase-confirmation-1280.png"), full_page=True)

    site.get_by_role("button", name="Oui, effacer définitivement").click()
    expect(site.locator(".messagelist")).to_contain_text("Personne anonymisée")
    assert Person.objects.get(pk=person.pk).full_name == "Personne anonymisée"
