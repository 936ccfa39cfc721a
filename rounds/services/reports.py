"""The follow-up report: request a build, build it (HTML and PDF), publish it.

A build claims its report with a guarded UPDATE (queued → building), so a duplicate task does
nothing; it reports progress in ``FollowUpReport.progress`` for the organiser's page. Every request
makes a new version; the PDF is saved through Django's storage API (``FileField.save``), so a
deployment may move it to object storage by configuration.
"""

import datetime
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Max
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from participants.models import User
from participants.validators import validate_pdf
from rounds.models import FollowUpReport, Round
from rounds.services.report_content import report_content, report_organisations
from rounds.services.report_pdf import PdfEngineError, engine_take, render_pdf
from strategy_exchange.errors import DomainError
from strategy_exchange.fragments import rows_changed

logger = logging.getLogger(__name__)

BUILDABLE = (Round.Status.HELD, Round.Status.PUBLISHED)


def _enqueue_build(report_id: int, countdown: float | None = None) -> None:
    from rounds.tasks.reports import build_report
    from strategy_exchange.celery import enqueue

    transaction.on_commit(lambda: enqueue(build_report, report_id, countdown=countdown))


def report_request(*, round_: Round, user: User | None) -> FollowUpReport:
    """Create the next version of the round's report and enqueue its build after commit."""
    if round_.status not in BUILDABLE:
        raise DomainError(gettext("Ein Nachbericht kann erst erstellt werden, wenn die Runde stattgefunden hat."))
    with transaction.atomic():
        Round.objects.select_for_update().get(pk=round_.pk)
        version = (round_.reports.aggregate(v=Max("version"))["v"] or 0) + 1
        report = FollowUpReport.objects.create(round=round_, version=version, requested_by=user)
    _enqueue_build(report.pk)
    return report


def _progress(report_id: int, progress: int) -> None:
    FollowUpReport.objects.filter(pk=report_id, status=FollowUpReport.Status.BUILDING).update(progress=progress)


def report_render_html(*, report: FollowUpReport, built_at: datetime.datetime) -> str:
    """The report as an HTML fragment (``<article>``), the same for the web page and the PDF."""
    context = {**report_content(round_=report.round), "report": report, "built_at": timezone.localtime(built_at)}
    with translation.override("de"):
        return render_to_string("rounds/report/report.html", context)


def _attempt_failed(*, report_id: int, error: str) -> None:
    """Record a failed attempt: back into the queue (retried after a pause), or failed after the last one."""
    with transaction.atomic():
        report = FollowUpReport.objects.select_for_update().filter(pk=report_id).first()
        if report is None or report.status != FollowUpReport.Status.BUILDING:
            return
        last = report.attempts >= settings.REPORT_BUILD_MAX_ATTEMPTS
        report.status = FollowUpReport.Status.FAILED if last else FollowUpReport.Status.QUEUED
        report.error = error[:2000]
        report.progress = 0
        report.save(update_fields=["status", "error", "progress"])
        if not last:
            _enqueue_build(report_id, countdown=settings.REPORT_BUILD_RETRY_SECONDS * report.attempts)


def report_build(*, report_id: int) -> bool:
    """Build HTML and PDF of a queued report. Returns False when there was nothing to build or it failed.

    The attempt is counted when the build is claimed, before anything can crash; the PDF is made in a
    child process with a time limit (:func:`rounds.services.report_pdf.render_pdf`), taken (or started)
    first, so that it loads the PDF engine while the content is read and rendered. A failed attempt
    puts the report back into the queue, the last one (``REPORT_BUILD_MAX_ATTEMPTS``) marks it failed
    with the reason, which the organiser sees with a button to try again (:func:`report_retry`)."""
    started_at = timezone.now()
    # While building, built_at holds the start of the build (the sweep's clock); afterwards its end.
    claimed = FollowUpReport.objects.filter(
        pk=report_id, status=FollowUpReport.Status.QUEUED, attempts__lt=settings.REPORT_BUILD_MAX_ATTEMPTS
    ).update(status=FollowUpReport.Status.BUILDING, progress=5, attempts=F("attempts") + 1, built_at=started_at)
    if not claimed:
        return False
    engine = engine_take()
    report = FollowUpReport.objects.select_related("round__series").get(pk=report_id)
    built_at = started_at
    try:
        html = report_render_html(report=report, built_at=built_at)
        _progress(report_id, 40)
        pdf = render_pdf(report=report, html=html, engine=engine)
        _progress(report_id, 85)
        filename = f"nachbericht-{report.round.series.slug}-runde-{report.round.number}-v{report.version}.pdf"
        report.pdf.save(filename, ContentFile(pdf), save=False)
    except Exception as exc:
        engine.discard()  # unused when the HTML failed; ended already otherwise
        error = str(exc) if isinstance(exc, PdfEngineError) else f"{exc.__class__.__name__}: {exc}"
        logger.warning("Report %s, attempt %s failed: %s", report_id, report.attempts, error)
        _attempt_failed(report_id=report_id, error=error)
        return False
    FollowUpReport.objects.filter(pk=report_id, status=FollowUpReport.Status.BUILDING).update(
        status=FollowUpReport.Status.BUILT,
        progress=100,
        html=html,
        pdf=report.pdf.name,
        error="",
        built_at=timezone.now(),
    )
    return True


