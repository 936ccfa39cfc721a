import datetime
import email
import smtplib
import socket
import threading

import icalendar
import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.core import mail
from django.utils import timezone

from rounds.models import Invitation, Round
from rounds.selectors.delivery import round_delivery_progress
from rounds.services import invitations as invitation_services
from rounds.services.delivery import deliveries_sweep, invitations_enqueue, round_calendar_changed
from rounds.services.rsvp import rsvp_url
from strategy_exchange.models import OutboxMessage
from strategy_exchange.outbox import (
    BATCH_SIZE,
    Retry,
    outbox_deliver,
    outbox_deliver_many,
    outbox_retry,
    outbox_sweep,
    retry_countdown,
)
from strategy_exchange.send_errors import classify_send_error, connection_lost
from strategy_exchange.tasks import send_outbox_message, send_outbox_messages
from tests import mailbackends
from tests.factories import (
    AccountInvitationFactory,
    AgendaItemFactory,
    ClauseFactory,
    InvitationFactory,
    OrganisationFactory,
    RoundFactory,
)

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 5, 4, 9, 0, tzinfo=datetime.UTC)
State = OutboxMessage.State


@pytest.fixture
def failing_mail(settings):
    settings.EMAIL_BACKEND = "tests.mailbackends.FailingBackend"
    mailbackends.FAILURES.clear()
    mailbackends.WHILE_SENDING.clear()
    yield mailbackends.FAILURES
    mailbackends.FAILURES.clear()
    mailbackends.WHILE_SENDING.clear()


@pytest.fixture
def round_():
    round_ = RoundFactory(status=Round.Status.INVITED, series__title="Klauseln der Smart-City-Strategien", number=2)
    AgendaItemFactory(
        round=round_,
        clause=ClauseFactory(
            number=4,
            title="Beteiligung aller relevanten Akteure",
            typical_wording="Für die Erstellung der Strategie haben wir alle relevanten Akteure beteiligt.",
        ),
    )
    return round_


def send(invitations, capture) -> int:
    with capture(execute=True):
        return invitations_enqueue(invitation_ids=[i.pk for i in invitations])


def message_of(invitation: Invitation) -> OutboxMessage:
    """The invitation's latest message, as stored now."""
    return Invitation.objects.select_related("message").get(pk=invitation.pk).message


