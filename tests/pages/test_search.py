"""Visitors search the news, the agenda and the people directory from every page."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from core.publishing import Status
from core.text import fold
from events.models import Participation
from pages.search import MAX_QUERY_LENGTH, PAGE_SIZE, PREVIEW_LENGTH, SOURCES, clean_query, matching
from tests.factories import (
    make_article,
    make_congress,
    make_event,
    make_organisation,
    make_participation,
    make_person,
    make_programme_item,
)

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search with stemming runs on PostgreSQL"
)


def found(response, key: str) -> list[str]:
    """Titles (or names) of one kind of results on the page."""
    group = next((group for group in response.context["groups"] if group.key == key), None)
    return [str(item) for item in group.items] if group else []


@override_settings(PAGE_CACHE_SECONDS=0)  # rendered each time: the page cache keeps no template context
class SearchTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.congress = make_congress(
            summary="Premier congrès international consacré aux sites stratégiques.",
        )
        cls.article = make_article(
            title="La Mission Bassin Minier invitée au congrès de Thetford Mines (Québec)",
            standfirst="Les 7 et 8 mai 2025, la Mission a participé au congrès sur les friches industrielles.",
            body="<p>Réunissant une centaine de participants.</p>",
        )
        cls.mission = make_organisation(name="Mission Bassin Minier", acronym="MBM")
        cls.ademe = make_organisation(name="Agence de la transition écologique", acronym="ADEME")
        cls.director = make_person(
            first_name="Catherine", last_name="Bertram", job_title="directrice", organisation=cls.mission,
            email="catherine.bertram@example.org", phone="+33 3 21 08 52 40",
            bio="<p>Urbaniste, spécialiste de la reconversion des territoires miniers.</p>",
        )
        cls.engineer = make_person(first_name="Pascal", last_name="Dumoulin", job_title="ingénieur", organisation=cls.ademe)
        cls.attendee = make_person(
            first_name="Jean", last_name="Tremblay", job_title="délégué du Québec", is_public=False,
            email="jean.tremblay@example.org",
        )
        make_article(title="Brouillon sur le Québec", status=Status.DRAFT)
        make_article(title="Annonce programmée au Québec", published_at=timezone.now() + timedelta(days=2))
        make_event(title="Mission au Québec en préparation", status=Status.DRAFT)
        make_event(title="Visite au Québec programmée", published_at=timezone.now() + timedelta(days=2))

    def search(self, q, **params):
        response = self.client.get(reverse("search"), {"q": q, **params})
        self.assertEqual(response.status_code, 200)
        return response

    def test_search_ignores_accents_and_case(self):
        for q in ("quebec", "QUÉBEC", "Québec", "qUeBeC"):
            response = self.search(q)
            self.assertEqual(found(response, "articles"), [self.article.title], q)
            self.assertEqual(found(response, "events"), [self.congress.title], q)

    def test_a_word_finds_its_plural_and_the_congress(self):
        self.assertEqual(found(self.search("friche"), "events"), [self.congress.title])
        self.assertEqual(found(self.search("friche"), "articles"), [self.article.title])
        self.assertEqual(found(self.search("requalification"), "events"), [self.congress.title])
        self.assertEqual(found(self.search("congres friches"), "events"), [self.congress.title])

    def test_people_are_found_by_name_job_or_organisation(self):
        self.assertEqual(found(self.search("bertram"), "people"), ["Catherine Bertram"])
        self.assertEqual(found(self.search("directrice"), "people"), ["Catherine Bertram"])
        self.assertEqual(found(self.search("ADEME"), "people"), ["Pascal Dumoulin"])
        self.assertEqual(found(self.search("reconversion"), "people"), ["Catherine Bertram"])

    def test_drafts_scheduled_and_private_profiles_never_appear(self):
        response = self.search("quebec")
        content = response.content.decode()
        for hidden in ("Brouillon", "programmée", "préparation", "Tremblay", "délégué"):
            self.assertNotIn(hidden, content)
        self.assertEqual(response.context["total"], 2)
        self.assertEqual(found(self.search("tremblay"), "people"), [])

    def test_private_contact_details_are_neither_searched_nor_shown(self):
        for q in ("catherine.bertram@example.org", "example.org", "08 52 40", "+33"):
            response = self.search(q)
            self.assertEqual(found(response, "people"), [], q)
        content = self.search("bertram").content.decode()
        self.assertNotIn("@example.org", content)
        self.assertNotIn("08 52 40", content)

    def test_results_are_grouped_by_kind_with_counts(self):
        response = self.search("congres")
        counts = {group.key: group.count for group in response.context["groups"]}
        self.assertEqual(counts, {"articles": 1, "events": 1, "people": 0, "pages": 0})
        self.assertContains(response, "?q=congres&amp;type=events")

    def test_title_matches_rank_first(self):
        older = make_article(
            title="La reconversion des carreaux de fosse", published_at=timezone.now() - timedelta(days=300)
        )
        newer = make_article(
            title="Un chantier au printemps", body="<p>Une étape de la reconversion du site.</p>",
        )
        self.assertEqual(found(self.search("reconversion"), "articles"), [older.title, newer.title])

    def test_one_kind_is_paginated(self):
        made = [make_article(title=f"Terril numéro {n}") for n in range(PAGE_SIZE + 3)]
        overview = self.search("terril")
        self.assertEqual(len(found(overview, "articles")), PREVIEW_LENGTH)
        self.assertContains(overview, "?q=terril&amp;type=articles")
        first = self.search("terril", type="articles")
        self.assertEqual(len(found(first, "articles")), PAGE_SIZE)
        self.assertEqual(first.context["page_obj"].paginator.count, len(made))
        second = self.search("terril", type="articles", page="2")
        self.assertEqual(len(found(second, "articles")), 3)
        self.assertContains(second, 'rel="prev"')

    def test_odd_page_and_type_give_a_sensible_page(self):
        self.assertEqual(self.search("quebec", type="articles", page="abc").context["page_obj"].number, 1)
        self.assertEqual(self.search("quebec", type="articles", page="99999").context["page_obj"].number, 1)
        self.assertEqual(self.search("quebec", type="articles", page="-1").context["page_obj"].number, 1)
        self.assertIsNone(self.search("quebec", type="secrets").context["active"])

    def test_hostile_queries_give_a_normal_page(self):
        for q in (
            "x" * 10_000,
            "quebec " * 2_000,
            "\x00\x01 quebec",
            "'; DROP TABLE news_article; --",
            '"unterminated', "!!!", "& | ! ( ) :* <->", "-quebec", "or", "%", "_", "\\",
            "😀 ﷽ \u202e", "a" * 300 + " quebec",
        ):
            response = self.search(q)
            self.assertLessEqual(len(response.context["query"]), MAX_QUERY_LENGTH)
        self.assertIn("news_article", self.search("'; DROP TABLE news_article; --").context["query"])

    def test_malformed_query_strings_give_a_normal_page(self):
        for raw in ("q=%FF%FE%00quebec&page=%00", "q=%ED%A0%80", "q=quebec&q=friches&type=%00", "q[]=quebec", "q=%25%5F"):
            response = self.client.get(f"{reverse('search')}?{raw}")
            self.assertEqual(response.status_code, 200, raw)

    def test_query_is_escaped_in_the_page(self):
        response = self.search('<script>alert("x")</script>')
        self.assertNotContains(response, "<script>alert", html=False)
        self.assertContains(response, "&lt;script&gt;")

    def test_empty_search_shows_the_form(self):
        response = self.client.get(reverse("search"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["groups"], [])
        self.assertContains(response, 'name="q"')
        self.assertContains(response, 'name="robots" content="noindex, follow"')

    def test_nothing_found_says_so(self):
        response = self.search("zzyzx")
        self.assertEqual(response.context["total"], 0)
        self.assertContains(response, 'role="status"')

    @on_postgresql
    def test_french_stemming_on_postgresql(self):
        self.assertEqual(found(self.search("requalifications"), "events"), [self.congress.title])
        self.assertEqual(found(self.search("industriel"), "events"), [self.congress.title])
        self.assertEqual(found(self.search("stratégique"), "events"), [self.congress.title])

    @on_postgresql
    def test_the_stored_document_serves_matching_and_ranking_on_postgresql(self):
        """The index on the stored document finds the rows; ranking reads the stored vector and
        computes none from the texts (ranking 521 events that way took 220 ms)."""
        from django.contrib.postgres.search import SearchQuery

        from core.search import SEARCH_CONFIG, StoredDocument
        from news.models import Article

        Article.objects.bulk_create(
            Article(title=f"Actualité du bassin {n}", slug=f"actualite-du-bassin-{n}", status=Status.PUBLISHED,
                    published_at=timezone.now() - timedelta(days=n))
            for n in range(500)
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE news_article")
        for ranked in (True, False):
            self.assertNotIn("to_tsvector", matching(SOURCES["articles"], "quebec", ranked=ranked).explain())
        with connection.cursor() as cursor:  # what 500 rows cannot show: the document's index serves it
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")  # a bitmap scan needs an index that matches
        plan = Article.objects.annotate(search=StoredDocument()).filter(
            search=SearchQuery("quebec", search_type="websearch", config=SEARCH_CONFIG)
        ).explain()
        self.assertIn("news_article_document_idx", plan)
        for source in SOURCES.values():  # each kind ranks by its stored document
            table = source.public().model._meta.db_table
            self.assertIn(f'ts_rank("{table}"."search_document"', str(matching(source, "friches").query))

    @on_postgresql
    def test_a_text_changed_by_sql_is_found_at_once_on_postgresql(self):
        """The document is a column PostgreSQL computes: whoever writes, the search follows."""

        article = make_article(title="Rendez-vous à Lens")
        with connection.cursor() as cursor:
            cursor.execute("UPDATE news_article SET title = 'Les chevalements de Wallers' WHERE id = %s", [article.pk])
        self.assertEqual(found(self.search("chevalement"), "articles"), ["Les chevalements de Wallers"])
        self.assertEqual(found(self.search("Lens"), "articles"), [])

    @on_postgresql
    def test_people_of_a_matching_organisation_are_found_without_a_subplan_per_person_on_postgresql(self):
        """IN (SELECT ...) inside the OR is a subplan probed for every person (200 ms on 50,000 people);
        = ANY(ARRAY(...)) is computed once, and the index on organisation_id can serve it."""
        self.assertEqual(found(self.search("ADEME"), "people"), [str(self.engineer)])
        plan = matching(SOURCES["people"], "ADEME", ranked=False).explain()
        self.assertIn("organisation_id = ANY", plan)
        self.assertNotIn("SubPlan", plan)

    @on_postgresql
    def test_a_lone_letter_is_no_search_word_on_postgresql(self):
        article = make_article(title="Rendez-vous à Lens", body="<p>À la base 11/19, à Loos-en-Gohelle.</p>")
        self.assertEqual(self.search("à").context["total"], 0)  # "a" once unaccented: in nearly every text
        self.assertEqual(self.search("a").context["total"], 0)
        self.assertEqual(found(self.search("à Lens"), "articles"), [article.title])
        self.assertEqual(found(self.search("l'11/19"), "articles"), [article.title])

    @on_postgresql
    def test_websearch_syntax_on_postgresql(self):
        self.assertEqual(found(self.search('"friches industrielles"'), "events"), [self.congress.title])
        self.assertEqual(found(self.search("friches -congrès"), "events"), [])

    @on_postgresql
    def test_ranking_weighs_title_over_body_on_postgresql(self):
        body_only = make_article(title="Nouvelles du bassin", body="<p>Terril, terril et terril encore.</p>")
        in_title = make_article(title="Le terril 74", published_at=timezone.now() - timedelta(days=900))
        self.assertEqual(found(self.search("terrils"), "articles"), [in_title.title, body_only.title])


class QueryCleaningTests(TestCase):
    def test_clean_query_caps_length_at_a_word_and_drops_control_characters(self):
        self.assertEqual(clean_query("  friches\x00 \t industrielles \n"), "friches industrielles")
        capped = clean_query("friches " * 100)
        self.assertLessEqual(len(capped), MAX_QUERY_LENGTH)
        self.assertTrue(capped.endswith("friches"))
        self.assertEqual(clean_query(None), "")

    def test_fold_strips_accents_and_ligatures(self):
        self.assertEqual(fold("Cœur de ville, QUÉBEC, Ærø"), "coeur de ville, quebec, aero")

    def test_matching_reads_only_public_items(self):
        make_article(title="Québec brouillon", status=Status.DRAFT)
        public = make_article(title="Québec publié")
        self.assertEqual(list(matching(SOURCES["articles"], "quebec")), [public])


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 20])
def test_search_runs_a_constant_number_of_queries(client, django_assert_max_num_queries, count):
    organisation = make_organisation(name="Ville de Lens")
    for n in range(count):
        make_article(title=f"Friches de Lens {n}")
        make_event(title=f"Visite des friches {n}", city="Lens")
        make_person(last_name=f"Lensois {n}", organisation=organisation)
    with django_assert_max_num_queries(10):  # with the site pages' count and the menus
        response = client.get(reverse("search"), {"q": "lens"})
    assert response.context["total"] == 3 * count
    with django_assert_max_num_queries(10):
        client.get(reverse("search"), {"q": "lens", "type": "people", "page": "2"})


@override_settings(PAGE_CACHE_SECONDS=0)
class SpeakerSearchTests(TestCase):
    """A visitor who remembers a speaker's name finds the events where she speaks."""

    @classmethod
    def setUpTestData(cls):
        cls.congress = make_congress()
        cls.bertram = make_person(
            first_name="Catherine", last_name="Bertram", is_public=True,
            bio="<p>Urbaniste, spécialiste de la reconversion des territoires miniers.</p>",
        )
        make_participation(cls.congress, cls.bertram, talk_title="Le Bassin minier, un exemple de revitalisation")
        cls.seminar = make_event(title="Séminaire des cités minières", city="Lens")
        cls.lemaire = make_person(first_name="Louis", last_name="Lemaire", is_public=True)
        make_programme_item(cls.seminar, title="Ouverture").speakers.add(cls.lemaire)
        cls.workshop = make_event(title="Atelier de terrain", city="Liévin")
        make_participation(cls.workshop, make_person(last_name="Tremblay", is_public=False))
        make_participation(cls.workshop, make_person(last_name="Durand", is_public=True), role=Participation.Role.ATTENDEE)
        make_participation(
            cls.workshop, make_person(last_name="Annulé", is_public=True), status=Participation.Status.CANCELLED
        )
        draft = make_event(title="Réunion en préparation", status=Status.DRAFT)
        make_participation(draft, cls.bertram)

    def events_for(self, q) -> list[str]:
        response = self.client.get(reverse("search"), {"q": q})
        return found(response, "events")

    def test_a_speakers_name_finds_the_events_where_she_speaks(self):
        self.assertEqual(self.events_for("Bertram"), [self.congress.title])
        self.assertEqual(self.events_for("catherine bertram"), [self.congress.title])
        self.assertEqual(self.events_for("Catherine Bertram"), [self.congress.title])

    def test_a_programme_speaker_finds_the_event_too(self):
        self.assertEqual(self.events_for("Lemaire"), [self.seminar.title])

    def test_private_profiles_attendees_cancellations_and_drafts_lead_nowhere(self):
        for q in ("Tremblay", "Durand", "Annulé"):
            self.assertEqual(self.events_for(q), [], q)
        self.assertNotIn("Réunion en préparation", self.events_for("Bertram"))

    def test_a_speakers_biography_does_not_make_the_event_match(self):
        self.assertEqual(self.events_for("urbaniste"), [])

    def test_the_events_own_text_still_ranks_first(self):
        namesake = make_event(title="Hommage à Bertram", city="Douai")
        self.assertEqual(self.events_for("Bertram"), [namesake.title, self.congress.title])

    @on_postgresql
    def test_events_of_a_matching_speaker_are_found_without_a_subplan_per_event_on_postgresql(self):
        Event = type(self.congress)
        Event.objects.bulk_create(
            Event(title=f"Rencontre du bassin {n}", slug=f"rencontre-du-bassin-{n}", status=Status.PUBLISHED,
                  published_at=timezone.now(), start=timezone.now(), end=timezone.now())
            for n in range(2000)
        )
        Person = type(self.bertram)
        Person.objects.bulk_create(
            Person(first_name="Jeanne", last_name=f"Personne {n}", slug=f"jeanne-personne-{n}", is_public=True)
            for n in range(2000)
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE events_event")
            cursor.execute("ANALYZE people_person")
            cursor.execute("ANALYZE events_participation")
        plan = matching(SOURCES["events"], "Bertram", ranked=False).explain()
        self.assertIn("id = ANY", plan)
        self.assertNotIn("SubPlan", plan)
        self.assertIn("people_person_document_idx", plan)  # the speakers found through their own index
        # Which index reads the 2,000 events is the planner's choice: their stored document makes a
        # scan cheap (it was the cost of computing each vector that made the indexes win).


def test_each_searchable_table_stores_the_document_its_model_declares():
    """A model's ``site_search`` changed without a migration would match by columns it no longer names."""
    from django.db.migrations.loader import MigrationLoader

    from core.postgres import AddSearchDocument
    from people.models import Organisation

    stored = {}
    for (app, _name), migration in sorted(MigrationLoader(None, ignore_no_migrations=True).disk_migrations.items()):
        for operation in migration.operations:
            if isinstance(operation, AddSearchDocument):
                stored[(app, operation.model_name)] = operation.weighted
    models = {source.public().model for source in SOURCES.values()} | {Organisation}
    for model in models:
        declared = {weight: tuple(columns) for weight, columns in model.site_search.weighted.items()}
        assert stored[(model._meta.app_label, model._meta.model_name)] == declared, model
