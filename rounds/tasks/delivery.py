"""The minute-by-minute safety net of sending; the messages themselves are the outbox's tasks
(``strategy_exchange.tasks``)."""

from celery import shared_task

from rounds.services import delivery, reports
from strategy_exchange import outbox


@shared_task
def sweep_deliveries() -> dict[str, int]:
    """Calendar updates missed by a race, report builds and every outgoing message left behind."""
    return {
        **delivery.deliveries_sweep(),
        "report_builds": reports.reports_sweep(),
        **outbox.outbox_sweep(),
    }


__all__ = ["sweep_deliveries"]
