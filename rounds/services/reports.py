"""The follow-up report: request a build, build it, publish it. (Contract used by the organiser screens.)"""

from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone

from participants.models import User
from rounds.models import FollowUpReport, Round
from strategy_exchange.errors import DomainError


def report_request(*, round_: Round, user: User | None) -> FollowUpReport:
    """Create the next version of the round's report and enqueue its build after commit."""
    from rounds.tasks.reports import build_report

    if round_.status not in (Round.Status.HELD, Round.Status.PUBLISHED):
        raise DomainError("Ein Nachbericht kann erst erstellt werden, wenn die Runde stattgefunden hat.")
    with transaction.atomic():
        Round.objects.select_for_update().get(pk=round_.pk)
        version = (round_.reports.aggregate(v=Max("version"))["v"] or 0) + 1
        report = FollowUpReport.objects.create(round=round_, version=version, requested_by=user)
    transaction.on_commit(lambda: build_report.delay(report.pk))
    return report


def report_build(*, report_id: int) -> bool:
    """Build HTML (and later PDF) of a queued report. Returns False when there was nothing to build."""
    claimed = FollowUpReport.objects.filter(pk=report_id, status=FollowUpReport.Status.QUEUED).update(
        status=FollowUpReport.Status.BUILDING, progress=10
    )
    if not claimed:
        return False
    report = FollowUpReport.objects.select_related("round__series").get(pk=report_id)
    html = render_to_string("rounds/report/report.html", {"report": report, "round": report.round})
    FollowUpReport.objects.filter(pk=report_id).update(
        status=FollowUpReport.Status.BUILT, progress=100, html=html, built_at=timezone.now()
    )
    return True


def report_publish(*, report: FollowUpReport, user: User | None) -> FollowUpReport:
    """Publish a built report; an earlier published version of the round is withdrawn."""
    if report.status != FollowUpReport.Status.BUILT:
        raise DomainError("Nur ein fertig erstellter Nachbericht kann veröffentlicht werden.")
    with transaction.atomic():
        FollowUpReport.objects.filter(round=report.round, status=FollowUpReport.Status.PUBLISHED).update(
            status=FollowUpReport.Status.BUILT
        )
        report.status = FollowUpReport.Status.PUBLISHED
        report.published_at = timezone.now()
        report.save(update_fields=["status", "published_at"])
        Round.objects.filter(pk=report.round_id).update(status=Round.Status.PUBLISHED)
    return report
