"""Demo content: the Thetford Mines congress article as real content, plus plainly marked samples.

``load_demo()`` is idempotent. Each object is found by a natural key (its slug, or
event + title, or event + person) and saved only when one of its fields differs from
the data below, so a second run writes nothing: no new rows, no new ``updated``
timestamps, no new files. Pictures are drawn with Pillow when an object is created,
never afterwards. Dates of the samples that must stay upcoming (agenda, scheduled
article) are counted from the day of the first load and kept on later runs, unless
they have slipped into the past.
"""

import io
import random
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFilter

from core.publishing import Status
from core.richtext import RichTextField, sanitize_html
from core.text import slugify_fr
from events.models import Event, Participation, ProgrammeItem, whole_days
from news.models import Article
from pages.models import SitePage
from people.models import Organisation, Person

PARIS = ZoneInfo("Europe/Paris")
TORONTO = ZoneInfo("America/Toronto")
NBSP = "\u00a0"


def fr(text: str) -> str:
    """French typography: a non-breaking space before « : ; ? ! » and inside « »."""
    for plain, fixed in ((" :", f"{NBSP}:"), (" ;", f"{NBSP};"), (" ?", f"{NBSP}?"), (" !", f"{NBSP}!"),
                         ("« ", f"«{NBSP}"), (" »", f"{NBSP}»")):
        text = text.replace(plain, fixed)
    return text


DEMO_TAG = "démo"
DEMO_CREDIT = "Illustration de démonstration"
DEMO_ALT = fr("Illustration abstraite : silhouettes de terrils sous un ciel dégradé")

# Coal, brick, ochre, slag-heap green and a pale northern sky.
PALETTE = {
    "coal": (31, 41, 61),
    "brick": (168, 72, 52),
    "ochre": (222, 166, 82),
    "green": (84, 118, 86),
    "sky": (210, 224, 232),
    "dusk": (236, 204, 170),
}
SKIES = [("sky", "dusk"), ("dusk", "ochre"), ("sky", "green"), ("ochre", "brick")]


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0, tz: ZoneInfo = PARIS) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=tz)


# --- The seed: organisations, people, the congress and its programme, the article ---------

ORGANISATIONS = [
    {
        "slug": "mission-bassin-minier",
        "name": "Mission Bassin Minier",
        "acronym": "MBM",
        "kind": Organisation.Kind.ASSOCIATION,
        "city": "Oignies",
        "country": "France",
        "website": "https://www.missionbassinminier.org/",
    },
    {
        "slug": "ville-de-thetford-mines",
        "name": "Ville de Thetford Mines",
        "kind": Organisation.Kind.CITY,
        "city": "Thetford Mines",
        "country": "Canada",
        "website": "https://www.villethetford.ca/",
    },
    {
        "slug": "ademe",
        "name": "Agence de la transition écologique",
        "acronym": "ADEME",
        "kind": Organisation.Kind.PUBLIC_BODY,
        "city": "Angers",
        "country": "France",
        "website": "https://www.ademe.fr/",
    },
    {
        "slug": "reseau-palme",
        "name": "Réseau PALME",
        "kind": Organisation.Kind.NETWORK,
        "country": "France",
    },
    # Samples.
    {
        "slug": "communaute-d-agglomeration-d-exemple",
        "name": "Communauté d’agglomération d’Exemple (démo)",
        "acronym": "CAE",
        "kind": Organisation.Kind.CITY,
        "city": "Exemple-sur-Deûle",
        "country": "France",
    },
    {
        "slug": "universite-d-exemple",
        "name": "Université d’Exemple (démo)",
        "kind": Organisation.Kind.RESEARCH,
        "city": "Exemple-sur-Deûle",
        "country": "France",
    },
]

TALK_BERTRAM = fr(
    "Le Bassin minier du Nord–Pas de Calais : un exemple remarquable de revitalisation "
    "d’un territoire industriel inscrit au Patrimoine mondial de l’UNESCO"
)

# Real people: public, with no invented contact details.
PEOPLE = [
    {
        "slug": "catherine-bertram",
        "first_name": "Catherine",
        "last_name": "Bertram",
        "grammatical_gender": "feminine",
        "job_title": "directrice",
        "organisation": "mission-bassin-minier",
        "is_public": True,
    },
    {
        "slug": "antoine-soyer",
        "first_name": "Antoine",
        "last_name": "Soyer",
        "organisation": "ademe",
        "is_public": True,
    },
    {
        "slug": "pascal-jacques-dumoulin",
        "first_name": "Pascal Jacques",
        "last_name": "Dumoulin",
        "organisation": "ademe",
        "is_public": True,
    },
    {
        "slug": "marc-de-nale",
        "first_name": "Marc",
        "last_name": "De Nale",
        "job_title": "président",
        "organisation": "reseau-palme",
        "is_public": True,
    },
]

DEMO_BIO = "<p>Personne fictive, créée pour la démonstration du site.</p>"
DEMO_PEOPLE = [
    ("emilie-dufresne-carpentier", "Émilie", "Dufresne-Carpentier", "chargée de mission patrimoine",
     "universite-d-exemple", True),
    ("zoe-lambert", "Zoé", "Lambert", "urbaniste", "communaute-d-agglomeration-d-exemple", True),
    ("francois-lemaitre", "François", "Lemaître", "journaliste", None, True),
    ("maelle-le-guevel", "Maëlle", "Le Guével", "responsable des événements",
     "communaute-d-agglomeration-d-exemple", True),
    ("benedicte-coeurdevey", "Bénédicte", "Cœurdevey", "habitante", None, False),
    ("jerome-n-diaye", "Jérôme", "N’Diaye", "étudiant", "universite-d-exemple", False),
    ("helene-saint-aubert", "Hélène", "Saint-Aubert", "élue municipale",
     "communaute-d-agglomeration-d-exemple", False),
    ("soren-orsted", "Søren", "Ørsted", "délégué", None, False),
]
for number, (slug, first, last, job, organisation, public) in enumerate(DEMO_PEOPLE, start=1):
    PEOPLE.append(
        {
            "slug": slug,
            "first_name": first,
            "last_name": last,
            "job_title": job,
            "organisation": organisation,
            "is_public": public,
            "bio": DEMO_BIO,
            "email": f"{slug.replace('-', '.')}@example.org",
            "phone": f"+33 1 99 00 00 {number:02d}",
            "tags": [DEMO_TAG],
        }
    )

