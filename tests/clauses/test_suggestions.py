"""Vorschläge aus Ihrer Strategie: passages of the uploaded PDF ranked per clause, accepted into a position
or dismissed; the matrix counts only confirmed positions and says how many suggestions are open."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clauses import ranking, selectors
from clauses.models import Position, Suggestion
from clauses.services import suggestion_accept, suggestion_dismiss, suggestions_refresh
from participants.models import Strategy
from strategy_exchange.errors import DomainError
from tests.factories import (
    ClauseFactory,
    MembershipFactory,
    OrganisationFactory,
    SeriesFactory,
    StrategyFactory,
    SuggestionFactory,
    UserFactory,
)
from tests.participants.test_documents import upload
from tests.pdfs import pdf_with_pages

pytestmark = pytest.mark.django_db

PAGES = [
    "Smart City Jena 2030. Vorwort des Oberbürgermeisters zur Digitalisierung der Stadt.",
    "Einordnung. Die Strategie fügt sich in das integrierte Stadtentwicklungskonzept ein und greift den "
    "Mobilitätsplan sowie den Klimaplan der Stadt auf.",
    "Handlungsfelder. Mobilität, Energie, Verwaltung und Bildung werden digital vernetzt.",
    "Entstehung. Für die Erstellung der Strategie haben wir alle relevanten Akteure aus Wissenschaft, "
    "Wirtschaft und Zivilgesellschaft beteiligt. Die Beteiligung lief über Werkstätten und eine Online-Umfrage.",
    "Fortschreibung. Die Strategie wird alle zwei Jahre überprüft und aktualisiert.",
]


@pytest.fixture
def clauses():
    return {
        1: ClauseFactory(
            number=1,
            title="Einfügung in bestehende Stadtentwicklung",
            typical_wording="Die Strategie fügt sich in das integrierte Stadtentwicklungskonzept, den "
            "Mobilitätsplan und den Klimaplan ein.",
        ),
        3: ClauseFactory(
            number=3, title="Aktualisierungszyklen", typical_wording="", keywords="aktualisiert, überprüft"
        ),
        4: ClauseFactory(
            number=4,
            title="Beteiligung aller relevanten Akteure",
            typical_wording="Für die Erstellung der Strategie haben wir alle relevanten Akteure aus Wissenschaft, "
            "Wirtschaft, Zivilgesellschaft und dem Konzern Kommune beteiligt.",
            keywords="Beteiligung, Werkstatt",
        ),
    }


@pytest.fixture
def member():
    user = UserFactory(full_name="Jana Jena")
    organisation = OrganisationFactory(name="Stadt Jena", slug="jena")
    MembershipFactory(user=user, organisation=organisation)
    return user, organisation


@pytest.fixture
def strategy(member, clauses) -> Strategy:
    return upload(member, pdf_with_pages(PAGES))


def _open(strategy) -> dict[int, list[int]]:
    """clause number → the pages of its open suggestions, best first."""
    found = selectors.strategy_suggestions(strategy=strategy)
    return {
        suggestion_list[0].clause.number: [s.page_number for s in suggestion_list] for suggestion_list in found.values()
    }


def test_extraction_proposes_the_right_page_first_for_each_clause(strategy):
    pages = _open(strategy)

    assert (pages[1][0], pages[3][0], pages[4][0]) == (2, 5, 4)
    assert all(len(found) <= ranking.MAX_SUGGESTIONS for found in pages.values())


def test_suggestion_holds_the_passage_of_its_page_and_a_score(strategy, clauses):
    best = selectors.strategy_suggestions(strategy=strategy)[clauses[4].pk][0]

    assert best.passage.startswith("Für die Erstellung der Strategie haben wir alle relevanten Akteure")
    assert best.score > 0
    others = selectors.strategy_suggestions(strategy=strategy)[clauses[4].pk][1:]
    assert all(other.score <= best.score for other in others)


def test_clause_terms_come_from_wording_and_keywords(clauses):
    terms = ranking.clause_terms(clauses[4])

    assert ("beteiligung" in terms, "werkstatt" in terms, "relevanten" in terms, "haben" in terms) == (
        True,
        True,
        True,
        False,
    )


def test_accepting_creates_the_position_with_quote_and_page_and_the_matrix_shows_it(client, strategy, member, clauses):
    suggestion = selectors.strategy_suggestions(strategy=strategy)[clauses[4].pk][0]
    client.force_login(member[0])
    url = f"{reverse('clauses:position_edit', args=[4])}?organisation=jena&vorschlag={suggestion.pk}"

    form_page = client.get(url).content.decode()
    response = client.post(url, {"status": "partly", "quote": suggestion.passage + " (gekürzt)", "page": "4"})

    position = Position.objects.get(strategy=strategy, clause=clauses[4])
    assert "Vorgeschlagen aus Ihrer Strategie, Seite 4" in form_page
    assert response.status_code == 302
    assert (position.status, position.quote, position.page) == ("partly", suggestion.passage + " (gekürzt)", 4)
    assert Suggestion.objects.get(pk=suggestion.pk).status == Suggestion.Status.ACCEPTED
    assert 4 not in _open(strategy)
    matrix = client.get(reverse("clauses:matrix")).content.decode()
    assert "Stadt Jena, § 4: teilweise" in matrix


def test_dismissed_passage_is_never_proposed_again(strategy, member, clauses):
    suggestion = selectors.strategy_suggestions(strategy=strategy)[clauses[4].pk][0]

    suggestion_dismiss(suggestion=suggestion, user=member[0])
    suggestions_refresh(strategy_id=strategy.pk)

    assert 4 not in _open(strategy) or _open(strategy)[4][0] != 4
    assert Suggestion.objects.get(pk=suggestion.pk).status == Suggestion.Status.DISMISSED


def test_dismiss_through_the_page(client, strategy, member, clauses):
    suggestion = selectors.strategy_suggestions(strategy=strategy)[clauses[1].pk][0]
    client.force_login(member[0])

    response = client.post(reverse("clauses:suggestion_dismiss", args=[suggestion.pk]), {"organisation": "jena"})

    assert response.status_code == 302
    assert Suggestion.objects.get(pk=suggestion.pk).status == Suggestion.Status.DISMISSED


def test_representative_of_another_organisation_cannot_decide(client, strategy, clauses):
    suggestion = selectors.strategy_suggestions(strategy=strategy)[clauses[1].pk][0]
    stranger = UserFactory()
    bamberg = OrganisationFactory(name="Stadt Bamberg")
    MembershipFactory(user=stranger, organisation=bamberg)
    StrategyFactory(organisation=bamberg)
    client.force_login(stranger)

    response = client.post(reverse("clauses:suggestion_dismiss", args=[suggestion.pk]))
    with pytest.raises(DomainError):
        suggestion_accept(suggestion=suggestion, user=stranger, status="contains")

    assert response.status_code == 404
    assert Suggestion.objects.get(pk=suggestion.pk).status == Suggestion.Status.OPEN


def test_deciding_twice_is_refused(strategy, member, clauses):
    suggestion = selectors.strategy_suggestions(strategy=strategy)[clauses[1].pk][0]
    suggestion_dismiss(suggestion=suggestion, user=member[0])

    with pytest.raises(DomainError):
        suggestion_accept(suggestion=suggestion, user=member[0], status="contains")

    assert not Position.objects.filter(strategy=strategy).exists()


def test_suggestions_page_lists_passages_with_page_numbers(client, strategy, member):
    client.force_login(member[0])

    page = client.get(reverse("clauses:our_suggestions")).content.decode()

    assert "Textstelle von Seite 4 übernehmen" in page
    assert "Für die Erstellung der Strategie haben wir alle relevanten Akteure" in page


def test_matrix_counts_confirmed_positions_only_and_says_how_many_suggestions_are_open(client, strategy, member):
    open_count = Suggestion.objects.filter(strategy=strategy, status=Suggestion.Status.OPEN).count()
    client.force_login(member[0])

    matrix = client.get(reverse("clauses:matrix")).content.decode()
    summary = selectors.matrix_summary()

    assert open_count > 0
    assert f"{open_count} Vorschläge aus hochgeladenen Strategien sind noch nicht geprüft" in matrix
    assert [(c.contains, c.partly, c.absent) for c in summary.counts] == [(0, 0, 0)] * 3
    assert sum(c.open_suggestions for c in summary.counts) == open_count


def test_library_shows_organisers_how_many_suggestions_await_review(client, strategy, clauses):
    organiser = UserFactory()
    SeriesFactory(organisers=[organiser])
    client.force_login(organiser)
    expected = Suggestion.objects.filter(clause=clauses[4], status=Suggestion.Status.OPEN).count()

    page = client.get(reverse("clauses:library")).content.decode()

    assert expected == 3
    assert "3 Vorschläge aus Strategien warten auf Prüfung durch die Vertreter:innen." in page


def test_new_upload_replaces_open_suggestions(member, strategy, clauses):
    upload(member, pdf_with_pages(["Offene Daten. Alle relevanten Akteure wurden beteiligt."]), strategy=strategy)

    assert _open(strategy)[4] == [1]


def test_refreshed_suggestions_show_on_the_cached_matrix(client, strategy, member):
    client.force_login(member[0])
    Suggestion.objects.filter(strategy=strategy).delete()
    before = client.get(reverse("clauses:matrix")).content.decode()
    client.get(reverse("clauses:matrix"))  # from the cache now

    created = suggestions_refresh(strategy_id=strategy.pk)
    after = client.get(reverse("clauses:matrix")).content.decode()

    assert "noch nicht geprüft" not in before
    assert f"{created} Vorschläge aus hochgeladenen Strategien sind noch nicht geprüft" in after


@pytest.mark.parametrize("name", ["clauses:our_suggestions", "clauses:library"])
def test_suggestion_pages_queries_same_for_1_and_20_clauses_with_suggestions(client, member, name):
    strategy = StrategyFactory(organisation=member[1])
    client.force_login(member[0])
    counts = []
    for total in (1, 20):
        while Suggestion.objects.filter(strategy=strategy).count() < total * 2:
            clause = ClauseFactory()
            SuggestionFactory(strategy=strategy, clause=clause, rank=1)
            SuggestionFactory(strategy=strategy, clause=clause, rank=2)
        with CaptureQueriesContext(connection) as context:
            response = client.get(reverse(name))
        counts.append(len(context.captured_queries))
        assert response.status_code == 200

    assert counts[0] == counts[1]


def test_new_clause_gets_suggestions_from_strategies_with_text(strategy, django_capture_on_commit_callbacks):
    from clauses.services import clause_create

    with django_capture_on_commit_callbacks(execute=True):
        clause = clause_create(number=7, title="Fortschreibung", typical_wording="Wird alle zwei Jahre überprüft.")

    assert selectors.strategy_suggestions(strategy=strategy)[clause.pk][0].page_number == 5