def report_retry(*, report: FollowUpReport, user: User | None) -> FollowUpReport:
    """Queue a failed report for a new round of attempts (the organiser's "Erneut versuchen")."""
    with transaction.atomic():
        retried = FollowUpReport.objects.filter(pk=report.pk, status=FollowUpReport.Status.FAILED).update(
            status=FollowUpReport.Status.QUEUED, attempts=0, progress=0
        )
        if not retried:
            raise DomainError(gettext("Nur ein fehlgeschlagener Nachbericht kann erneut erstellt werden."))
        _enqueue_build(report.pk)
    report.refresh_from_db()
    return report


def report_publish(*, report: FollowUpReport, user: User | None) -> FollowUpReport:
    """Publish a built report; an earlier published version of the round is superseded (it stays readable
    at its own address, pointing to this one). The participants are emailed once, after commit (see
    :mod:`rounds.services.report_delivery`); the email of a later version says it is an update."""
    from rounds.services.report_delivery import report_notify_after_commit

    if report.status != FollowUpReport.Status.BUILT:
        raise DomainError(gettext("Nur ein fertig erstellter Nachbericht kann veröffentlicht werden."))
    with transaction.atomic():
        FollowUpReport.objects.filter(round=report.round, status=FollowUpReport.Status.PUBLISHED).update(
            status=FollowUpReport.Status.SUPERSEDED
        )
        report.status = FollowUpReport.Status.PUBLISHED
        report.published_at = timezone.now()
        report.save(update_fields=["status", "published_at"])
        Round.objects.filter(pk=report.round_id).update(status=Round.Status.PUBLISHED)
        rows_changed(Round, [report.round_id])
        report_notify_after_commit(report=report)
    return report


def reports_sweep() -> int:
    """Re-enqueue builds lost with a broker message or a killed worker. Returns how many.

    A build stuck in "building" has used its attempt: it goes back into the queue, or, after the last
    attempt, is marked failed. A failed report is never taken up again (only the organiser retries it)."""
    now = timezone.now()
    stuck_building = now - datetime.timedelta(seconds=settings.DELIVERY_STUCK_SENDING_SECONDS)
    stuck_queued = now - datetime.timedelta(seconds=settings.DELIVERY_STUCK_QUEUED_SECONDS)
    stuck = FollowUpReport.objects.filter(status=FollowUpReport.Status.BUILDING, built_at__lt=stuck_building)
    with translation.override("de"):
        given_up = gettext(
            "Die Erstellung ist nach %(attempts)s Versuchen nicht fertig geworden (Absturz oder Zeitüberschreitung)."
        ) % {"attempts": settings.REPORT_BUILD_MAX_ATTEMPTS}
    stuck.filter(attempts__gte=settings.REPORT_BUILD_MAX_ATTEMPTS).update(
        status=FollowUpReport.Status.FAILED, progress=0, error=given_up
    )
    stuck.filter(attempts__lt=settings.REPORT_BUILD_MAX_ATTEMPTS).update(status=FollowUpReport.Status.QUEUED)
    ids = list(
        FollowUpReport.objects.filter(
            status=FollowUpReport.Status.QUEUED,
            created_at__lt=stuck_queued,
            attempts__lt=settings.REPORT_BUILD_MAX_ATTEMPTS,
        ).values_list("pk", flat=True)
    )
    for pk in ids:
        _enqueue_build(pk)
    return len(ids)


def report_attach(
    *, round_: Round, user: User | None, pdf: UploadedFile | None = None, url: str = ""
) -> FollowUpReport:
    """A report made elsewhere as the next version: an uploaded PDF, or a link to the published article (as
    for a round recorded afterwards, whose report appeared long ago). It is ready at once, to review and
    publish like a built one; its page shows the round, the participating organisations and the PDF or link."""
    if round_.status not in BUILDABLE:
        raise DomainError(gettext("Ein Nachbericht kann erst erstellt werden, wenn die Runde stattgefunden hat."))
    url = url.strip()
    if bool(pdf) == bool(url):
        raise DomainError(
            gettext("Bitte laden Sie entweder eine PDF-Datei hoch oder geben Sie einen Link an."), field="pdf"
        )
    if pdf:
        try:
            validate_pdf(pdf)
        except ValidationError as error:
            raise DomainError(error.messages[0], field="pdf") from None
    now = timezone.now()
    with transaction.atomic():
        Round.objects.select_for_update().get(pk=round_.pk)
        version = (round_.reports.aggregate(v=Max("version"))["v"] or 0) + 1
        report = FollowUpReport(
            round=round_,
            version=version,
            requested_by=user,
            status=FollowUpReport.Status.BUILT,
            progress=100,
            built_at=now,
            external_url=url,
        )
        if pdf:
            filename = f"nachbericht-{round_.series.slug}-runde-{round_.number}-v{version}.pdf"
            report.pdf.save(filename, pdf, save=False)
        context = {
            "round": round_,
            "series": round_.series,
            "report": report,
            "starts_at": timezone.localtime(round_.starts_at),
            "ends_at": timezone.localtime(round_.ends_at),
            "organisations": report_organisations(round_=round_),
        }
        with translation.override("de"):
            report.html = render_to_string("rounds/report/attached.html", context)
        report.save()
    return report
