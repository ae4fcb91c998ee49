"""Walks the staff guide (docs/guide/) as a member of the "Communication" group, on the demo content,
and takes each of its screenshots at 1280 px: the pictures of the guide are always those of the
product. The names come from docs/guide/captures.json, which tests/newsroom/test_guide.py checks
against the chapters' text. GUIDE_IMAGES_DIR saves them elsewhere (to look without touching docs/).
"""

import io
import json
import os
import re
from base64 import b32decode
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sites.models import Site
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from PIL import Image
from playwright.sync_api import expect

from demo.content import placeholder_picture
from events.models import Event
from news.models import Article
from tests.browser.conftest import SCREENSHOTS
from tests.factories import communication_group, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "guide"
CAPTURES = json.loads((GUIDE / "captures.json").read_text(encoding="utf-8"))
IMAGES = Path(os.environ.get("GUIDE_IMAGES_DIR") or GUIDE / "images")
PASSWORD = "mot-de-passe-solide-2025"
EDITOR = "lea.durand@example.org"
WIDTH, HEIGHT = 1280, 800
EDITABLE = ".prose-editor .ProseMirror[contenteditable]"
COMMENT = "#id_version_comment"  # « Commentaire de version », core/history.py

# The thing to look at, outlined in red the time of the picture (CSSOM: the CSP allows it).
MARK = """(elements) => { for (const el of elements) {
    el.dataset.guideOutline = el.style.outline || "";
    el.style.outline = "3px solid #d6281c"; el.style.outlineOffset = "2px";
} }"""
UNMARK = """(elements) => { for (const el of elements) {
    el.style.outline = el.dataset.guideOutline; el.style.outlineOffset = ""; delete el.dataset.guideOutline;
} }"""


def save(png: bytes, path: Path):
    """In 256 colours, undithered: the admin's flat colours stay exact, the files weigh a third."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(path, optimize=True)


class Camera:
    """Takes one chapter's screenshots, in the order captures.json lists them."""

    def __init__(self, page, chapter: str):
        self.page, self.chapter, self.taken = page, chapter, []
        IMAGES.mkdir(parents=True, exist_ok=True)

    def __call__(self, name: str, *, show=None, mark=None, above: int = 80, height: int = HEIGHT):
        """Scrolls ``show`` (a locator) near the top, outlines ``mark`` and saves the window (taller than
        usual when ``height`` says so)."""
        assert name in CAPTURES[self.chapter], f"{name} is not listed under {self.chapter} in captures.json"
        page = self.page
        page.set_viewport_size({"width": WIDTH, "height": height})
        page.wait_for_load_state("networkidle")
        if show is not None:
            show.first.evaluate(
                "(el, above) => { el.scrollIntoView({block: 'start'}); window.scrollBy(0, -above); }", above
            )
        else:
            page.evaluate("window.scrollTo(0, 0)")
        if mark is not None:
            mark.evaluate_all(MARK)
        page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
        save(page.screenshot(), IMAGES / f"{name}.png")
        if mark is not None:
            mark.evaluate_all(UNMARK)
        page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
        self.taken.append(name)

    def done(self):
        assert self.taken == CAPTURES[self.chapter], "the screenshots taken differ from captures.json"
        assert self.page.problems == [], self.page.problems


def demo(live_server):
    """The demo content and Léa Durand, of the Communication group; « Voir sur le site » leads to the
    live server."""
    call_command("loaddemo", stdout=io.StringIO())
    Site.objects.update_or_create(pk=settings.SITE_ID, defaults={"domain": live_server.url.split("//", 1)[1]})
    Site.objects.clear_cache()
    communication_group()
    make_user(
        group="Communication", username=EDITOR, email=EDITOR, first_name="Léa", last_name="Durand", password=PASSWORD
    )


@pytest.fixture
def editor_page(site, live_server):
    """The demo content, and Léa Durand logged in at 1280 px."""
    demo(live_server)
    site.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    site.goto(live_server.url + reverse("admin:login"))
    site.fill("#id_username", EDITOR)
    site.fill("#id_password", PASSWORD)
    site.click("input[type=submit]")
    site.wait_for_url(live_server.url + reverse("admin:index"))
    return site


