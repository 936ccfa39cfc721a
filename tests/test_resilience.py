"""The cache and the broker are optional: with either Redis down, pages answer and writes stand.

Each test starts its own redis-server (no persistence) on a free port, points the cache or the Celery
broker at it, shows that it is really used, and then stops it. Without redis-server these tests skip
locally and fail under ``CI=true``.
"""

import base64
import datetime
import json
import os
import runpy
import shutil
import socket
import subprocess
import time
from pathlib import Path
from unittest import mock

import pytest
import redis
import time_machine
from django.conf import settings as django_settings
from django.core import mail
from django.core.cache import cache
from django.db import OperationalError, connection
from django.urls import reverse
from django.utils import timezone

from rounds.models import Comment, FollowUpReport, Invitation, ReportDelivery, Round
from rounds.services.delivery import invitations_enqueue
from rounds.services.reports import report_publish
from strategy_exchange.celery import app as celery_app
from strategy_exchange.celery import enqueue
from strategy_exchange.models import OutboxMessage
from strategy_exchange.outbox import outbox_sweep
from strategy_exchange.tasks import send_outbox_messages
from tests.conftest import require
from tests.factories import (
    PASSWORD,
    CommentFactory,
    FollowUpReportFactory,
    PositionFactory,
    UserFactory,
    round_with_roles,
)

pytestmark = pytest.mark.django_db

SETTINGS_FILE = Path(django_settings.BASE_DIR) / "strategy_exchange" / "settings.py"


def settings_with(**env: str) -> dict:
    """The settings module as it reads this environment (REDIS_URL and CACHE_URL unset unless given)."""
    environ = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CACHE_URL")}
    with mock.patch.dict(os.environ, {**environ, **env}, clear=True):
        return runpy.run_path(str(SETTINGS_FILE))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A private redis-server without persistence that a test stops (and may start again)."""

    def __init__(self, workdir: Path) -> None:
        self.port, self.workdir, self.process = free_port(), workdir, None

    def url(self, database: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{database}"

    def client(self, database: int) -> redis.Redis:
        return redis.Redis.from_url(self.url(database), socket_timeout=1)

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.workdir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not self._answers():
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def _answers(self) -> bool:
        try:
            return self.client(0).ping()
        except redis.ConnectionError:
            return False


@pytest.fixture
def redis_server(tmp_path):
    require(shutil.which("redis-server") is not None, "needs redis-server")
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def cache_redis(redis_server, settings):
    """The production cache configuration (CACHES for this CACHE_URL), on the private server's database 1."""
    settings.CACHES = settings_with(CACHE_URL=redis_server.url(1))["CACHES"]
    cache.set("resilience", "Moin", 60)
    assert cache.get("resilience") == "Moin"
    assert redis_server.client(1).dbsize() == 1
    return redis_server


def use_broker(url: str, *, eager: bool) -> None:
    celery_app.conf.broker_url = url
    celery_app.conf.task_always_eager = eager
    celery_app._after_fork()  # drop pooled connections to the previous broker


@pytest.fixture
def broker_redis(redis_server):
    """Celery publishes to the private server's database 0 instead of running tasks in-process."""
    use_broker(redis_server.url(0), eager=False)
    yield redis_server
    use_broker(django_settings.CELERY_BROKER_URL, eager=True)


def run_published(server: RedisServer) -> int:
    """Run every task message waiting on the broker in this process (as a worker would); how many."""
    count = 0
    while raw := server.client(0).rpop("celery"):
        message = json.loads(raw)
        args, kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        celery_app.tasks[message["headers"]["task"]].apply(args=args, kwargs=kwargs)
        count += 1
    return count


@pytest.fixture
def roles():
    return round_with_roles(starts_at=timezone.now() + datetime.timedelta(days=3))


def _pages(roles) -> list[str]:
    return [
        reverse("rounds:round_detail", kwargs={"pk": roles.round.pk}),
        reverse("rounds:discussion", kwargs={"round_pk": roles.round.pk, "number": roles.clause.number}),
        reverse("clauses:matrix"),
    ]


# Settings ---------------------------------------------------------------------------------------------


