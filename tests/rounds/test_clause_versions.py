"""Which version of a clause each round discussed: stored with the agenda item once the round took place,
listed per version in the clause page's history, and named ("Fassung 2") on the round page and the
organiser's agenda once the clause has more than one version."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from clauses.models import ClauseRevision
from clauses.services import clause_create, clause_update
from rounds.models import AgendaItem, Round
from rounds.services import agenda as agenda_services
from rounds.services import rounds as round_services
from tests.factories import AgendaItemFactory, RoundFactory, SeriesFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()


@pytest.fixture
def organiser():
    return UserFactory(full_name="Olga Organisatorin")


@pytest.fixture
def series(organiser):
    return SeriesFactory(title="Klauseln der Smart-City-Strategien", organisers=[organiser])


def _clause_with_two_versions(organiser, *, first_saved: datetime.datetime):
    clause = clause_create(number=4, title="Beteiligung", typical_wording="Erste Formulierung.", author=organiser)
    ClauseRevision.objects.filter(clause=clause).update(created_at=first_saved)
    return clause


def _history_entry(content: str, revision: int) -> str:
    start = content.index(f'id="fassung-{revision}"')
    end = content.find("</li>", start)
    return content[start:end]


def test_round_marked_held_stores_the_version_in_force_when_it_began(organiser, series):
    clause = _clause_with_two_versions(organiser, first_saved=NOW - datetime.timedelta(days=10))
    round_ = RoundFactory(series=series, status=Round.Status.INVITED, starts_at=NOW - datetime.timedelta(hours=1))
    item = agenda_services.agenda_add_clause(round_=Round.objects.get(pk=round_.pk), clause=clause)
    clause_update(clause=clause, author=organiser, typical_wording="Während der Sitzung geändert.")
    assert AgendaItem.objects.get(pk=item.pk).clause_revision is None  # not fixed before the round took place

    round_services.round_mark_held(round_=Round.objects.get(pk=round_.pk))
    clause_update(clause=clause, author=organiser, typical_wording="Dritte Formulierung.")

    assert AgendaItem.objects.get(pk=item.pk).clause_revision.revision == 1


def test_clause_on_the_agenda_of_a_round_recorded_afterwards_stores_its_first_version(organiser, series):
    clause = clause_create(number=1, title="Einfügung in bestehende Stadtentwicklung", author=organiser)
    clause_update(clause=clause, author=organiser, typical_wording="Neu formuliert.")
    kick_off = round_services.round_record_past(
        series=series,
        starts_at=datetime.datetime(2021, 6, 15, 10, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2021, 6, 15, 12, tzinfo=datetime.UTC),
    )

    item = agenda_services.agenda_add_clause(round_=kick_off, clause=clause)

    assert item.clause_revision == ClauseRevision.objects.get(clause=clause, revision=1)


def test_clause_page_lists_per_version_the_rounds_that_discussed_it(client, organiser, series):
    clause = _clause_with_two_versions(organiser, first_saved=NOW - datetime.timedelta(days=200))
    early = RoundFactory(
        series=series, number=1, status=Round.Status.INVITED, starts_at=NOW - datetime.timedelta(days=100)
    )
    agenda_services.agenda_add_clause(round_=early, clause=clause)
    round_services.round_mark_held(round_=early)
    clause_update(clause=clause, author=organiser, typical_wording="Zweite Formulierung.")
    ClauseRevision.objects.filter(clause=clause, revision=2).update(created_at=NOW - datetime.timedelta(days=50))
    later = RoundFactory(
        series=series, number=2, status=Round.Status.INVITED, starts_at=NOW - datetime.timedelta(hours=2)
    )
    agenda_services.agenda_add_clause(round_=later, clause=clause)
    round_services.round_mark_held(round_=later)
    ahead = RoundFactory(series=series, number=3, status=Round.Status.SCHEDULED)
    AgendaItemFactory(round=ahead, clause=clause)

    content = client.get(reverse("rounds:clause_history", kwargs={"number": 4})).content.decode()

    first, second = _history_entry(content, 1), _history_entry(content, 2)
    assert f'href="#round-{early.pk}">Klauseln der Smart-City-Strategien – Runde 1</a>' in first
    assert "Runde 2" not in first
    assert f'href="#round-{later.pk}">Klauseln der Smart-City-Strategien – Runde 2</a>' in second
    assert "Runde 1" not in second
    assert "Runde 3" not in content[content.index('id="wording-history"') : content.index("In den Runden")]


def test_version_without_a_round_says_so(client, organiser):
    clause = clause_create(number=4, title="Beteiligung", author=organiser)
    clause_update(clause=clause, author=organiser, title="Beteiligung aller relevanten Akteure")

    content = client.get(reverse("rounds:clause_history", kwargs={"number": 4})).content.decode()

    assert "In keiner Runde besprochen." in _history_entry(content, 2)


def test_round_page_names_the_version_discussed_once_the_clause_has_several(client, organiser, series):
    clause = _clause_with_two_versions(organiser, first_saved=NOW - datetime.timedelta(days=10))
    round_ = RoundFactory(series=series, status=Round.Status.INVITED, starts_at=NOW - datetime.timedelta(hours=1))
    agenda_services.agenda_add_clause(round_=round_, clause=clause)
    round_services.round_mark_held(round_=round_)
    url = reverse("rounds:round_detail", kwargs={"pk": round_.pk})
    client.force_login(organiser)
    single = client.get(url).content.decode()

    clause_update(clause=clause, author=organiser, typical_wording="Zweite Formulierung.")
    several = client.get(url).content.decode()

    link = reverse("rounds:clause_history", kwargs={"number": 4}) + "#fassung-1"
    assert (link in single, "Fassung 1" in single) == (False, False)
    assert f'<a class="kern-link" href="{link}">Fassung 1</a>' in several


def test_round_ahead_shows_the_current_version_on_the_organiser_agenda(client, organiser, series):
    clause = _clause_with_two_versions(organiser, first_saved=NOW - datetime.timedelta(days=10))
    clause_update(clause=clause, author=organiser, typical_wording="Zweite Formulierung.")
    round_ = RoundFactory(series=series, status=Round.Status.DRAFT)
    agenda_services.agenda_add_clause(round_=round_, clause=clause)
    client.force_login(organiser)

    content = client.get(reverse("orga:agenda", kwargs={"pk": round_.pk})).content.decode()

    assert ">Fassung 2</a>" in content


def test_migration_fills_the_version_in_force_at_each_past_round(organiser, series):
    clause = _clause_with_two_versions(organiser, first_saved=NOW - datetime.timedelta(days=200))
    clause_update(clause=clause, author=organiser, typical_wording="Zweite Formulierung.")
    ClauseRevision.objects.filter(clause=clause, revision=2).update(created_at=NOW - datetime.timedelta(days=50))
    before = AgendaItemFactory(
        clause=clause,
        round=RoundFactory(series=series, status=Round.Status.PUBLISHED, starts_at=NOW - datetime.timedelta(days=300)),
    )
    between = AgendaItemFactory(
        clause=clause,
        round=RoundFactory(series=series, status=Round.Status.HELD, starts_at=NOW - datetime.timedelta(days=100)),
    )
    after = AgendaItemFactory(
        clause=clause,
        round=RoundFactory(series=series, status=Round.Status.HELD, starts_at=NOW - datetime.timedelta(days=10)),
    )
    ahead = AgendaItemFactory(clause=clause, round=RoundFactory(series=series, status=Round.Status.SCHEDULED))
    migration = importlib.import_module("rounds.migrations.0015_agenda_item_clause_revision")

    migration.fix_discussed_revisions(apps, None)

    fixed = {item.pk: item.clause_revision and item.clause_revision.revision for item in AgendaItem.objects.all()}
    assert fixed == {before.pk: 1, between.pk: 1, after.pk: 2, ahead.pk: None}


# The cached pages show each of these writes at the next request ------------------------------------


@pytest.fixture
def held(organiser, series):
    """A clause with two versions, a round that took place discussing the first and a round ahead."""
    clause = _clause_with_two_versions(organiser, first_saved=NOW - datetime.timedelta(days=200))
    round_ = RoundFactory(
        series=series, number=1, status=Round.Status.INVITED, starts_at=NOW - datetime.timedelta(days=100)
    )
    agenda_services.agenda_add_clause(round_=round_, clause=clause)
    round_services.round_mark_held(round_=round_)
    clause_update(clause=clause, author=organiser, typical_wording="Zweite Formulierung.")
    ClauseRevision.objects.filter(clause=clause, revision=2).update(created_at=NOW - datetime.timedelta(days=50))
    ahead = RoundFactory(
        series=series, number=2, status=Round.Status.INVITED, starts_at=NOW + datetime.timedelta(days=3)
    )
    agenda_services.agenda_add_clause(round_=ahead, clause=clause)
    return round_, ahead


def _cached(client, url: str) -> None:
    assert client.get(url).status_code == 200
    client.get(url)  # from the fragments now


def test_cached_clause_page_lists_a_round_once_it_is_held(client, held):
    _, ahead = held
    url = reverse("rounds:clause_history", kwargs={"number": 4})
    _cached(client, url)
    Round.objects.filter(pk=ahead.pk).update(starts_at=NOW - datetime.timedelta(hours=1))

    round_services.round_mark_held(round_=Round.objects.get(pk=ahead.pk))

    content = client.get(url).content.decode()
    assert f'href="#round-{ahead.pk}">Klauseln der Smart-City-Strategien – Runde 2</a>' in _history_entry(content, 2)


def test_cached_clause_page_history_follows_a_renumbered_round_on_another_page_of_rounds(client, held, series):
    round_, _ = held
    clause = round_.agenda_items.get().clause
    for days in range(20):  # earlier rounds fill the first page of the rounds: ``round_`` is on the second
        earlier = RoundFactory(
            series=series,
            number=10 + days,
            status=Round.Status.HELD,
            starts_at=NOW - datetime.timedelta(days=300 + days),
        )
        AgendaItemFactory(round=earlier, clause=clause)
    url = reverse("rounds:clause_history", kwargs={"number": 4})
    _cached(client, url)

    round_services.round_renumber(round_=Round.objects.get(pk=round_.pk), number=97)

    entry = _history_entry(client.get(url).content.decode(), 1)
    assert f'href="#round-{round_.pk}">Klauseln der Smart-City-Strategien – Runde 97</a>' in entry


def test_cached_clause_page_history_follows_a_renamed_series(client, held, series):
    round_, _ = held
    url = reverse("rounds:clause_history", kwargs={"number": 4})
    _cached(client, url)

    series.title = "Reihe Mitteldeutschland"
    series.save()

    entry = _history_entry(client.get(url).content.decode(), 1)
    assert f'href="#round-{round_.pk}">Reihe Mitteldeutschland – Runde 1</a>' in entry


def test_cached_round_page_shows_the_new_version_of_a_clause_edited_before_the_round(client, held, organiser):
    _, ahead = held
    url = reverse("rounds:round_detail", kwargs={"pk": ahead.pk})
    client.force_login(organiser)
    _cached(client, url)

    clause_update(clause=ahead.agenda_items.get().clause, author=organiser, typical_wording="Dritte Formulierung.")

    content = client.get(url).content.decode()
    assert (">Fassung 3</a>" in content, ">Fassung 2</a>" in content) == (True, False)