def url(page, name, *args, query=""):
    return page.base_url + reverse(name, args=args) + query


def code_for(secret: str, ahead: int = 0) -> str:
    """What the authenticator app shows for the key typed from the enrolment page (``ahead`` periods later),
    as tests/browser/test_two_factor.py computes it."""
    key = b32decode(secret.replace(" ", ""))
    return f"{totp(key, step=30, t0=-ahead * 30, digits=6):06d}"


def test_01_log_in(site, live_server, settings):
    """The password, then the second factor as production asks it (REQUIRE_2FA, core/two_factor.py): on for
    this chapter only, the others log in with the password alone."""
    demo(live_server)
    site.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    shot = Camera(site, "01-se-connecter.md")
    settings.REQUIRE_2FA = True

    site.goto(url(site, "admin:login"))
    site.fill("#id_username", EDITOR)
    site.fill("#id_password", PASSWORD)
    shot("connexion-formulaire", mark=site.locator(".submit-row input[type=submit]"))
    site.click("input[type=submit]")

    # First login: the enrolment (QR code, its key, a code to confirm), then the recovery codes.
    site.wait_for_url(url(site, "admin:two_factor_enrol"))
    secret = site.locator("#two-factor-secret").inner_text()
    site.fill("#id_code", code_for(secret))
    shot(
        "connexion-double-activer",
        mark=site.locator("img.two-factor-qr, #two-factor-secret, #id_code, #login-form input[type=submit]"),
        height=HEIGHT + 160,
    )
    site.click("#login-form input[type=submit]")
    site.wait_for_url(url(site, "admin:two_factor_recovery_codes"))
    expect(site.locator("#recovery-codes code")).to_have_count(10)
    shot("connexion-codes-secours", mark=site.locator("#recovery-codes"))
    site.click(".submit-row a.button")
    site.wait_for_url(url(site, "admin:index"))
    site.click("#logout-form button")
    expect(site.locator("h1")).to_contain_text("Déconnecté")

    # The next logins: the password, then the code the app shows.
    site.goto(url(site, "admin:login"))
    site.fill("#id_username", EDITOR)
    site.fill("#id_password", PASSWORD)
    site.click("input[type=submit]")
    site.wait_for_url(url(site, "admin:two_factor_verify"))
    site.fill("#id_code", code_for(secret, 1))  # the current period's code was spent on enrolment
    shot("connexion-double-code", mark=site.locator("#id_code, #login-form input[type=submit]"))
    site.click("#login-form input[type=submit]")
    site.wait_for_url(url(site, "admin:index"))
    expect(site.locator("#user-tools")).to_contain_text("Aide")
    shot("connexion-accueil", mark=site.locator("#user-tools a", has_text="Aide"))

    site.click("#user-tools a >> text=Aide")
    expect(site.locator("h1")).to_have_text("Guide de la rédaction")
    shot("connexion-aide")

    site.goto(url(site, "admin:password_change"))
    site.fill("#id_old_password", PASSWORD)
    site.fill("#id_new_password1", "terrils en fleurs au printemps")
    site.fill("#id_new_password2", "terrils en fleurs au printemps")
    shot(
        "connexion-mot-de-passe",
        mark=site.locator("#id_old_password, #id_new_password1, #id_new_password2, #content input[type=submit]"),
    )
    site.click("#content input[type=submit]")
    expect(site.locator("h1")).to_contain_text("avec succès")

    site.goto(url(site, "admin:index"))  # the password pages' own top links have neither « Aide » nor « Sécurité »
    site.click("#user-tools a >> text=Sécurité")
    expect(site.locator("h1")).to_have_text("Sécurité du compte")
    expect(site.locator("#content-main")).to_contain_text("Il vous reste 10 codes de secours")
    shot(
        "connexion-securite",
        mark=site.locator("#user-tools a", has_text="Sécurité").or_(site.locator("#content-main input[type=submit]")),
        height=HEIGHT + 100,
    )
    shot.done()


