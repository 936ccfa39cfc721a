"""Looking ahead: the next round of each series, and strategies whose promised update is due.

Both run daily and act once per due date: a guarded UPDATE of ``Series.last_proposed_for`` or
``Strategy.update_reminder_sent_for`` decides which run (or worker) does the work; the others find
the date already taken and do nothing. The email is stored in the outbox in the same transaction.
"""

import calendar
import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from participants.models import Strategy, User
from rounds.models import Round, Series
from rounds.selectors.agenda import agenda_suggestions
from rounds.services.cadence import cadence_next_slot
from rounds.services.invitation_mail import AUTOMATIC
from strategy_exchange.mail import build_email
from strategy_exchange.models import OutboxMessage
from strategy_exchange.outbox import outbox_put

logger = logging.getLogger(__name__)


def series_propose_next_round(*, series: Series, today: datetime.date) -> Round | None:
    """Create the next draft round of a series from its cadence, once per due date.

    Only when every round of the series lies in the past (a planned or draft round is the next one
    already) and the series has had a round at all. A draft the organisers delete is not proposed again
    for the same date.
    """
    now = timezone.now()
    rounds = series.rounds.exclude(status=Round.Status.CANCELLED)
    if not rounds.exists() or rounds.filter(starts_at__gte=now).exists():
        return None
    starts_at, ends_at = cadence_next_slot(series=series, today=today)
    due = timezone.localtime(starts_at).date()
    with transaction.atomic():
        claimed = (
            Series.objects.filter(pk=series.pk)
            .filter(Q(last_proposed_for__isnull=True) | Q(last_proposed_for__lt=due))
            .update(last_proposed_for=due)
        )
        if not claimed:
            return None
        number = (series.rounds.aggregate(n=Max("number"))["n"] or 0) + 1
        round_ = Round.objects.create(
            series=series,
            number=number,
            starts_at=starts_at,
            ends_at=ends_at,
            online_link=series.default_online_link,
            status=Round.Status.DRAFT,
        )
        # The organisers' email is stored with the draft: it goes out once, even if the mail server is away now.
        outbox_put(kind="round_proposal", object_id=round_.pk, scope=f"round:{round_.pk}")
        return round_


def next_rounds_propose(*, today: datetime.date | None = None) -> list[Round]:
    """Propose the next round of every series that needs one and tell its organisers."""
    today = today or timezone.localdate()
    proposed = []
    for series in Series.objects.all():
        try:
            with transaction.atomic():  # a savepoint: one series' bad data stops neither the others nor the run
                round_ = series_propose_next_round(series=series, today=today)
        except Exception:
            logger.exception("Proposing the next round of series %s failed", series.pk)
            continue
        if round_ is not None:
            proposed.append(round_)
    return proposed


def round_proposal_render(message: OutboxMessage):
    """The proposal email to the series' organisers; None when the draft is gone or nobody organises the series."""
    round_ = Round.objects.select_related("series").filter(pk=message.object_id).first()
    if round_ is None:
        return None
    recipients = list(round_.series.organisers.filter(is_active=True).values_list("email", flat=True))
    return round_proposed_message(round_=round_, to=recipients) if recipients else None


def round_proposed_message(*, round_: Round, to: list[str]):
    """The proposal with the draft's agenda suggestions as they stand when the mail is sent."""
    return build_email(
        template_prefix="emails/round_proposed",
        context={
            "round": round_,
            "series": round_.series,
            "starts_at": timezone.localtime(round_.starts_at),
            "ends_at": timezone.localtime(round_.ends_at),
            "round_url": settings.SITE_URL + reverse("orga:round_detail", kwargs={"pk": round_.pk}),
            "agenda_url": settings.SITE_URL + reverse("orga:agenda", kwargs={"pk": round_.pk}),
            "suggestions": agenda_suggestions(round_=round_),
        },
        to=to,
        headers=AUTOMATIC,
    )


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def strategy_update_due_on(*, strategy: Strategy, today: datetime.date) -> datetime.date | None:
    """The latest date on which the strategy's promised update fell due (adoption + n × cycle), or None."""
    if not strategy.adopted_on or not strategy.update_cycle_months:
        return None
    due, cycles = None, 1
    while (candidate := _add_months(strategy.adopted_on, cycles * strategy.update_cycle_months)) <= today:
        due, cycles = candidate, cycles + 1
    return due


def strategy_update_reminders_send(*, today: datetime.date | None = None) -> int:
    """Remind the representatives of each organisation whose strategy's update is due, once per due date.

    Only the newest strategy of an organisation counts: an adopted update replaces the old promise.
    Returns how many strategies were reminded about."""
    today = today or timezone.localdate()
    latest = {}
    for strategy in Strategy.objects.filter(adopted_on__isnull=False, update_cycle_months__isnull=False).order_by(
        "organisation_id", "-adopted_on", "-pk"
    ):
        latest.setdefault(strategy.organisation_id, strategy)
    reminded = 0
    for strategy in latest.values():
        due = strategy_update_due_on(strategy=strategy, today=today)
        if due is None:
            continue
        with transaction.atomic():
            claimed = (
                Strategy.objects.filter(pk=strategy.pk)
                .filter(Q(update_reminder_sent_for__isnull=True) | Q(update_reminder_sent_for__lt=due))
                .update(update_reminder_sent_for=due)
            )
            if not claimed:
                continue
            outbox_put(
                kind="strategy_update",
                object_id=strategy.pk,
                key=f"strategy_update:{strategy.pk}:{due.isoformat()}",
                scope=f"organisation:{strategy.organisation_id}",
            )
        reminded += 1
    return reminded


def strategy_update_render(message: OutboxMessage):
    """The reminder to the organisation's representatives, for the due date it was stored for."""
    strategy = Strategy.objects.select_related("organisation").filter(pk=message.object_id).first()
    if strategy is None or strategy.update_reminder_sent_for is None:
        return None
    recipients = list(
        User.objects.filter(memberships__organisation_id=strategy.organisation_id, is_active=True)
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )
    if not recipients:
        return None
    return strategy_update_message(strategy=strategy, due=strategy.update_reminder_sent_for, to=recipients)


def strategy_update_message(*, strategy: Strategy, due: datetime.date, to: list[str]):
    return build_email(
        template_prefix="emails/strategy_update_due",
        context={
            "strategy": strategy,
            "organisation": strategy.organisation,
            "due": due,
            "strategy_url": settings.SITE_URL + reverse("participants:strategy"),
        },
        to=to,
        headers=AUTOMATIC,
    )