CONGRESS = "congres-international-requalification-friches-thetford-mines"
CONGRESS_DAYS = whole_days(at(2025, 5, 7, tz=TORONTO), at(2025, 5, 8, tz=TORONTO), TORONTO)

EVENTS = [
    {
        "slug": CONGRESS,
        "title": (
            "Congrès international sur la requalification des friches industrielles "
            "et des sites stratégiques"
        ),
        "kind": Event.Kind.CONGRESS,
        "start": CONGRESS_DAYS[0],
        "end": CONGRESS_DAYS[1],
        "all_day": True,
        "timezone": "America/Toronto",
        "city": "Thetford Mines",
        "region": "Québec",
        "country": "Canada",
        "organisers": ["ville-de-thetford-mines"],
        "summary": (
            "Premier congrès international consacré à la transformation des friches industrielles "
            "et des sites stratégiques, organisé par la Ville de Thetford Mines."
        ),
        "description": (
            "<p>Organisé par la Ville de Thetford Mines, ce premier congrès international réunit une "
            "centaine de participants (élus, experts, représentants gouvernementaux et professionnels "
            "de l’aménagement) pour partager expériences internationales et solutions innovantes en "
            "matière de transformation des espaces délaissés.</p>"
            "<p>Au programme&nbsp;: des conférences, des tables rondes et des visites de terrain, "
            "notamment des anciens sites miniers Bell et King Beaver, au cœur du Plan directeur "
            "urbain de revitalisation du centre-ville.</p>"
        ),
        "expected_attendance": 100,
        "status": Status.PUBLISHED,
        "published_at": at(2025, 3, 3, 9),
        "tags": ["friches industrielles", "coopération internationale", "Québec"],
        "picture": True,
    },
    # Samples, past.
    {
        "slug": "exemple-visite-terril-74",
        "title": "Exemple : visite du terril 74 et de la base 11/19",
        "kind": Event.Kind.SITE_VISIT,
        "start": at(2024, 6, 15, 10),
        "end": at(2024, 6, 15, 12, 30),
        "venue": "Base 11/19",
        "city": "Loos-en-Gohelle",
        "region": "Hauts-de-France",
        "expected_attendance": 25,
        "published_at": at(2024, 5, 2, 9),
        "tags": ["patrimoine minier", "terrils"],
        "picture": True,
    },
    {
        "slug": "exemple-table-ronde-habiter-la-cite-miniere",
        "title": "Exemple : table ronde « Habiter la cité minière »",
        "kind": Event.Kind.ROUND_TABLE,
        "start": at(2025, 3, 20, 18),
        "end": at(2025, 3, 20, 20),
        "venue": "Salle des fêtes",
        "city": "Exemple-sur-Deûle",
        "region": "Hauts-de-France",
        "organisers": ["communaute-d-agglomeration-d-exemple"],
        "expected_attendance": 80,
        "published_at": at(2025, 2, 10, 9),
        "tags": ["logement minier"],
    },
    {
        "slug": "exemple-webinaire-friches-sobriete-fonciere",
        "title": "Exemple : webinaire friches et sobriété foncière",
        "kind": Event.Kind.WEBINAR,
        "start": at(2025, 10, 2, 11),
        "end": at(2025, 10, 2, 12),
        "online": True,
        "country": "",
        "published_at": at(2025, 9, 1, 9),
        "tags": ["friches industrielles"],
    },
    # Samples, upcoming: dates counted from the day of the first load.
    {
        "slug": "exemple-conference-patrimoine-mondial",
        "title": "Exemple : conférence sur le Bassin minier, patrimoine mondial",
        "kind": Event.Kind.CONFERENCE,
        "in_days": 21,
        "times": (time(18, 30), time(20, 30)),
        "venue": "Auditorium de l’Université d’Exemple",
        "city": "Exemple-sur-Deûle",
        "region": "Hauts-de-France",
        "organisers": ["universite-d-exemple", "mission-bassin-minier"],
        "expected_attendance": 120,
        "tags": ["patrimoine minier", "UNESCO"],
        "picture": True,
    },
    {
        "slug": "exemple-rencontres-des-territoires-miniers",
        "title": "Exemple : rencontres des territoires miniers",
        "kind": Event.Kind.CONGRESS,
        "in_days": 45,
        "days": 2,
        "all_day": True,
        "venue": "Centre des congrès",
        "city": "Exemple-sur-Deûle",
        "region": "Hauts-de-France",
        "organisers": ["communaute-d-agglomeration-d-exemple"],
        "expected_attendance": 300,
        "tags": ["coopération internationale"],
        "picture": True,
    },
    {
        "slug": "exemple-visite-guidee-cite-miniere-renovee",
        "title": "Exemple : visite guidée d’une cité minière rénovée",
        "kind": Event.Kind.SITE_VISIT,
        "in_days": 75,
        "times": (time(14), time(16, 30)),
        "city": "Exemple-sur-Deûle",
        "region": "Hauts-de-France",
        "expected_attendance": 30,
        "tags": ["logement minier"],
    },
    {
        "slug": "exemple-webinaire-franco-quebecois",
        "title": "Exemple : webinaire franco-québécois (brouillon)",
        "kind": Event.Kind.WEBINAR,
        "in_days": 120,
        "times": (time(10), time(11, 30)),
        "timezone": "America/Toronto",
        "online": True,
        "country": "",
        "status": Status.DRAFT,
        "tags": ["coopération internationale", "Québec"],
    },
]


def _congress_time(day: int, hour: int, minute: int = 0) -> datetime:
    return at(2025, 5, day, hour, minute, tz=TORONTO)


