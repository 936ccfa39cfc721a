"""The follow-up report for readers: the published HTML page and the PDF download.

Organisers of the series may open every built version (for review); everyone else sees only the
published version, and only if they took part in the series or the series publishes its reports.
The PDF is streamed from the storage backend, never from a public media URL.
"""

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from rounds import permissions
from rounds.models import FollowUpReport, Series
from rounds.selectors.report_preview import preview_html

READY = (FollowUpReport.Status.BUILT, FollowUpReport.Status.PUBLISHED)


def can_view_report(user: permissions.AnyUser, report: FollowUpReport) -> bool:
    series = report.round.series
    if permissions.is_organiser_of(user, series):
        return report.status in READY
    if report.status != FollowUpReport.Status.PUBLISHED:
        return False
    return series.report_visibility == Series.ReportVisibility.PUBLIC or permissions.is_series_participant(user, series)


def _get_report(request: HttpRequest, pk: int) -> FollowUpReport:
    report = get_object_or_404(FollowUpReport.objects.select_related("round__series"), pk=pk)
    if not can_view_report(request.user, report):
        raise Http404
    return report


@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _get_report(request, pk)
    context = {
        "report": report,
        "round": report.round,
        "series": report.round.series,
        "html": preview_html(report.html),
        "is_organiser": permissions.is_organiser_of(request.user, report.round.series),
    }
    return render(request, "rounds/report/report_page.html", context)


@require_GET
def report_pdf(request: HttpRequest, pk: int) -> FileResponse:
    report = _get_report(request, pk)
    if not report.pdf:
        raise Http404
    filename = report.pdf.name.rsplit("/", 1)[-1]
    response = FileResponse(report.pdf.open("rb"), content_type="application/pdf", filename=filename)
    response["Cache-Control"] = "private, no-store"
    return response
