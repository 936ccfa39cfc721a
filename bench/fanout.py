"""Invitation fan-out: N invitations of a fresh round, sent by one Celery worker to a local SMTP server."""

import datetime
import logging
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from aiosmtpd.controller import Controller
from django.db.models import Max
from django.utils import timezone

from bench.processes import CeleryWorker, free_port, wait_until
from participants.models import Membership, User
from rounds.models import AgendaItem, Invitation, Round
from rounds.services.delivery import invitations_enqueue
from strategy_exchange.celery import app as celery_app


@dataclass(frozen=True)
class FanoutResult:
    invitations: int
    sent: int
    failed: int
    received: int
    seconds: float
    messages_per_second: float


class CountingHandler:
    """Accepts every message and counts it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.received = 0

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.received += 1
        return "250 2.0.0 Message accepted for delivery"


@contextmanager
def smtp_server():
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    handler = CountingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield handler, controller.port
    finally:
        controller.stop()


@contextmanager
def broker(url: str):
    """Point this process's Celery app at ``url`` (not eager) for the duration."""
    previous = celery_app.conf.broker_url, celery_app.conf.task_always_eager
    celery_app.conf.broker_url = url
    celery_app.conf.task_always_eager = False
    celery_app._after_fork()  # drop pooled connections to the previous broker
    try:
        yield
    finally:
        celery_app.conf.broker_url, celery_app.conf.task_always_eager = previous
        celery_app._after_fork()


def fanout_round(*, round_id: int, count: int) -> Round:
    """A new round of the benchmark round's series with ``count`` pending invitations."""
    template = Round.objects.select_related("series").get(pk=round_id)
    number = (Round.objects.filter(series=template.series).aggregate(n=Max("number"))["n"] or 0) + 1
    starts_at = timezone.now() + datetime.timedelta(days=40)
    round_ = Round.objects.create(
        series=template.series,
        number=number,
        title="Einladungsversand (Messung)",
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
        online_link=template.online_link or "https://konferenz.example.org/messung",
        status=Round.Status.INVITED,
    )
    AgendaItem.objects.bulk_create(
        [AgendaItem(round=round_, clause_id=item.clause_id, order=item.order) for item in template.agenda_items.all()]
    )
    people = list(User.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True)[:count])
    organisation = dict(Membership.objects.filter(user__in=people).order_by("-pk").values_list("user", "organisation"))
    Invitation.objects.bulk_create(
        [Invitation(round=round_, user_id=pk, organisation_id=organisation.get(pk)) for pk in people]
    )
    return round_


def fanout_measure(
    *, round_id: int, count: int, broker_url: str, worker_env: dict[str, str], concurrency: int, logfile: Path
) -> FanoutResult:
    """Start SMTP server and worker, enqueue ``count`` invitations, wait until every one left."""
    round_ = fanout_round(round_id=round_id, count=count)
    try:
        with smtp_server() as (handler, port), broker(broker_url):
            env = {
                **worker_env,
                "REDIS_URL": broker_url,
                "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "EMAIL_HOST": "127.0.0.1",
                "EMAIL_PORT": str(port),
            }
            with CeleryWorker(env=env, concurrency=concurrency, logfile=logfile) as worker:
                worker.start()
                invitations = round_.invitations.all()
                ids = list(invitations.values_list("pk", flat=True))
                started = timezone.now()
                invitations_enqueue(invitation_ids=ids)
                done = [Invitation.Delivery.SENT, Invitation.Delivery.FAILED]
                wait_until(
                    lambda: invitations.filter(delivery__in=done).count() >= len(ids) or not worker.alive(),
                    timeout=max(60, len(ids) / 10),
                    interval=0.05,
                )
            last = invitations.aggregate(last=Max("sent_at"))["last"] or timezone.now()
            seconds = (last - started).total_seconds()
            sent = invitations.filter(delivery=Invitation.Delivery.SENT).count()
            failed = invitations.filter(delivery=Invitation.Delivery.FAILED).count()
            received = handler.received
    finally:
        round_.delete()
    return FanoutResult(len(ids), sent, failed, received, seconds, sent / seconds if seconds else 0.0)
