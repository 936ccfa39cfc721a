"""One outbox for every outgoing message: a stored row, claimed by a guarded UPDATE, retried and swept here.

A service that wants a message sent stores an :class:`OutboxMessage` with :func:`outbox_put` (or many at once with
:func:`outbox_put_many`), in the same transaction as the change that calls for it; after the commit the rows go to
the broker, in batches of one ``scope`` each. A worker claims a batch (queued → sending, one guarded UPDATE that
marks the rows with the claim's token, so a second worker or a duplicate task finds nothing to claim), renders each
message from the row it is about through the renderer its app registered for the kind (so a reminder for a round
that moved meanwhile is dropped, not sent), sends the batch over one connection to the mail server and stores each
outcome as soon as it is known: sent; queued again with a backoff after a temporary failure (4xx, the server
unreachable); failed after a permanent one (5xx) or after ``DELIVERY_MAX_ATTEMPTS``. The periodic sweep queues
again what a lost broker message or a killed worker left behind.

A kind may prepare a whole batch at once (``prepare``: one query for all rows, the shared parts rendered once, as
the invitations of a round do) and may mirror each stored outcome on its own row in the same transaction
(``Batch.stored``), which is how an invitation's delivery status follows its messages.

The one window of every SMTP sender remains: a crash after the mail server accepted a message and before the row
says "sent" sends that message a second time after ``DELIVERY_STUCK_SENDING_SECONDS``. A batch stops before half of
that time has passed since its claim and gives the rest back, so the sweep never takes a row away from a batch still
working on it.
"""

import datetime
import logging
import smtplib
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from strategy_exchange.models import OutboxMessage
from strategy_exchange.send_errors import classify_send_error, connection_lost

logger = logging.getLogger(__name__)

State = OutboxMessage.State
WAITING = [State.QUEUED, State.SENDING]
BATCH_SIZE = 25  # messages of one scope per task: one claim, one preparation, one SMTP connection
# A message is due this much before its next attempt: the clocks of web and worker may differ by a little.
CLOCK_TOLERANCE = datetime.timedelta(seconds=2)

Render = Callable[[OutboxMessage], EmailMessage | None]


@dataclass(frozen=True)
class Batch:
    """How to send the claimed rows of one kind: ``render`` turns a row into its email (None: no longer needed;
    it may set ``message.kind`` to the kind it really renders); ``stored`` is called in the transaction that stores
    a row's outcome (sent, failed, dropped, or queued again by :func:`outbox_retry`); ``done`` once the batch is
    through, with the rows it sent."""

    render: Render
    stored: Callable[[OutboxMessage], object] | None = None
    done: Callable[[list[OutboxMessage]], object] | None = None


@dataclass(frozen=True)
class Kind:
    """A kind of message: ``render`` one row at a time, or ``prepare`` a :class:`Batch` for many rows at once;
    ``sent`` is what to note once a message is out."""

    render: Render | None = None
    sent: Callable[[OutboxMessage], object] | None = None
    prepare: Callable[[list[OutboxMessage]], Batch] | None = None

    def batch(self, messages: list[OutboxMessage]) -> Batch:
        if self.prepare is not None:
            return self.prepare(messages)
        assert self.render is not None
        return Batch(render=self.render)


KINDS: dict[str, Kind] = {}


def outbox_kind_register(
    name: str,
    *,
    render: Render | None = None,
    sent: Callable[[OutboxMessage], object] | None = None,
    prepare: Callable[[list[OutboxMessage]], Batch] | None = None,
) -> None:
    """Called by each app when it is ready, for each kind of message it sends."""
    if (render is None) == (prepare is None):
        raise ValueError(f"outbox kind {name!r} needs either render or prepare")
    KINDS[name] = Kind(render=render, sent=sent, prepare=prepare)


def retry_countdown(*, attempts: int) -> int:
    """Exponential backoff: base, 2×base, 4×base … capped; the same for every kind of message."""
    base = settings.DELIVERY_RETRY_BASE_SECONDS
    return int(min(base * 2 ** max(attempts - 1, 0), settings.DELIVERY_RETRY_MAX_SECONDS))


def outbox_publish(message_id: int, *, countdown: float | None = None) -> bool:
    """Hand one row to the broker; a broker that is down leaves it queued for the sweep."""
    from strategy_exchange.celery import enqueue
    from strategy_exchange.tasks import send_outbox_message

    return enqueue(send_outbox_message, message_id, countdown=countdown)


