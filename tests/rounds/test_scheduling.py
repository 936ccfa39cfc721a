import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from participants.models import Strategy
from rounds.models import Round, Series
from rounds.services.scheduling import (
    next_rounds_propose,
    series_propose_next_round,
    strategy_update_due_on,
    strategy_update_reminders_send,
)
from tests.factories import MembershipFactory, RoundFactory, SeriesFactory, StrategyFactory, UserFactory

BERLIN = ZoneInfo("Europe/Berlin")
ROUND_2 = datetime.datetime(2026, 3, 10, 10, 0, tzinfo=BERLIN)
pytestmark = pytest.mark.django_db


@pytest.fixture
def series():
    series = SeriesFactory(
        title="Klauseln der Smart-City-Strategien",
        cadence_months=3,
        cadence_weekday=Series.Weekday.TUESDAY,
        cadence_week=2,
        default_online_link="https://konferenz.example.org/reihe",
        organisers=[UserFactory(email="orga@example.org")],
    )
    RoundFactory(
        series=series,
        number=2,
        status=Round.Status.PUBLISHED,
        starts_at=ROUND_2,
        ends_at=ROUND_2 + datetime.timedelta(hours=2),
    )
    return series


def propose_on(day: datetime.date, capture) -> list[Round]:
    with (
        time_machine.travel(datetime.datetime.combine(day, datetime.time(6, 0), tzinfo=BERLIN), tick=False),
        capture(execute=True),
    ):
        return next_rounds_propose()


def test_next_rounds_propose_drafts_next_round_from_cadence(series, django_capture_on_commit_callbacks):
    proposed = propose_on(datetime.date(2026, 3, 11), django_capture_on_commit_callbacks)

    assert len(proposed) == 1
    round_ = Round.objects.get(series=series, number=3)
    assert round_.status == Round.Status.DRAFT
    assert round_.starts_at == datetime.datetime(2026, 6, 9, 10, 0, tzinfo=BERLIN)  # 2nd Tuesday of June
    assert round_.ends_at == datetime.datetime(2026, 6, 9, 12, 0, tzinfo=BERLIN)
    assert round_.online_link == "https://konferenz.example.org/reihe"
    series.refresh_from_db()
    assert series.last_proposed_for == datetime.date(2026, 6, 9)
    assert [m.to for m in mail.outbox] == [["orga@example.org"]]
    assert mail.outbox[0].subject == "Vorschlag: Klauseln der Smart-City-Strategien, Runde 3 am 9. Juni 2026"
    assert f"/orga/runden/{round_.pk}/" in mail.outbox[0].body


def test_next_rounds_propose_once_per_due_date(series, django_capture_on_commit_callbacks):
    propose_on(datetime.date(2026, 3, 11), django_capture_on_commit_callbacks)

    same_day = propose_on(datetime.date(2026, 3, 11), django_capture_on_commit_callbacks)
    next_day = propose_on(datetime.date(2026, 3, 12), django_capture_on_commit_callbacks)

    assert (same_day, next_day) == ([], [])
    assert series.rounds.count() == 2
    assert len(mail.outbox) == 1


def test_next_rounds_propose_deleted_draft_not_proposed_again(series, django_capture_on_commit_callbacks):
    propose_on(datetime.date(2026, 3, 11), django_capture_on_commit_callbacks)
    Round.objects.get(series=series, number=3).delete()

    again = propose_on(datetime.date(2026, 3, 20), django_capture_on_commit_callbacks)

    assert again == []
    assert series.rounds.count() == 1


def test_series_propose_next_round_stale_copy_cannot_propose_twice(series):
    series, stale = Series.objects.get(pk=series.pk), Series.objects.get(pk=series.pk)
    with time_machine.travel(datetime.datetime(2026, 3, 11, 6, 0, tzinfo=BERLIN), tick=False):
        first = series_propose_next_round(series=series, today=datetime.date(2026, 3, 11))
        Round.objects.filter(pk=first.pk).update(starts_at=ROUND_2 - datetime.timedelta(days=1), ends_at=ROUND_2)
        second = series_propose_next_round(series=stale, today=datetime.date(2026, 3, 11))

    assert first is not None
    assert second is None
    assert series.rounds.count() == 2