def test_02_article(editor_page, tmp_path):
    site = editor_page
    shot = Camera(site, "02-article.md")

    site.goto(url(site, "admin:news_article_changelist"))
    shot("article-liste", mark=site.locator(".object-tools a.addlink"))

    site.click(".object-tools a.addlink")
    site.wait_for_selector(EDITABLE)
    site.fill("#id_title", "Les terrils ouverts aux écoles du Bassin minier")
    site.fill(
        "#id_standfirst",
        "Dix classes découvrent cet automne la faune et la flore des terrils, "
        "accompagnées par les gardes de l’Espace naturel régional.",
    )
    site.click(EDITABLE)
    site.keyboard.type("Depuis la rentrée, les écoles du Bassin minier peuvent réserver une sortie sur un terril. ")
    site.keyboard.type("Les gardes accueillent chaque classe pour une demi-journée d’observation.")
    shot("article-nouveau", mark=site.locator("#id_title, #id_slug"))

    picture = tmp_path / "terril-ecole.jpg"
    picture.write_bytes(placeholder_picture("terril-ecole"))
    site.set_input_files("#id_image", str(picture))
    site.fill("#id_image_alt", "Des écoliers au sommet d’un terril, le paysage du Bassin minier derrière eux")
    site.fill("#id_image_credit", "Mission Bassin Minier")
    image_fields = site.locator("#id_image, #id_image_alt, #id_image_credit")
    shot("article-image", show=site.locator("fieldset", has=site.locator("#id_image")), mark=image_fields)

    publication = site.locator("fieldset", has=site.locator("#id_status"))
    shot("article-brouillon", show=publication, mark=site.locator("#id_status"))
    site.click("input[name=_continue]")
    expect(site.locator(".messagelist .success")).to_be_visible()
    article = Article.objects.get(title__startswith="Les terrils ouverts")
    shot("article-enregistre", mark=site.locator(".messagelist li, .object-tools a.viewsitelink"))

    site.click(".object-tools a.viewsitelink")
    expect(site.locator(".preview-notice")).to_be_visible()
    shot("article-apercu", mark=site.locator(".preview-notice"))

    site.goto(url(site, "admin:news_article_change", article.pk))
    site.select_option("#id_status", "published")
    site.fill("#id_published_at_0", (timezone.localdate() + timedelta(days=30)).strftime("%d/%m/%Y"))
    site.fill("#id_published_at_1", "08:00")
    shot(
        "article-programmer", show=publication, mark=site.locator("#id_status, #id_published_at_0, #id_published_at_1")
    )
    site.click("input[name=_save]")
    expect(site.locator(".messagelist .success")).to_be_visible()
    row = site.locator("#result_list tr", has_text="Les terrils ouverts")
    expect(row).to_contain_text("Programmé")
    shot("article-programme-liste", mark=row)

    site.click("#changelist-filter a >> text=Brouillon")
    site.wait_for_url(re.compile(r".*status__exact=draft"))
    shot("article-brouillons", mark=site.locator("#changelist-filter a", has_text="Brouillon"))
    draft = site.locator("#result_list tbody tr").first
    draft.locator("input.action-select").check()
    site.select_option("select[name=action]", "publish")
    shot(
        "article-publier",
        mark=draft.locator("input.action-select").or_(site.locator(".actions select, .actions button")),
    )
    site.click(".actions button[type=submit]")
    expect(site.locator(".messagelist .success")).to_contain_text("publié")
    shot("article-publie", mark=site.locator(".messagelist li"))

    congress_article = Article.objects.get(slug__startswith="mission-bassin-minier-congres")
    site.goto(url(site, "admin:news_article_change", congress_article.pk))
    standfirst = congress_article.standfirst.replace("Mission Bassin Minier a", "Mission Bassin Minier (MBM) a")
    assert standfirst != congress_article.standfirst
    site.fill("#id_standfirst", standfirst)
    shot("article-corriger", show=site.locator(".field-standfirst"), above=120, mark=site.locator("#id_standfirst"))
    site.fill(COMMENT, "Sigle ajouté au chapeau")
    shot(
        "article-commentaire",
        show=site.locator("fieldset", has=site.locator(COMMENT)),
        above=160,
        mark=site.locator(COMMENT).or_(site.locator(".submit-row").last),
    )
    site.click("input[name=_continue]")
    expect(site.locator(".messagelist .success")).to_be_visible()

    # The history (core/history.py): loaddemo's version, then the correction; compare, restore.
    site.click(".object-tools a.historylink")
    versions = site.locator("#change-history tbody tr")
    expect(versions).to_have_count(2)
    shot(
        "article-historique",
        mark=site.locator(".object-tools a.historylink").or_(
            site.locator("#change-history table, .history-actions input[type=submit]")
        ),
    )
    site.click(".history-actions input[type=submit]")
    expect(site.locator(".history-compare ins").first).to_be_visible()
    shot("article-comparer", mark=site.locator(".history-compare").first)
    site.go_back()
    versions.nth(1).locator("a").click()
    expect(site.locator("#id_standfirst")).to_have_value(congress_article.standfirst)
    shot("article-restaurer", mark=site.locator("#id_standfirst").or_(site.locator("form .submit-row").first))
    site.locator("input[name=_save]").first.click()
    expect(site.locator(".messagelist .success")).to_be_visible()
    congress_article.refresh_from_db()
    assert "(MBM)" not in congress_article.standfirst
    assert congress_article.status == "published"
    site.goto(url(site, "admin:news_article_history", congress_article.pk))
    expect(versions).to_have_count(3)
    shot("article-restaure", mark=versions.first)
    shot.done()


