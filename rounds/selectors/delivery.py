"""Read queries about sending: the organiser's progress display and the delivery status of rounds."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rounds.models import Invitation, Round
from rounds.services.delivery import INVITATION_KINDS
from strategy_exchange.heartbeat import heartbeat_latest, worker_alive
from strategy_exchange.models import OutboxMessage


def round_delivery_progress(round_: Round) -> dict[str, int]:
    """Invitations of the round per delivery state (``pending``, ``queued``, ``sent``, ``failed``),
    plus ``total``, ``done`` (sent or failed) and ``percent`` done, in one query."""
    counts = dict.fromkeys(Invitation.Delivery.values, 0)
    for row in round_.invitations.order_by().values("delivery").annotate(n=Count("pk")):
        counts[row["delivery"]] = row["n"]
    total = sum(counts.values())
    done = counts[Invitation.Delivery.SENT] + counts[Invitation.Delivery.FAILED]
    return {**counts, "total": total, "done": done, "percent": round(100 * done / total) if total else 100}


class DeliveryCause(models.TextChoices):
    """Why messages wait: what the organiser can tell the administrators."""

    NO_WORKER = "no_worker", _("Kein Hintergrunddienst meldet sich: Der Worker läuft nicht oder hängt.")
    SMTP = "smtp", _("Der Mailserver nimmt die Nachrichten nicht an oder ist nicht erreichbar.")
    UNKNOWN = "unknown", _("Die Nachrichten warten auf den Hintergrunddienst.")


@dataclass
class DeliveryStatus:
    """A round's outgoing messages (invitations, updates, cancellations, reminders, report mails, reply
    notifications, the proposal): sent, queued, failed, and those waiting longer than the warning limit."""

    sent: int = 0
    queued: int = 0
    failed: int = 0
    waiting_long: int = 0
    last_error: str = ""
    last_error_at: datetime.datetime | None = None
    cause: str = ""
    heartbeat_at: datetime.datetime | None = None

    @property
    def warning_minutes(self) -> int:
        return max(1, settings.DELIVERY_WAITING_WARNING_SECONDS // 60)

    @property
    def total(self) -> int:
        return self.sent + self.queued + self.failed

    @property
    def cause_label(self) -> str:
        return DeliveryCause(self.cause).label if self.cause else ""

    def _error(self, text: str, at: datetime.datetime | None) -> None:
        if text and (not self.last_error or (at and self.last_error_at and at > self.last_error_at)):
            self.last_error, self.last_error_at = text, at


def rounds_delivery_status(round_ids: list[int], *, now: datetime.datetime | None = None) -> dict[int, DeliveryStatus]:
    """The delivery status of each round, in four queries however many rounds and messages there are.

    Invitations count once each, by where their latest message stands (an earlier failed message that was sent
    again does not count); every other message of the round counts by its outbox row."""
    now = now or timezone.now()
    limit = now - datetime.timedelta(seconds=settings.DELIVERY_WAITING_WARNING_SECONDS)
    statuses = {pk: DeliveryStatus() for pk in round_ids}
    if not statuses:
        return statuses
    D = Invitation.Delivery
    invitations = (
        Invitation.objects.filter(round_id__in=round_ids, delivery__in=[D.QUEUED, D.SENT, D.FAILED])
        .order_by()
        .values("round_id", "delivery")
        .annotate(n=Count("pk"), long=Count("pk", filter=Q(message__created_at__lt=limit)))
    )
    for row in invitations:
        _count(statuses[row["round_id"]], row["delivery"], row["n"], row["long"])
    State = OutboxMessage.State
    scopes = {f"round:{pk}": pk for pk in round_ids}
    others = OutboxMessage.objects.filter(scope__in=list(scopes)).exclude(kind__in=INVITATION_KINDS)
    messages = (
        others.filter(state__in=[State.QUEUED, State.SENDING, State.SENT, State.FAILED])
        .order_by()
        .values("scope", "state")
        .annotate(n=Count("pk"), long=Count("pk", filter=Q(created_at__lt=limit)))
    )
    for row in messages:
        _count(statuses[scopes[row["scope"]]], row["state"], row["n"], row["long"])
    troubled = [pk for pk, status in statuses.items() if status.queued or status.failed]
    if troubled:
        for round_id, error, at in (
            Invitation.objects.filter(round_id__in=troubled, delivery__in=[D.QUEUED, D.FAILED], message__isnull=False)
            .exclude(message__last_error="")
            .order_by("round_id", "-message__next_attempt_at")
            .values_list("round_id", "message__last_error", "message__next_attempt_at")
        ):
            statuses[round_id]._error(error, at)
        for scope, error, at in (
            others.filter(
                scope__in=[f"round:{pk}" for pk in troubled], state__in=[State.QUEUED, State.SENDING, State.FAILED]
            )
            .exclude(last_error="")
            .order_by("scope", "-next_attempt_at")
            .values_list("scope", "last_error", "next_attempt_at")
        ):
            statuses[scopes[scope]]._error(error, at)
    waiting = [status for status in statuses.values() if status.waiting_long]
    if waiting:
        latest = heartbeat_latest()
        alive = worker_alive(latest=latest, now=now) if latest else False
        for status in waiting:
            status.heartbeat_at = latest
            status.cause = (
                DeliveryCause.SMTP
                if alive and status.last_error
                else (DeliveryCause.UNKNOWN if alive else DeliveryCause.NO_WORKER)
            )
    return statuses


def _count(status: DeliveryStatus, state: str, n: int, long: int) -> None:
    if state == "sent":
        status.sent += n
    elif state == "failed":
        status.failed += n
    else:
        status.queued += n
        status.waiting_long += long


def round_delivery_status(round_: Round) -> DeliveryStatus:
    return rounds_delivery_status([round_.pk])[round_.pk]
