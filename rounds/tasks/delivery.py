"""Invitation delivery tasks: ids in, the delivery service does the work."""

from celery import shared_task

from rounds.services import delivery, reports
from strategy_exchange import outbox


@shared_task(bind=True, acks_late=True)
def send_invitations(self, invitation_ids: list[int]) -> int:
    """Send a batch of invitations of one round over one mail server connection; returns how many went out.

    Invitations deferred by a temporary failure are retried one by one (``send_invitation``) after their backoff.
    """
    outcome = delivery.invitations_deliver(invitation_ids=invitation_ids)
    if outcome.deferred and not self.request.is_eager:
        # Eagerly (local run without Redis) there is no worker to come back later: the periodic sweep takes them up.
        delivery.retries_publish(deferred=outcome.deferred)
    return outcome.sent


@shared_task(bind=True, acks_late=True, max_retries=None)
def send_invitation(self, invitation_id: int) -> bool:
    """Send one invitation, calendar update or cancellation; retry later after a temporary failure.

    The number of attempts is bounded by the invitation's stored ``delivery_attempts``, not by this
    task's retry counter, so duplicates and the sweep cannot stretch it.
    """
    try:
        return delivery.invitation_deliver(invitation_id=invitation_id)
    except delivery.DeliveryDeferred as exc:
        if self.request.is_eager:
            # No worker to come back later (local run without Redis): the periodic sweep takes it up when due.
            return False
        raise self.retry(countdown=exc.countdown, exc=exc) from exc


@shared_task
def sweep_deliveries() -> dict[str, int]:
    """The minute-by-minute safety net for invitations, report builds and every other outgoing message."""
    return {
        **delivery.deliveries_sweep(),
        "report_builds": reports.reports_sweep(),
        **outbox.outbox_sweep(),
    }


__all__ = ["send_invitation", "send_invitations", "sweep_deliveries"]
