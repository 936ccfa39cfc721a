"""One outbox for every outgoing message: a stored row, claimed by a guarded UPDATE, retried and swept here.

A service that wants a message sent stores an :class:`OutboxMessage` with :func:`outbox_put`, in the same
transaction as the change that calls for it; after the commit the row goes to the broker. The worker claims it
(queued → sending, one UPDATE that only one worker wins), renders it from the row it is about through the
renderer its app registered for the kind (so a reminder for a round that moved meanwhile is dropped, not sent),
sends it and stores the outcome: sent; queued again with a backoff after a temporary failure (4xx, the server
unreachable); failed after a permanent one (5xx) or after ``DELIVERY_MAX_ATTEMPTS``. The periodic sweep queues
again what a lost broker message or a killed worker left behind.

Invitations, calendar updates and cancellations keep their state on the invitation itself (the invitation is
their outbox row, see ``rounds.services.delivery``), because they are sent in batches of one round over one
connection; they share the retry policy and the error classification of this module.

The one window of every SMTP sender remains: a crash after the mail server accepted a message and before the row
says "sent" sends that message a second time after ``DELIVERY_STUCK_SENDING_SECONDS``.
"""

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from strategy_exchange.models import OutboxMessage
from strategy_exchange.send_errors import classify_send_error

logger = logging.getLogger(__name__)

State = OutboxMessage.State
WAITING = [State.QUEUED, State.SENDING]
# A message is due this much before its next attempt: the clocks of web and worker may differ by a little.
CLOCK_TOLERANCE = datetime.timedelta(seconds=2)


@dataclass(frozen=True)
class Kind:
    """How to turn a row of this kind into an email (None: no longer needed), and what to note once it is out."""

    render: Callable[[OutboxMessage], EmailMessage | None]
    sent: Callable[[OutboxMessage], object] | None = None


KINDS: dict[str, Kind] = {}


def outbox_kind_register(
    name: str,
    *,
    render: Callable[[OutboxMessage], EmailMessage | None],
    sent: Callable[[OutboxMessage], object] | None = None,
) -> None:
    """Called by each app when it is ready, for each kind of message it sends."""
    KINDS[name] = Kind(render=render, sent=sent)


def retry_countdown(*, attempts: int) -> int:
    """Exponential backoff: base, 2×base, 4×base … capped; the same for every kind of message."""
    base = settings.DELIVERY_RETRY_BASE_SECONDS
    return int(min(base * 2 ** max(attempts - 1, 0), settings.DELIVERY_RETRY_MAX_SECONDS))


def outbox_publish(message_id: int, *, countdown: float | None = None) -> bool:
    """Hand one row to the broker; a broker that is down leaves it queued for the sweep."""
    from strategy_exchange.celery import enqueue
    from strategy_exchange.tasks import send_outbox_message

    return enqueue(send_outbox_message, message_id, countdown=countdown)


def outbox_put(*, kind: str, object_id: int, key: str | None = None, scope: str = "") -> OutboxMessage | None:
    """Store one message about ``object_id`` and send it after the commit; the row is new only once per ``key``
    (default ``<kind>:<object_id>``), so a repeated call stores and sends nothing. Returns the new row or None."""
    if kind not in KINDS:
        raise ValueError(f"unknown outbox kind {kind!r}")
    key = key or f"{kind}:{object_id}"
    try:
        with transaction.atomic():
            message = OutboxMessage.objects.create(
                kind=kind, key=key, object_id=object_id, scope=scope, next_attempt_at=timezone.now()
            )
    except IntegrityError:
        return None
    transaction.on_commit(lambda: outbox_publish(message.pk))
    return message


@dataclass(frozen=True)
class Attempt:
    """What one call of :func:`outbox_deliver` did; ``retry_in`` is set when the row is queued again."""

    state: str
    retry_in: int | None = None


def _finish(message: OutboxMessage, **values) -> int:
    """Store the outcome of this attempt, unless the sweep took the row away from it meanwhile."""
    return OutboxMessage.objects.filter(pk=message.pk, state=State.SENDING, claimed_at=message.claimed_at).update(
        **values
    )