def ics_of(message) -> icalendar.Calendar:
    parsed = email.message_from_bytes(message.message().as_bytes())
    parts = [part for part in parsed.walk() if part.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    return icalendar.Calendar.from_ical(parts[0].get_payload(decode=True))


def test_invitations_enqueue_sends_each_invitation_once(round_, django_capture_on_commit_callbacks):
    invitations = InvitationFactory.create_batch(3, round=round_)

    queued = send(invitations, django_capture_on_commit_callbacks)

    assert queued == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(i.user.email for i in invitations)
    assert {i.delivery for i in Invitation.objects.all()} == {Invitation.Delivery.SENT}
    rows = OutboxMessage.objects.order_by("object_id")
    assert list(rows.values_list("object_id", "kind", "state", "attempts", "scope")) == [
        (i.pk, "invitation", State.SENT, 1, f"round:{round_.pk}") for i in invitations
    ]
    assert [message_of(i) for i in invitations] == list(rows)


def test_invitations_enqueue_again_queues_nothing(round_, django_capture_on_commit_callbacks):
    invitations = InvitationFactory.create_batch(2, round=round_)
    send(invitations, django_capture_on_commit_callbacks)

    queued_again = send(invitations, django_capture_on_commit_callbacks)

    assert queued_again == 0
    assert len(mail.outbox) == 2


def test_invitation_message_repeated_or_retried_task_sends_once(round_, django_capture_on_commit_callbacks):
    invitation = InvitationFactory(round=round_)
    send([invitation], django_capture_on_commit_callbacks)
    message = message_of(invitation)

    second = outbox_deliver(message_id=message.pk)
    send_outbox_message.delay(message.pk)
    send_outbox_messages.apply(args=[[message.pk]])

    assert second.state == "skipped"
    assert len(mail.outbox) == 1
    assert message_of(invitation).attempts == 1


def test_invitation_message_of_a_deleted_invitation_is_dropped(round_):
    invitation = InvitationFactory(round=round_)
    invitations_enqueue(invitation_ids=[invitation.pk])
    message = message_of(invitation)
    invitation.delete()

    attempt = outbox_deliver(message_id=message.pk)

    assert attempt.state == State.DROPPED
    assert mail.outbox == []


def test_missing_outbox_message_is_quiet():
    assert send_outbox_message.apply(args=[987654]).get() == "skipped"


def test_invitation_email_names_series_date_agenda_and_links(round_, django_capture_on_commit_callbacks):
    round_.starts_at = datetime.datetime(2026, 6, 16, 8, 0, tzinfo=datetime.UTC)
    round_.ends_at = round_.starts_at + datetime.timedelta(hours=2)
    round_.save()
    invitation = InvitationFactory(round=round_, organisation=OrganisationFactory(name="Stadt Jena"))

    send([invitation], django_capture_on_commit_callbacks)

    message = mail.outbox[0]
    html = message.alternatives[0][0]
    assert message.subject == "Einladung: Klauseln der Smart-City-Strategien, Runde 2 am 16. Juni 2026"
    assert "Dienstag, 16. Juni 2026, 10:00–12:00 Uhr" in message.body
    assert "§ 4 Beteiligung aller relevanten Akteure" in message.body
    assert "alle relevanten Akteure beteiligt" in html
    assert f"Zusagen: {rsvp_url(invitation=invitation, answer='accept')}" in message.body
    assert f"Absagen: {rsvp_url(invitation=invitation, answer='decline')}" in message.body
    assert "als Vertreter:in von Stadt Jena" in message.body
    assert "konferenz.example.org" not in message.body
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"


def test_invitation_email_carries_request_ics(round_, django_capture_on_commit_callbacks):
    invitation = InvitationFactory(round=round_)

    send([invitation], django_capture_on_commit_callbacks)

    calendar = ics_of(mail.outbox[0])
    event = calendar.walk("VEVENT")[0]
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == round_.calendar_uid
    assert str(event["ATTENDEE"]) == f"mailto:{invitation.user.email}"
    assert Invitation.objects.get().sent_sequence == 0


def test_invitation_email_accepted_contains_online_link(round_, django_capture_on_commit_callbacks):
    invitation = InvitationFactory(round=round_, rsvp=Invitation.Rsvp.ACCEPTED)

    send([invitation], django_capture_on_commit_callbacks)

    assert "https://konferenz.example.org/runde" in mail.outbox[0].body


def test_invitation_email_without_password_contains_signup_link(round_, django_capture_on_commit_callbacks):
    account = AccountInvitationFactory(token="signup-token-1")
    invitation = InvitationFactory(round=round_, user=account.user)

    send([invitation], django_capture_on_commit_callbacks)

    assert "signup-token-1" in mail.outbox[0].body


def test_invitation_deliver_temporary_failure_queues_again_with_reason(
    round_, failing_mail, django_capture_on_commit_callbacks
):
    invitation = InvitationFactory(round=round_)
    failing_mail[invitation.user.email] = [mailbackends.temporary(451)]

    with time_machine.travel(NOW, tick=False):
        send([invitation], django_capture_on_commit_callbacks)

    invitation.refresh_from_db()
    message = message_of(invitation)
    assert (invitation.delivery, message.state, message.attempts) == (Invitation.Delivery.QUEUED, State.QUEUED, 1)
    assert message.last_error == "Vorübergehender Fehler, neuer Versuch folgt: Mailserver 451: 4.3.0 Try again later"
    assert message.next_attempt_at == NOW + datetime.timedelta(seconds=30)
    assert mail.outbox == []


def sweep_later(capture, minutes: int) -> None:
    with time_machine.travel(NOW + datetime.timedelta(minutes=minutes), tick=False), capture(execute=True):
        deliveries_sweep()
        outbox_sweep()


def test_invitation_deliver_temporary_failures_then_sent_once(round_, failing_mail, django_capture_on_commit_callbacks):
    invitation = InvitationFactory(round=round_)
    failing_mail[invitation.user.email] = [mailbackends.temporary(451), ConnectionRefusedError()]
    with time_machine.travel(NOW, tick=False):
        send([invitation], django_capture_on_commit_callbacks)

    sweep_later(django_capture_on_commit_callbacks, minutes=10)
    sweep_later(django_capture_on_commit_callbacks, minutes=20)
    sweep_later(django_capture_on_commit_callbacks, minutes=30)

    invitation.refresh_from_db()
    message = message_of(invitation)
    assert (invitation.delivery, message.state, message.attempts, message.last_error) == ("sent", "sent", 3, "")
    assert OutboxMessage.objects.count() == 1
    assert len(mail.outbox) == 1


def test_invitation_deliver_temporary_failure_bounded(
    round_, failing_mail, settings, django_capture_on_commit_callbacks
):
    settings.DELIVERY_MAX_ATTEMPTS = 3
    invitation = InvitationFactory(round=round_)
    failing_mail[invitation.user.email] = [mailbackends.temporary(421) for _ in range(5)]
    with time_machine.travel(NOW, tick=False):
        send([invitation], django_capture_on_commit_callbacks)

    for minutes in (10, 20, 30, 40):
        sweep_later(django_capture_on_commit_callbacks, minutes=minutes)

    invitation.refresh_from_db()
    message = message_of(invitation)
    assert (invitation.delivery, message.state, message.attempts) == ("failed", "failed", 3)
    assert message.last_error == "Nach mehreren Versuchen nicht zustellbar: Mailserver 421: 4.3.0 Try again later"
    assert mail.outbox == []


def test_invitation_deliver_permanent_failure_marks_failed_with_reason(
    round_, failing_mail, django_capture_on_commit_callbacks
):
    bad, good = InvitationFactory(round=round_), InvitationFactory(round=round_)
    failing_mail[bad.user.email] = [mailbackends.refused(bad.user.email, 550)]

    send([bad, good], django_capture_on_commit_callbacks)

    bad.refresh_from_db()
    good.refresh_from_db()
    assert bad.delivery == Invitation.Delivery.FAILED
    assert message_of(bad).attempts == 1
    assert "550" in message_of(bad).last_error
    assert good.delivery == Invitation.Delivery.SENT
    assert [m.to for m in mail.outbox] == [[good.user.email]]


def test_invitations_enqueue_failed_invitation_can_be_sent_again(
    round_, failing_mail, django_capture_on_commit_callbacks
):
    invitation = InvitationFactory(round=round_)
    failing_mail[invitation.user.email] = [smtplib.SMTPDataError(554, b"Rejected")]
    send([invitation], django_capture_on_commit_callbacks)

    queued = send([invitation], django_capture_on_commit_callbacks)

    invitation.refresh_from_db()
    assert queued == 1
    assert invitation.delivery == Invitation.Delivery.SENT
    assert len(mail.outbox) == 1
    # every message its row: the failed one stays as it was, the new one went out
    assert list(OutboxMessage.objects.order_by("pk").values_list("kind", "state")) == [
        ("invitation", State.FAILED),
        ("invitation", State.SENT),
    ]


def test_failed_invitation_sent_again_from_the_admin_follows_its_message(
    round_, failing_mail, django_capture_on_commit_callbacks
):
    invitation = InvitationFactory(round=round_)
    failing_mail[invitation.user.email] = [smtplib.SMTPDataError(554, b"Rejected")]
    send([invitation], django_capture_on_commit_callbacks)
    message = message_of(invitation)

    outbox_retry(message_id=message.pk)  # its publishing is not run: the message waits
    waiting = Invitation.objects.get(pk=invitation.pk).delivery
    outbox_deliver(message_id=message.pk)

    assert (waiting, Invitation.objects.get(pk=invitation.pk).delivery) == ("queued", "sent")
    assert len(mail.outbox) == 1


def test_round_calendar_changed_sends_one_update_per_sequence(round_, django_capture_on_commit_callbacks):
    sent = InvitationFactory.create_batch(2, round=round_)
    pending = InvitationFactory(round=round_)
    send(sent, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    round_.starts_at += datetime.timedelta(days=7)
    round_.ends_at += datetime.timedelta(days=7)
    round_.save()

    with django_capture_on_commit_callbacks(execute=True):
        queued = round_calendar_changed(round_=round_)

    assert queued == 2
    assert {message_of(i).kind for i in sent} == {"invitation_update"}
    assert OutboxMessage.objects.filter(kind="invitation_update", state=State.SENT).count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(i.user.email for i in sent)
    assert mail.outbox[0].subject.startswith("Geändert:")
    event = ics_of(mail.outbox[0]).walk("VEVENT")[0]
    assert str(event["UID"]) == round_.calendar_uid
    assert event["SEQUENCE"] == 1
    assert set(Invitation.objects.filter(pk__in=[i.pk for i in sent]).values_list("sent_sequence", flat=True)) == {1}
    pending.refresh_from_db()
    assert pending.delivery == Invitation.Delivery.PENDING


def test_round_calendar_changed_cancelled_sends_cancel(round_, django_capture_on_commit_callbacks):
    invitation = InvitationFactory(round=round_)
    send([invitation], django_capture_on_commit_callbacks)
    mail.outbox.clear()
    round_.status = Round.Status.CANCELLED
    round_.cancel_reason = "Krankheitsbedingt abgesagt."
    round_.save()

    with django_capture_on_commit_callbacks(execute=True):
        round_calendar_changed(round_=round_)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith("Abgesagt:")
    assert "Krankheitsbedingt abgesagt." in mail.outbox[0].body
    calendar = ics_of(mail.outbox[0])
    assert str(calendar["METHOD"]) == "CANCEL"
    assert calendar.walk("VEVENT")[0]["SEQUENCE"] == 1
    assert message_of(invitation).kind == "invitation_cancel"


def test_invitation_deliver_cancelled_round_never_sent_stays_unsent(round_):
    invitation = InvitationFactory(round=round_)
    invitations_enqueue(invitation_ids=[invitation.pk])  # the worker has not come yet
    Round.objects.filter(pk=round_.pk).update(status=Round.Status.CANCELLED)

    attempt = outbox_deliver(message_id=message_of(invitation).pk)

    invitation.refresh_from_db()
    assert attempt.state == State.DROPPED
    assert invitation.delivery == Invitation.Delivery.PENDING
    assert mail.outbox == []


def test_update_on_its_way_when_the_round_is_cancelled_goes_out_as_the_cancellation(
    round_, django_capture_on_commit_callbacks
):
    invitation = InvitationFactory(round=round_)
    send([invitation], django_capture_on_commit_callbacks)
    mail.outbox.clear()
    round_.starts_at += datetime.timedelta(days=1)
    round_.ends_at += datetime.timedelta(days=1)
    round_.save()
    round_calendar_changed(round_=round_)  # the update waits for the worker
    update = message_of(invitation)
    round_.status = Round.Status.CANCELLED
    round_.save()
    round_calendar_changed(round_=round_)  # nothing new: the update is still on its way

    outbox_deliver(message_id=update.pk)

    update.refresh_from_db()
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["Abgesagt"]
    assert (update.kind, update.state) == ("invitation_cancel", State.SENT)
    assert ics_of(mail.outbox[0]).walk("VEVENT")[0]["SEQUENCE"] == 2
    assert OutboxMessage.objects.count() == 2


def test_invitation_withdrawn_while_its_update_is_on_its_way_gets_the_cancellation_after_it(
    round_, failing_mail, django_capture_on_commit_callbacks
):
    invitation = InvitationFactory(round=round_)
    send([invitation], django_capture_on_commit_callbacks)
    email = invitation.user.email
    round_.starts_at += datetime.timedelta(days=1)
    round_.ends_at += datetime.timedelta(days=1)
    round_.save()
    round_calendar_changed(round_=round_)
    update = message_of(invitation)

    def withdraw_checked_before_the_claim() -> None:
        """The organiser's withdrawal saw the update still queued; the worker claimed and rendered it meanwhile."""
        claimed = OutboxMessage.objects.filter(pk=update.pk)
        claimed.update(state=State.QUEUED)
        invitation_services.invitation_withdraw(invitation=Invitation.objects.get(pk=invitation.pk))
        claimed.update(state=State.SENDING)

    failing_mail[email] = []
    mailbackends.WHILE_SENDING[email] = withdraw_checked_before_the_claim

    with django_capture_on_commit_callbacks(execute=True):
        outbox_deliver(message_id=update.pk)

    assert [m.subject.split(":")[0] for m in mail.outbox] == ["Einladung", "Geändert", "Einladung zurückgezogen"]
    assert str(ics_of(mail.outbox[2])["METHOD"]) == "CANCEL"
    assert list(OutboxMessage.objects.order_by("pk").values_list("kind", "state")) == [
        ("invitation", State.SENT),
        ("invitation_update", State.SENT),
        ("invitation_withdrawn", State.SENT),
    ]
    assert not Invitation.objects.filter(pk=invitation.pk).exists()


def test_round_moved_while_its_invitations_are_on_their_way_sends_the_update_right_after(
    round_, failing_mail, django_capture_on_commit_callbacks
):
    invitation = InvitationFactory(round=round_)

    def move() -> None:
        Round.objects.filter(pk=round_.pk).update(
            starts_at=round_.starts_at + datetime.timedelta(hours=1),
            ends_at=round_.ends_at + datetime.timedelta(hours=1),
        )
        round_calendar_changed(round_=Round.objects.get(pk=round_.pk))  # finds nothing sent yet

    failing_mail[invitation.user.email] = []
    mailbackends.WHILE_SENDING[invitation.user.email] = move
    send([invitation], django_capture_on_commit_callbacks)

    invitation.refresh_from_db()
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["Einladung", "Geändert"]
    assert [ics_of(m).walk("VEVENT")[0]["SEQUENCE"] for m in mail.outbox] == [0, 1]
    assert (invitation.delivery, invitation.sent_sequence) == ("sent", 1)


def test_sweep_requeues_stuck_invitations_and_resets_dead_claims_in_one_batch(
    round_, django_capture_on_commit_callbacks
):
    old = NOW - datetime.timedelta(minutes=30)
    recent = NOW - datetime.timedelta(minutes=1)
    stuck_queued, stuck_sending, fresh_queued, busy_sending = InvitationFactory.create_batch(4, round=round_)
    with time_machine.travel(old, tick=False):
        invitations_enqueue(invitation_ids=[stuck_queued.pk, stuck_sending.pk])
    with time_machine.travel(recent, tick=False):
        invitations_enqueue(invitation_ids=[fresh_queued.pk, busy_sending.pk])
    for invitation, claimed_at in ((stuck_sending, old), (busy_sending, recent)):
        OutboxMessage.objects.filter(pk=message_of(invitation).pk).update(
            state=State.SENDING, claimed_at=claimed_at, claim_token="dead", attempts=1
        )

    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = {**deliveries_sweep(), **outbox_sweep()}

    assert result == {"calendar_updates": 0, "outbox_reset_sending": 1, "outbox_requeued": 1}
    assert len(callbacks) == 1  # both in one batch
    assert sorted(m.to[0] for m in mail.outbox) == sorted([stuck_queued.user.email, stuck_sending.user.email])
    states = dict(Invitation.objects.values_list("pk", "delivery"))
    assert (states[fresh_queued.pk], states[busy_sending.pk]) == (Invitation.Delivery.QUEUED,) * 2
    assert (message_of(fresh_queued).state, message_of(busy_sending).state) == (State.QUEUED, State.SENDING)
    assert message_of(stuck_sending).attempts == 2


def test_deliveries_sweep_queues_calendar_updates_missed_by_a_race(round_, django_capture_on_commit_callbacks):
    invitation = InvitationFactory(round=round_, delivery=Invitation.Delivery.SENT, sent_sequence=0)
    Round.objects.filter(pk=round_.pk).update(calendar_sequence=2)

    with django_capture_on_commit_callbacks(execute=True):
        result = deliveries_sweep()

    invitation.refresh_from_db()
    assert result["calendar_updates"] == 1
    assert invitation.sent_sequence == 2
    assert invitation.message.kind == "invitation_update"
    assert ics_of(mail.outbox[0]).walk("VEVENT")[0]["SEQUENCE"] == 2


def test_round_delivery_progress_counts_states(round_, django_assert_num_queries):
    InvitationFactory.create_batch(2, round=round_, delivery=Invitation.Delivery.SENT)
    InvitationFactory(round=round_, delivery=Invitation.Delivery.FAILED)
    InvitationFactory(round=round_, delivery=Invitation.Delivery.QUEUED)

    with django_assert_num_queries(1):
        progress = round_delivery_progress(round_)

    assert progress == {
        "pending": 0,
        "queued": 1,
        "sent": 2,
        "failed": 1,
        "total": 4,
        "done": 3,
        "percent": 75,
    }


@pytest.mark.parametrize(
    ("exc", "temporary"),
    [
        (smtplib.SMTPResponseException(451, b"later"), True),
        (smtplib.SMTPServerDisconnected("gone"), True),
        (ConnectionRefusedError(111, "refused"), True),
        (TimeoutError(), True),
        (smtplib.SMTPRecipientsRefused({"a@example.org": (450, b"busy")}), True),
        (smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"unknown")}), False),
        (smtplib.SMTPDataError(554, b"spam"), False),
        (ValueError("bug"), None),
    ],
)
def test_classify_send_error(exc, temporary):
    assert classify_send_error(exc)[0] is temporary