def choose(page, box, text: str):
    """Types into an autocomplete (select2) and picks the first answer."""
    box.click()
    page.locator(".select2-container--open .select2-search__field").fill(text)
    option = page.locator(".select2-results__option", has_text=text).first
    expect(option).to_be_visible()
    return option


def test_03_event(editor_page):
    site = editor_page
    shot = Camera(site, "03-evenement.md")
    day = (timezone.localdate() + timedelta(days=45)).strftime("%d/%m/%Y")

    site.goto(url(site, "admin:events_event_add"))
    site.fill("#id_title", "Atelier « Terrils et biodiversité »")
    site.select_option("#id_kind", "round_table")
    site.fill(
        "#id_summary",
        "Une après-midi d’échanges entre gestionnaires d’espaces naturels et élus "
        "sur la faune et la flore des terrils.",
    )
    shot("evenement-nouveau", mark=site.locator("#id_title, #id_kind, #id_summary"))

    site.select_option("#id_timezone", "Europe/Paris")
    site.fill("#id_start_0", day)
    site.fill("#id_start_1", "14:00")
    site.fill("#id_end_0", day)
    site.fill("#id_end_1", "17:30")
    site.fill("#id_venue", "Base 11/19")
    site.fill("#id_city", "Loos-en-Gohelle")
    site.fill("#id_region", "Hauts-de-France")
    when = site.locator("fieldset", has=site.locator("#id_timezone"))
    shot(
        "evenement-dates",
        show=when,
        mark=site.locator("#id_timezone, #id_start_0, #id_start_1, #id_end_0, #id_end_1, #id_venue, #id_city"),
    )

    programme = site.locator("#programme-group")
    programme.locator(".add-row a").click()
    item = site.locator("#programme-0")
    item.locator("[name=programme-0-title]").fill("Accueil et présentation de l’atelier")
    item.locator("[name=programme-0-start_0]").fill(day)
    item.locator("[name=programme-0-start_1]").fill("14:00")
    item.locator("[name=programme-0-end_0]").fill(day)
    item.locator("[name=programme-0-end_1]").fill("14:30")
    item.locator("[name=programme-0-place]").fill("Salle des pendus")
    choose(site, item.locator(".field-speakers .select2-selection"), "Zoé Lambert").click()
    shot("evenement-programme", show=programme, mark=item)

    speakers = site.locator("#participations-group")
    row = site.locator("#participations-0")
    choose(site, row.locator(".field-person .select2-selection"), "Zoé Lambert").click()
    row.locator("[name=participations-0-talk_title]").fill("Les espèces pionnières des terrils")
    choose(site, row.locator(".field-organisation .select2-selection"), "Mission Bassin Minier").click()
    row.locator("[name=participations-0-status]").select_option("confirmed")
    shot("evenement-intervenants", show=speakers, mark=row)

    publication = site.locator("fieldset", has=site.locator("#id_status"))
    site.select_option("#id_status", "published")
    site.locator("#id_published_at_0 ~ .datetimeshortcuts a").first.click()  # « Aujourd’hui »
    site.locator("#id_published_at_1 ~ .datetimeshortcuts a").first.click()  # « Maintenant »
    shot("evenement-publication", show=publication, mark=site.locator("#id_status"))
    site.click("input[name=_continue]")
    expect(site.locator(".messagelist .success")).to_be_visible()
    event = Event.objects.get(title__startswith="Atelier")
    participants = site.locator(".field-participants")
    shot("evenement-enregistre", show=participants, above=200, mark=participants.locator("a"))

    participants.locator("a").click()
    site.wait_for_url(re.compile(r".*event__id__exact=\d+"))
    site.click(".object-tools a.addlink")
    choose(site, site.locator(".field-event .select2-selection"), "Terrils et biodiversité").click()
    choose(site, site.locator(".field-person .select2-selection"), "Antoine Soyer").click()
    site.select_option("#id_role", "attendee")
    site.select_option("#id_status", "registered")
    shot("participant-ajouter", mark=site.locator(".field-event, .field-person, .field-role, .field-status"))
    site.click("input[name=_save]")
    expect(site.locator(".messagelist .success")).to_be_visible()

    site.goto(url(site, "admin:events_participation_changelist", query=f"?event__id__exact={event.pk}"))
    row = site.locator("#result_list tr", has_text="Antoine Soyer")
    row.locator("select[name$=-status]").select_option("confirmed")
    shot("participants-liste", mark=row.locator("select[name$=-status]").or_(site.locator("input[name=_save]")))
    site.click("input[name=_save]")
    expect(site.locator(".messagelist .success")).to_be_visible()
    shot.done()


