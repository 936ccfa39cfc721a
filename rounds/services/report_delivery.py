"""Announcing a published report to its participants: one email per person and report, exactly once.

Publishing fans out once (a guarded UPDATE of ``FollowUpReport.notified_at``, in the same transaction
as the ``ReportDelivery`` rows); each row is then claimed by its send task before the email goes out,
as invitations are. The PDF is attached when it is smaller than ``REPORT_ATTACHMENT_MAX_BYTES``.
"""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from participants.markup import plain_text
from rounds.models import FollowUpReport, ReportDelivery
from rounds.selectors.reports import report_absolute_url, report_previous_published
from rounds.services.delivery import DeliveryDeferred
from rounds.services.delivery_errors import classify_send_error
from rounds.services.invitation_mail import AUTOMATIC
from rounds.services.report_content import participating_invitations
from strategy_exchange.mail import build_email

logger = logging.getLogger(__name__)


def report_notify_after_commit(*, report: FollowUpReport) -> None:
    from rounds.tasks.reports import notify_report_published
    from strategy_exchange.celery import enqueue

    # Without the broker the announcements are created here (rows only): the sweep sends them.
    transaction.on_commit(lambda: enqueue(notify_report_published, report.pk) or report_notify(report_id=report.pk))


def _enqueue(delivery_ids: list[int]) -> None:
    from rounds.tasks.reports import send_report_email
    from strategy_exchange.celery import enqueue

    if delivery_ids:
        # all() stops at the first one the broker does not take; the sweep sends those that are left.
        transaction.on_commit(lambda: all(enqueue(send_report_email, pk) for pk in delivery_ids))


def report_notify(*, report_id: int) -> int:
    """Create one delivery per participant of a published report and enqueue them; only the first call
    per report does anything. Returns how many were enqueued."""
    with transaction.atomic():
        report = FollowUpReport.objects.select_related("round").filter(pk=report_id).first()
        if report is None or report.status != FollowUpReport.Status.PUBLISHED:
            return 0
        if not FollowUpReport.objects.filter(pk=report_id, notified_at__isnull=True).update(notified_at=timezone.now()):
            return 0
        users = {i.user_id for i in participating_invitations(round_=report.round) if i.user and i.user.is_active}
        ReportDelivery.objects.bulk_create(
            [ReportDelivery(report=report, user_id=user_id) for user_id in sorted(users)], ignore_conflicts=True
        )
        ids = list(ReportDelivery.objects.filter(report=report, sent_at__isnull=True).values_list("pk", flat=True))
    _enqueue(ids)
    return len(ids)


def report_url(*, report: FollowUpReport) -> str:
    """The version's own address: it stays valid when a later version is published."""
    return report_absolute_url(report)


def report_message(*, delivery: ReportDelivery):
    report = delivery.report
    attachments = []
    too_large = False
    if report.pdf:
        if report.pdf.size < settings.REPORT_ATTACHMENT_MAX_BYTES:
            with report.pdf.open("rb") as pdf:
                attachments.append((report.pdf.name.rsplit("/", 1)[-1], pdf.read(), "application/pdf"))
        else:
            too_large = True
    findings = report.round.notes.filter(is_key_finding=True).exclude(body="").order_by("agenda_item__order", "pk")
    return build_email(
        template_prefix="emails/report_published",
        context={
            "report": report,
            "round": report.round,
            "series": report.round.series,
            "user": delivery.user,
            "starts_at": timezone.localtime(report.round.starts_at),
            "report_url": report_url(report=report),
            "previous": report_previous_published(report=report),  # set when this version is an update
            "findings": [plain_text(note.body) for note in findings],
            "pdf_attached": bool(attachments),
            "pdf_too_large": too_large,
            "privacy_url": settings.SITE_URL + reverse("privacy"),
        },
        to=[delivery.user.email],
        attachments=attachments,
        headers=AUTOMATIC,
    )


def report_delivery_send(*, delivery_id: int) -> bool:
    """Claim one announcement and send it. Raises :class:`DeliveryDeferred` after a temporary failure."""
    now = timezone.now()
    stale = now - datetime.timedelta(seconds=settings.DELIVERY_STUCK_SENDING_SECONDS)
    claimed = (
        ReportDelivery.objects.filter(pk=delivery_id, sent_at__isnull=True, error="")
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale))
        .update(claimed_at=now)
    )
    if not claimed:
        return False
    delivery = ReportDelivery.objects.select_related("report__round__series", "user").get(pk=delivery_id)
    if delivery.report.status != FollowUpReport.Status.PUBLISHED:
        ReportDelivery.objects.filter(pk=delivery_id).update(error="Nicht mehr veröffentlicht.")
        return False
    try:
        report_message(delivery=delivery).send()
    except Exception as exc:
        temporary, reason = classify_send_error(exc)
        if temporary is None:
            ReportDelivery.objects.filter(pk=delivery_id).update(claimed_at=None)
            raise
        if temporary:
            ReportDelivery.objects.filter(pk=delivery_id).update(claimed_at=None)
            raise DeliveryDeferred(reason, countdown=0) from exc  # the task knows its retries
        ReportDelivery.objects.filter(pk=delivery_id).update(error=f"Nicht zustellbar: {reason}")
        logger.warning("Report announcement %s failed: %s", delivery_id, reason)
        return False
    ReportDelivery.objects.filter(pk=delivery_id).update(sent_at=timezone.now())
    return True


def report_deliveries_sweep() -> int:
    """Re-enqueue announcements whose task was lost or whose worker died. Returns how many."""
    now = timezone.now()
    stuck_queued = now - datetime.timedelta(seconds=settings.DELIVERY_STUCK_QUEUED_SECONDS)
    stuck_sending = now - datetime.timedelta(seconds=settings.DELIVERY_STUCK_SENDING_SECONDS)
    ids = list(
        ReportDelivery.objects.filter(report__status=FollowUpReport.Status.PUBLISHED, sent_at__isnull=True, error="")
        .filter(Q(claimed_at__isnull=True, created_at__lt=stuck_queued) | Q(claimed_at__lt=stuck_sending))
        .values_list("pk", flat=True)
    )
    _enqueue(ids)
    return len(ids)