def test_retry_countdown_grows_exponentially_and_is_capped(settings):
    settings.DELIVERY_RETRY_BASE_SECONDS = 30
    settings.DELIVERY_RETRY_MAX_SECONDS = 200

    assert [retry_countdown(attempts=n) for n in range(1, 6)] == [30, 60, 120, 200, 200]


def test_invitations_enqueue_stores_one_due_message_per_invitation_with_it(round_):
    invitation = InvitationFactory(round=round_)
    with time_machine.travel(NOW, tick=False):
        invitations_enqueue(invitation_ids=[invitation.pk])

    invitation.refresh_from_db()
    message = invitation.message
    assert invitation.delivery == Invitation.Delivery.QUEUED
    assert (message.kind, message.object_id, message.state, message.attempts) == (
        "invitation",
        invitation.pk,
        "queued",
        0,
    )
    assert (message.created_at, message.next_attempt_at) == (NOW, NOW)
    assert timezone.is_aware(message.next_attempt_at)


def queued(invitations) -> list[int]:
    """Queue the invitations without running the tasks, as when the broker has them but no worker ran yet;
    returns the ids of their messages."""
    invitations_enqueue(invitation_ids=[i.pk for i in invitations])
    return [message_of(i).pk for i in invitations]


def states(invitations) -> list[str]:
    by_pk = dict(Invitation.objects.values_list("pk", "delivery"))
    return [by_pk[i.pk] for i in invitations]