def outbox_deliver(*, message_id: int) -> Attempt:
    """Claim one due row and send its message. A row that is not queued (sent, claimed by another worker, not
    due yet) is left alone: a duplicate task sends nothing. An error that is not about sending (a bug in a
    renderer) marks the row failed and is raised."""
    now = timezone.now()
    due = now + CLOCK_TOLERANCE
    claimed = OutboxMessage.objects.filter(pk=message_id, state=State.QUEUED, next_attempt_at__lte=due).update(
        state=State.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return Attempt("skipped")
    message = OutboxMessage.objects.get(pk=message_id)
    kind = KINDS.get(message.kind)
    try:
        if kind is None:
            raise LookupError(f"unknown outbox kind {message.kind!r}")
        email = kind.render(message)
        if email is None:
            _finish(message, state=State.DROPPED, last_error="")
            return Attempt(State.DROPPED)
        email.send()
    except Exception as exc:
        return _failed(message, exc)
    _finish(message, state=State.SENT, sent_at=timezone.now(), last_error="")
    if kind.sent is not None:
        kind.sent(message)
    return Attempt(State.SENT)


def _failed(message: OutboxMessage, exc: Exception) -> Attempt:
    temporary, reason = classify_send_error(exc)
    if temporary is None:
        logger.exception("Outbox message %s (%s) not sent", message.pk, message.kind)
        _finish(message, state=State.FAILED, last_error=f"Interner Fehler: {reason}")
        raise exc
    if temporary and message.attempts < settings.DELIVERY_MAX_ATTEMPTS:
        countdown = retry_countdown(attempts=message.attempts)
        _finish(
            message,
            state=State.QUEUED,
            next_attempt_at=timezone.now() + datetime.timedelta(seconds=countdown),
            last_error=f"Vorübergehender Fehler, neuer Versuch folgt: {reason}",
        )
        logger.info("Outbox message %s deferred (%s), retry in %ss", message.pk, reason, countdown)
        return Attempt(State.QUEUED, retry_in=countdown)
    prefix = "Nach mehreren Versuchen nicht zustellbar" if temporary else "Nicht zustellbar"
    _finish(message, state=State.FAILED, last_error=f"{prefix}: {reason}")
    logger.warning("Outbox message %s (%s) failed: %s", message.pk, message.kind, reason)
    return Attempt(State.FAILED)


def outbox_retry(*, message_id: int) -> int:
    """Queue a failed message again (an organiser fixed the address or the mail server)."""
    rows = OutboxMessage.objects.filter(pk=message_id, state=State.FAILED).update(
        state=State.QUEUED, attempts=0, next_attempt_at=timezone.now()
    )
    if rows:
        transaction.on_commit(lambda: outbox_publish(message_id))
    return rows


def outbox_sweep() -> dict[str, int]:
    """Periodic safety net: rows stuck in "sending" (a worker killed mid-send) go back to the queue, and due rows
    whose broker message was lost are published again. Both by guarded UPDATEs, so two sweeps do it once."""
    now = timezone.now()
    stuck_sending = now - datetime.timedelta(seconds=settings.DELIVERY_STUCK_SENDING_SECONDS)
    stuck_queued = now - datetime.timedelta(seconds=settings.DELIVERY_STUCK_QUEUED_SECONDS)
    reset = []
    for pk, claimed_at in list(
        OutboxMessage.objects.filter(state=State.SENDING, claimed_at__lt=stuck_sending).values_list("pk", "claimed_at")
    ):
        if OutboxMessage.objects.filter(pk=pk, state=State.SENDING, claimed_at=claimed_at).update(
            state=State.QUEUED, next_attempt_at=now
        ):
            reset.append(pk)
    due = []
    for pk, next_attempt_at in list(
        OutboxMessage.objects.filter(state=State.QUEUED, next_attempt_at__lt=stuck_queued).values_list(
            "pk", "next_attempt_at"
        )
    ):
        if OutboxMessage.objects.filter(pk=pk, state=State.QUEUED, next_attempt_at=next_attempt_at).update(
            next_attempt_at=now
        ):
            due.append(pk)
    # all() stops at the first one the broker does not take; the next sweep publishes those that are left.
    transaction.on_commit(lambda: all(outbox_publish(pk) for pk in reset + due))
    return {"outbox_reset_sending": len(reset), "outbox_requeued": len(due)}