PROGRAMME = [
    (CONGRESS, "Accueil et ouverture du congrès", ProgrammeItem.Kind.OTHER,
     _congress_time(7, 8, 30), _congress_time(7, 9), []),
    (CONGRESS, TALK_BERTRAM, ProgrammeItem.Kind.KEYNOTE,
     _congress_time(7, 9), _congress_time(7, 10), ["catherine-bertram"]),
    (CONGRESS, "Table ronde : coopération France–Québec et reconversion des territoires",
     ProgrammeItem.Kind.ROUND_TABLE, _congress_time(7, 10, 30), _congress_time(7, 12),
     ["antoine-soyer", "pascal-jacques-dumoulin", "marc-de-nale"]),
    (CONGRESS, "Conférences : expériences internationales de requalification des friches",
     ProgrammeItem.Kind.TALK, _congress_time(7, 13, 30), _congress_time(7, 15),
     ["antoine-soyer", "pascal-jacques-dumoulin"]),
    (CONGRESS, "Table ronde : revitaliser le centre-ville de Thetford Mines",
     ProgrammeItem.Kind.ROUND_TABLE, _congress_time(7, 15, 30), _congress_time(7, 17),
     ["marc-de-nale", "catherine-bertram"]),
    (CONGRESS, "Visite de terrain : l’ancien site minier Bell", ProgrammeItem.Kind.SITE_VISIT,
     _congress_time(8, 9), _congress_time(8, 11, 30), []),
    (CONGRESS, "Visite de terrain : l’ancien site minier King Beaver", ProgrammeItem.Kind.SITE_VISIT,
     _congress_time(8, 13), _congress_time(8, 15, 30), []),
    (CONGRESS, "Clôture du congrès", ProgrammeItem.Kind.OTHER,
     _congress_time(8, 16), _congress_time(8, 16, 30), []),
]

TRICKY_TALK = fr("Terrils « sentinelles » ; biodiversité et \"trames noires\"")

R, S = Participation.Role, Participation.Status
PARTICIPATIONS = [
    # event, person, role, status, talk title, notes
    (CONGRESS, "catherine-bertram", R.SPEAKER, S.ATTENDED, TALK_BERTRAM, ""),
    (CONGRESS, "antoine-soyer", R.SPEAKER, S.ATTENDED, "", ""),
    (CONGRESS, "pascal-jacques-dumoulin", R.SPEAKER, S.ATTENDED, "", ""),
    (CONGRESS, "marc-de-nale", R.SPEAKER, S.ATTENDED, "", ""),
    ("exemple-table-ronde-habiter-la-cite-miniere", "francois-lemaitre", R.MODERATOR, S.ATTENDED, "", ""),
    ("exemple-table-ronde-habiter-la-cite-miniere", "zoe-lambert", R.PANELLIST, S.ATTENDED,
     "La cité minière, un patrimoine habité", ""),
    ("exemple-table-ronde-habiter-la-cite-miniere", "emilie-dufresne-carpentier", R.PANELLIST, S.ATTENDED,
     "Rénover sans effacer : l’exemple des corons", ""),
    ("exemple-table-ronde-habiter-la-cite-miniere", "helene-saint-aubert", R.ATTENDEE, S.ATTENDED, "", ""),
    ("exemple-table-ronde-habiter-la-cite-miniere", "jerome-n-diaye", R.ATTENDEE, S.CANCELLED, "",
     "Excusé (partiels)."),
    ("exemple-conference-patrimoine-mondial", "emilie-dufresne-carpentier", R.SPEAKER, S.CONFIRMED,
     TRICKY_TALK, ""),
    ("exemple-conference-patrimoine-mondial", "francois-lemaitre", R.MODERATOR, S.CONFIRMED, "", ""),
    ("exemple-conference-patrimoine-mondial", "zoe-lambert", R.PANELLIST, S.INVITED, "", "Relancer par téléphone."),
    ("exemple-conference-patrimoine-mondial", "maelle-le-guevel", R.ORGANISER, S.CONFIRMED, "", ""),
    ("exemple-conference-patrimoine-mondial", "soren-orsted", R.DELEGATE, S.CONFIRMED, "", ""),
    ("exemple-conference-patrimoine-mondial", "benedicte-coeurdevey", R.ATTENDEE, S.REGISTERED, "",
     "=accessibilité ; place réservée près de l’entrée"),
    ("exemple-conference-patrimoine-mondial", "helene-saint-aubert", R.ATTENDEE, S.REGISTERED, "", ""),
    ("exemple-conference-patrimoine-mondial", "jerome-n-diaye", R.ATTENDEE, S.CANCELLED, "", ""),
    ("exemple-rencontres-des-territoires-miniers", "maelle-le-guevel", R.ORGANISER, S.CONFIRMED, "", ""),
    ("exemple-rencontres-des-territoires-miniers", "soren-orsted", R.DELEGATE, S.REGISTERED, "", ""),
    ("exemple-rencontres-des-territoires-miniers", "benedicte-coeurdevey", R.ATTENDEE, S.INVITED, "", ""),
]

