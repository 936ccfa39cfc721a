import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from rounds.models import AgendaItem, Invitation, Round
from rounds.services import rounds as services
from strategy_exchange.errors import DomainError
from tests.factories import (
    AgendaItemFactory,
    ClauseFactory,
    InvitationFactory,
    MeetingNoteFactory,
    RoundFactory,
    SeriesFactory,
)
from tests.rounds.organiser_world import fast_passwords  # noqa: F401

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=BERLIN)


def at(day: str, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour), tzinfo=BERLIN)


@time_machine.travel(NOW, tick=False)
def test_round_create_numbers_after_highest_round_and_carries_open_questions():
    series = SeriesFactory()
    earlier = RoundFactory(series=series, number=2, starts_at=at("2025-11-11"), ends_at=at("2025-11-11", 12))
    item = AgendaItemFactory(round=earlier, clause=ClauseFactory(number=4))
    question = MeetingNoteFactory(round=earlier, agenda_item=item, is_open_question=True)

    round_ = services.round_create(
        series=series, starts_at=at("2026-06-09"), ends_at=at("2026-06-09", 12), carry_over=[question]
    )

    carried = list(round_.agenda_items.values_list("clause__number", "carried_from_id"))
    assert (round_.number, round_.status, carried) == (3, Round.Status.DRAFT, [(4, question.pk)])


@time_machine.travel(NOW, tick=False)
def test_round_create_refuses_start_in_the_past():
    with pytest.raises(DomainError) as error:
        services.round_create(series=SeriesFactory(), starts_at=at("2026-03-01"), ends_at=at("2026-03-01", 12))

    assert (error.value.field, error.value.message) == ("date", "Der Beginn darf nicht in der Vergangenheit liegen.")


@time_machine.travel(NOW, tick=False)
def test_round_reschedule_raises_calendar_sequence_and_queues_update_for_sent_invitations():
    round_ = RoundFactory(status=Round.Status.INVITED, starts_at=at("2026-04-14"), ends_at=at("2026-04-14", 12))
    invitation = InvitationFactory(round=round_, delivery=Invitation.Delivery.SENT, sent_sequence=0)

    services.round_reschedule(round_=round_, starts_at=at("2026-04-21"), ends_at=at("2026-04-21", 12))

    round_.refresh_from_db()
    invitation.refresh_from_db()
    assert (round_.starts_at, round_.calendar_sequence, invitation.delivery) == (at("2026-04-21"), 1, "queued")


@time_machine.travel(NOW, tick=False)
def test_round_reschedule_refuses_held_round():
    round_ = RoundFactory(status=Round.Status.HELD)

    with pytest.raises(DomainError) as error:
        services.round_reschedule(round_=round_, starts_at=at("2026-04-21"), ends_at=at("2026-04-21", 12))

    assert error.value.message == "Eine Runde, die bereits stattgefunden hat, kann nicht verschoben werden."


@time_machine.travel(NOW, tick=False)
def test_round_cancel_stores_reason_and_refuses_second_cancel():
    round_ = RoundFactory(status=Round.Status.SCHEDULED, starts_at=at("2026-04-14"), ends_at=at("2026-04-14", 12))

    services.round_cancel(round_=round_, reason="Zu wenige Zusagen")
    with pytest.raises(DomainError) as error:
        services.round_cancel(round_=round_, reason="nochmal")

    round_.refresh_from_db()
    assert (round_.status, round_.cancel_reason, round_.calendar_sequence) == ("cancelled", "Zu wenige Zusagen", 1)
    assert error.value.message == "Die Runde ist bereits abgesagt."


@time_machine.travel(NOW, tick=False)
def test_round_schedule_needs_an_agenda():
    round_ = RoundFactory(starts_at=at("2026-04-14"), ends_at=at("2026-04-14", 12))

    with pytest.raises(DomainError) as error:
        services.round_schedule(round_=round_)
    AgendaItemFactory(round=round_)
    services.round_schedule(round_=round_)

    assert error.value.message == "Bitte setzen Sie zuerst mindestens eine Klausel auf die Tagesordnung."
    assert Round.objects.get(pk=round_.pk).status == Round.Status.SCHEDULED


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (Round.Status.DRAFT, "Eine Runde im Entwurf kann nicht als durchgeführt markiert werden."),
        (Round.Status.CANCELLED, "Eine abgesagte Runde kann nicht als durchgeführt markiert werden."),
        (Round.Status.HELD, "Die Runde ist bereits als durchgeführt markiert."),
    ],
)
def test_round_mark_held_refuses_impossible_steps(status, message):
    round_ = RoundFactory(status=status, starts_at=at("2020-01-14"), ends_at=at("2020-01-14", 12))

    with pytest.raises(DomainError) as error:
        services.round_mark_held(round_=round_)

    assert error.value.message == message


@time_machine.travel(NOW, tick=False)
def test_round_mark_held_refuses_before_the_meeting_and_accepts_after():
    round_ = RoundFactory(status=Round.Status.INVITED, starts_at=at("2026-03-03"), ends_at=at("2026-03-03", 12))

    with pytest.raises(DomainError):
        services.round_mark_held(round_=round_)
    with time_machine.travel(at("2026-03-03", 11), tick=False):
        services.round_mark_held(round_=round_)

    assert Round.objects.get(pk=round_.pk).status == Round.Status.HELD


@time_machine.travel(NOW, tick=False)
def test_round_duplicate_copies_agenda_carries_questions_and_shifts_date():
    series = SeriesFactory(cadence_months=3, cadence_weekday=1, cadence_week=2)
    source = RoundFactory(
        series=series, number=5, status=Round.Status.HELD, starts_at=at("2026-02-10", 14), ends_at=at("2026-02-10", 16)
    )
    first = AgendaItemFactory(round=source, clause=ClauseFactory(number=1), order=1)
    second = AgendaItemFactory(round=source, clause=ClauseFactory(number=2), order=2)
    question = MeetingNoteFactory(round=source, agenda_item=second, is_open_question=True)

    copy = services.round_duplicate(source=source)

    items = list(AgendaItem.objects.filter(round=copy).values_list("clause__number", "order", "carried_from_id"))
    assert (copy.number, copy.starts_at, copy.ends_at) == (6, at("2026-05-12", 14), at("2026-05-12", 16))
    assert items == [(1, 1, None), (2, 2, question.pk)]
    assert first.round_id == source.pk