# A list to import into the congress, as a partner would send it (Excel's French CSV: semicolons): one new
# person, one the site knows, one already a participant, the new one twice, a row without a last name.
IMPORT_CSV = """Prénom;Nom;Courriel;Organisme;Fonction
Camille;Vasseur;camille.vasseur@example.org;Ville de Lens;chargée de mission
Zoé;Lambert;zoe.lambert@example.org;;urbaniste
Catherine;Bertram;;Mission Bassin Minier;directrice
Camille;Vasseur;camille.vasseur@example.org;Ville de Lens;chargée de mission
Julien;;julien.caron@example.org;Région Hauts-de-France;élu
"""


def test_04_export(editor_page, tmp_path):
    site = editor_page
    shot = Camera(site, "04-exporter.md")
    congress = Event.objects.get(slug__startswith="congres-international")
    tools = site.locator(".object-tools")

    site.goto(url(site, "admin:events_event_change", congress.pk))
    button = site.locator(".object-tools button.export-link")
    shot("export-evenement", mark=button.or_(tools.locator("a", has_text="XLSX, colonnes")))
    with site.expect_download() as download:
        button.click()
    assert download.value.suggested_filename.endswith(".csv")

    # The export page: columns and their order, roles, statuses, the file; a preset for the team.
    tools.locator("a", has_text="XLSX, colonnes").click()
    expect(site.locator("h1")).to_contain_text("Exporter")
    columns = site.locator("table.export-columns")
    for key in ("email", "phone", "registered_on", "event"):
        columns.locator(f"input[name=columns-{key}]").uncheck()
    for position, key in enumerate(("organisation", "last_name", "first_name"), 1):
        columns.locator(f"input[name=columns-{key}-position]").fill(str(position))
    site.locator("input[name=roles][value=speaker]").check()
    site.locator("input[name=format][value=xlsx]").check()
    shot(
        "export-colonnes",
        mark=columns.or_(site.locator("input[name=roles][value=speaker], input[name=format][value=xlsx]")),
        height=1400,
    )
    site.fill("#id_preset_name", "Intervenants, sans coordonnées")
    site.click("input[name=_save_preset]")
    expect(site.locator(".messagelist .success")).to_contain_text("Intervenants, sans coordonnées")
    expect(site.locator("#id_preset")).to_have_value("Intervenants, sans coordonnées")
    shot("export-modele", mark=site.locator(".messagelist li, #id_preset"))
    with site.expect_download() as download:
        site.click(".submit-row input.default")
    assert download.value.suggested_filename.endswith(".xlsx")

    site.goto(url(site, "admin:events_participation_changelist", query=f"?event__id__exact={congress.pk}"))
    site.click("#changelist-filter a >> text=Intervenant")
    site.wait_for_url(re.compile(r".*role__exact=speaker.*"))
    list_button = site.locator(".object-tools button.export-link")
    shot("export-liste", mark=list_button.or_(site.locator("#changelist-filter a", has_text="Intervenant")))
    with site.expect_download() as download:
        list_button.click()
    assert download.value.suggested_filename.endswith(".csv")

    # Importing a list: the file, the columns guessed, the preview, then the participants.
    listing = tmp_path / "inscrits-partenaires.csv"
    listing.write_text(IMPORT_CSV, encoding="cp1252")
    site.goto(url(site, "admin:events_event_change", congress.pk))
    tools.locator("a", has_text="Importer une liste").click()
    site.set_input_files("#id_file", str(listing))
    shot("import-fichier", mark=site.locator("#id_file, .submit-row input[type=submit]"))
    site.click(".submit-row input[type=submit]")
    expect(site.locator("table.import-mapping")).to_be_visible()
    shot(
        "import-colonnes",
        mark=site.locator("table.import-mapping select, #id_role, #id_status, button[value=map]"),
        height=HEIGHT + 60,
    )
    site.click("button[value=map]")
    expect(site.locator("table.import-preview")).to_be_visible()
    for fate in ("new", "existing", "participant", "duplicate", "error"):
        expect(site.locator(f"table.import-preview tr.fate-{fate}").first).to_be_visible()
    site.check("#id_skip_errors")
    shot("import-apercu", mark=site.locator(".import-counts, #id_skip_errors, button[value=confirm]"))
    site.click("button[value=confirm]")
    expect(site.locator(".messagelist .success")).to_contain_text("2 participants ajoutés")
    shot("import-termine", mark=site.locator(".messagelist li, #result_list tr:has-text('Vasseur')"))

    # The printed lists, from the event page.
    site.goto(url(site, "admin:events_event_change", congress.pk))
    printing = tools.locator("button.print-link")
    expect(printing).to_have_count(2)
    shot("impression-boutons", mark=printing)
    for number in range(2):
        with site.expect_download() as download:
            printing.nth(number).click()
        assert download.value.suggested_filename.endswith(".pdf")

    site.goto(url(site, "admin:events_participantexport_changelist"))
    expect(site.locator("#result_list tbody tr")).to_have_count(5)
    shot("export-journal", mark=site.locator("#result_list"))
    shot.done()