SEED_ARTICLE = {
    "slug": "mission-bassin-minier-congres-friches-industrielles-thetford-mines",
    "title": (
        "La Mission Bassin Minier invitée au premier Congrès international sur la requalification "
        "des friches industrielles à Thetford Mines (Québec)"
    ),
    "standfirst": (
        "Les 7 et 8 mai 2025, la Mission Bassin Minier a participé au premier Congrès international "
        "sur la requalification des friches industrielles et des sites stratégiques, organisé par la "
        "Ville de Thetford Mines au Québec."
    ),
    "body": (
        "<p>Réunissant une centaine de participants (élus, experts, représentants gouvernementaux et "
        "professionnels de l’aménagement), ce congrès avait pour ambition de favoriser le partage "
        "d’expériences internationales et de solutions innovantes en matière de transformation des "
        "espaces délaissés, à travers des conférences, des tables rondes et des visites de terrain.</p>"
        "<p>Ce temps fort s’inscrit dans une démarche active de revitalisation du centre-ville de "
        "Thetford Mines et de ses anciens sites miniers emblématiques, notamment Bell et King Beaver, "
        "aujourd’hui au cœur d’un ambitieux Plan directeur urbain.</p>"
        "<p>À cette occasion, Catherine Bertram, directrice de la Mission Bassin Minier, est intervenue "
        "sur le thème&nbsp;: «&nbsp;Le Bassin minier du Nord–Pas de Calais&nbsp;: un exemple remarquable "
        "de revitalisation d’un territoire industriel inscrit au Patrimoine mondial de "
        "l’UNESCO&nbsp;».</p>"
        "<p>Son intervention a suscité un vif intérêt, en particulier sur l’intégration de la mémoire "
        "minière dans les stratégies de transition territoriale, en tant que levier d’attractivité, de "
        "transformation de l’image du territoire et d’appropriation par les habitants.</p>"
        "<p>La participation de la Mission Bassin Minier à cet événement s’est déroulée aux côtés "
        "d’acteurs engagés de la coopération France–Québec, notamment Antoine Soyer et Pascal Jacques "
        "Dumoulin (ADEME), ainsi que Marc De Nale, président du réseau PALME, également intervenants "
        "lors du congrès.</p>"
        "<p>À travers cette participation, la Mission Bassin Minier poursuit sa mission de valorisation "
        "des savoir-faire français à l’échelle internationale, et réaffirme l’importance de la "
        "coopération entre territoires confrontés à des enjeux de reconversion similaires.</p>"
    ),
    "status": Status.PUBLISHED,
    "published_at": at(2025, 5, 15, 10),
    "featured": True,
    "tags": ["friches industrielles", "coopération internationale", "Québec", "patrimoine minier", "UNESCO"],
    "related_events": [CONGRESS],
    "related_people": ["catherine-bertram", "antoine-soyer", "pascal-jacques-dumoulin", "marc-de-nale"],
    "picture": True,
}

DEMO_ARTICLES = [
    # title (after "Exemple : "), publication date, extra tags, picture
    ("la cité minière du 12 rénovée, un an après", at(2024, 2, 12, 9), ["logement minier"], True),
    ("trois terrils ouverts aux randonneurs ce printemps", at(2024, 4, 3, 9), ["terrils"], False),
    ("retour sur l’atelier « Cœur de ville » et l’œuvre des habitants", at(2024, 6, 18, 9), [], True),
    ("appel à projets pour la trame verte et bleue", at(2024, 9, 9, 9), ["transition écologique"], False),
    ("les chevalements à l’honneur des Journées du patrimoine", at(2024, 9, 23, 9), ["patrimoine minier"], True),
    ("une délégation allemande en visite dans le Bassin minier", at(2024, 11, 14, 9),
     ["coopération internationale"], False),
    ("bilan annuel de la rénovation des cités minières", at(2025, 1, 27, 9), ["logement minier"], True),
    ("un guide de la rénovation énergétique des maisons minières", at(2025, 3, 10, 9),
     ["transition écologique"], False),
    ("la biodiversité des terrils en dix espèces", at(2025, 7, 2, 9), ["terrils"], True),
    ("les replays du webinaire sur les friches", at(2025, 10, 6, 9), ["friches industrielles"], False),
    ("Œuvre collective : les habitants racontent la mine", at(2026, 1, 20, 9), ["patrimoine minier"], True),
    ("nouvelle saison des visites guidées", at(2026, 4, 8, 9), [], False),
    ("la coopération avec les territoires miniers québécois continue", at(2026, 9, 15, 9),
     ["coopération internationale", "Québec"], False),
]
DRAFT_ARTICLE = "un dossier sur les cavaliers miniers (brouillon)"
SCHEDULED_ARTICLE = "le programme des rencontres des territoires miniers (publication programmée)"
SCHEDULED_IN_DAYS = 10


def _demo_article(subject: str, **values) -> dict:
    return {
        "title": fr(f"Exemple : {subject}"),
        "standfirst": fr(f"Un article de démonstration : {subject}, pour voir les listes et la pagination."),
        "body": (
            "<p>Ce texte sert à montrer la mise en page des actualités&nbsp;: il ne décrit pas un "
            "événement réel.</p>"
            "<h2>Un intertitre</h2>"
            "<p>Un paragraphe avec du <strong>gras</strong>, de l’<em>italique</em> et "
            "<a href=\"https://www.example.org/\">un lien</a>.</p>"
            "<ul><li>un premier point&nbsp;;</li><li>un second point.</li></ul>"
            "<blockquote><p>«&nbsp;Une citation, pour la forme.&nbsp;»</p></blockquote>"
        ),
        **values,
    }


# --- Pictures ------------------------------------------------------------------------------


def placeholder_picture(seed: str, size: tuple[int, int] = (1600, 900)) -> bytes:
    """A JPEG of stylised slag heaps under a gradient sky in the agency's colours."""
    rng = random.Random(seed)
    width, height = size
    top, bottom = (PALETTE[name] for name in rng.choice(SKIES))
    mask = Image.linear_gradient("L").resize(size)
    picture = Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), mask)
    draw = ImageDraw.Draw(picture, "RGBA")
    sun_x, sun_y, sun_r = rng.uniform(0.15, 0.85) * width, rng.uniform(0.2, 0.4) * height, height * 0.09
    draw.ellipse((sun_x - sun_r, sun_y - sun_r, sun_x + sun_r, sun_y + sun_r), fill=(*PALETTE["ochre"], 170))
    layers = [(PALETTE["green"], 150), (PALETTE["brick"], 190), (PALETTE["coal"], 235)]
    for depth, (colour, alpha) in enumerate(layers):
        peak = rng.uniform(0.1, 0.9) * width
        spread = rng.uniform(0.35, 0.6) * width
        summit = height * rng.uniform(0.3 + depth * 0.12, 0.45 + depth * 0.12)
        draw.polygon(
            [(peak - spread, height), (peak - spread * 0.06, summit), (peak + spread * 0.06, summit),
             (peak + spread, height)],
            fill=(*colour, alpha),
        )
    picture = picture.filter(ImageFilter.SMOOTH)
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=85, optimize=True, progressive=True)
    return buffer.getvalue()


# --- Loading -------------------------------------------------------------------------------

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


