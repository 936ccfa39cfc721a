"""The follow-up report for readers: each version's HTML page and PDF at a stable address, the public
archive and its Atom feed.

Organisers of the series may open every built version (for review); everyone else sees published
versions, and those replaced by a later one (marked as superseded, with a link to the latest), and
only if they took part in the series or the series publishes its reports. The PDF is streamed from
the storage backend, never from a public media URL. The first addresses (``/nachberichte/<pk>/``,
sent by email before versions had their own) lead to the version's address.
"""

from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from rounds import permissions
from rounds.models import FollowUpReport, Series
from rounds.selectors import reports as selectors
from rounds.selectors.report_preview import preview_html
from strategy_exchange.pages import page_number

READY = (FollowUpReport.Status.BUILT, FollowUpReport.Status.PUBLISHED, FollowUpReport.Status.SUPERSEDED)
READABLE = (FollowUpReport.Status.PUBLISHED, FollowUpReport.Status.SUPERSEDED)


def can_view_report(user: permissions.AnyUser, report: FollowUpReport) -> bool:
    series = report.round.series
    if permissions.is_organiser_of(user, series):
        return report.status in READY
    if report.status not in READABLE:
        return False
    return series.report_visibility == Series.ReportVisibility.PUBLIC or permissions.is_series_participant(user, series)


def _get_report(request: HttpRequest, round_pk: int, version: int) -> FollowUpReport:
    report = selectors.report_version_get(round_pk=round_pk, version=version)
    if report is None or not can_view_report(request.user, report):
        raise Http404
    return report


def _get_report_by_pk(request: HttpRequest, pk: int) -> FollowUpReport:
    report = get_object_or_404(FollowUpReport.objects.select_related("round__series"), pk=pk)
    if not can_view_report(request.user, report):
        raise Http404
    return report


@require_GET
def report_version(request: HttpRequest, round_pk: int, version: int) -> HttpResponse:
    report = _get_report(request, round_pk, version)
    latest = None
    if report.status != FollowUpReport.Status.PUBLISHED:
        latest = selectors.report_published_of(round_id=report.round_id)
    context = {
        "report": report,
        "round": report.round,
        "series": report.round.series,
        "html": preview_html(report.html),
        "latest": latest,
        "pdf_url": selectors.report_pdf_path(report),
        "meta_description": selectors.report_entry(report=report).description,
        "is_organiser": permissions.is_organiser_of(request.user, report.round.series),
    }
    return render(request, "rounds/report/report_page.html", context)


@require_GET
def report_version_pdf(request: HttpRequest, round_pk: int, version: int) -> FileResponse:
    report = _get_report(request, round_pk, version)
    if not report.pdf:
        raise Http404
    filename = report.pdf.name.rsplit("/", 1)[-1]
    response = FileResponse(report.pdf.open("rb"), content_type="application/pdf", filename=filename)
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def report_latest(request: HttpRequest, round_pk: int) -> HttpResponse:
    """The round's report as currently published."""
    report = selectors.report_published_of(round_id=round_pk)
    if report is None:
        raise Http404
    return redirect(selectors.report_path(_get_report_by_pk(request, report.pk)))


@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return redirect(selectors.report_path(_get_report_by_pk(request, pk)), permanent=True)


@require_GET
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return redirect(selectors.report_pdf_path(_get_report_by_pk(request, pk)), permanent=True)


@require_GET
def report_archive(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.public_reports(), selectors.ARCHIVE_PER_PAGE).get_page(
        page_number(request.GET.get("seite"))
    )
    context = {
        "page": page,
        "entries": selectors.report_entries(page.object_list),
        "meta_description": _(
            "Die veröffentlichten Nachberichte der Austauschrunden zu Klauseln der Smart-City-Strategien."
        ),
        "feed_url": reverse("report_feed"),
        "feed_title": ReportFeed.title,
    }
    return render(request, "rounds/report/archive.html", context)


class ReportFeed(Feed):
    """The archive as an Atom feed: one entry per published public report, the latest version's address."""

    feed_type = Atom1Feed
    title = _("Nachberichte – Strategie-Austausch")
    subtitle = _("Die veröffentlichten Nachberichte der öffentlichen Austauschreihen")
    link = reverse_lazy("report_archive")

    def items(self):
        return selectors.feed_entries()

    def item_title(self, item: selectors.ReportEntry) -> str:
        return _("%(series)s, Runde %(number)s") % {"series": item.series.title, "number": item.round.number}

    def item_description(self, item: selectors.ReportEntry) -> str:
        return item.description

    def item_link(self, item: selectors.ReportEntry) -> str:
        return item.url

    def item_guid(self, item: selectors.ReportEntry) -> str:
        return selectors.report_absolute_url(item.report)

    def item_pubdate(self, item: selectors.ReportEntry):
        return item.report.published_at

    def item_updateddate(self, item: selectors.ReportEntry):
        return item.report.published_at

    def item_categories(self, item: selectors.ReportEntry) -> list[str]:
        return [f"§ {clause.number} {clause.title}" for clause in item.clauses]


report_feed = require_GET(ReportFeed())