def _batches(rows: Iterable[tuple[int, str]]) -> list[list[int]]:
    """``(id, scope)`` rows as lists of at most ``BATCH_SIZE`` ids, each of one scope (one preparation)."""
    by_scope: dict[str, list[int]] = defaultdict(list)
    for pk, scope in sorted(rows):
        by_scope[scope].append(pk)
    return [ids[i : i + BATCH_SIZE] for ids in by_scope.values() for i in range(0, len(ids), BATCH_SIZE)]


def outbox_publish_many(rows: Iterable[tuple[int, str]], *, countdown: float | None = None) -> bool:
    """Hand ``(id, scope)`` rows to the broker in batches; stops at the first one the broker does not take (the
    sweep publishes those that are left). A batch of one goes as a single message."""
    from strategy_exchange.celery import enqueue
    from strategy_exchange.tasks import send_outbox_messages

    for ids in _batches(rows):
        published = (
            outbox_publish(ids[0], countdown=countdown)
            if len(ids) == 1
            else enqueue(send_outbox_messages, ids, countdown=countdown)
        )
        if not published:
            return False
    return True


def _after_commit(rows: list[tuple[int, str]], *, countdown: float | None = None) -> None:
    if rows:
        transaction.on_commit(lambda: outbox_publish_many(rows, countdown=countdown))


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
class NewMessage:
    """One message for :func:`outbox_put_many`; without a key, a unique one is made up."""

    kind: str
    object_id: int
    scope: str = ""
    key: str = ""


def outbox_put_many(*, messages: Iterable[NewMessage]) -> list[OutboxMessage]:
    """Store many messages with one INSERT (in the caller's transaction) and send them after the commit in batches
    of one scope each, over one connection per batch. The caller makes sure each is wanted once (the rows it is
    about are locked); a key given twice raises ``IntegrityError``. Returns the rows, in the order given."""
    now = timezone.now()
    rows = []
    for new in messages:
        if new.kind not in KINDS:
            raise ValueError(f"unknown outbox kind {new.kind!r}")
        key = new.key or f"{new.kind}:{new.object_id}:{uuid.uuid4().hex[:16]}"
        rows.append(
            OutboxMessage(kind=new.kind, key=key, object_id=new.object_id, scope=new.scope, next_attempt_at=now)
        )
    created = OutboxMessage.objects.bulk_create(rows)
    _after_commit([(message.pk, message.scope) for message in created])
    return created


@dataclass(frozen=True)
class Retry:
    """A row queued again after a temporary failure, due in ``countdown`` seconds."""

    message_id: int
    scope: str
    countdown: int


@dataclass
class Outcome:
    """What one call of :func:`outbox_deliver_many` did: how many went out, each claimed row's new state, and the
    rows queued again after a temporary failure (for the caller to publish after their backoff)."""

    sent: int = 0
    states: dict[int, str] = field(default_factory=dict)
    retries: list[Retry] = field(default_factory=list)


@dataclass(frozen=True)
class Attempt:
    """What one call of :func:`outbox_deliver` did; ``retry_in`` is set when the row is queued again."""

    state: str
    retry_in: int | None = None


def _finish(message: OutboxMessage, **values) -> int:
    """Store the outcome of this attempt, unless the sweep took the row away from it meanwhile."""
    return OutboxMessage.objects.filter(pk=message.pk, state=State.SENDING, claim_token=message.claim_token).update(
        **values
    )


def _claim(message_ids: list[int]) -> list[OutboxMessage]:
    """Move the due queued rows of ``message_ids`` to "sending" with one guarded UPDATE and load them. The token
    tells this claim's rows apart from any other claim's."""
    now = timezone.now()
    token = uuid.uuid4().hex
    claimed = OutboxMessage.objects.filter(
        pk__in=message_ids, state=State.QUEUED, next_attempt_at__lte=now + CLOCK_TOLERANCE
    ).update(state=State.SENDING, claimed_at=now, claim_token=token, attempts=F("attempts") + 1)
    if not claimed:
        return []
    return list(OutboxMessage.objects.filter(pk__in=message_ids, claim_token=token).order_by("pk"))


