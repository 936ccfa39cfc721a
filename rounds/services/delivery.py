"""Sending invitations, calendar updates and cancellations exactly once.

Every invitation carries its delivery state: pending → queued → sending → sent (or failed).
Queued invitations go to the broker in batches of one round (``send_invitations``). A batch sends only
the rows it has moved from "queued" to "sending" with one guarded UPDATE, so a retried task, a
duplicate enqueue or a second worker finds nothing to claim and sends nothing. It renders the round's
part once, sends over one SMTP connection and stores "sent" for each message as soon as the mail server
accepted it. A temporary failure puts only its invitation back into the queue, retried on its own
(``send_invitation``) after a backoff.

``queued_at`` is the moment the current attempt became due (enqueue, claim, or the planned retry);
the periodic sweep uses it to re-enqueue invitations stuck in "queued" (a lost broker message) and
to put invitations stuck in "sending" (a worker killed mid-batch) back into the queue.

One window remains, as with every SMTP sender: a crash after the mail server accepted a message and
before the row says "sent" sends that one invitation a second time after the sending timeout. The
other invitations of a killed batch were either stored as sent or not sent at all.
"""

import datetime
import logging
import smtplib
from collections import defaultdict
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from rounds.models import Invitation, Round
from rounds.services.invitation_mail import KIND_WITHDRAWN, invitation_message, message_kind, round_email_context
from strategy_exchange.outbox import retry_countdown
from strategy_exchange.send_errors import classify_send_error, connection_lost

logger = logging.getLogger(__name__)

SENDABLE = [Invitation.Delivery.PENDING, Invitation.Delivery.FAILED]
ACTIVE = [Invitation.Delivery.QUEUED, Invitation.Delivery.SENDING]
BATCH_SIZE = 25  # invitations of one round per task: one claim, one agenda query, one SMTP connection


