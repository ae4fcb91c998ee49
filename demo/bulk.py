"""Realistic French content in bulk, for measuring the site at the size of a decades-old archive.

Every generated article, event, person and organisation has a slug starting with
``gen-``: that is how generated content is told apart. ``generate()`` tops the database
up to the requested numbers (running it twice with the same numbers adds nothing) and
refuses to touch a database holding anything else unless ``force`` is given.

Rows are inserted in batches, never one ``save()`` each: ``bulk_create`` for the rows whose
keys are needed next, PostgreSQL's ``COPY`` for the big link tables (participations, tags,
programme speakers). A handful of pictures is made once through the normal ``save()``,
so that their renditions exist; the bulk rows then share those files and their JSON.
"""

import io
import random
import time
from collections.abc import Callable, Iterable
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from PIL import Image, ImageDraw
from taggit.models import Tag, TaggedItem

from core.publishing import Status
from core.text import slugify_fr
from events.models import Event, Organiser, Participation, ProgrammeItem, Speaker
from news.models import Article
from people.models import Organisation, Person

PREFIX = "gen-"
BATCH = 5000
YEARS = 20

TOWNS = [
    ("Lens", "Pas-de-Calais"), ("Liévin", "Pas-de-Calais"), ("Béthune", "Pas-de-Calais"),
    ("Douai", "Nord"), ("Valenciennes", "Nord"), ("Hénin-Beaumont", "Pas-de-Calais"),
    ("Bruay-la-Buissière", "Pas-de-Calais"), ("Denain", "Nord"), ("Loos-en-Gohelle", "Pas-de-Calais"),
    ("Oignies", "Pas-de-Calais"), ("Carvin", "Pas-de-Calais"), ("Auchel", "Pas-de-Calais"),
    ("Nœux-les-Mines", "Pas-de-Calais"), ("Wallers-Arenberg", "Nord"), ("Anzin", "Nord"),
    ("Sin-le-Noble", "Nord"), ("Harnes", "Pas-de-Calais"), ("Courrières", "Pas-de-Calais"),
    ("Marles-les-Mines", "Pas-de-Calais"), ("Condé-sur-l’Escaut", "Nord"),
]
THEMES = [
    ("rénovation des cités minières", "cités minières"), ("requalification des friches", "friches"),
    ("patrimoine mondial de l’UNESCO", "UNESCO"), ("transition énergétique", "énergie"),
    ("mobilité du quotidien", "mobilités"), ("emploi et formation", "emploi"),
    ("biodiversité des terrils", "terrils"), ("santé des habitants", "santé"),
    ("rénovation thermique des logements", "logement"), ("économie circulaire", "économie circulaire"),
    ("culture et mémoire minière", "mémoire"), ("tourisme de mémoire", "tourisme"),
    ("cœurs de ville", "centres-villes"), ("eau et trame bleue", "eau"), ("agriculture urbaine", "agriculture"),
]
OPENINGS = [
    "{town} : la {theme} entre dans une nouvelle phase",
    "À {town}, les habitants construisent la {theme}",
    "{town} accueille une journée consacrée à la {theme}",
    "Engagement pour le renouveau du bassin minier : {town} signe pour la {theme}",
    "La {theme}, priorité du contrat de territoire de {town}",
    "Retour sur la visite de terrain à {town} : {theme}",
    "{town} lance un appel à projets pour la {theme}",
    "Comment {town} réinvente la {theme}",
]
SENTENCES = [
    "Les travaux engagés depuis {year} ont transformé le quartier, et les habitants ont été associés à chaque étape.",
    "La Mission Bassin Minier accompagne la commune dans le montage du dossier et la recherche de financements.",
    "Plus de {n} logements sont concernés par ce programme, l’un des plus importants de la région.",
    "Les élus ont rappelé l’importance de l’Engagement pour le renouveau du bassin minier, signé en 2017.",
    "Le site, inscrit au patrimoine mondial de l’UNESCO en 2012, attire chaque année davantage de visiteurs.",
    "Une seconde réunion publique est prévue à l’automne pour présenter l’avancement du projet.",
    "Les partenaires – État, Région, Département et intercommunalités – ont confirmé leur soutien.",
    "Sur le terril, les naturalistes ont recensé plusieurs espèces protégées qui profitent de ce milieu chaud et sec.",
    "L’opération s’inscrit dans la stratégie de transition énergétique du territoire.",
    "Les entreprises locales ont remporté la majorité des lots, un signe fort pour l’emploi.",
]
FIRST_NAMES = [
    "Camille", "Léa", "Manon", "Chloé", "Inès", "Sarah", "Julie", "Pauline", "Élodie", "Aurélie",
    "Thomas", "Nicolas", "Julien", "Maxime", "Antoine", "Hugo", "Mathieu", "Sébastien", "François", "Jérôme",
]
LAST_NAMES = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
    "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
    "Dupont", "Lambert", "Fontaine", "Rousseau", "Vasseur", "Delattre", "Lemaire", "Duhamel", "Carpentier", "Wozniak",
]
JOBS = [
    "chargée de mission patrimoine", "directeur de l’aménagement", "maire", "adjointe à l’urbanisme",
    "chercheuse en géographie", "responsable habitat", "chef de projet", "architecte-urbaniste",
    "conseillère régionale", "directeur général des services",
]
ORGANISATION_KINDS = [
    ("Ville de {town}", Organisation.Kind.CITY), ("Communauté d’agglomération de {town}", Organisation.Kind.CITY),
    ("Bailleur social de {town}", Organisation.Kind.COMPANY), ("Association des habitants de {town}", Organisation.Kind.ASSOCIATION),
    ("Université de {town}", Organisation.Kind.RESEARCH), ("Maison de l’emploi de {town}", Organisation.Kind.PUBLIC_BODY),
]
EVENT_TITLES = [
    ("Congrès « {theme} »", Event.Kind.CONGRESS), ("Conférence : {theme}", Event.Kind.CONFERENCE),
    ("Table ronde sur la {theme}", Event.Kind.ROUND_TABLE), ("Visite de terrain à {town}", Event.Kind.SITE_VISIT),
    ("Webinaire : {theme}", Event.Kind.WEBINAR),
]
ROLES = [
    (Participation.Role.ATTENDEE, 70), (Participation.Role.DELEGATE, 10), (Participation.Role.SPEAKER, 10),
    (Participation.Role.PANELLIST, 4), (Participation.Role.MODERATOR, 2), (Participation.Role.ORGANISER, 4),
]