def test_broker_and_cache_use_separate_redis_databases():
    defaults = settings_with(REDIS_URL="redis://redis.example:6379/0")
    own = settings_with(REDIS_URL="redis://redis.example:6379/0", CACHE_URL="redis://cache.example:6380/3")
    local = settings_with()

    assert defaults["CELERY_BROKER_URL"] == "redis://redis.example:6379/0"
    assert defaults["CACHES"]["default"]["LOCATION"] == "redis://redis.example:6379/1"
    assert own["CACHES"]["default"]["LOCATION"] == "redis://cache.example:6380/3"
    assert local["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.filebased.FileBasedCache"
    assert local["CELERY_TASK_ALWAYS_EAGER"] is True


# The cache down ---------------------------------------------------------------------------------------


def test_pages_answer_with_the_cache_down(client, roles, cache_redis):
    PositionFactory(strategy__organisation=roles.invited_org, clause=roles.clause)
    CommentFactory(agenda_item=roles.item, author=roles.invited, organisation=roles.invited_org, body="Erster")
    client.force_login(roles.invited)
    assert [client.get(url).status_code for url in _pages(roles)] == [200, 200, 200]
    assert cache_redis.client(1).dbsize() > 1  # the session and rendered fragments went there

    cache_redis.stop()
    started = time.monotonic()
    responses = [client.get(url) for url in _pages(roles)]

    assert [response.status_code for response in responses] == [200, 200, 200]
    assert "Beteiligung aller relevanten Akteure" in responses[0].content.decode()
    assert "Erster" in responses[1].content.decode()
    assert "Stadt Jena" in responses[2].content.decode()
    assert time.monotonic() - started < 5


def test_writes_succeed_with_the_cache_down(client, roles, cache_redis):
    cache_redis.stop()
    client.force_login(roles.invited)

    comment = client.post(
        reverse("rounds:comment_post", kwargs={"round_pk": roles.round.pk, "number": roles.clause.number}),
        {"body": "Ohne Cache", "confidentiality": "quotable"},
    )
    rsvp = client.post(reverse("rounds:rsvp", kwargs={"pk": roles.round.pk}), {"answer": "accept"})
    page = client.get(reverse("rounds:round_detail", kwargs={"pk": roles.round.pk}))

    roles.invitation.refresh_from_db()
    assert (comment.status_code, rsvp.status_code, page.status_code) == (302, 302, 200)
    assert Comment.objects.filter(body="Ohne Cache", author=roles.invited).exists()
    assert roles.invitation.rsvp == Invitation.Rsvp.ACCEPTED
    assert roles.round.online_link in page.content.decode()


def test_sign_in_with_the_cache_down_works_and_is_still_rate_limited(client, cache_redis):
    user = UserFactory(email="ina@example.org")
    other = UserFactory(email="otto@example.org")
    cache_redis.stop()
    login = reverse("account_login")

    signed_in = client.post(login, {"login": user.email, "password": PASSWORD})
    client.logout()
    wrong = [client.post(login, {"login": other.email, "password": "falsch"}).status_code for _ in range(5)]
    refused = client.post(login, {"login": other.email, "password": PASSWORD})

    assert (signed_in.status_code, signed_in.url) == (302, reverse("rounds:my_rounds"))
    assert wrong == [200] * 5
    assert refused.status_code == 200
    assert "Zu viele gescheiterte Anmeldeversuche" in refused.content.decode()
    assert "_auth_user_id" not in client.session


def test_healthz_reports_the_cache_down_and_stays_200(client, cache_redis):
    before = client.get(reverse("healthz"))
    cache_redis.stop()
    after = client.get(reverse("healthz"))

    assert (before.status_code, before.json()) == (
        200,
        {
            "status": "ok",
            "database": "ok",
            "cache": "ok",
            "broker": "eager",
            "worker": "eager",
            "worker_heartbeat": None,
            "smtp": "unused",
        },
    )
    assert (after.status_code, after.json()) == (
        200,
        {
            "status": "ok",
            "database": "ok",
            "cache": "down",
            "broker": "eager",
            "worker": "eager",
            "worker_heartbeat": None,
            "smtp": "unused",
        },
    )


def test_healthz_answers_503_when_the_database_is_down(client):
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("connection refused")):
        response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json() == {
        "status": "down",
        "database": "down",
        "cache": "ok",
        "broker": "eager",
        "worker": "down",
        "worker_heartbeat": None,
        "smtp": "unused",
    }


# The broker down --------------------------------------------------------------------------------------


def test_enqueue_reaches_the_broker_and_gives_up_fast_when_it_is_down(broker_redis, caplog):
    assert enqueue(send_outbox_messages, [1]) is True
    assert broker_redis.client(0).llen("celery") == 1

    broker_redis.stop()
    started = time.monotonic()
    handed_over = enqueue(send_outbox_messages, [2])

    assert handed_over is False
    assert time.monotonic() - started < 3
    assert "Broker unavailable, strategy_exchange.tasks.send_outbox_messages([2],) not queued" in caplog.text


