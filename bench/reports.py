"""Follow-up report build (HTML and PDF) of the benchmark round, timed through the reports service, in a
process that has loaded the PDF engine beforehand as a Celery worker does when it starts."""

import time
from dataclasses import dataclass

from django.db.models import Max

from rounds.models import Comment, FollowUpReport, Round
from rounds.services.report_pdf import pdf_engine_load
from rounds.services.reports import report_build


@dataclass(frozen=True)
class ReportTiming:
    comments: int
    seconds: float
    built: bool
    html_bytes: int
    pdf_bytes: int


def report_build_measure(*, round_id: int) -> ReportTiming:
    """Build a new report version of the round, time it, then remove it again."""
    pdf_engine_load()
    round_ = Round.objects.get(pk=round_id)
    version = (round_.reports.aggregate(v=Max("version"))["v"] or 0) + 1
    report = FollowUpReport.objects.create(round=round_, version=version)
    try:
        started = time.perf_counter()
        report_build(report_id=report.pk)
        seconds = time.perf_counter() - started
        report.refresh_from_db()
        pdf_bytes = report.pdf.size if report.pdf else 0
        return ReportTiming(
            comments=Comment.objects.filter(agenda_item__round=round_).count(),
            seconds=seconds,
            built=report.status == FollowUpReport.Status.BUILT,
            html_bytes=len(report.html.encode()),
            pdf_bytes=pdf_bytes,
        )
    finally:
        if report.pdf:
            report.pdf.delete(save=False)
        report.delete()
