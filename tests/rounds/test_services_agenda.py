import pytest

from rounds.models import AgendaItem, Round
from rounds.services import agenda as services
from strategy_exchange.errors import DomainError
from tests.factories import AgendaItemFactory, ClauseFactory, CommentFactory, RoundFactory
from tests.rounds.organiser_world import fast_passwords  # noqa: F401

pytestmark = pytest.mark.django_db


def test_agenda_add_clause_appends_and_refuses_same_clause_twice():
    round_ = RoundFactory()
    AgendaItemFactory(round=round_, order=1)
    clause = ClauseFactory(number=4)

    item = services.agenda_add_clause(round_=round_, clause=clause)
    with pytest.raises(DomainError) as error:
        services.agenda_add_clause(round_=round_, clause=clause)

    assert (item.order, error.value.message) == (2, "§ 4 steht bereits auf der Tagesordnung.")


def test_agenda_create_clause_refuses_duplicate_number():
    round_ = RoundFactory()
    ClauseFactory(number=7)

    with pytest.raises(DomainError) as error:
        services.agenda_create_clause(round_=round_, number=7, title="Doppelt")

    assert (error.value.field, round_.agenda_items.count()) == ("number", 0)


def test_agenda_move_swaps_neighbours_and_stays_at_the_edges():
    round_ = RoundFactory()
    a, b, c = (AgendaItemFactory(round=round_, order=n) for n in (1, 2, 3))

    services.agenda_move(item=c, direction="up")
    services.agenda_move(item=a, direction="up")

    assert list(round_.agenda_items.order_by("order").values_list("pk", flat=True)) == [a.pk, c.pk, b.pk]


def test_agenda_remove_refuses_item_with_comments_and_renumbers_otherwise():
    round_ = RoundFactory()
    a, b, c = (AgendaItemFactory(round=round_, order=n) for n in (1, 2, 3))
    CommentFactory(agenda_item=c)

    services.agenda_remove(item=a)
    with pytest.raises(DomainError):
        services.agenda_remove(item=c)

    assert list(AgendaItem.objects.filter(round=round_).values_list("pk", "order")) == [(b.pk, 1), (c.pk, 2)]


def test_agenda_closed_after_the_round_was_held():
    round_ = RoundFactory(status=Round.Status.HELD)

    with pytest.raises(DomainError) as error:
        services.agenda_add_clause(round_=round_, clause=ClauseFactory())

    assert error.value.message == (
        "Die Tagesordnung einer Runde, die stattgefunden hat oder abgesagt ist, ist abgeschlossen."
    )
