"""Invitations through a real broker, worker and SMTP server, as outbox messages sent in batches: each delivered
exactly once with its outbox row, or marked failed."""

import time

import pytest

from participants.models import User
from rounds.models import Invitation, Round
from rounds.services.delivery import deliveries_sweep, invitations_enqueue, round_calendar_changed
from strategy_exchange.models import OutboxMessage
from strategy_exchange.outbox import outbox_sweep
from tests.factories import AgendaItemFactory, RoundFactory
from tests.integration.conftest import STUCK_SECONDS, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def invite(count: int, *, round_: Round | None = None) -> tuple[Round, list[Invitation]]:
    round_ = round_ or RoundFactory(status=Round.Status.INVITED)
    AgendaItemFactory(round=round_)
    users = User.objects.bulk_create(
        [User(email=f"vertretung{n}@example.org", full_name=f"Vertretung {n}", password="!") for n in range(count)]
    )
    invitations = Invitation.objects.bulk_create([Invitation(round=round_, user=user) for user in users])
    return round_, invitations


def _count(round_: Round) -> dict[str, int]:
    counts: dict[str, int] = {}
    for state in Invitation.objects.filter(round=round_).values_list("delivery", flat=True):
        counts[state] = counts.get(state, 0) + 1
    return counts


def all_settled(round_: Round) -> bool:
    return set(_count(round_)) <= {Invitation.Delivery.SENT, Invitation.Delivery.FAILED}


def sweep_with_short_timeouts(settings) -> None:
    settings.DELIVERY_STUCK_QUEUED_SECONDS = STUCK_SECONDS
    settings.DELIVERY_STUCK_SENDING_SECONDS = STUCK_SECONDS
    deliveries_sweep()
    outbox_sweep()


def messages(round_: Round, **filters):
    return OutboxMessage.objects.filter(scope=f"round:{round_.pk}", **filters)


def test_inviting_200_people_delivers_exactly_200_messages_with_calendar(broker_url, start_worker, smtp_server):
    handler, _port = smtp_server
    round_, invitations = invite(200)
    start_worker(broker_url)

    started = time.monotonic()
    assert invitations_enqueue(invitation_ids=[i.pk for i in invitations]) == 200
    assert wait_until(lambda: sum(handler.recipients().values()) >= 200 and all_settled(round_), timeout=90)
    elapsed = time.monotonic() - started
    time.sleep(0.5)  # anything extra would arrive now

    emails = {i.user.email for i in Invitation.objects.filter(round=round_).select_related("user")}
    assert handler.recipients() == dict.fromkeys(emails, 1)
    calendars = handler.calendars()
    assert set(calendars) == emails
    for address, calendar in calendars.items():
        event = calendar.walk("VEVENT")[0]
        assert str(calendar["METHOD"]) == "REQUEST"
        assert str(event["UID"]) == round_.calendar_uid
        assert event["SEQUENCE"] == 0
        assert str(event["ATTENDEE"]) == f"mailto:{address}"
    assert _count(round_) == {Invitation.Delivery.SENT: 200}
    assert list(messages(round_).values_list("kind", "state").distinct()) == [("invitation", "sent")]
    assert messages(round_).count() == 200
    print(f"\n200 invitations delivered in {elapsed:.1f}s ({200 / elapsed:.0f} messages/s)")


def test_calendar_updates_reach_every_invitee_once_per_sequence(broker_url, start_worker, smtp_server):
    handler, _port = smtp_server
    round_, invitations = invite(20)
    start_worker(broker_url)
    invitations_enqueue(invitation_ids=[i.pk for i in invitations])
    assert wait_until(lambda: all_settled(round_), timeout=30)

    sequences = []
    for hour in (14, 15):
        handler.messages.clear()
        Round.objects.filter(pk=round_.pk).update(
            starts_at=round_.starts_at.replace(hour=hour), ends_at=round_.ends_at.replace(hour=hour + 2)
        )
        round_.refresh_from_db()
        assert round_calendar_changed(round_=round_) == 20
        assert wait_until(lambda: sum(handler.recipients().values()) >= 20 and all_settled(round_), timeout=30)
        time.sleep(0.5)
        assert set(handler.recipients().values()) == {1}
        sequences.append({calendar.walk("VEVENT")[0]["SEQUENCE"] for calendar in handler.calendars().values()})

    assert sequences == [{1}, {2}]
    assert messages(round_, kind="invitation_update", state=OutboxMessage.State.SENT).count() == 40