class DeliveryDeferred(Exception):
    """A temporary failure: the invitation is queued again and the task retries after ``countdown`` seconds."""

    def __init__(self, reason: str, countdown: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.countdown = countdown


def _publish(batches: list[list[int]]) -> None:
    """Hand the batches to the broker; a broker that is down leaves the rows queued for the sweep."""
    from rounds.tasks.delivery import send_invitations
    from strategy_exchange.celery import enqueue

    for invitation_ids in batches:
        if not enqueue(send_invitations, invitation_ids):
            return


def _batches(rows: list[tuple[int, int]]) -> list[list[int]]:
    """``(id, round_id)`` rows as lists of at most ``BATCH_SIZE`` ids, each of one round (one context to build)."""
    by_round: dict[int, list[int]] = defaultdict(list)
    for pk, round_id in sorted(rows):
        by_round[round_id].append(pk)
    return [ids[i : i + BATCH_SIZE] for ids in by_round.values() for i in range(0, len(ids), BATCH_SIZE)]


def _enqueue_after_commit(rows: list[tuple[int, int]]) -> None:
    if rows:
        batches = _batches(rows)
        transaction.on_commit(lambda: _publish(batches))


def _transition(queryset: QuerySet[Invitation], **values) -> list[tuple[int, int]]:
    """Move the rows of ``queryset`` to ``values`` in one UPDATE; returns their ``(id, round_id)``.

    The rows are locked first, in id order: a concurrent transition of the same rows waits for this one, then no
    longer finds them in their old state (PostgreSQL re-checks the filter of a row it waited for), so every row
    moves once. Waiting rather than skipping locked rows: a row locked for another reason (an RSVP being saved)
    must not be left behind.
    """
    with transaction.atomic():
        rows = list(queryset.select_for_update().order_by("pk").values_list("pk", "round_id"))
        if rows:
            Invitation.objects.filter(pk__in=[pk for pk, _round_id in rows]).update(**values)
    return rows


def _queued_values(now: datetime.datetime) -> dict:
    return {
        "delivery": Invitation.Delivery.QUEUED,
        "queued_at": now,
        "waiting_since": now,
        "delivery_error": "",
        "delivery_attempts": 0,
    }


def invitations_enqueue(*, invitation_ids: Iterable[int]) -> int:
    """Mark pending or failed invitations as queued and enqueue their sending in batches, after commit.

    Returns how many were queued. Invitations already queued, sending or sent are left alone, so a
    double click or a repeated submit queues nothing twice.
    """
    candidates = Invitation.objects.filter(pk__in=list(invitation_ids), delivery__in=SENDABLE)
    queued = _transition(candidates, **_queued_values(timezone.now()))
    _enqueue_after_commit(queued)
    return len(queued)


def _queue_outdated(*, round_id: int, sequence: int) -> list[tuple[int, int]]:
    """Queue every sent invitation of the round whose calendar entry is older than ``sequence``."""
    outdated = Invitation.objects.filter(
        round_id=round_id, delivery=Invitation.Delivery.SENT, sent_sequence__lt=sequence, withdrawn_at__isnull=True
    )
    return _transition(outdated, **_queued_values(timezone.now()))


def round_calendar_changed(*, round_: Round) -> int:
    """Call after a round was moved, changed or cancelled (``round_.status`` already saved).

    Raises the round's calendar SEQUENCE and queues, for every invitee who already received a calendar
    entry, one update (METHOD:REQUEST, same UID) or — for a cancelled round — one cancellation
    (METHOD:CANCEL). Returns how many were queued. Each sequence reaches each invitee at most once;
    invitations still waiting to be sent go out with the new data anyway.
    """
    Round.objects.filter(pk=round_.pk).update(calendar_sequence=F("calendar_sequence") + 1)
    round_.refresh_from_db(fields=["calendar_sequence"])
    queued = _queue_outdated(round_id=round_.pk, sequence=round_.calendar_sequence)
    _enqueue_after_commit(queued)
    return len(queued)


def invitation_withdrawal_queue(*, invitation_id: int) -> int:
    """Queue the calendar cancellation of a withdrawn invitation (one already queued sends it when claimed)."""
    rows = Invitation.objects.filter(pk=invitation_id, withdrawn_at__isnull=False).exclude(delivery__in=ACTIVE)
    queued = _transition(rows, **_queued_values(timezone.now()))
    _enqueue_after_commit(queued)
    return len(queued)


def _finish(invitation_id: int, **values) -> int:
    """Write the outcome of an attempt, unless the row left the attempt's states meanwhile."""
    return Invitation.objects.filter(pk=invitation_id, delivery__in=ACTIVE).update(**values)


@dataclass
class BatchOutcome:
    """What a batch did: messages sent, and the invitations deferred after a temporary failure (queued again)."""

    sent: int = 0
    deferred: dict[int, DeliveryDeferred] = field(default_factory=dict)


def _claim(invitation_ids: list[int]) -> tuple[datetime.datetime, list[Invitation]]:
    """Move the queued ones of ``invitation_ids`` to "sending" and load them; ``queued_at`` of the claimed rows
    is the claim's moment, which tells this batch's claim apart from a later one."""
    claimed_at = timezone.now()
    queued = Invitation.objects.filter(pk__in=invitation_ids, delivery=Invitation.Delivery.QUEUED)
    rows = _transition(
        queued,
        delivery=Invitation.Delivery.SENDING,
        queued_at=claimed_at,
        delivery_attempts=F("delivery_attempts") + 1,
    )
    if not rows:
        return claimed_at, []
    invitations = Invitation.objects.filter(pk__in=[pk for pk, _round_id in rows]).select_related(
        "round__series", "user__account_invitation", "organisation"
    )
    return claimed_at, list(invitations.order_by("pk"))


def _release(invitations: list[Invitation], *, claimed_at: datetime.datetime) -> None:
    """Give claimed but untried invitations back to the queue (as a new batch), unless claimed anew meanwhile."""
    ours = Invitation.objects.filter(
        pk__in=[i.pk for i in invitations], delivery=Invitation.Delivery.SENDING, queued_at=claimed_at
    )
    released = _transition(
        ours,
        delivery=Invitation.Delivery.QUEUED,
        queued_at=timezone.now(),
        delivery_attempts=F("delivery_attempts") - 1,
    )
    _enqueue_after_commit(released)


def invitations_deliver(*, invitation_ids: list[int]) -> BatchOutcome:
    """Claim the queued ones of ``invitation_ids`` and send each its invitation, calendar update or cancellation,
    over one connection to the mail server.

    Each row says "sent" right after the server accepted its message, so a crash in the middle of a batch
    sends nothing twice but the one message in flight; the claimed rows not yet sent stay "sending" until the
    sweep queues them again. A batch stops before half of ``DELIVERY_STUCK_SENDING_SECONDS`` has passed since
    its claim (and queues the rest as a new batch), so the sweep never takes a row away from a batch still
    working on it. A permanent failure marks only its invitation failed; a temporary one queues its invitation
    again (see ``BatchOutcome.deferred``), and when the server cannot be reached, the rest of the batch with it.
    An error that is not about sending (a bug) marks its invitation failed and is raised after the batch.
    """
    claimed_at, invitations = _claim(invitation_ids)
    outcome = BatchOutcome()
    if not invitations:
        return outcome
    deadline = claimed_at + datetime.timedelta(seconds=settings.DELIVERY_STUCK_SENDING_SECONDS / 2)
    round_contexts: dict[int, dict] = {}
    sequences: dict[int, int] = {}
    bug: Exception | None = None
    mailer = get_connection()
    keep_open = isinstance(mailer, SMTPBackend)  # file and test backends keep their one-message-per-call habits
    try:
        for index, invitation in enumerate(invitations):
            if index and timezone.now() >= deadline:  # the first one always goes: every batch makes progress
                _release(invitations[index:], claimed_at=claimed_at)
                break
            kind = message_kind(invitation=invitation)
            if kind is None:
                _finish(
                    invitation.pk,
                    delivery=Invitation.Delivery.PENDING,
                    delivery_error="Runde abgesagt – nicht versandt.",
                )
                continue
            sequence = invitation.round.calendar_sequence
            try:
                if invitation.round_id not in round_contexts:
                    round_contexts[invitation.round_id] = round_email_context(round_=invitation.round)
                message = invitation_message(
                    invitation=invitation, kind=kind, round_context=round_contexts[invitation.round_id]
                )
                message.connection = mailer
                if keep_open and mailer.connection is None:
                    mailer.open()  # once per batch, and again after a failure closed the connection
                message.send()
            except Exception as exc:
                if keep_open:
                    _close_quietly(mailer)
                if connection_lost(exc):
                    for waiting in invitations[index:]:
                        _defer_or_fail(waiting, exc, outcome)
                    break
                if _defer_or_fail(invitation, exc, outcome) is None:
                    logger.exception("Invitation %s not sent", invitation.pk)
                    bug = bug or exc
                continue
            outcome.sent += 1
            if kind == KIND_WITHDRAWN:
                # The cancellation is out: nothing is left to send, and the row has no one left to record.
                Invitation.objects.filter(pk=invitation.pk, delivery=Invitation.Delivery.SENDING).delete()
                continue
            _finish(
                invitation.pk,
                delivery=Invitation.Delivery.SENT,
                sent_at=timezone.now(),
                sent_sequence=sequence,
                delivery_error="",
            )
            sequences[invitation.round_id] = min(sequence, sequences.get(invitation.round_id, sequence))
    finally:
        if keep_open:
            _close_quietly(mailer)
    _queue_newer_calendars(sequences)
    if bug is not None:
        raise bug
    return outcome


def _close_quietly(mailer: SMTPBackend) -> None:
    with suppress(smtplib.SMTPException, OSError):
        mailer.close()


def _queue_newer_calendars(sequences: dict[int, int]) -> None:
    """A round may have changed while its messages were on their way: queue the newer entry now."""
    if not sequences:
        return
    current = dict(Round.objects.filter(pk__in=list(sequences)).order_by().values_list("pk", "calendar_sequence"))
    for round_id, sequence in sequences.items():
        if current.get(round_id, sequence) > sequence:
            _enqueue_after_commit(_queue_outdated(round_id=round_id, sequence=current[round_id]))


def _defer_or_fail(invitation: Invitation, exc: Exception, outcome: BatchOutcome) -> bool | None:
    """Store the outcome of a failed attempt: True when queued again (recorded in ``outcome.deferred``), False
    when marked failed for good, None when marked failed because of an error that is not about sending."""
    temporary, reason = classify_send_error(exc)
    attempts = invitation.delivery_attempts
    if temporary is None:
        _finish(invitation.pk, delivery=Invitation.Delivery.FAILED, delivery_error=f"Interner Fehler: {reason}")
        return None
    if temporary and attempts < settings.DELIVERY_MAX_ATTEMPTS:
        countdown = retry_countdown(attempts=attempts)
        _finish(
            invitation.pk,
            delivery=Invitation.Delivery.QUEUED,
            queued_at=timezone.now() + datetime.timedelta(seconds=countdown),
            delivery_error=f"Vorübergehender Fehler, neuer Versuch folgt: {reason}",
        )
        logger.info("Invitation %s deferred (%s), retry in %ss", invitation.pk, reason, countdown)
        outcome.deferred[invitation.pk] = DeliveryDeferred(reason, countdown)
        return True
    prefix = "Nach mehreren Versuchen nicht zustellbar" if temporary else "Nicht zustellbar"
    _finish(invitation.pk, delivery=Invitation.Delivery.FAILED, delivery_error=f"{prefix}: {reason}")
    logger.warning("Invitation %s failed: %s", invitation.pk, reason)
    return False


def invitation_deliver(*, invitation_id: int) -> bool:
    """Claim a queued invitation and send it: invitation, calendar update or cancellation.

    Returns True when a message went out, False when there was nothing to send. Raises
    :class:`DeliveryDeferred` after a temporary failure (the invitation is queued again).
    """
    outcome = invitations_deliver(invitation_ids=[invitation_id])
    if invitation_id in outcome.deferred:
        raise outcome.deferred[invitation_id]
    return outcome.sent == 1


def retries_publish(*, deferred: dict[int, DeliveryDeferred]) -> None:
    """Send each deferred invitation again on its own after its countdown; if the broker is down, the sweep will."""
    from rounds.tasks.delivery import send_invitation
    from strategy_exchange.celery import enqueue

    for pk, deferral in deferred.items():
        if not enqueue(send_invitation, pk, countdown=deferral.countdown):
            return


def deliveries_sweep() -> dict[str, int]:
    """Periodic safety net: queue again what a lost broker message, a killed worker or a race left behind."""
    now = timezone.now()
    stuck_sending = now - datetime.timedelta(seconds=settings.DELIVERY_STUCK_SENDING_SECONDS)
    stuck_queued = Q(queued_at__lt=now - datetime.timedelta(seconds=settings.DELIVERY_STUCK_QUEUED_SECONDS)) | Q(
        queued_at__isnull=True
    )
    sending = Invitation.objects.filter(delivery=Invitation.Delivery.SENDING, queued_at__lt=stuck_sending)
    reset = _transition(sending, delivery=Invitation.Delivery.QUEUED, queued_at=now)
    queued = Invitation.objects.filter(stuck_queued, delivery=Invitation.Delivery.QUEUED)
    requeued = _transition(queued, queued_at=now)
    outdated: list[tuple[int, int]] = []
    rounds = (
        Invitation.objects.filter(delivery=Invitation.Delivery.SENT, sent_sequence__lt=F("round__calendar_sequence"))
        .values_list("round_id", "round__calendar_sequence")
        .distinct()
    )
    for round_id, sequence in list(rounds):
        outdated += _queue_outdated(round_id=round_id, sequence=sequence)
    _enqueue_after_commit(sorted(set(reset + requeued + outdated)))
    return {"reset_sending": len(reset), "requeued": len(requeued), "calendar_updates": len(outdated)}
