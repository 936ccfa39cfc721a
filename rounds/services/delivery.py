"""Sending invitations, calendar updates and cancellations exactly once.

Every invitation carries its delivery state: pending → queued → sending → sent (or failed).
A task sends only after it has moved the row from "queued" to "sending" with a guarded UPDATE, so a
retried task, a duplicate enqueue or a second worker finds nothing to claim and sends nothing.

``queued_at`` is the moment the current attempt became due (enqueue, claim, or the planned retry);
the periodic sweep uses it to re-enqueue invitations stuck in "queued" (a lost broker message) and
to put invitations stuck in "sending" (a worker killed mid-send) back into the queue.

One window remains, as with every SMTP sender: a crash after the mail server accepted a message and
before the row says "sent" sends that one invitation a second time after the sending timeout.
"""

import datetime
import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from rounds.models import Invitation, Round
from rounds.services.delivery_errors import classify_send_error
from rounds.services.invitation_mail import invitation_message, message_kind

logger = logging.getLogger(__name__)

SENDABLE = [Invitation.Delivery.PENDING, Invitation.Delivery.FAILED]
ACTIVE = [Invitation.Delivery.QUEUED, Invitation.Delivery.SENDING]


class DeliveryDeferred(Exception):
    """A temporary failure: the invitation is queued again and the task retries after ``countdown`` seconds."""

    def __init__(self, reason: str, countdown: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.countdown = countdown


def retry_countdown(*, attempts: int) -> int:
    """Exponential backoff: base, 2×base, 4×base … capped."""
    base = settings.DELIVERY_RETRY_BASE_SECONDS
    return int(min(base * 2 ** max(attempts - 1, 0), settings.DELIVERY_RETRY_MAX_SECONDS))


def _publish(invitation_ids: list[int]) -> None:
    """Hand the ids to the broker; a broker that is down leaves the rows queued for the sweep."""
    from rounds.tasks.delivery import send_invitation

    for pk in invitation_ids:
        try:
            send_invitation.delay(pk)
        except (BrokerError, OSError):
            logger.warning("Broker unavailable; invitation %s stays queued for the sweep", pk)
            return


def _enqueue_after_commit(invitation_ids: list[int]) -> None:
    if invitation_ids:
        transaction.on_commit(lambda: _publish(invitation_ids))


def invitations_enqueue(*, invitation_ids: Iterable[int]) -> int:
    """Mark pending or failed invitations as queued and enqueue one send task each, after commit.

    Returns how many were queued. Invitations already queued, sending or sent are left alone, so a
    double click or a repeated submit queues nothing twice.
    """
    candidates = list(
        Invitation.objects.filter(pk__in=list(invitation_ids), delivery__in=SENDABLE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    now = timezone.now()
    queued = [
        pk
        for pk in candidates
        if Invitation.objects.filter(pk=pk, delivery__in=SENDABLE).update(
            delivery=Invitation.Delivery.QUEUED, queued_at=now, delivery_error="", delivery_attempts=0
        )
    ]
    _enqueue_after_commit(queued)
    return len(queued)


def _queue_outdated(*, round_id: int, sequence: int) -> list[int]:
    """Queue every sent invitation of the round whose calendar entry is older than ``sequence``."""
    now = timezone.now()
    candidates = Invitation.objects.filter(
        round_id=round_id, delivery=Invitation.Delivery.SENT, sent_sequence__lt=sequence
    ).values_list("pk", flat=True)
    return [
        pk
        for pk in list(candidates)
        if Invitation.objects.filter(pk=pk, delivery=Invitation.Delivery.SENT, sent_sequence__lt=sequence).update(
            delivery=Invitation.Delivery.QUEUED, queued_at=now, delivery_error="", delivery_attempts=0
        )
    ]


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


def _finish(invitation_id: int, **values) -> int:
    """Write the outcome of an attempt, unless the row left the attempt's states meanwhile."""
    return Invitation.objects.filter(pk=invitation_id, delivery__in=ACTIVE).update(**values)


def invitation_deliver(*, invitation_id: int) -> bool:
    """Claim a queued invitation and send it: invitation, calendar update or cancellation.

    Returns True when a message went out, False when there was nothing to send. Raises
    :class:`DeliveryDeferred` after a temporary failure (the invitation is queued again).
    """
    now = timezone.now()
    claimed = Invitation.objects.filter(pk=invitation_id, delivery=Invitation.Delivery.QUEUED).update(
        delivery=Invitation.Delivery.SENDING, queued_at=now, delivery_attempts=F("delivery_attempts") + 1
    )
    if not claimed:
        return False
    invitation = Invitation.objects.select_related("round__series", "user__account_invitation", "organisation").get(
        pk=invitation_id
    )
    kind = message_kind(invitation=invitation)
    if kind is None:
        _finish(invitation_id, delivery=Invitation.Delivery.PENDING, delivery_error="Runde abgesagt – nicht versandt.")
        return False
    sequence = invitation.round.calendar_sequence
    try:
        invitation_message(invitation=invitation, kind=kind).send()
    except Exception as exc:
        return _handle_failure(invitation, exc)
    _finish(
        invitation_id,
        delivery=Invitation.Delivery.SENT,
        sent_at=timezone.now(),
        sent_sequence=sequence,
        delivery_error="",
    )
    # The round may have changed while this message was on its way: queue the newer entry now.
    current = Round.objects.filter(pk=invitation.round_id).values_list("calendar_sequence", flat=True).first()
    if current is not None and current > sequence:
        _enqueue_after_commit(_queue_outdated(round_id=invitation.round_id, sequence=current))
    return True


def _handle_failure(invitation: Invitation, exc: Exception) -> bool:
    temporary, reason = classify_send_error(exc)
    attempts = invitation.delivery_attempts
    if temporary is None:
        _finish(invitation.pk, delivery=Invitation.Delivery.FAILED, delivery_error=f"Interner Fehler: {reason}")
        raise exc
    if temporary and attempts < settings.DELIVERY_MAX_ATTEMPTS:
        countdown = retry_countdown(attempts=attempts)
        _finish(
            invitation.pk,
            delivery=Invitation.Delivery.QUEUED,
            queued_at=timezone.now() + datetime.timedelta(seconds=countdown),
            delivery_error=f"Vorübergehender Fehler, neuer Versuch folgt: {reason}",
        )
        logger.info("Invitation %s deferred (%s), retry in %ss", invitation.pk, reason, countdown)
        raise DeliveryDeferred(reason, countdown)
    prefix = "Nach mehreren Versuchen nicht zustellbar" if temporary else "Nicht zustellbar"
    _finish(invitation.pk, delivery=Invitation.Delivery.FAILED, delivery_error=f"{prefix}: {reason}")
    logger.warning("Invitation %s failed: %s", invitation.pk, reason)
    return False


def deliveries_sweep() -> dict[str, int]:
    """Periodic safety net: queue again what a lost broker message, a killed worker or a race left behind."""
    now = timezone.now()
    stuck_sending = now - datetime.timedelta(seconds=settings.DELIVERY_STUCK_SENDING_SECONDS)
    stuck_queued = Q(queued_at__lt=now - datetime.timedelta(seconds=settings.DELIVERY_STUCK_QUEUED_SECONDS)) | Q(
        queued_at__isnull=True
    )
    sending = Invitation.objects.filter(delivery=Invitation.Delivery.SENDING, queued_at__lt=stuck_sending)
    reset = [
        pk
        for pk in list(sending.values_list("pk", flat=True))
        if sending.filter(pk=pk).update(delivery=Invitation.Delivery.QUEUED, queued_at=now)
    ]
    queued = Invitation.objects.filter(stuck_queued, delivery=Invitation.Delivery.QUEUED)
    requeued = [pk for pk in list(queued.values_list("pk", flat=True)) if queued.filter(pk=pk).update(queued_at=now)]
    outdated: list[int] = []
    rounds = (
        Invitation.objects.filter(delivery=Invitation.Delivery.SENT, sent_sequence__lt=F("round__calendar_sequence"))
        .values_list("round_id", "round__calendar_sequence")
        .distinct()
    )
    for round_id, sequence in list(rounds):
        outdated += _queue_outdated(round_id=round_id, sequence=sequence)
    _enqueue_after_commit(sorted(set(reset + requeued + outdated)))
    return {"reset_sending": len(reset), "requeued": len(requeued), "calendar_updates": len(outdated)}
