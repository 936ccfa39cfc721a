"""What an invitation sends: the invitation, calendar updates and cancellations, each one message in the outbox.

Deciding *what* to send is done here; claiming, sending, retrying and sweeping are the outbox's
(``strategy_exchange.outbox``). Each invitation points at its latest message (``Invitation.message``) and says
where that message stands (``Invitation.delivery``): pending → queued → sent (or failed). Both change in one
transaction: a new message is stored while the invitation is locked, and the outcome of sending it is mirrored
onto the invitation by :func:`invitation_messages_prepare`'s ``stored`` in the transaction that stores it on the
outbox row. An invitation gets a new message only while none is on its way, so each invitee has at most one
message queued or being sent.

The messages of one round go out in batches over one SMTP connection (the outbox's batch path): the
invitations of a batch are loaded in one query and the round's part of the emails is rendered once. What a
message is comes from the invitation as it is when the message is sent: an invitation queued before the round
was cancelled is not sent at all, an update queued before a cancellation goes out as the cancellation.
"""

from django.db import transaction
from django.db.models import F, Q, QuerySet

from rounds.models import Invitation, Round
from rounds.services.invitation_mail import (
    KIND_CANCEL,
    KIND_INVITATION,
    KIND_UPDATE,
    KIND_WITHDRAWN,
    invitation_message,
    message_kind,
    round_email_context,
)
from strategy_exchange.models import OutboxMessage
from strategy_exchange.outbox import Batch, NewMessage, outbox_put_many

# The outbox kinds of the invitations' messages, by what the message is.
OUTBOX_KINDS = {
    KIND_INVITATION: "invitation",
    KIND_UPDATE: "invitation_update",
    KIND_CANCEL: "invitation_cancel",
    KIND_WITHDRAWN: "invitation_withdrawn",
}
INVITATION_KINDS = list(OUTBOX_KINDS.values())
SENDABLE = [Invitation.Delivery.PENDING, Invitation.Delivery.FAILED]
State = OutboxMessage.State


def _queue(invitations: QuerySet[Invitation]) -> int:
    """Give each invitation of ``invitations`` its next message: one outbox row each, sent after the commit.

    The rows are locked first, in id order: a concurrent call for the same invitations waits for this one, then no
    longer finds them in the state it asked for (PostgreSQL re-checks the filter of a row it waited for), so each
    gets one message. Waiting rather than skipping locked rows: a row locked for another reason (an RSVP being
    saved) must not be left behind. Returns how many were queued.
    """
    with transaction.atomic():
        rows = list(invitations.select_for_update(of=("self",)).select_related("round").order_by("pk"))
        wanted = [(invitation, message_kind(invitation=invitation)) for invitation in rows]
        wanted = [(invitation, kind) for invitation, kind in wanted if kind is not None]
        if not wanted:
            return 0
        messages = outbox_put_many(
            messages=[
                NewMessage(kind=OUTBOX_KINDS[kind], object_id=invitation.pk, scope=f"round:{invitation.round_id}")
                for invitation, kind in wanted
            ]
        )
        for (invitation, _kind), message in zip(wanted, messages, strict=True):
            invitation.message = message
        Invitation.objects.filter(pk__in=[invitation.pk for invitation, _kind in wanted]).update(
            delivery=Invitation.Delivery.QUEUED
        )
        # Small batches: each is one UPDATE with a CASE of its rows, which costs rows × rows.
        Invitation.objects.bulk_update([invitation for invitation, _kind in wanted], ["message"], batch_size=100)
    return len(wanted)


def invitations_enqueue(*, invitation_ids) -> int:
    """Queue the invitation of each pending or failed one of ``invitation_ids``; returns how many were queued.

    Invitations already queued or sent are left alone, so a double click or a repeated submit queues nothing twice.
    """
    return _queue(Invitation.objects.filter(pk__in=list(invitation_ids), delivery__in=SENDABLE))