@dataclass
class DemoReport:
    counts: dict[str, Counter] = field(default_factory=dict)

    def record(self, label: str, outcome: str) -> None:
        self.counts.setdefault(label, Counter())[outcome] += 1

    def total(self, outcome: str) -> int:
        return sum(counter[outcome] for counter in self.counts.values())

    @property
    def changed(self) -> bool:
        return bool(self.total(CREATED) or self.total(UPDATED))

    def summary(self) -> str:
        lines = ["Demo content:"]
        for label, counter in self.counts.items():
            lines.append(
                f"  {label:<15} {counter[CREATED]:>3} created, {counter[UPDATED]:>3} updated, "
                f"{counter[UNCHANGED]:>3} already present"
            )
        if not self.changed:
            lines.append("Nothing to do: the demo content was already loaded.")
        return "\n".join(lines)


class DemoLoader:
    def __init__(self, *, now: datetime):
        self.now = now
        self.today = now.astimezone(PARIS).date()
        self.report = DemoReport()
        self.organisations: dict[str, Organisation] = {}
        self.people: dict[str, Person] = {}
        self.events: dict[str, Event] = {}

    def load(self) -> DemoReport:
        for data in ORGANISATIONS:
            self.organisations[data["slug"]] = self._organisation(data)
        for data in PEOPLE:
            self.people[data["slug"]] = self._person(data)
        for data in EVENTS:
            self.events[data["slug"]] = self._event(data)
        for event, title, kind, start, end, speakers in PROGRAMME:
            self._programme_item(event, title, kind, start, end, speakers)
        for event, person, role, status, talk_title, notes in PARTICIPATIONS:
            self._participation(event, person, role, status, talk_title, notes)
        self._article(with_library(SEED_ARTICLE, congress=self.events[CONGRESS], report=self.report))
        for data in self._demo_articles():
            self._article(data)
        load_site_pages(self.report)
        return self.report

    # Each method below finds its object by a natural key and writes only what differs.

    def _organisation(self, data: dict) -> Organisation:
        data = dict(data)
        slug = data.pop("slug")
        organisation, outcome = sync(Organisation, key={"slug": slug}, values=data)
        self.report.record("organisations", outcome)
        return organisation

    def _person(self, data: dict) -> Person:
        data = dict(data)
        slug, tags = data.pop("slug"), data.pop("tags", None)
        data["organisation"] = self.organisations.get(data.get("organisation"))
        data.setdefault("job_title", "")
        person, outcome = sync(Person, key={"slug": slug}, values=data)
        if tags is not None:  # the tags of real people are the editors' business
            outcome = merge(outcome, sync_tags(person, tags))
        self.report.record("people", outcome)
        return person

    def _event(self, data: dict) -> Event:
        data = dict(data)
        slug, tags = data.pop("slug"), data.pop("tags", [])
        organisers = [self.organisations[s] for s in data.pop("organisers", [])]
        picture = slug if data.pop("picture", False) else None
        data["title"] = fr(data["title"])
        data.setdefault("status", Status.PUBLISHED)
        initial, renew = {}, None
        if "in_days" in data:
            initial = self._upcoming_dates(data)
            renew = lambda event: event.end < self.now  # noqa: E731
        if data["status"] == Status.PUBLISHED and "published_at" not in data:
            initial["published_at"] = self.now
        event, outcome = sync(
            Event, key={"slug": slug}, values=data, initial=initial, renew=renew, picture=picture
        )
        outcome = merge(outcome, sync_m2m(event.organisers, organisers), sync_tags(event, tags))
        self.report.record("events", outcome)
        return event

    def _upcoming_dates(self, data: dict) -> dict:
        """Start and end counted from today; pops the relative spec out of ``data``."""
        zone = ZoneInfo(data.get("timezone", "Europe/Paris"))
        first = self.today + timedelta(days=data.pop("in_days"))
        last = first + timedelta(days=data.pop("days", 1) - 1)
        times = data.pop("times", None)
        if data.get("all_day"):
            start, end = whole_days(local(first, time.min, zone), local(last, time.min, zone), zone)
        else:
            start, end = local(first, times[0], zone), local(last, times[1], zone)
        return {"start": start, "end": end}

    def _programme_item(self, event: str, title: str, kind: str, start: datetime, end: datetime,
                        speakers: list[str]) -> None:
        item, outcome = sync(
            ProgrammeItem,
            key={"event": self.events[event], "title": fr(title)},
            values={"kind": kind, "start": start, "end": end},
        )
        outcome = merge(outcome, sync_m2m(item.speakers, [self.people[s] for s in speakers]))
        self.report.record("programme items", outcome)

    def _participation(self, event: str, person: str, role: str, status: str, talk_title: str,
                       notes: str) -> None:
        person = self.people[person]
        _participation, outcome = sync(
            Participation,
            key={"event": self.events[event], "person": person},
            values={
                "role": role,
                "status": status,
                "talk_title": fr(talk_title),
                "notes": notes,
                "organisation": person.organisation,
            },
        )
        self.report.record("participations", outcome)

    def _demo_articles(self) -> Iterable[dict]:
        for title, published_at, tags, picture in DEMO_ARTICLES:
            yield _demo_article(title, status=Status.PUBLISHED, published_at=published_at,
                                tags=[DEMO_TAG, *tags], picture=picture)
        yield _demo_article(DRAFT_ARTICLE, status=Status.DRAFT, published_at=None, tags=[DEMO_TAG])
        scheduled = local(self.today + timedelta(days=SCHEDULED_IN_DAYS), time(8), PARIS)
        yield _demo_article(SCHEDULED_ARTICLE, status=Status.PUBLISHED, tags=[DEMO_TAG],
                            initial={"published_at": scheduled},
                            renew=lambda article: article.published_at is None
                            or article.published_at <= self.now,
                            related_events=["exemple-rencontres-des-territoires-miniers"])

    def _article(self, data: dict) -> Article:
        data = dict(data)
        tags = data.pop("tags", [])
        events = [self.events[s] for s in data.pop("related_events", [])]
        people = [self.people[s] for s in data.pop("related_people", [])]
        initial, renew = data.pop("initial", {}), data.pop("renew", None)
        slug = data.pop("slug", None) or slugify_fr(data["title"])
        picture = slug if data.pop("picture", False) else None
        article, outcome = sync(
            Article, key={"slug": slug}, values=data, initial=initial, renew=renew, picture=picture
        )
        outcome = merge(
            outcome,
            sync_m2m(article.related_events, events),
            sync_m2m(article.related_people, people),
            sync_tags(article, tags),
        )
        self.report.record("articles", outcome)
        return article