class _Kinds:
    """The claimed rows' kinds, each prepared once per batch (a preparation that fails fails each of its rows)."""

    def __init__(self, messages: list[OutboxMessage]) -> None:
        self.messages = messages
        self.batches: dict[str, Batch | Exception] = {}

    def batch(self, name: str) -> Batch:
        if name not in self.batches:
            try:
                kind = KINDS.get(name)
                if kind is None:
                    raise LookupError(f"unknown outbox kind {name!r}")
                self.batches[name] = kind.batch([m for m in self.messages if m.kind == name])
            except Exception as exc:
                self.batches[name] = exc
        prepared = self.batches[name]
        if isinstance(prepared, Exception):
            raise prepared
        return prepared

    def stored(self, name: str) -> Callable[[OutboxMessage], object] | None:
        prepared = self.batches.get(name)
        return prepared.stored if isinstance(prepared, Batch) else None


def _store(kinds: _Kinds, name: str, message: OutboxMessage, **values) -> int:
    """Store an outcome and let the kind mirror it, in one transaction; nothing when the row is no longer ours."""
    stored = kinds.stored(name)
    if stored is None:
        return _finish(message, **values)
    with transaction.atomic():
        rows = _finish(message, **values)
        if rows:
            for attribute, value in values.items():
                setattr(message, attribute, value)
            stored(message)
    return rows


def outbox_deliver_many(*, message_ids: list[int]) -> Outcome:
    """Claim the due queued rows of ``message_ids`` and send their messages over one connection to the mail server.

    Rows that are not queued (sent, claimed by another worker, not due yet) are left alone: a duplicate task sends
    nothing. Each row says "sent" right after the server accepted its message; a temporary failure queues only its
    row again (``Outcome.retries``), and when the server cannot be reached, the rest of the batch with it. An error
    that is not about sending (a bug in a renderer) marks its row failed and is raised after the batch.
    """
    outcome = Outcome()
    messages = _claim(message_ids)
    if not messages:
        return outcome
    deadline = messages[0].claimed_at + datetime.timedelta(seconds=settings.DELIVERY_STUCK_SENDING_SECONDS / 2)
    kinds = _Kinds(messages)
    sent: dict[str, list[OutboxMessage]] = defaultdict(list)
    bug: Exception | None = None
    mailer = get_connection()
    keep_open = isinstance(mailer, SMTPBackend)  # file and test backends keep their one-message-per-call habits
    try:
        for index, message in enumerate(messages):
            if index and timezone.now() >= deadline:  # the first one always goes: every batch makes progress
                _release(messages[index:])
                break
            name = message.kind
            try:
                email = kinds.batch(name).render(message)
                if email is None:
                    if _store(kinds, name, message, state=State.DROPPED, last_error=""):
                        outcome.states[message.pk] = State.DROPPED
                    continue
                email.connection = mailer
                if keep_open and mailer.connection is None:
                    mailer.open()  # once per batch, and again after a failure closed the connection
                email.send()
            except Exception as exc:
                if keep_open:
                    _close_quietly(mailer)
                if connection_lost(exc):
                    for waiting in messages[index:]:
                        _failed(kinds, waiting, exc, outcome)
                    break
                if _failed(kinds, message, exc, outcome) is None:
                    logger.exception("Outbox message %s (%s) not sent", message.pk, message.kind)
                    bug = bug or exc
                continue
            if _store(kinds, name, message, state=State.SENT, kind=message.kind, sent_at=timezone.now(), last_error=""):
                outcome.sent += 1
                outcome.states[message.pk] = State.SENT
                sent[name].append(message)
                kind = KINDS[name]
                if kind.sent is not None:
                    kind.sent(message)
    finally:
        if keep_open:
            _close_quietly(mailer)
    for name, rows in sent.items():
        done = kinds.batch(name).done
        if done is not None:
            done(rows)
    if bug is not None:
        raise bug
    return outcome


def outbox_deliver(*, message_id: int) -> Attempt:
    """Claim one due row and send its message (see :func:`outbox_deliver_many`)."""
    outcome = outbox_deliver_many(message_ids=[message_id])
    retry_in = next((retry.countdown for retry in outcome.retries if retry.message_id == message_id), None)
    return Attempt(outcome.states.get(message_id, "skipped"), retry_in=retry_in)


def _close_quietly(mailer: SMTPBackend) -> None:
    with suppress(smtplib.SMTPException, OSError):
        mailer.close()


