"""Report tasks: build, and announce to the participants (their emails go through the outbox)."""

from celery import shared_task
from celery.signals import worker_init, worker_process_init

from rounds.services import report_delivery, report_pdf, reports


@worker_init.connect
def load_pdf_engine(**kwargs) -> None:
    """A worker loads the PDF engine when it starts (before its pool processes fork), not in its first report."""
    report_pdf.pdf_engine_load()


@worker_process_init.connect
def prepare_pdf_engine(**kwargs) -> None:
    """Each pool process starts its own engine for its first report (it leaves the one it inherited alone)."""
    report_pdf.engine_prepare()


@shared_task(acks_late=True)
def build_report(report_id: int) -> bool:
    return reports.report_build(report_id=report_id)


@shared_task(acks_late=True)
def notify_report_published(report_id: int) -> int:
    return report_delivery.report_notify(report_id=report_id)


__all__ = ["build_report", "notify_report_published"]