class NotGeneratedContent(Exception):
    pass


def non_generated() -> dict[str, int]:
    """Rows of the four content tables whose slug does not carry the generated prefix."""
    counts = {
        model._meta.verbose_name_plural: model.objects.exclude(slug__startswith=PREFIX).count()
        for model in (Article, Event, Person, Organisation)
    }
    return {name: count for name, count in counts.items() if count}


def generated(model) -> int:
    return model.objects.filter(slug__startswith=PREFIX).count()


def insert(model, fields: list[str], rows: Iterable[tuple], *, conflicts_ignored=False) -> int:
    """Rows (tuples in the order of ``fields``) in batches: COPY on PostgreSQL, bulk_create elsewhere."""
    count = 0
    if connection.vendor == "postgresql" and not conflicts_ignored:
        columns = ", ".join(connection.ops.quote_name(model._meta.get_field(f).column) for f in fields)
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        return count
    attnames = [model._meta.get_field(f).attname for f in fields]
    batch = []
    for row in rows:
        batch.append(model(**dict(zip(attnames, row, strict=True))))
        if len(batch) == BATCH:
            model.objects.bulk_create(batch, ignore_conflicts=conflicts_ignored)
            count += len(batch)
            batch = []
    model.objects.bulk_create(batch, ignore_conflicts=conflicts_ignored)
    return count + len(batch)


def create_in_batches(model, objects: Iterable, report: Callable[[int], None]) -> list[int]:
    """bulk_create in batches, returning the new primary keys (both backends return them)."""
    pks, batch = [], []
    for obj in objects:
        batch.append(obj)
        if len(batch) == BATCH:
            pks += [o.pk for o in model.objects.bulk_create(batch)]
            batch = []
            report(len(pks))
    pks += [o.pk for o in model.objects.bulk_create(batch)]
    report(len(pks))
    return pks