def test_send_invitations_duplicate_batch_claims_nothing(round_):
    invitations = InvitationFactory.create_batch(3, round=round_)
    ids = queued(invitations)

    first = send_outbox_messages.apply(args=[ids]).get()
    second = send_outbox_messages.apply(args=[ids]).get()

    assert (first, second) == (3, 0)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(i.user.email for i in invitations)
    assert states(invitations) == [Invitation.Delivery.SENT] * 3
    assert [message_of(i).attempts for i in invitations] == [1, 1, 1]


def test_send_invitations_one_permanent_failure_marks_only_that_invitation_failed(round_, failing_mail):
    invitations = InvitationFactory.create_batch(3, round=round_)
    failing_mail[invitations[1].user.email] = [mailbackends.refused(invitations[1].user.email, 550)]

    sent = send_outbox_messages.apply(args=[queued(invitations)]).get()

    assert sent == 2
    assert states(invitations) == [Invitation.Delivery.SENT, Invitation.Delivery.FAILED, Invitation.Delivery.SENT]
    assert message_of(invitations[1]).last_error.startswith("Nicht zustellbar: Empfänger")
    assert [m.to[0] for m in mail.outbox] == [invitations[0].user.email, invitations[2].user.email]


def test_invitations_deliver_temporary_failure_queues_only_that_invitation_again(round_, failing_mail):
    invitations = InvitationFactory.create_batch(3, round=round_)
    failing_mail[invitations[1].user.email] = [mailbackends.temporary(451)]

    with time_machine.travel(NOW, tick=False):
        ids = queued(invitations)
        outcome = outbox_deliver_many(message_ids=ids)

    assert outcome.sent == 2
    assert outcome.retries == [Retry(ids[1], f"round:{round_.pk}", 30)]
    assert states(invitations) == [Invitation.Delivery.SENT, Invitation.Delivery.QUEUED, Invitation.Delivery.SENT]
    assert message_of(invitations[1]).next_attempt_at == NOW + datetime.timedelta(seconds=30)
    assert len(mail.outbox) == 2


