"""The outbox: one stored row per message, claimed once, retried with backoff, swept when stuck."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from rounds.models import Round
from strategy_exchange import outbox
from strategy_exchange.models import OutboxMessage
from strategy_exchange.outbox import outbox_deliver, outbox_put, outbox_retry, outbox_sweep
from tests import mailbackends
from tests.factories import RoundFactory, SeriesFactory, UserFactory

pytestmark = pytest.mark.django_db
State = OutboxMessage.State


@pytest.fixture
def failing(settings, monkeypatch):
    settings.EMAIL_BACKEND = "tests.mailbackends.FailingBackend"
    monkeypatch.setattr(mailbackends, "FAILURES", {})
    return mailbackends.FAILURES


@pytest.fixture
def draft():
    """A draft round whose proposal email goes to one organiser."""
    organiser = UserFactory(email="orga@example.org")
    return RoundFactory(series=SeriesFactory(organisers=[organiser]), status=Round.Status.DRAFT)


def put(round_: Round) -> OutboxMessage:
    return outbox_put(kind="round_proposal", object_id=round_.pk, scope=f"round:{round_.pk}")


def test_outbox_put_stores_one_row_per_key(draft):
    first = put(draft)
    second = put(draft)

    assert second is None
    assert list(OutboxMessage.objects.values_list("pk", "kind", "key", "state", "attempts")) == [
        (first.pk, "round_proposal", f"round_proposal:{draft.pk}", State.QUEUED, 0)
    ]


def test_outbox_put_sends_after_commit(draft, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = put(draft)

    message.refresh_from_db()
    assert (message.state, message.attempts, message.last_error) == (State.SENT, 1, "")
    assert [m.to for m in mail.outbox] == [["orga@example.org"]]


def test_outbox_deliver_claims_once(draft):
    message = put(draft)

    first = outbox_deliver(message_id=message.pk)
    second = outbox_deliver(message_id=message.pk)

    assert (first.state, second.state) == (State.SENT, "skipped")
    assert len(mail.outbox) == 1


def test_outbox_temporary_failure_is_retried_after_its_backoff(draft, failing, settings):
    settings.DELIVERY_RETRY_BASE_SECONDS = 30
    failing["orga@example.org"] = [mailbackends.temporary(), mailbackends.temporary()]
    message = put(draft)
    now = timezone.now()

    with time_machine.travel(now, tick=False):
        first = outbox_deliver(message_id=message.pk)
    with time_machine.travel(now + datetime.timedelta(seconds=20), tick=False):
        early = outbox_deliver(message_id=message.pk)
    with time_machine.travel(now + datetime.timedelta(seconds=30), tick=False):
        second = outbox_deliver(message_id=message.pk)
    with time_machine.travel(now + datetime.timedelta(seconds=90), tick=False):
        third = outbox_deliver(message_id=message.pk)

    message.refresh_from_db()
    assert [first.retry_in, early.state, second.retry_in, third.state] == [30, "skipped", 60, State.SENT]
    assert (message.state, message.attempts) == (State.SENT, 3)
    assert len(mail.outbox) == 1


def test_outbox_permanent_failure_marks_the_message_failed_with_the_answer(draft, failing):
    failing["orga@example.org"] = [mailbackends.refused("orga@example.org")]
    message = put(draft)

    attempt = outbox_deliver(message_id=message.pk)

    message.refresh_from_db()
    assert (attempt.state, message.state, message.attempts) == (State.FAILED, State.FAILED, 1)
    assert message.last_error.startswith("Nicht zustellbar: Empfänger abgelehnt (orga@example.org: 550")
    assert mail.outbox == []


def test_outbox_gives_up_after_the_maximum_attempts(draft, failing, settings):
    settings.DELIVERY_MAX_ATTEMPTS = 2
    failing["orga@example.org"] = [mailbackends.temporary(), mailbackends.temporary()]
    message = put(draft)

    outbox_deliver(message_id=message.pk)
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=2), tick=False):
        last = outbox_deliver(message_id=message.pk)

    message.refresh_from_db()
    assert (last.state, message.attempts) == (State.FAILED, 2)
    assert message.last_error.startswith("Nach mehreren Versuchen nicht zustellbar: Mailserver 451")


def test_outbox_retry_queues_a_failed_message_again(draft, failing, django_capture_on_commit_callbacks):
    failing["orga@example.org"] = [mailbackends.refused("orga@example.org")]
    message = put(draft)
    outbox_deliver(message_id=message.pk)

    with django_capture_on_commit_callbacks(execute=True):
        retried = outbox_retry(message_id=message.pk)

    message.refresh_from_db()
    assert (retried, message.state) == (1, State.SENT)
    assert len(mail.outbox) == 1


def test_outbox_message_no_longer_needed_is_dropped(draft):
    message = put(draft)
    draft.delete()

    attempt = outbox_deliver(message_id=message.pk)

    message.refresh_from_db()
    assert (attempt.state, message.state) == (State.DROPPED, State.DROPPED)
    assert mail.outbox == []


def test_outbox_sweep_sends_a_message_whose_broker_message_was_lost(
    draft, settings, django_capture_on_commit_callbacks
):
    message = put(draft)  # its after-commit publish never runs: as if the broker had lost it
    later = timezone.now() + datetime.timedelta(seconds=settings.DELIVERY_STUCK_QUEUED_SECONDS + 1)

    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        swept = outbox_sweep()

    message.refresh_from_db()
    assert swept == {"outbox_reset_sending": 0, "outbox_requeued": 1}
    assert message.state == State.SENT
    assert len(mail.outbox) == 1


def test_outbox_sweep_leaves_a_fresh_message_to_its_task(draft, django_capture_on_commit_callbacks):
    put(draft)

    with django_capture_on_commit_callbacks(execute=True):
        swept = outbox_sweep()

    assert swept == {"outbox_reset_sending": 0, "outbox_requeued": 0}
    assert mail.outbox == []


def test_outbox_sweep_takes_back_a_message_of_a_killed_worker(draft, settings, django_capture_on_commit_callbacks):
    message = put(draft)
    claimed_at = timezone.now()
    OutboxMessage.objects.filter(pk=message.pk).update(state=State.SENDING, claimed_at=claimed_at, attempts=1)
    later = claimed_at + datetime.timedelta(seconds=settings.DELIVERY_STUCK_SENDING_SECONDS + 1)

    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        swept = outbox_sweep()

    message.refresh_from_db()
    assert swept["outbox_reset_sending"] == 1
    assert (message.state, message.attempts) == (State.SENT, 2)
    assert len(mail.outbox) == 1


def test_outbox_late_outcome_of_a_swept_attempt_is_not_stored(draft, settings):
    """A worker that comes back after the sweep took its row away does not overwrite the newer attempt."""
    message = put(draft)
    claimed_at = timezone.now() - datetime.timedelta(hours=1)
    OutboxMessage.objects.filter(pk=message.pk).update(state=State.SENDING, claimed_at=claimed_at, attempts=1)
    killed_workers_view = OutboxMessage.objects.get(pk=message.pk)
    outbox_sweep()
    outbox_deliver(message_id=message.pk)

    stale = outbox._finish(killed_workers_view, state=State.FAILED, last_error="late")

    message.refresh_from_db()
    assert (stale, message.state) == (0, State.SENT)


def test_outbox_put_refuses_an_unknown_kind():
    with pytest.raises(ValueError):
        outbox_put(kind="carrier_pigeon", object_id=1)
