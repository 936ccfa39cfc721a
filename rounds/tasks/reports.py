"""Report tasks."""

from celery import shared_task

from rounds.services import reports


@shared_task
def build_report(report_id: int) -> None:
    reports.report_build(report_id=report_id)


__all__ = ["build_report"]