def test_invitations_deliver_lost_connection_queues_the_rest_of_the_batch(round_, failing_mail):
    invitations = InvitationFactory.create_batch(3, round=round_)
    failing_mail[invitations[1].user.email] = [ConnectionRefusedError(111, "refused")]

    ids = queued(invitations)
    outcome = outbox_deliver_many(message_ids=ids)

    assert outcome.sent == 1
    assert [retry.message_id for retry in outcome.retries] == ids[1:]
    assert states(invitations) == [Invitation.Delivery.SENT, Invitation.Delivery.QUEUED, Invitation.Delivery.QUEUED]
    assert [m.to[0] for m in mail.outbox] == [invitations[0].user.email]


def test_invitations_deliver_past_half_the_sending_timeout_gives_the_rest_back(
    round_, settings, django_capture_on_commit_callbacks
):
    settings.DELIVERY_STUCK_SENDING_SECONDS = 0
    invitations = InvitationFactory.create_batch(3, round=round_)
    ids = queued(invitations)

    with django_capture_on_commit_callbacks() as callbacks:
        outcome = outbox_deliver_many(message_ids=ids)

    assert outcome.sent == 1
    assert states(invitations) == [Invitation.Delivery.SENT, Invitation.Delivery.QUEUED, Invitation.Delivery.QUEUED]
    assert [(message_of(i).state, message_of(i).attempts) for i in invitations] == [
        (State.SENT, 1),
        (State.QUEUED, 0),
        (State.QUEUED, 0),
    ]
    assert len(callbacks) == 1


