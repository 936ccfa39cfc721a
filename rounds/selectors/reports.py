"""Reading published follow-up reports: one version with its successor, and the public archive.

Every version has its own address (``report_version``: round and version number), which stays valid
when a later version is published; the superseded one then points to the latest. The archive and its
feed list the published reports of the series that publish their reports, newest round first, each
with its clauses and participating organisations, in a fixed number of queries.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from clauses.models import Clause
from participants.models import Organisation
from rounds.models import AgendaItem, FollowUpReport, Invitation, Round, Series
from rounds.services.report_content import organisations_of, participants_among
from strategy_exchange.forms import MAX_ID

ARCHIVE_PER_PAGE = 20
FEED_ITEMS = 50


def report_path(report: FollowUpReport) -> str:
    """The stable address of one version of a report."""
    return reverse("report_version", kwargs={"round_pk": report.round_id, "version": report.version})


def report_pdf_path(report: FollowUpReport) -> str:
    return reverse("report_version_pdf", kwargs={"round_pk": report.round_id, "version": report.version})


def report_absolute_url(report: FollowUpReport) -> str:
    return settings.SITE_URL + report_path(report)


def _storable(*ids: int) -> bool:
    """Whether every id fits the database's integers (SQLite raises OverflowError past them)."""
    return all(0 < value <= MAX_ID for value in ids)


def report_version_get(*, round_pk: int, version: int) -> FollowUpReport | None:
    if not _storable(round_pk, version):
        return None
    return FollowUpReport.objects.select_related("round__series").filter(round_id=round_pk, version=version).first()


def report_published_of(*, round_id: int) -> FollowUpReport | None:
    """The round's currently published version."""
    if not _storable(round_id):
        return None
    return FollowUpReport.objects.filter(round_id=round_id, status=FollowUpReport.Status.PUBLISHED).first()


def report_previous_published(*, report: FollowUpReport) -> FollowUpReport | None:
    """The latest version published before ``report``: set when ``report`` is an update."""
    return (
        FollowUpReport.objects.filter(round_id=report.round_id, version__lt=report.version, published_at__isnull=False)
        .order_by("-version")
        .first()
    )


@dataclass
class ReportEntry:
    report: FollowUpReport
    round: Round
    series: Series
    clauses: list[Clause]
    organisations: list[Organisation]
    url: str

    @property
    def starts_at(self):
        return timezone.localtime(self.round.starts_at)

    @property
    def organisation_names(self) -> str:
        return ", ".join(organisation.name for organisation in self.organisations)

    @property
    def description(self) -> str:
        return report_description(
            round_=self.round, series=self.series, clauses=self.clauses, organisations=self.organisations
        )


def report_description(
    *, round_: Round, series: Series, clauses: list[Clause], organisations: list[Organisation]
) -> str:
    """One or two plain sentences about a report (the page's meta description, the feed's summary)."""
    text = gettext("Nachbericht der Runde %(number)s der Austauschreihe „%(series)s“ vom %(date)s.") % {
        "number": round_.number,
        "series": series.title,
        "date": date_format(timezone.localtime(round_.starts_at), "DATE_FORMAT"),
    }
    if clauses:
        text += " " + gettext("Themen: %(clauses)s.") % {
            "clauses": "; ".join(f"§ {clause.number} {clause.title}" for clause in clauses)
        }
    if organisations:
        text += " " + gettext("Mit %(organisations)s.") % {"organisations": ", ".join(o.name for o in organisations)}
    return text


def _entry(report: FollowUpReport) -> ReportEntry:
    round_ = report.round
    return ReportEntry(
        report=report,
        round=round_,
        series=round_.series,
        clauses=[item.clause for item in round_.agenda_items.all()],
        organisations=organisations_of(participants_among(round_.invitations.all())),
        url=report_path(report),
    )


def with_contents(reports: QuerySet[FollowUpReport]) -> QuerySet[FollowUpReport]:
    items = AgendaItem.objects.select_related("clause").order_by("order", "clause__number")
    invitations = Invitation.objects.select_related("organisation").only(
        "round_id", "organisation", "rsvp", "attended_at"
    )
    return reports.select_related("round__series").prefetch_related(
        Prefetch("round__agenda_items", queryset=items), Prefetch("round__invitations", queryset=invitations)
    )


def public_reports() -> QuerySet[FollowUpReport]:
    """The published reports of the series that publish them, newest round first, with what their archive
    entries show (paginate it, then pass a page's ``object_list`` to :func:`report_entries`)."""
    return with_contents(
        FollowUpReport.objects.filter(
            status=FollowUpReport.Status.PUBLISHED, round__series__report_visibility=Series.ReportVisibility.PUBLIC
        ).order_by("-round__starts_at", "-pk")
    )


def report_entries(reports: Iterable[FollowUpReport]) -> list[ReportEntry]:
    """Archive entries of ``reports``, fetched by :func:`with_contents` (three queries in all)."""
    return [_entry(report) for report in reports]


def report_entry(*, report: FollowUpReport) -> ReportEntry:
    """The archive entry of one report (for its page's meta description)."""
    return _entry(with_contents(FollowUpReport.objects.filter(pk=report.pk)).get())


def feed_entries() -> list[ReportEntry]:
    return report_entries(public_reports()[:FEED_ITEMS])