def test_05_what_the_public_sees(editor_page, browser):
    site = editor_page
    shot = Camera(site, "05-ce-que-voit-le-public.md")

    site.goto(url(site, "admin:news_article_changelist", query="?publication=scheduled"))
    scheduled = site.locator("#changelist-filter a", has_text="Programmé")
    expect(scheduled).to_be_visible()
    bottom = scheduled.bounding_box()["y"] + 110  # the filter's three choices
    shot("public-programmes", mark=scheduled, height=max(HEIGHT, int(bottom)))

    draft = Article.objects.get(slug__contains="brouillon")
    visitor = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}).new_page()
    visitor.problems = []  # what a visitor's page logs is not the editor's
    response = visitor.goto(site.base_url + draft.get_absolute_url())
    assert response.status == 404
    Camera(visitor, "05-ce-que-voit-le-public.md").__call__("public-brouillon")
    shot.taken.append("public-brouillon")
    visitor.context.close()

    article = Article.objects.get(slug__startswith="mission-bassin-minier-congres")
    site.goto(url(site, "admin:news_article_change", article.pk))
    until = (timezone.localdate() + timedelta(days=90)).strftime("%d/%m/%Y")
    site.fill("#id_unpublish_at_0", until)
    site.fill("#id_unpublish_at_1", "00:00")
    publication = site.locator("fieldset", has=site.locator("#id_status"))
    shot("public-depublier-le", show=publication, mark=site.locator("#id_unpublish_at_0, #id_unpublish_at_1"))
    site.click("input[name=_save]")
    expect(site.locator(".messagelist .success")).to_be_visible()
    row = site.locator("#result_list tr", has_text="Thetford")
    expect(row).to_contain_text("Expire le")
    shot("public-expire-le", show=row, above=240, mark=row)
    shot.done()