@pytest.mark.parametrize("count", [1, 10])
def test_invitations_deliver_builds_the_round_context_once_per_batch(round_, count, django_assert_num_queries):
    AgendaItemFactory(round=round_)
    ids = queued(InvitationFactory.create_batch(count, round=round_))

    # claim (one guarded UPDATE), load the claimed rows, their invitations, the round's agenda once (for the
    # emails and the calendar files), per message "sent" on the outbox row and the invitation in one transaction
    # (savepoint, update, update, release), whether anything changed while they were on their way
    with django_assert_num_queries(1 + 1 + 1 + 1 + 4 * count + 1):
        outbox_deliver_many(message_ids=ids)

    assert len(mail.outbox) == count


class CountingSMTPHandler:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.sessions: set[int] = set()
        self.recipients: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.sessions.add(id(session))
            self.recipients += envelope.rcpt_tos
        return "250 2.0.0 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    handler = CountingSMTPHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    yield handler
    controller.stop()


def test_invitations_enqueue_sends_batches_each_over_one_smtp_connection(
    round_, smtp_server, django_capture_on_commit_callbacks
):
    invitations = InvitationFactory.create_batch(BATCH_SIZE + 5, round=round_)

    send(invitations, django_capture_on_commit_callbacks)

    assert sorted(smtp_server.recipients) == sorted(i.user.email for i in invitations)
    assert len(smtp_server.sessions) == 2
    assert set(states(invitations)) == {Invitation.Delivery.SENT}


@pytest.mark.parametrize(
    ("exc", "lost"),
    [
        (smtplib.SMTPServerDisconnected("gone"), True),
        (ConnectionRefusedError(111, "refused"), True),
        (TimeoutError(), True),
        (smtplib.SMTPResponseException(421, b"closing"), True),
        (smtplib.SMTPRecipientsRefused({"a@example.org": (421, b"closing")}), True),
        (smtplib.SMTPResponseException(451, b"later"), False),
        (smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"unknown")}), False),
        (smtplib.SMTPDataError(554, b"spam"), False),
        (ValueError("bug"), False),
    ],
)
def test_connection_lost(exc, lost):
    assert connection_lost(exc) is lost