def test_healthz_reports_the_broker_down_and_stays_200(client, broker_redis):
    before = client.get(reverse("healthz")).json()
    broker_redis.stop()
    response = client.get(reverse("healthz"))

    assert before["broker"] == "ok"
    assert response.status_code == 200
    assert response.json()["broker"] == "down"


def test_writes_that_enqueue_succeed_with_the_broker_down(
    client, roles, broker_redis, django_capture_on_commit_callbacks
):
    parent = CommentFactory(agenda_item=roles.item, author=roles.organiser, body="Frage")
    Round.objects.filter(pk=roles.round.pk).update(status=Round.Status.SCHEDULED)
    broker_redis.stop()

    client.force_login(roles.invited)
    with django_capture_on_commit_callbacks(execute=True):
        reply = client.post(
            reverse("rounds:comment_post", kwargs={"round_pk": roles.round.pk, "number": roles.clause.number}),
            {"body": "Antwort", "confidentiality": "quotable", "parent": parent.pk},
        )
    client.force_login(roles.organiser)
    with django_capture_on_commit_callbacks(execute=True):
        send = client.post(reverse("orga:invitations_send", kwargs={"pk": roles.round.pk}))

    roles.invitation.refresh_from_db()
    assert (reply.status_code, send.status_code) == (302, 302)
    assert Comment.objects.filter(body="Antwort", parent=parent).exists()
    assert roles.invitation.delivery == Invitation.Delivery.QUEUED
    assert mail.outbox == []
    # The reply notification waits in the outbox for the sweep instead of being lost.
    notification = OutboxMessage.objects.get(kind="comment_reply")
    assert (notification.object_id, notification.state) == (reply_comment_pk(parent), OutboxMessage.State.QUEUED)


def reply_comment_pk(parent: Comment) -> int:
    return Comment.objects.get(parent=parent).pk


def test_invitations_left_queued_by_a_broker_outage_are_sent_by_the_sweep(
    roles, broker_redis, settings, django_capture_on_commit_callbacks
):
    broker_redis.stop()
    with django_capture_on_commit_callbacks(execute=True):
        assert invitations_enqueue(invitation_ids=[roles.invitation.pk]) == 1
    roles.invitation.refresh_from_db()
    assert roles.invitation.delivery == Invitation.Delivery.QUEUED

    broker_redis.start()
    later = timezone.now() + datetime.timedelta(seconds=settings.DELIVERY_STUCK_QUEUED_SECONDS + 60)
    with time_machine.travel(later, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            swept = outbox_sweep()
        ran = run_published(broker_redis)  # as a worker would, then: the sweep made them due

    roles.invitation.refresh_from_db()
    assert (swept["outbox_requeued"], ran) == (1, 1)
    assert roles.invitation.delivery == Invitation.Delivery.SENT
    assert [message.to for message in mail.outbox] == [[roles.invited.email]]


def test_invitations_left_queued_are_sent_by_the_sweep_in_process(
    roles, broker_redis, settings, django_capture_on_commit_callbacks
):
    broker_redis.stop()
    with django_capture_on_commit_callbacks(execute=True):
        invitations_enqueue(invitation_ids=[roles.invitation.pk])
    use_broker(django_settings.CELERY_BROKER_URL, eager=True)  # as `make run`: no broker, jobs in-process

    later = timezone.now() + datetime.timedelta(seconds=settings.DELIVERY_STUCK_QUEUED_SECONDS + 60)
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        outbox_sweep()

    roles.invitation.refresh_from_db()
    assert roles.invitation.delivery == Invitation.Delivery.SENT
    assert len(mail.outbox) == 1


def test_a_report_published_with_the_broker_down_is_announced_by_the_sweep(
    roles, broker_redis, settings, django_capture_on_commit_callbacks
):
    Invitation.objects.filter(pk=roles.invitation.pk).update(rsvp=Invitation.Rsvp.ACCEPTED)
    Round.objects.filter(pk=roles.round.pk).update(status=Round.Status.HELD)
    report = FollowUpReportFactory(round=roles.round, status=FollowUpReport.Status.BUILT, html="<p>Ergebnisse</p>")
    broker_redis.stop()

    with django_capture_on_commit_callbacks(execute=True):
        report_publish(report=report, user=roles.organiser)
    deliveries = list(ReportDelivery.objects.filter(report=report).values_list("user", "sent_at"))
    use_broker(django_settings.CELERY_BROKER_URL, eager=True)
    later = timezone.now() + datetime.timedelta(seconds=settings.DELIVERY_STUCK_QUEUED_SECONDS + 60)
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        swept = outbox_sweep()

    assert deliveries == [(roles.invited.pk, None)]
    assert swept["outbox_requeued"] == 1
    assert [message.to for message in mail.outbox] == [[roles.invited.email]]