def _release(messages: list[OutboxMessage]) -> None:
    """Give claimed but untried rows back to the queue (as a new batch); the claim did not count as an attempt."""
    ours = OutboxMessage.objects.filter(
        pk__in=[m.pk for m in messages], state=State.SENDING, claim_token=messages[0].claim_token
    )
    rows = list(ours.values_list("pk", "scope"))
    ours.update(state=State.QUEUED, next_attempt_at=timezone.now(), attempts=F("attempts") - 1, claim_token="")
    _after_commit(rows)


def _failed(kinds: _Kinds, message: OutboxMessage, exc: Exception, outcome: Outcome) -> bool | None:
    """Store the outcome of a failed attempt: True when queued again, False when failed for good, None when failed
    because of an error that is not about sending."""
    temporary, reason = classify_send_error(exc)
    if temporary is None:
        if _store(kinds, message.kind, message, state=State.FAILED, last_error=f"Interner Fehler: {reason}"):
            outcome.states[message.pk] = State.FAILED
        return None
    if temporary and message.attempts < settings.DELIVERY_MAX_ATTEMPTS:
        countdown = retry_countdown(attempts=message.attempts)
        if _finish(
            message,
            state=State.QUEUED,
            next_attempt_at=timezone.now() + datetime.timedelta(seconds=countdown),
            last_error=f"Vorübergehender Fehler, neuer Versuch folgt: {reason}",
            claim_token="",
        ):
            outcome.states[message.pk] = State.QUEUED
            outcome.retries.append(Retry(message.pk, message.scope, countdown))
        logger.info("Outbox message %s deferred (%s), retry in %ss", message.pk, reason, countdown)
        return True
    prefix = "Nach mehreren Versuchen nicht zustellbar" if temporary else "Nicht zustellbar"
    if _store(kinds, message.kind, message, state=State.FAILED, last_error=f"{prefix}: {reason}"):
        outcome.states[message.pk] = State.FAILED
    logger.warning("Outbox message %s (%s) failed: %s", message.pk, message.kind, reason)
    return False


def outbox_publish_retries(retries: list[Retry]) -> None:
    """Publish the rows queued again after their backoff, in batches (a lost connection defers a whole batch with
    one countdown); if the broker is down, the sweep will."""
    by_countdown: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for retry in retries:
        by_countdown[retry.countdown].append((retry.message_id, retry.scope))
    for countdown, rows in sorted(by_countdown.items()):
        if not outbox_publish_many(rows, countdown=countdown):
            return


def outbox_retry(*, message_id: int) -> int:
    """Queue a failed message again (an organiser fixed the address or the mail server)."""
    with transaction.atomic():
        rows = OutboxMessage.objects.filter(pk=message_id, state=State.FAILED).update(
            state=State.QUEUED, attempts=0, next_attempt_at=timezone.now()
        )
        message = OutboxMessage.objects.filter(pk=message_id).first() if rows else None
        kind = KINDS.get(message.kind) if message else None
        if kind is not None and kind.prepare is not None:
            stored = kind.prepare([message]).stored
            if stored is not None:
                stored(message)
    if rows:
        transaction.on_commit(lambda: outbox_publish(message_id))
    return rows


def outbox_sweep() -> dict[str, int]:
    """Periodic safety net: rows stuck in "sending" (a worker killed mid-send) go back to the queue, and due rows
    whose broker message was lost are published again, in batches. Rows another sweep holds are skipped, so two
    sweeps do it once."""
    now = timezone.now()
    stuck_sending = now - datetime.timedelta(seconds=settings.DELIVERY_STUCK_SENDING_SECONDS)
    stuck_queued = now - datetime.timedelta(seconds=settings.DELIVERY_STUCK_QUEUED_SECONDS)
    with transaction.atomic():
        reset = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(state=State.SENDING, claimed_at__lt=stuck_sending)
            .values_list("pk", "scope")
        )
        if reset:
            OutboxMessage.objects.filter(pk__in=[pk for pk, _scope in reset], state=State.SENDING).update(
                state=State.QUEUED, next_attempt_at=now, claim_token=""
            )
        due = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(state=State.QUEUED, next_attempt_at__lt=stuck_queued)
            .values_list("pk", "scope")
        )
        if due:
            OutboxMessage.objects.filter(pk__in=[pk for pk, _scope in due], state=State.QUEUED).update(
                next_attempt_at=now
            )
        _after_commit(reset + due)
    return {"outbox_reset_sending": len(reset), "outbox_requeued": len(due)}
