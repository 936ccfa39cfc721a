"""Report tasks: build, announce to the participants, send one announcement."""

from celery import shared_task
from celery.signals import worker_init

from rounds.services import report_delivery, report_pdf, reports
from rounds.services.delivery import DeliveryDeferred, retry_countdown


@worker_init.connect
def load_pdf_engine(**kwargs) -> None:
    """A worker loads the PDF engine when it starts (before its pool processes fork), not in its first report."""
    report_pdf.pdf_engine_load()


@shared_task(acks_late=True)
def build_report(report_id: int) -> bool:
    return reports.report_build(report_id=report_id)


@shared_task(acks_late=True)
def notify_report_published(report_id: int) -> int:
    return report_delivery.report_notify(report_id=report_id)


@shared_task(bind=True, acks_late=True, max_retries=8)
def send_report_email(self, delivery_id: int) -> bool:
    try:
        return report_delivery.report_delivery_send(delivery_id=delivery_id)
    except DeliveryDeferred as exc:
        if self.request.is_eager:
            return False  # the periodic sweep takes it up again
        countdown = exc.countdown or retry_countdown(attempts=self.request.retries + 1)
        raise self.retry(countdown=countdown, exc=exc) from exc


__all__ = ["build_report", "notify_report_published", "send_report_email"]