def round_calendar_changed(*, round_: Round) -> int:
    """Call after a round was moved, changed or cancelled (``round_.status`` already saved).

    Raises the round's calendar SEQUENCE and queues, for every invitee who already received a calendar
    entry, one update (METHOD:REQUEST, same UID) or — for a cancelled round — one cancellation
    (METHOD:CANCEL). Returns how many were queued. Each sequence reaches each invitee at most once;
    invitations still on their way go out with the new data anyway (or get it right after, see ``done``).
    """
    Round.objects.filter(pk=round_.pk).update(calendar_sequence=F("calendar_sequence") + 1)
    round_.refresh_from_db(fields=["calendar_sequence"])
    return _queue(
        Invitation.objects.filter(
            round_id=round_.pk,
            delivery=Invitation.Delivery.SENT,
            sent_sequence__lt=round_.calendar_sequence,
            withdrawn_at__isnull=True,
        )
    )


def invitation_withdrawal_queue(*, invitation_id: int) -> int:
    """Queue the calendar cancellation of a withdrawn invitation (one on its way sends it when its turn comes)."""
    return _queue(
        Invitation.objects.filter(pk=invitation_id, withdrawn_at__isnull=False).exclude(
            delivery=Invitation.Delivery.QUEUED
        )
    )


def _outdated(invitations: QuerySet[Invitation]) -> QuerySet[Invitation]:
    """Those of ``invitations`` whose last message no longer fits: the round changed again, or the invitation was
    withdrawn while its invitation or update was on its way."""
    return invitations.filter(delivery=Invitation.Delivery.SENT).filter(
        Q(sent_sequence__lt=F("round__calendar_sequence")) | Q(withdrawn_at__isnull=False)
    )


def invitation_messages_prepare(messages: list[OutboxMessage]) -> Batch:
    """The outbox's batch of invitation messages: their invitations in one query, each round's part rendered once,
    each outcome mirrored onto the invitation, and what changed while they were on their way queued after them."""
    invitations = Invitation.objects.select_related(
        "round__series", "user__account_invitation", "organisation"
    ).in_bulk([message.object_id for message in messages])
    round_contexts: dict[int, dict] = {}
    sequences: dict[int, int] = {}

    def render(message: OutboxMessage):
        invitation = invitations.get(message.object_id)
        if invitation is None or invitation.message_id != message.pk:
            return None  # deleted, or a newer message took this one's place
        kind = message_kind(invitation=invitation)
        if kind is None or (kind != KIND_WITHDRAWN and invitation.user_id is None):
            return None  # the round was cancelled before anything went out, or the account is gone
        if invitation.round_id not in round_contexts:
            round_contexts[invitation.round_id] = round_email_context(round_=invitation.round)
        email = invitation_message(invitation=invitation, kind=kind, round_context=round_contexts[invitation.round_id])
        message.kind = OUTBOX_KINDS[kind]
        sequences[message.pk] = invitation.round.calendar_sequence
        return email

    def stored(message: OutboxMessage) -> None:
        this_message = Invitation.objects.filter(pk=message.object_id, message_id=message.pk)
        if message.state == State.SENT and message.kind == OUTBOX_KINDS[KIND_WITHDRAWN]:
            this_message.delete()  # the cancellation is out: the row has no one left to record
        elif message.state == State.SENT:
            this_message.update(
                delivery=Invitation.Delivery.SENT, sent_at=message.sent_at, sent_sequence=sequences[message.pk]
            )
        elif message.state == State.FAILED:
            this_message.update(delivery=Invitation.Delivery.FAILED)
        elif message.state == State.DROPPED:
            this_message.update(delivery=Invitation.Delivery.PENDING)
        elif message.state == State.QUEUED:  # sent again from the admin
            this_message.update(delivery=Invitation.Delivery.QUEUED)

    def done(sent: list[OutboxMessage]) -> None:
        ids = [message.object_id for message in sent if message.kind != OUTBOX_KINDS[KIND_WITHDRAWN]]
        outdated = list(_outdated(Invitation.objects.filter(pk__in=ids)).values_list("pk", flat=True)) if ids else []
        if outdated:  # locked and checked again by _queue
            _queue(_outdated(Invitation.objects.filter(pk__in=outdated)))

    return Batch(render=render, stored=stored, done=done)


def deliveries_sweep() -> dict[str, int]:
    """Periodic safety net for what only the invitations know: calendar updates (or the cancellation of a withdrawn
    invitation) missed by a race. The outbox's sweep takes care of the messages themselves."""
    return {"calendar_updates": _queue(_outdated(Invitation.objects.all()))}