def picture(seed: int) -> ContentFile:
    """A landscape of the basin in flat colours: sky, terrils, a headframe."""
    rng = random.Random(seed)
    image = Image.new("RGB", (1600, 900), (rng.randint(120, 200), rng.randint(150, 210), 230))
    draw = ImageDraw.Draw(image)
    for _ in range(3):
        x = rng.randint(-200, 1400)
        draw.polygon([(x, 900), (x + 400, rng.randint(250, 500)), (x + 800, 900)], fill=(60, 55, 50))
    draw.rectangle([1200, 300, 1230, 900], fill=(90, 30, 30))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return ContentFile(buffer.getvalue(), name=f"{PREFIX}paysage-{seed}.jpg")


class Generator:
    def __init__(self, *, seed: int, out: Callable[[str], None]):
        self.rng = random.Random(seed)
        self.out = out
        self.now = timezone.now()
        self.started = time.monotonic()

    def say(self, message: str) -> None:
        self.out(f"[{time.monotonic() - self.started:7.1f} s] {message}")

    def progress(self, label: str, total: int) -> Callable[[int], None]:
        return lambda done: self.say(f"{label}: {done}/{total}")

    # Pieces of text

    def town(self):
        return self.rng.choice(TOWNS)

    def theme(self):
        return self.rng.choice(THEMES)

    def paragraph(self, sentences=3) -> str:
        return " ".join(
            self.rng.choice(SENTENCES).format(year=self.rng.randint(2005, 2025), n=self.rng.randint(20, 900))
            for _ in range(sentences)
        )

    def body(self) -> str:
        return "".join(f"<p>{self.paragraph(self.rng.randint(2, 4))}</p>" for _ in range(self.rng.randint(3, 5)))

    def slug(self, number: int, text: str) -> str:
        return f"{PREFIX}{number}-{slugify_fr(text)}"[:80].rstrip("-")

    def moment_in_archive(self):
        return self.now - timedelta(seconds=self.rng.randint(3600, YEARS * 365 * 86400))

    # Stages

    def pictures(self, count=6) -> list[tuple[str, dict]]:
        """Made once with the normal save, so the renditions exist; reused by every bulk row."""
        existing = list(
            Article.objects.filter(slug__startswith=f"{PREFIX}images-").exclude(image="").values_list("image", "image_renditions")
        )
        if len(existing) >= count:
            return existing
        made = []
        for seed in range(count):
            article = Article(
                title=f"Images du bassin minier {seed}", slug=f"{PREFIX}images-{seed}", status=Status.DRAFT,
                image_alt="Un terril et un chevalement sous le ciel du Nord", image_credit="Mission Bassin Minier",
            )
            article.image.save(picture(seed).name, picture(seed), save=False)
            article.save()
            made.append((article.image.name, article.image_renditions))
        self.say(f"pictures: {len(made)} made with their renditions")
        return made

    def tags(self) -> list[Tag]:
        names = sorted({label for _theme, label in THEMES} | {town for town, _ in TOWNS})
        existing = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
        missing = [Tag(name=name, slug=slugify_fr(name)) for name in names if name not in existing]
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        return list(Tag.objects.filter(name__in=names))

    def organisations(self, target: int) -> list[int]:
        missing = target - generated(Organisation)
        if missing > 0:
            start = (Organisation.objects.aggregate(n=Max("pk"))["n"] or 0) + 1

            def rows():
                for i in range(missing):
                    town, _region = self.town()
                    template, kind = self.rng.choice(ORGANISATION_KINDS)
                    name = template.format(town=town)
                    yield Organisation(
                        name=name, slug=self.slug(start + i, name), kind=kind, city=town, country="France",
                        website=f"https://www.example.org/{start + i}", created=self.now, updated=self.now,
                    )

            create_in_batches(Organisation, rows(), self.progress("organisations", missing))
        return list(Organisation.objects.filter(slug__startswith=PREFIX).values_list("pk", flat=True))

    def people(self, target: int, organisations: list[int], pictures) -> list[tuple[int, int | None]]:
        missing = target - generated(Person)
        if missing > 0:
            start = (Person.objects.aggregate(n=Max("pk"))["n"] or 0) + 1

            def rows():
                for i in range(missing):
                    first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
                    public = self.rng.random() < 0.3
                    photo, renditions = self.rng.choice(pictures) if public and self.rng.random() < 0.3 else ("", {})
                    yield Person(
                        first_name=first, last_name=last, slug=self.slug(start + i, f"{first} {last}"),
                        job_title=self.rng.choice(JOBS), organisation_id=self.rng.choice(organisations),
                        bio=f"<p>{self.paragraph(2)}</p>" if public else "", is_public=public,
                        email=f"{slugify_fr(first)}.{slugify_fr(last)}.{start + i}@example.org",
                        photo=photo, photo_renditions=renditions, created=self.now, updated=self.now,
                    )

            create_in_batches(Person, rows(), self.progress("people", missing))
        return list(Person.objects.filter(slug__startswith=PREFIX).values_list("pk", "organisation_id"))

    def events(self, target: int, organisations: list[int], tags: list[Tag], pictures) -> list[int]:
        missing = target - generated(Event)
        if missing <= 0:
            return []
        start_pk = (Event.objects.aggregate(n=Max("pk"))["n"] or 0) + 1

        def rows():
            for i in range(missing):
                town, region = self.town()
                theme, _label = self.theme()
                template, kind = self.rng.choice(EVENT_TITLES)
                title = template.format(theme=theme, town=town)
                start = self.now + timedelta(days=self.rng.randint(-YEARS * 365, 730), hours=self.rng.randint(-6, 6))
                start = start.replace(minute=0, second=0, microsecond=0)
                days = 1 if kind != Event.Kind.CONGRESS else self.rng.randint(2, 3)
                status = Status.PUBLISHED if self.rng.random() < 0.92 else Status.DRAFT
                image, renditions = self.rng.choice(pictures) if self.rng.random() < 0.5 else ("", {})
                yield Event(
                    title=title, slug=self.slug(start_pk + i, title), kind=kind, start=start,
                    end=start + timedelta(hours=3 if days == 1 else 24 * (days - 1) + 8),
                    timezone="Europe/Paris", venue=f"Salle des fêtes de {town}", city=town, region=region,
                    country="France", online=kind == Event.Kind.WEBINAR, summary=self.paragraph(1)[:480],
                    description=self.body(), status=status, published_at=min(start - timedelta(days=30), self.now),
                    image=image, image_alt="Un terril et un chevalement" if image else "", image_renditions=renditions,
                    expected_attendance=self.rng.randint(20, 800), created=self.now, updated=self.now,
                )

        pks = create_in_batches(Event, rows(), self.progress("events", missing))
        self.tag_rows(Event, pks, tags)
        insert(Organiser, ["event", "organisation"], (
            (pk, organisation) for pk in pks for organisation in self.rng.sample(organisations, min(2, len(organisations)))
        ))
        return pks

    def articles(self, target: int, tags: list[Tag], pictures, events: list[int]) -> None:
        missing = target - generated(Article) + Article.objects.filter(slug__startswith=f"{PREFIX}images-").count()
        if missing <= 0:
            return
        start_pk = (Article.objects.aggregate(n=Max("pk"))["n"] or 0) + 1

        def rows():
            for i in range(missing):
                town, _region = self.town()
                theme, _label = self.theme()
                title = self.rng.choice(OPENINGS).format(town=town, theme=theme)
                title = title[0].upper() + title[1:]
                draw = self.rng.random()
                status = Status.DRAFT if draw < 0.01 else Status.PUBLISHED
                published = self.now + timedelta(days=self.rng.randint(1, 30)) if draw > 0.998 else self.moment_in_archive()
                image, renditions = self.rng.choice(pictures) if self.rng.random() < 0.4 else ("", {})
                yield Article(
                    title=title, slug=self.slug(start_pk + i, title), standfirst=self.paragraph(2)[:590],
                    body=self.body(), status=status, published_at=published, featured=self.rng.random() < 0.01,
                    image=image, image_alt="Un terril et un chevalement" if image else "",
                    image_credit="Mission Bassin Minier" if image else "", image_renditions=renditions,
                    created=published, updated=published,
                )

        pks = create_in_batches(Article, rows(), self.progress("articles", missing))
        self.tag_rows(Article, pks, tags)
        if events:
            insert(Article.related_events.through, ["article", "event"], (
                (pk, self.rng.choice(events)) for pk in pks if self.rng.random() < 0.2
            ))
        public_people = list(Person.objects.filter(slug__startswith=PREFIX, is_public=True).values_list("pk", flat=True)[:5000])
        if public_people:
            insert(Article.related_people.through, ["article", "person"], (
                (pk, person) for pk in pks if self.rng.random() < 0.2 for person in set(self.rng.sample(public_people, 2))
            ))
        self.say(f"articles: {len(pks)} with their tags and links")

    def tag_rows(self, model, pks: list[int], tags: list[Tag]) -> None:
        content_type = ContentType.objects.get_for_model(model)
        count = insert(TaggedItem, ["tag", "content_type", "object_id"], (
            (tag.pk, content_type.pk, pk) for pk in pks for tag in self.rng.sample(tags, self.rng.randint(1, 4))
        ))
        self.say(f"{model._meta.model_name} tags: {count}")

    def participations(self, target: int, new_events: list[int], people) -> None:
        missing = target - Participation.objects.filter(event__slug__startswith=PREFIX).count()
        if missing <= 0:
            return
        events = new_events or list(Event.objects.filter(slug__startswith=PREFIX).values_list("pk", flat=True))
        if not events or not people:
            return
        facts = dict(Event.objects.filter(slug__startswith=PREFIX).values_list("pk", "start"))
        roles, weights = zip(*ROLES, strict=True)
        per_event = max(1, missing // len(events))
        speakers: dict[int, list[int]] = {}

        def rows():
            produced = 0
            for n, event in enumerate(events):
                size = min(len(people), per_event if n < len(events) - 1 else missing - produced)
                if size <= 0:
                    break
                start = facts.get(event, self.now)
                past = start < self.now
                for person, organisation in self.rng.sample(people, size):
                    role = self.rng.choices(roles, weights)[0]
                    if role in Participation.SPEAKING_ROLES:
                        speakers.setdefault(event, []).append(person)
                    if past:
                        status = Participation.Status.ATTENDED if self.rng.random() < 0.85 else Participation.Status.CANCELLED
                    else:
                        status = self.rng.choice([Participation.Status.INVITED, Participation.Status.REGISTERED, Participation.Status.CONFIRMED])
                    talk = f"{self.theme()[0].capitalize()} : retour d’expérience" if role == Participation.Role.SPEAKER else ""
                    yield (event, person, role, talk, organisation, status, "", start - timedelta(days=self.rng.randint(1, 90)), self.now)
                produced += size
                if n % 1000 == 999:
                    self.say(f"participations: {produced}/{missing}")

        fields = ["event", "person", "role", "talk_title", "organisation", "status", "notes", "created", "updated"]
        count = insert(Participation, fields, rows(), conflicts_ignored=not new_events)
        self.say(f"participations: {count}")
        self.programme(events if new_events else [], speakers, facts)

    def programme(self, events: list[int], speakers: dict[int, list[int]], facts) -> None:
        items = []
        for event in events:
            start = facts.get(event, self.now)
            for slot in range(self.rng.randint(0, 6)):
                theme, _label = self.theme()
                items.append(ProgrammeItem(
                    event_id=event, title=f"{theme.capitalize()} : état des lieux", kind=ProgrammeItem.Kind.TALK,
                    start=start + timedelta(minutes=45 * slot), end=start + timedelta(minutes=45 * slot + 40),
                    place="Grande salle",
                ))
        pks = create_in_batches(ProgrammeItem, items, self.progress("programme items", len(items)))
        insert(Speaker, ["programme_item", "person"], (
            (pk, speakers[item.event_id][0]) for pk, item in zip(pks, items, strict=True) if speakers.get(item.event_id)
        ))


def generate(*, articles: int, events: int, people: int, participations: int, force: bool = False, seed: int = 1,
             out: Callable[[str], None] = print) -> None:
    others = non_generated()
    if others and not force:
        raise NotGeneratedContent(
            "The database holds content that generate_bulk did not make (slugs not starting with "
            f"'{PREFIX}': {', '.join(f'{n} {name}' for name, n in others.items())}). Use --force to add to it anyway."
        )
    generator = Generator(seed=seed, out=out)
    before = [model.objects.count() for model in (Article, Event, Person, Participation)]
    with transaction.atomic():
        pictures = generator.pictures()
        tags = generator.tags()
        organisations = generator.organisations(max(10, people // 25))
        everyone = generator.people(people, organisations, pictures)
        new_events = generator.events(events, organisations, tags, pictures)
        generator.participations(participations, new_events, everyone)
        generator.articles(articles, tags, pictures, new_events)
    if before == [model.objects.count() for model in (Article, Event, Person, Participation)]:
        generator.say("nothing to add")
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Statistics for the planner; outside a transaction also the visibility map that
            # lets counts read the indexes only, as autovacuum would keep it.
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    generator.say("done")

