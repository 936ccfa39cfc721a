"""Sending invitations exactly once. (Contract used by the organiser screens.)"""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from rounds.models import Invitation
from strategy_exchange.mail import build_email

SENDABLE = [Invitation.Delivery.PENDING, Invitation.Delivery.FAILED]


def invitations_enqueue(*, invitation_ids: Iterable[int]) -> int:
    """Mark pending or failed invitations as queued and enqueue one send task each, after commit.

    Returns how many were queued. Invitations already queued, sending or sent are left alone, so a
    double click or a repeated submit queues nothing twice.
    """
    from rounds.tasks.delivery import send_invitation

    candidates = list(
        Invitation.objects.filter(pk__in=list(invitation_ids), delivery__in=SENDABLE).values_list("pk", flat=True)
    )
    queued = []
    for pk in candidates:
        if Invitation.objects.filter(pk=pk, delivery__in=SENDABLE).update(
            delivery=Invitation.Delivery.QUEUED, queued_at=timezone.now(), delivery_error=""
        ):
            queued.append(pk)
    transaction.on_commit(lambda: [send_invitation.delay(pk) for pk in queued])
    return len(queued)


def invitation_deliver(*, invitation_id: int) -> bool:
    """Claim a queued invitation and send it. Returns False when there was nothing to send."""
    claimed = Invitation.objects.filter(pk=invitation_id, delivery=Invitation.Delivery.QUEUED).update(
        delivery=Invitation.Delivery.SENDING
    )
    if not claimed:
        return False
    invitation = Invitation.objects.select_related("round__series", "user", "organisation").get(pk=invitation_id)
    message = build_email(
        template_prefix="emails/invitation",
        context={"invitation": invitation, "round": invitation.round},
        to=[invitation.user.email],
    )
    message.send()
    Invitation.objects.filter(pk=invitation_id).update(
        delivery=Invitation.Delivery.SENT,
        sent_at=timezone.now(),
        sent_sequence=invitation.round.calendar_sequence,
        delivery_attempts=invitation.delivery_attempts + 1,
    )
    return True