def load_demo(*, now: datetime | None = None) -> DemoReport:
    """Load (or complete) the demo content; a second run writes nothing."""
    with transaction.atomic():
        return DemoLoader(now=now or timezone.now()).load()


# --- Small idempotent writers --------------------------------------------------------------


def local(day: date, at_time: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, at_time, tzinfo=zone)


def picture_fields(seed: str) -> dict:
    return {
        "image": ContentFile(placeholder_picture(seed), name=f"{seed[:60].rstrip('-')}.jpg"),
        "image_alt": DEMO_ALT,
        "image_credit": DEMO_CREDIT,
    }


def _stored_form(instance: models.Model, name: str, value):
    field = instance._meta.get_field(name)
    if isinstance(field, RichTextField):
        return field.attname, sanitize_html(value)
    if field.is_relation:
        return field.attname, value.pk if value is not None else None
    return field.attname, value


def _differs(instance: models.Model, values: dict) -> dict:
    changed = {}
    for name, value in values.items():
        attname, stored = _stored_form(instance, name, value)
        if getattr(instance, attname) != stored:
            changed[name] = value
    return changed


def sync(
    model: type[models.Model],
    *,
    key: dict,
    values: dict,
    initial: dict | None = None,
    renew: Callable[[models.Model], bool] | None = None,
    picture: str | None = None,
) -> tuple[models.Model, str]:
    """Create the object, or update only the fields whose value differs.

    ``initial`` values are used on creation only, or again when ``renew(instance)``
    says the stored ones are stale; the ``picture`` is drawn on creation only.
    """
    initial = initial or {}
    instance = model._default_manager.filter(**key).first()
    if instance is None:
        instance = model(**key, **values, **initial, **(picture_fields(picture) if picture else {}))
        instance.full_clean()
        instance.save()
        return instance, CREATED
    changed = _differs(instance, values)
    if renew is not None and renew(instance):
        changed.update(initial)
    if not changed:
        return instance, UNCHANGED
    for name, value in changed.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    return instance, UPDATED


def sync_m2m(manager, objects: list[models.Model]) -> str:
    wanted = {obj.pk for obj in objects}
    if set(manager.values_list("pk", flat=True)) == wanted:
        return UNCHANGED
    manager.set(objects)
    return UPDATED


def sync_tags(instance: models.Model, names: list[str]) -> str:
    if {name.casefold() for name in instance.tags.names()} == {name.casefold() for name in names}:
        return UNCHANGED
    instance.tags.set(names)
    return UPDATED


def merge(*outcomes: str) -> str:
    if CREATED in outcomes:
        return CREATED
    return UPDATED if UPDATED in outcomes else UNCHANGED


# --- Media library: a picture in the seed article's text, the congress programme as a PDF -----------

LIBRARY_PICTURE = {
    "title": "Thetford Mines : ancien site minier (démonstration)",
    "alt": fr("Illustration abstraite : un ancien site minier sous un ciel d’été"),
    "caption": fr("Les anciens sites miniers Bell et King Beaver, au cœur du Plan directeur urbain."),
    "credit": DEMO_CREDIT,
    "focal_x": 0.3,
    "focal_y": 0.6,
}
LIBRARY_PROGRAMME = "Programme du congrès"


def with_library(data: dict, *, congress: Event, report: DemoReport) -> dict:
    """The library's demo items, made once; ``data`` (the seed article) with the picture in its text."""
    from events.models import EventDocument
    from library.models import Document, Picture

    picture = Picture.objects.filter(title=LIBRARY_PICTURE["title"]).first()
    outcome = UNCHANGED
    if picture is None:
        image = ContentFile(placeholder_picture("library-thetford"), name="site.jpg")
        picture, outcome = Picture(**LIBRARY_PICTURE, file=image), CREATED
        picture.full_clean()
        picture.save()
    report.record("library", outcome)

    document = Document.objects.filter(title=LIBRARY_PROGRAMME).first()
    outcome = UNCHANGED
    if document is None:
        document, outcome = Document(title=LIBRARY_PROGRAMME, file=ContentFile(programme_pdf(), name="p.pdf")), CREATED
        document.full_clean()
        document.save()
    report.record("library", outcome)
    _attachment, outcome = sync(EventDocument, key={"event": congress, "document": document}, values={"position": 0})
    report.record("library", outcome)

    paragraphs = data["body"].split("</p>", 2)  # the picture after the second paragraph, on the right
    figure = f'<figure data-picture="{picture.pk}" data-align="right"></figure>'
    return {**data, "body": "</p>".join(paragraphs[:2]) + "</p>" + figure + paragraphs[2]}


def programme_pdf() -> bytes:
    """A one-page PDF, valid and tiny, titled and with the two days of the congress."""
    lines = ["Programme du congrès", "Thetford Mines (Québec), 7 et 8 mai 2025", "Document de démonstration"]
    text = "BT /F1 20 Tf 72 760 Td 26 TL " + " ".join(
        "(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") '" for line in lines
    ) + " ET"
    stream = text.encode("cp1252")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Title (Programme du congr\\350s) >>",
    ]
    pdf, offsets = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(pdf)
    pdf += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    pdf += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    pdf += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 6 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(pdf)


# --- The site's own pages: legal notice, accessibility, privacy, about, contact -----------

TO_COMPLETE = fr(
    "<p><strong>À compléter :</strong> cette page est un modèle de démonstration. Les passages entre "
    "crochets sont à remplacer par les informations exactes avant la mise en ligne.</p>"
)