def test_06_when_something_went_wrong(editor_page, browser):
    site = editor_page
    shot = Camera(site, "06-en-cas-de-probleme.md")

    article = Article.objects.get(slug__startswith="mission-bassin-minier-congres")
    site.goto(url(site, "admin:news_article_changelist"))
    row = site.locator("#result_list tr", has_text="Thetford")
    row.locator("input.action-select").check()
    site.select_option("select[name=action]", "unpublish")
    shot(
        "probleme-depublier",
        mark=row.locator("input.action-select").or_(site.locator(".actions select, .actions button")),
    )
    site.click(".actions button[type=submit]")
    expect(site.locator(".messagelist .success")).to_be_visible()
    article.refresh_from_db()
    assert article.status == "draft"

    stranger = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}).new_page()
    stranger.problems = []
    for _attempt in range(5):
        stranger.goto(url(site, "admin:login"))
        stranger.fill("#id_username", "marc.dupont@example.org")
        stranger.fill("#id_password", "pas-le-bon-mot-de-passe")
        stranger.click("input[type=submit]")
    expect(stranger.locator(".errornote")).to_contain_text("Trop de tentatives")
    Camera(stranger, "06-en-cas-de-probleme.md")("probleme-verrouille")
    shot.taken.append("probleme-verrouille")
    stranger.context.close()

    # A superuser deletes an article; the editor recovers it.
    gone = Article.objects.get(slug__startswith="exemple-nouvelle-saison")
    make_user(username="admin", password=PASSWORD, is_superuser=True)
    superuser = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}).new_page()
    superuser.goto(url(site, "admin:login"))
    superuser.fill("#id_username", "admin")
    superuser.fill("#id_password", PASSWORD)
    superuser.click("input[type=submit]")
    superuser.goto(url(site, "admin:news_article_delete", gone.pk))
    superuser.click("#content form input[type=submit]")
    expect(superuser.locator(".messagelist .success")).to_be_visible()
    superuser.context.close()
    assert not Article.objects.filter(pk=gone.pk).exists()

    site.goto(url(site, "admin:news_article_changelist"))
    site.click(".object-tools a.historylink")
    deleted = site.locator("#change-history tbody tr", has_text=gone.title)
    shot("probleme-recuperer", mark=deleted)
    deleted.locator("a").click()
    expect(site.locator("#id_title")).to_have_value(gone.title)
    shot("probleme-recuperer-formulaire", mark=site.locator(".history-notice, #id_title"))
    site.locator("input[name=_save]").first.click()
    expect(site.locator(".messagelist .success")).to_be_visible()
    assert Article.objects.filter(title=gone.title, status="published").exists()
    shot.done()


def test_the_guide_reads_well_in_the_admin(editor_page):
    """Every chapter, served by the site: the admin's look, nothing sideways at 1280 or 360 px, every
    screenshot shown, nothing the CSP blocks."""
    site = editor_page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    site.click("#user-tools a >> text=Aide")
    expect(site.locator(".guide-contents > li > a")).to_have_count(len(CAPTURES))  # the guide has loaded
    chapters = site.locator(".guide-contents > li > a").evaluate_all("links => links.map(a => a.href)")
    assert len(chapters) == len(CAPTURES)
    for address in [site.url, *chapters]:
        site.goto(address)
        name = "guide-" + (address.rstrip("/").rsplit("/", 1)[-1] if address in chapters else "index")
        for width in (1280, 360):
            site.set_viewport_size({"width": width, "height": HEIGHT})
            site.evaluate(
                "async () => { for (const img of document.images) { img.loading = 'eager'; await img.decode().catch(() => {}); } }"
            )
            overflow = site.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}px"
            if IMAGES == GUIDE / "images":
                broken = site.evaluate(
                    "[...document.querySelectorAll('.guide-body img')].filter(i => !i.naturalWidth).map(i => i.src)"
                )
                assert broken == [], broken
            site.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=width == 1280)
    assert site.problems == []
