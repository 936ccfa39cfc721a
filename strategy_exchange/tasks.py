"""The outbox's task and the workers' heartbeat: ids in, the outbox does the work."""

from celery import shared_task
from celery.signals import worker_ready, worker_shutdown

from strategy_exchange import heartbeat, outbox


@shared_task(bind=True, acks_late=True)
def send_outbox_message(self, message_id: int) -> str:
    """Send one stored message; after a temporary failure publish it again after its backoff.

    The number of attempts is bounded by the row's stored ``attempts``, so duplicates and the sweep cannot
    stretch it. Run eagerly (no worker to come back later) the sweep takes a deferred message up when due.
    """
    attempt = outbox.outbox_deliver(message_id=message_id)
    if attempt.retry_in is not None and not self.request.is_eager:
        outbox.outbox_publish(message_id, countdown=attempt.retry_in)
    return attempt.state


@shared_task(bind=True, acks_late=True)
def send_outbox_messages(self, message_ids: list[int]) -> int:
    """Send a batch of stored messages (of one scope) over one mail server connection; returns how many went out.
    The messages queued again after a temporary failure are published after their backoff."""
    outcome = outbox.outbox_deliver_many(message_ids=message_ids)
    if outcome.retries and not self.request.is_eager:
        outbox.outbox_publish_retries(outcome.retries)
    return outcome.sent


@worker_ready.connect
def start_heartbeat(sender=None, **kwargs) -> None:
    """The worker's main process writes its heartbeat row while it runs (a killed worker stops writing)."""
    heartbeat.heartbeat_start(hostname=getattr(sender, "hostname", None) or "worker")


@worker_shutdown.connect
def stop_heartbeat(**kwargs) -> None:
    heartbeat.heartbeat_stop()


__all__ = ["send_outbox_message", "send_outbox_messages"]
