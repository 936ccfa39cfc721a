"""Reminders before a round and the nudge to the organisers after it.

Reminders are sent at most once per invitee, number of days and date of the round: a
``ReminderDelivery`` row exists once per (invitation, days before, round start), and its one outbox
message (``reminder:<id>``) is stored with it; ``sent_at`` notes when the message went out. A round
that moves gets a new start, so its reminders are computed afresh, and a stored reminder that no longer
fits is dropped when its turn comes. If the periodic task was down, only the latest due reminder goes
out, and none that would arrive right after the invitation or a calendar update itself.
"""

import datetime
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from rounds.models import MAX_REMINDER_DAYS, Invitation, ReminderDelivery, Round
from rounds.services.invitation_mail import AUTOMATIC, invitation_context
from strategy_exchange.mail import build_email
from strategy_exchange.models import OutboxMessage
from strategy_exchange.outbox import outbox_put

logger = logging.getLogger(__name__)

REMINDED_RSVPS = [Invitation.Rsvp.OPEN, Invitation.Rsvp.ACCEPTED]
ACTIVE_ROUNDS = [Round.Status.SCHEDULED, Round.Status.INVITED]
NUDGE_WITHIN = datetime.timedelta(days=14)


def series_reminder_days(series) -> list[int]:
    """The series' reminder days, cleaned: positive whole days up to MAX_REMINDER_DAYS, largest first, no
    duplicates. Values stored past the validation (Infinity, 99999999999) are left out, so that one series'
    data cannot stop the reminders of the others."""
    days = []
    values = series.reminder_days if isinstance(series.reminder_days, list) else []
    for value in values:
        try:
            day = int(value)
        except (TypeError, ValueError, OverflowError):
            continue
        if 0 < day <= MAX_REMINDER_DAYS and day not in days:
            days.append(day)
    return sorted(days, reverse=True)


def reminder_due_days(*, invitation: Invitation, now: datetime.datetime) -> int | None:
    """The one reminder (days before) this invitee should have now, or None."""
    round_ = invitation.round
    if not invitation.sent_at or now >= round_.starts_at:
        return None
    due = [day for day in series_reminder_days(round_.series) if round_.starts_at - datetime.timedelta(days=day) <= now]
    if not due:
        return None
    latest = min(due)
    if invitation.sent_at >= round_.starts_at - datetime.timedelta(days=latest):
        return None  # the invitation or its update came after that moment: no reminder needed
    return latest


def reminders_queue_due(*, now: datetime.datetime | None = None) -> int:
    """Create the reminders that are due, each with its outbox message. Returns how many were queued."""
    now = now or timezone.now()
    horizon = max([0, *(day for days in _all_reminder_days() for day in days)])
    invitations = Invitation.objects.filter(
        round__status__in=ACTIVE_ROUNDS,
        round__starts_at__gt=now,
        round__starts_at__lte=now + datetime.timedelta(days=horizon),
        rsvp__in=REMINDED_RSVPS,
        delivery=Invitation.Delivery.SENT,
    ).select_related("round__series")
    queued = 0
    for invitation in invitations:
        days = reminder_due_days(invitation=invitation, now=now)
        if days is None:
            continue
        with transaction.atomic():
            reminder = _reminder_row(invitation=invitation, days=days)
            if reminder.sent_at is None and outbox_put(
                kind="reminder", object_id=reminder.pk, scope=f"round:{invitation.round_id}"
            ):
                queued += 1
    return queued


def _all_reminder_days() -> list[list[int]]:
    from rounds.models import Series

    return [series_reminder_days(series) for series in Series.objects.only("reminder_days")]


def _reminder_row(*, invitation: Invitation, days: int) -> ReminderDelivery:
    key = {"invitation": invitation, "days_before": days, "round_starts_at": invitation.round.starts_at}
    try:
        with transaction.atomic():
            return ReminderDelivery.objects.get_or_create(**key)[0]
    except IntegrityError:  # created by a concurrent run in the meantime
        return ReminderDelivery.objects.get(**key)


def reminder_render(message: OutboxMessage):
    """The reminder's email, or None when it no longer fits the round (moved, cancelled, declined, begun)."""
    reminder = (
        ReminderDelivery.objects.select_related(
            "invitation__round__series", "invitation__user", "invitation__organisation"
        )
        .filter(pk=message.object_id, sent_at__isnull=True)
        .first()
    )
    if reminder is None:
        return None
    invitation = reminder.invitation
    round_ = invitation.round
    if (
        round_.starts_at != reminder.round_starts_at
        or round_.status not in ACTIVE_ROUNDS
        or invitation.rsvp not in REMINDED_RSVPS
        or timezone.now() >= round_.starts_at
    ):
        return None
    return reminder_message(invitation=invitation, days_before=reminder.days_before)


def reminder_sent(message: OutboxMessage) -> None:
    ReminderDelivery.objects.filter(pk=message.object_id, sent_at__isnull=True).update(sent_at=timezone.now())


def reminder_message(*, invitation: Invitation, days_before: int):
    return build_email(
        template_prefix="emails/reminder",
        context={**invitation_context(invitation=invitation), "days_before": days_before},
        to=[invitation.user.email],
        headers=AUTOMATIC,
    )


def organisers_nudge_due(*, now: datetime.datetime | None = None) -> int:
    """Once after each round has ended: remind its series' organisers to write the notes and publish the
    report. Rounds that ended more than two weeks ago are left alone. Returns how many rounds were nudged."""
    now = now or timezone.now()
    rounds = Round.objects.filter(
        status__in=[*ACTIVE_ROUNDS, Round.Status.HELD],
        ends_at__lte=now,
        ends_at__gt=now - NUDGE_WITHIN,
        organiser_nudged_at__isnull=True,
    ).select_related("series")
    nudged = 0
    for round_ in rounds:
        with transaction.atomic():
            if not Round.objects.filter(pk=round_.pk, organiser_nudged_at__isnull=True).update(organiser_nudged_at=now):
                continue
            outbox_put(kind="organiser_nudge", object_id=round_.pk, scope=f"round:{round_.pk}")
        nudged += 1
    return nudged


def organiser_nudge_render(message: OutboxMessage):
    round_ = Round.objects.select_related("series").filter(pk=message.object_id).first()
    if round_ is None:
        return None
    recipients = list(round_.series.organisers.filter(is_active=True).values_list("email", flat=True))
    return organiser_nudge_message(round_=round_, to=recipients) if recipients else None


def organiser_nudge_message(*, round_: Round, to: list[str]):
    has_report = round_.reports.exists()
    return build_email(
        template_prefix="emails/organiser_nudge",
        context={
            "round": round_,
            "series": round_.series,
            "starts_at": timezone.localtime(round_.starts_at),
            "notes_url": settings.SITE_URL + reverse("orga:notes", kwargs={"pk": round_.pk}),
            "attendance_url": settings.SITE_URL + reverse("orga:attendance", kwargs={"pk": round_.pk}),
            "report_url": settings.SITE_URL + reverse("orga:report", kwargs={"pk": round_.pk}),
            "has_report": has_report,
        },
        to=to,
        headers=AUTOMATIC,
    )