def test_worker_killed_mid_batch_then_restarted_delivers_each_once(broker_url, start_worker, smtp_server, settings):
    handler, _port = smtp_server
    round_, invitations = invite(60)
    handler.hold_after = 20  # from the 21st message on, sessions wait at RCPT: nothing accepted yet
    worker = start_worker(broker_url)
    invitations_enqueue(invitation_ids=[i.pk for i in invitations])
    assert wait_until(lambda: handler.held >= 2, timeout=30)

    worker.kill()
    claimed = messages(round_, state=OutboxMessage.State.SENDING).count()
    handler.hold_after = None
    start_worker(broker_url)
    settled = wait_until(
        lambda: all_settled(round_), timeout=60, interval=0.5, tick=lambda: sweep_with_short_timeouts(settings)
    )

    assert claimed >= 1
    assert settled, _count(round_)
    time.sleep(0.5)
    emails = {i.user.email for i in Invitation.objects.filter(round=round_).select_related("user")}
    assert handler.recipients() == dict.fromkeys(emails, 1)


def test_redis_restarted_mid_batch_delivers_each_once(private_redis, start_worker, smtp_server, settings):
    handler, _port = smtp_server
    handler.delay = 0.05
    round_, invitations = invite(60)
    start_worker(private_redis.url)
    invitations_enqueue(invitation_ids=[i.pk for i in invitations])
    assert wait_until(lambda: sum(handler.recipients().values()) >= 10, timeout=30)

    private_redis.stop()  # no persistence: every message still in the queue is gone
    time.sleep(1)
    private_redis.start()
    settled = wait_until(
        lambda: all_settled(round_), timeout=90, interval=0.5, tick=lambda: sweep_with_short_timeouts(settings)
    )

    assert settled, _count(round_)
    time.sleep(0.5)
    emails = {i.user.email for i in Invitation.objects.filter(round=round_).select_related("user")}
    assert handler.recipients() == dict.fromkeys(emails, 1)


def test_smtp_4xx_for_a_while_then_each_delivered_once(broker_url, start_worker, smtp_server):
    handler, _port = smtp_server
    round_, invitations = invite(30)
    start_worker(broker_url)
    handler.temporary_until = time.monotonic() + 3

    invitations_enqueue(invitation_ids=[i.pk for i in invitations])
    settled = wait_until(lambda: all_settled(round_), timeout=60)

    assert settled, _count(round_)
    assert handler.temporary_answers >= 1
    time.sleep(0.5)
    emails = {i.user.email for i in Invitation.objects.filter(round=round_).select_related("user")}
    assert handler.recipients() == dict.fromkeys(emails, 1)
    assert _count(round_) == {Invitation.Delivery.SENT: 30}
    assert messages(round_).count() == 30
    assert max(messages(round_).values_list("attempts", flat=True)) > 1


def test_smtp_5xx_for_one_address_marks_only_that_invitation_failed(broker_url, start_worker, smtp_server):
    handler, _port = smtp_server
    round_, invitations = invite(20)
    handler.rejected = {"vertretung7@example.org"}
    start_worker(broker_url)

    invitations_enqueue(invitation_ids=[i.pk for i in invitations])
    settled = wait_until(lambda: all_settled(round_), timeout=30)

    assert settled, _count(round_)
    failed = Invitation.objects.select_related("message").get(round=round_, delivery=Invitation.Delivery.FAILED)
    assert failed.user.email == "vertretung7@example.org"
    assert (failed.message.state, failed.message.attempts) == (OutboxMessage.State.FAILED, 1)
    assert "550" in failed.message.last_error
    time.sleep(0.5)
    others = {
        i.user.email
        for i in Invitation.objects.filter(round=round_, delivery=Invitation.Delivery.SENT).select_related("user")
    }
    assert handler.recipients() == dict.fromkeys(others, 1)
    assert len(others) == 19
