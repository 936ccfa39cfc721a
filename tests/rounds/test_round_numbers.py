"""Round numbers are explicit: unique in their series, by default the next free number, changeable while no
later round depends on the round (a round with a higher number takes up one of its open questions), and lists
order the rounds by number."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from rounds.models import Round
from rounds.selectors import series_overview
from rounds.selectors.organiser import series_rounds
from rounds.services import rounds as round_services
from strategy_exchange.errors import DomainError
from tests.factories import (
    AgendaItemFactory,
    ClauseFactory,
    MeetingNoteFactory,
    RoundFactory,
    SeriesFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SOON = timezone.now() + datetime.timedelta(days=40)


@pytest.fixture
def series():
    return SeriesFactory(organisers=[UserFactory(full_name="Olga Organisatorin")])


def _create(series, **kwargs) -> Round:
    return round_services.round_create(
        series=series, starts_at=SOON, ends_at=SOON + datetime.timedelta(hours=2), **kwargs
    )


def _at(series, number: int, days: int) -> Round:
    return RoundFactory(series=series, number=number, starts_at=timezone.now() + datetime.timedelta(days=days))


def test_new_round_defaults_to_the_number_after_the_highest(series):
    _at(series, 1, -300)
    _at(series, 5, -100)

    assert _create(series).number == 6


def test_round_number_default_passes_over_numbers_taken_by_later_rounds(series):
    _at(series, 2, -300)
    _at(series, 3, 100)  # a later draft already holds 3

    number = round_services.round_next_number(series=series, starts_at=timezone.now() - datetime.timedelta(days=10))

    assert number == 4


def test_round_create_with_an_explicit_number(series):
    assert _create(series, number=7).number == 7


def test_round_number_is_unique_in_its_series(series):
    _at(series, 3, -100)
    _at(SeriesFactory(), 4, -100)  # another series' numbers are no concern

    with pytest.raises(DomainError) as error:
        _create(series, number=3)

    assert (error.value.field, _create(series, number=4).number) == ("number", 4)


def test_round_renumber_to_a_free_number(series):
    round_ = _at(series, 4, -100)

    round_services.round_renumber(round_=round_, number=1)

    assert Round.objects.get(pk=round_.pk).number == 1


def test_round_renumber_refuses_a_taken_number(series):
    _at(series, 1, -300)
    round_ = _at(series, 2, -100)

    with pytest.raises(DomainError) as error:
        round_services.round_renumber(round_=round_, number=1)

    assert (error.value.field, Round.objects.get(pk=round_.pk).number) == ("number", 2)


def test_round_renumber_refused_while_a_later_round_carries_over_its_open_question(series):
    earlier = _at(series, 2, -100)
    clause = ClauseFactory(number=4)
    item = AgendaItemFactory(round=earlier, clause=clause)
    question = MeetingNoteFactory(round=earlier, agenda_item=item, body="Wie oft?", is_open_question=True)
    later = _at(series, 3, 50)
    AgendaItemFactory(round=later, clause=clause, carried_from=question)

    with pytest.raises(DomainError) as error:
        round_services.round_renumber(round_=earlier, number=1)

    assert (error.value.field, round_services.round_number_editable(round_=earlier)) == ("number", False)
    assert round_services.round_number_editable(round_=later) is True


def test_round_renumber_moves_the_round_on_in_its_series_lists(series):
    first = _at(series, 1, -300)
    second = _at(series, 2, -100)

    round_services.round_renumber(round_=first, number=3)

    assert [r.pk for r in series_rounds(series=series)] == [first.pk, second.pk]  # newest number first
    assert [r.pk for r in series_overview().get(pk=series.pk).rounds.all()] == [second.pk, first.pk]


def test_lists_order_a_kick_off_recorded_afterwards_by_number(series):
    second = _at(series, 2, -300)
    kick_off = round_services.round_record_past(
        series=series,
        starts_at=timezone.now() - datetime.timedelta(days=700),
        ends_at=timezone.now() - datetime.timedelta(days=700) + datetime.timedelta(hours=2),
    )

    assert [r.number for r in series_overview().get(pk=series.pk).rounds.all()] == [1, 2]
    assert [r.pk for r in series_rounds(series=series)] == [second.pk, kick_off.pk]


def test_round_number_view_changes_the_number(client, series):
    round_ = _at(series, 4, -100)
    client.force_login(series.organisers.get())

    response = client.post(reverse("orga:round_number", kwargs={"pk": round_.pk}), {"number": "1"})

    assert response["Location"] == reverse("orga:round_detail", kwargs={"pk": round_.pk})
    assert Round.objects.get(pk=round_.pk).number == 1


def test_round_number_view_shows_the_refusal_next_to_the_field(client, series):
    _at(series, 1, -300)
    round_ = _at(series, 2, -100)
    client.force_login(series.organisers.get())

    response = client.post(reverse("orga:round_number", kwargs={"pk": round_.pk}), {"number": "1"})

    assert response.context["form"].errors["number"] == [
        "Runde 1 gibt es in dieser Reihe bereits. Bitte wählen Sie eine andere Nummer."
    ]


def test_round_number_view_is_for_the_series_organisers_only(client, series):
    round_ = _at(series, 2, -100)
    client.force_login(UserFactory())

    response = client.post(reverse("orga:round_number", kwargs={"pk": round_.pk}), {"number": "1"})

    assert (response.status_code, Round.objects.get(pk=round_.pk).number) == (404, 2)


def test_round_create_form_proposes_the_next_free_number(client, series):
    _at(series, 3, -100)
    client.force_login(series.organisers.get())

    response = client.get(reverse("orga:round_create", kwargs={"slug": series.slug}))

    assert response.context["form"]["number"].value() == 4