SITE_PAGES = [
    {
        "slug": "mentions-legales",
        "title": "Mentions légales",
        "summary": "Éditeur, directeur de la publication, hébergeur et conditions de réutilisation du site "
                   "(à compléter).",
        "menu": "footer",
        "position": 10,
        "body": """
<h2>Éditeur du site</h2>
<p>Mission Bassin Minier Nord–Pas de Calais, association régie par la loi du 1er juillet 1901.<br>
Siège : [adresse postale à compléter], Oignies (Pas-de-Calais).<br>
Numéro SIRET : [à compléter].<br>
Téléphone : [à compléter] – courriel : [adresse électronique à compléter].</p>
<h2>Directeur ou directrice de la publication</h2>
<p>[Prénom Nom, fonction – à compléter].</p>
<h2>Hébergement</h2>
<p>[Raison sociale de l’hébergeur, adresse postale et téléphone – à compléter].</p>
<h2>Propriété intellectuelle</h2>
<p>Les textes, photographies, illustrations et logos publiés sur ce site sont la propriété de la Mission
Bassin Minier ou de leurs auteurs. Sauf mention contraire, les textes peuvent être réutilisés en citant la
source et la date de mise à jour [licence à confirmer, par exemple la Licence Ouverte d’Etalab 2.0].
Les photographies ne peuvent être reproduites sans l’accord de leurs auteurs.</p>
<h2>Crédits</h2>
<ul>
<li>Photographies : l’auteur est indiqué sous chaque image.</li>
<li>Les images légendées « Illustration de démonstration » sont des visuels provisoires.</li>
<li>Conception et réalisation du site : [à compléter].</li>
</ul>
<h2>Liens vers d’autres sites</h2>
<p>La Mission Bassin Minier n’est pas responsable du contenu des sites vers lesquels ce site renvoie.</p>
<h2>Données personnelles et accessibilité</h2>
<p>Voir la page <a href="/donnees-personnelles/">Données personnelles</a> et la
<a href="/accessibilite/">déclaration d’accessibilité</a>.</p>
""",
    },
    {
        "slug": "accessibilite",
        "title": "Déclaration d’accessibilité",
        "menu_title": "Accessibilité : non conforme",
        "summary": "État de conformité du site au RGAA 4.1, contenus non accessibles et moyens de signaler un "
                   "problème (à compléter).",
        "menu": "footer",
        "position": 20,
        "body": """
<p>La Mission Bassin Minier s’engage à rendre ses sites internet accessibles conformément à l’article 47
de la loi n°\u00a02005-102 du 11 février 2005.</p>
<p>Cette déclaration d’accessibilité s’applique au site public [adresse du site à compléter] et à
l’interface d’administration utilisée par les équipes pour publier les actualités, l’agenda et l’annuaire.</p>
<h2>État de conformité</h2>
<p>Le site est <strong>non conforme</strong> avec le référentiel général d’amélioration de l’accessibilité
(RGAA), version 4.1 : aucun audit de conformité n’a encore été réalisé.</p>
<p>[Après l’audit, à remplacer par : « Le site est partiellement conforme avec le RGAA 4.1, en raison des
non-conformités énumérées ci-dessous. »]</p>
<h2>Résultats des tests</h2>
<p>L’audit de conformité réalisé par [organisme à compléter] le [date à compléter] révèle que
[XX] % des critères du RGAA 4.1 sont respectés.</p>
<h2>Contenus non accessibles</h2>
<h3>Non-conformités</h3>
<p>[Liste des critères non respectés et des contenus concernés, à compléter après l’audit].</p>
<h3>Dérogations pour charge disproportionnée</h3>
<p>[À compléter, ou « Aucune »].</p>
<h3>Contenus non soumis à l’obligation d’accessibilité</h3>
<ul>
<li>Documents bureautiques publiés avant le 23 septembre 2018 ;</li>
<li>contenus de tiers qui ne sont ni financés ni développés par la Mission Bassin Minier.</li>
</ul>
<h2>Établissement de cette déclaration</h2>
<p>Cette déclaration a été établie le [date à compléter].</p>
<h3>Technologies utilisées</h3>
<ul><li>HTML5</li><li>CSS</li><li>JavaScript (interface d’administration)</li></ul>
<h3>Environnement de test</h3>
<p>[Combinaisons de navigateurs et de technologies d’assistance utilisées pour l’audit, à compléter].</p>
<h3>Outils utilisés pour vérifier l’accessibilité</h3>
<p>Les pages sont vérifiées automatiquement à chaque modification du site (axe-core, contrastes, titres,
étiquettes des champs) [outils de l’audit à compléter].</p>
<h3>Pages du site ayant fait l’objet de la vérification de conformité</h3>
<ul>
<li>Accueil, actualités, une actualité ;</li>
<li>agenda, un événement, annuaire des personnes ;</li>
<li>recherche, plan du site, mentions légales, cette déclaration ;</li>
<li>interface d’administration : connexion, liste et formulaire d’une actualité.</li>
</ul>
<h2>Retour d’information et contact</h2>
<p>Si vous n’arrivez pas à accéder à un contenu ou à un service, vous pouvez nous contacter pour être
orienté vers une alternative accessible ou obtenir le contenu sous une autre forme :</p>
<ul>
<li>par courriel : [adresse électronique à compléter] ;</li>
<li>par courrier : Mission Bassin Minier, [adresse postale à compléter] ;</li>
<li>depuis la page <a href="/contact/">Contact</a>.</li>
</ul>
<h2>Voies de recours</h2>
<p>Si vous avez signalé un défaut d’accessibilité qui vous empêche d’accéder à un contenu ou à un service
du site, et que vous n’avez pas obtenu de réponse satisfaisante, vous pouvez :</p>
<ul>
<li>écrire un message au <a href="https://formulaire.defenseurdesdroits.fr/">Défenseur des droits</a> ;</li>
<li>contacter <a href="https://www.defenseurdesdroits.fr/saisir/delegues">le délégué du Défenseur des droits
dans votre région</a> ;</li>
<li>envoyer un courrier par la poste (gratuit, ne pas mettre de timbre) : Défenseur des droits,
Libre réponse 71120, 75342 Paris CEDEX 07.</li>
</ul>
""",
    },
    {
        "slug": "donnees-personnelles",
        "title": "Données personnelles",
        "summary": "Quelles données personnelles la Mission Bassin Minier traite, pourquoi, combien de temps, et "
                   "comment exercer vos droits (à compléter).",
        "menu": "footer",
        "position": 30,
        "body": """
<h2>Responsable de traitement</h2>
<p>Mission Bassin Minier Nord–Pas de Calais, [adresse postale à compléter], représentée par
[Prénom Nom, fonction – à compléter].</p>
<h2>Données traitées et finalités</h2>
<ul>
<li><strong>Participants aux événements</strong> : nom, prénom, organisation, fonction et coordonnées,
pour organiser les congrès, conférences et visites et en informer les participants ;</li>
<li><strong>annuaire des intervenants</strong> : nom, fonction, organisation, photographie et biographie
des personnes qui ont accepté d’y figurer ;</li>
<li><strong>comptes de l’interface d’administration</strong> : identifiant, adresse électronique et
journal des tentatives de connexion (dont l’adresse IP), pour la sécurité du site.</li>
</ul>
<p>Le site ne dépose aucun cookie de mesure d’audience ni de publicité. Un cookie de session n’est déposé
que pour les personnes qui se connectent à l’interface d’administration [à vérifier avant publication].</p>
<h2>Bases légales</h2>
<ul>
<li>Participants : [intérêt légitime ou mission d’intérêt public – à confirmer] ;</li>
<li>annuaire public : consentement de la personne, qu’elle peut retirer à tout moment ;</li>
<li>comptes d’administration : intérêt légitime (sécurité du site).</li>
</ul>
<h2>Durées de conservation</h2>
<ul>
<li>Participants : [3 ans après le dernier événement – à confirmer] ;</li>
<li>annuaire public : jusqu’au retrait du consentement ;</li>
<li>journal des connexions : [durée à confirmer].</li>
</ul>
<h2>Destinataires</h2>
<p>Les équipes habilitées de la Mission Bassin Minier, l’hébergeur du site en tant que sous-traitant et,
pour un événement organisé en commun, les partenaires co-organisateurs [à compléter]. [Transferts hors de
l’Union européenne, par exemple vers le Canada pour un congrès au Québec : à compléter.]</p>
<h2>Vos droits</h2>
<p>Vous disposez d’un droit d’accès, de rectification, d’effacement, de limitation et d’opposition, d’un
droit à la portabilité de vos données et du droit de définir des directives sur leur sort après votre
décès. Pour les exercer, écrivez au délégué à la protection des données (ci-dessous, ou par la page <a href="/contact/">Contact</a>) ; une réponse vous sera apportée
dans un délai d’un mois.</p>
<h2>Délégué à la protection des données</h2>
<p>Par courriel : [adresse électronique à compléter] ; par courrier : Délégué à la protection des données,
Mission Bassin Minier, [adresse postale à compléter].</p>
<h2>Réclamation auprès de la CNIL</h2>
<p>Si vous estimez, après nous avoir contactés, que vos droits ne sont pas respectés, vous pouvez adresser
une réclamation à la <a href="https://www.cnil.fr/fr/plaintes">Commission nationale de l’informatique et
des libertés (CNIL)</a>.</p>
""",
    },
    {
        "slug": "a-propos",
        "title": "À propos de la Mission Bassin Minier",
        "menu_title": "À propos",
        "summary": "La Mission Bassin Minier accompagne le renouveau du Bassin minier du Nord–Pas de Calais "
                   "(à compléter).",
        "menu": "header",
        "position": 10,
        "body": """
<p>La Mission Bassin Minier Nord–Pas de Calais accompagne les collectivités et leurs partenaires dans le
renouveau du territoire minier, inscrit au patrimoine mondial de l’Unesco depuis 2012.</p>
<h2>Nos missions</h2>
<ul>
<li>Accompagner la rénovation des cités minières et la requalification des friches ;</li>
<li>préserver et faire connaître le patrimoine minier ;</li>
<li>faire se rencontrer les territoires miniers de France et d’ailleurs.</li>
</ul>
<p>[Présentation détaillée, date de création et chiffres clés – à compléter].</p>
<h2>Gouvernance</h2>
<p>[Composition du conseil d’administration et de l’équipe – à compléter].</p>
<h2>Partenaires</h2>
<p>[Financeurs et partenaires – à compléter].</p>
<h2>Ce site</h2>
<p>Vous y trouverez les <a href="/actualites/">actualités</a> de la Mission, l’<a href="/agenda/">agenda</a>
de ses événements et l’<a href="/personnes/">annuaire</a> des personnes qui y interviennent.</p>
""",
    },
    {
        "slug": "contact",
        "title": "Contact",
        "summary": "Écrire à la Mission Bassin Minier, la joindre par téléphone ou par courrier (à compléter).",
        "menu": "footer",
        "position": 40,
        "body": """
<h2>Nous écrire</h2>
<p>Par courriel : [adresse électronique à compléter].</p>
<h2>Nous appeler</h2>
<p>[Numéro de téléphone et horaires – à compléter].</p>
<h2>Par courrier</h2>
<p>Mission Bassin Minier Nord–Pas de Calais<br>[Adresse postale à compléter]<br>Oignies (Pas-de-Calais)</p>
<h2>Presse</h2>
<p>[Contact presse – à compléter].</p>
<h2>Signaler un problème d’accessibilité</h2>
<p>Un contenu ou un service du site vous est inaccessible ? Écrivez-nous à l’adresse ci-dessus ; la
<a href="/accessibilite/">déclaration d’accessibilité</a> indique aussi les voies de recours.</p>
<h2>Vos données personnelles</h2>
<p>Pour exercer vos droits, voir la page <a href="/donnees-personnelles/">Données personnelles</a>.</p>
""",
    },
]
SITE_PAGES_PUBLISHED_AT = at(2025, 1, 6, 9)


def load_site_pages(report: DemoReport) -> None:
    """The five pages every French public body's site needs, published, each marked as to be completed."""
    for data in SITE_PAGES:
        data = dict(data)
        slug = data.pop("slug")
        values = {
            **data,
            "title": fr(data["title"]),
            "menu_title": fr(data.get("menu_title", "")),
            "summary": fr(data["summary"]),
            "body": TO_COMPLETE + fr(" ".join(data["body"].split())),
            "status": Status.PUBLISHED,
            "published_at": SITE_PAGES_PUBLISHED_AT,
        }
        _page, outcome = sync(SitePage, key={"slug": slug}, values=values)
        report.record("site pages", outcome)