def test_next_rounds_propose_skips_series_with_upcoming_round(series, django_capture_on_commit_callbacks):
    upcoming = datetime.datetime(2026, 5, 5, 10, 0, tzinfo=BERLIN)
    RoundFactory(
        series=series,
        number=3,
        status=Round.Status.SCHEDULED,
        starts_at=upcoming,
        ends_at=upcoming + datetime.timedelta(hours=2),
    )

    proposed = propose_on(datetime.date(2026, 3, 11), django_capture_on_commit_callbacks)

    assert proposed == []


def test_next_rounds_propose_skips_series_without_rounds(django_capture_on_commit_callbacks):
    SeriesFactory()

    assert propose_on(datetime.date(2026, 3, 11), django_capture_on_commit_callbacks) == []


def test_next_rounds_propose_after_next_round_held_proposes_the_following(series, django_capture_on_commit_callbacks):
    propose_on(datetime.date(2026, 3, 11), django_capture_on_commit_callbacks)
    Round.objects.filter(series=series, number=3).update(status=Round.Status.HELD)

    later = propose_on(datetime.date(2026, 6, 10), django_capture_on_commit_callbacks)

    assert [(r.number, r.starts_at) for r in later] == [(4, datetime.datetime(2026, 9, 8, 10, 0, tzinfo=BERLIN))]


def test_strategy_update_due_on_latest_cycle():
    strategy = Strategy(adopted_on=datetime.date(2021, 3, 1), update_cycle_months=24)

    assert strategy_update_due_on(strategy=strategy, today=datetime.date(2023, 2, 28)) is None
    assert strategy_update_due_on(strategy=strategy, today=datetime.date(2023, 3, 1)) == datetime.date(2023, 3, 1)
    assert strategy_update_due_on(strategy=strategy, today=datetime.date(2026, 1, 10)) == datetime.date(2025, 3, 1)


def test_strategy_update_reminders_once_per_due_date(django_capture_on_commit_callbacks):
    strategy = StrategyFactory(adopted_on=datetime.date(2021, 3, 1), update_cycle_months=24)
    MembershipFactory(organisation=strategy.organisation, user=UserFactory(email="jena@example.org"))
    MembershipFactory(organisation=strategy.organisation, user=UserFactory(email="jena2@example.org"))
    MembershipFactory(user=UserFactory(email="andere@example.org"))

    with django_capture_on_commit_callbacks(execute=True):
        first = strategy_update_reminders_send(today=datetime.date(2026, 1, 10))
    with django_capture_on_commit_callbacks(execute=True):
        second = strategy_update_reminders_send(today=datetime.date(2026, 1, 11))
    with django_capture_on_commit_callbacks(execute=True):
        next_cycle = strategy_update_reminders_send(today=datetime.date(2027, 3, 1))

    assert (first, second, next_cycle) == (1, 0, 1)
    assert [m.to for m in mail.outbox] == [["jena2@example.org", "jena@example.org"]] * 2
    assert mail.outbox[0].subject == f"Aktualisierung fällig: {strategy.title}"
    strategy.refresh_from_db()
    assert strategy.update_reminder_sent_for == datetime.date(2027, 3, 1)


def test_strategy_update_reminders_newer_strategy_replaces_old_promise():
    old = StrategyFactory(adopted_on=datetime.date(2019, 1, 1), update_cycle_months=24)
    StrategyFactory(organisation=old.organisation, adopted_on=datetime.date(2025, 6, 1), update_cycle_months=36)
    MembershipFactory(organisation=old.organisation)

    reminded = strategy_update_reminders_send(today=datetime.date(2026, 1, 10))

    assert reminded == 0
    assert mail.outbox == []


def test_strategy_update_reminders_skip_strategies_without_cycle():
    strategy = StrategyFactory(adopted_on=datetime.date(2015, 1, 1), update_cycle_months=None)
    MembershipFactory(organisation=strategy.organisation)

    assert strategy_update_reminders_send(today=datetime.date(2026, 1, 10)) == 0
