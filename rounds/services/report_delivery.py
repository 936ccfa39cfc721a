"""Announcing a published report to its participants: one email per person and report, exactly once.

Publishing fans out once (a guarded UPDATE of ``FollowUpReport.notified_at``, in the same transaction
as the ``ReportDelivery`` rows and their outbox messages ``report:<delivery id>``); ``sent_at`` notes when
a message went out. The PDF is attached when it is smaller than ``REPORT_ATTACHMENT_MAX_BYTES``.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from participants.markup import plain_text
from rounds.models import FollowUpReport, ReportDelivery
from rounds.selectors.reports import report_absolute_url, report_previous_published
from rounds.services.invitation_mail import AUTOMATIC
from rounds.services.report_content import participating_invitations
from strategy_exchange.mail import build_email
from strategy_exchange.models import OutboxMessage
from strategy_exchange.outbox import outbox_put

logger = logging.getLogger(__name__)


def report_notify_after_commit(*, report: FollowUpReport) -> None:
    from rounds.tasks.reports import notify_report_published
    from strategy_exchange.celery import enqueue

    # Without the broker the announcements are created here (rows only): the sweep sends them.
    transaction.on_commit(lambda: enqueue(notify_report_published, report.pk) or report_notify(report_id=report.pk))


def report_notify(*, report_id: int) -> int:
    """Create one delivery per participant of a published report, each with its outbox message; only the first
    call per report does anything. Returns how many were queued."""
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
        for pk in ids:
            outbox_put(kind="report", object_id=pk, scope=f"round:{report.round_id}")
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


def report_render(message: OutboxMessage):
    """The announcement, while its report is still the published one."""
    delivery = (
        ReportDelivery.objects.select_related("report__round__series", "user")
        .filter(pk=message.object_id, sent_at__isnull=True)
        .first()
    )
    if delivery is None or delivery.report.status != FollowUpReport.Status.PUBLISHED:
        return None
    return report_message(delivery=delivery)


def report_sent(message: OutboxMessage) -> None:
    ReportDelivery.objects.filter(pk=message.object_id, sent_at__isnull=True).update(sent_at=timezone.now())
