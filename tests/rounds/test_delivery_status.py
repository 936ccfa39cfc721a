"""What organisers see about delivery: sent, queued, failed, and messages waiting too long with the likely cause."""

import datetime

import pytest
from aiosmtpd.controller import Controller
from django.urls import reverse
from django.utils import timezone

from rounds.models import Invitation
from rounds.selectors.delivery import DeliveryCause, round_delivery_status
from strategy_exchange.celery import app as celery_app
from strategy_exchange.heartbeat import heartbeat_write
from strategy_exchange.models import OutboxMessage, WorkerHeartbeat
from strategy_exchange.views import smtp_state
from tests.factories import InvitationFactory, invitation_with_message, round_with_roles
from tests.integration.conftest import free_port

pytestmark = pytest.mark.django_db
D = Invitation.Delivery
WAITING = "1 Nachricht wartet seit mehr als 5 Minuten"


def minutes_ago(minutes: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(minutes=minutes)


def queued_since(invitation: Invitation, minutes: int, error: str = "") -> None:
    """The invitation's message waits since ``minutes`` (its last retry was due a minute ago)."""
    message = invitation_with_message(invitation, created_at=minutes_ago(minutes), last_error=error)
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=minutes_ago(1))


def outbox_row(round_, state, *, key: str, created_minutes_ago: int = 0, error: str = "") -> OutboxMessage:
    message = OutboxMessage.objects.create(
        kind="reminder",
        key=key,
        object_id=1,
        scope=f"round:{round_.pk}",
        state=state,
        next_attempt_at=timezone.now(),
        last_error=error,
    )
    OutboxMessage.objects.filter(pk=message.pk).update(created_at=minutes_ago(created_minutes_ago))
    return message


def test_round_delivery_status_counts_invitations_and_every_other_message_of_the_round():
    roles = round_with_roles()
    round_ = roles.round
    invitation_with_message(roles.invitation, state=OutboxMessage.State.SENT)
    resent = InvitationFactory(round=round_)
    invitation_with_message(resent, state=OutboxMessage.State.FAILED, last_error="Nicht zustellbar: 450 früher")
    invitation_with_message(resent, state=OutboxMessage.State.SENT)  # an earlier failure, sent again: counts once
    failed = InvitationFactory(round=round_)
    invitation_with_message(failed, state=OutboxMessage.State.FAILED, last_error="Nicht zustellbar: 550")
    invitation_with_message(InvitationFactory(round=round_), state=OutboxMessage.State.SENDING)
    InvitationFactory(round=round_, delivery=D.PENDING)
    outbox_row(round_, OutboxMessage.State.SENT, key="a")
    outbox_row(round_, OutboxMessage.State.SENDING, key="b")
    outbox_row(round_, OutboxMessage.State.DROPPED, key="c")
    outbox_row(round_with_roles(clause_number=5).round, OutboxMessage.State.FAILED, key="d")  # another round's

    status = round_delivery_status(round_)

    assert (status.sent, status.queued, status.failed, status.waiting_long) == (3, 2, 1, 0)
    assert status.last_error == "Nicht zustellbar: 550"
    assert status.cause == ""


def test_waiting_messages_without_a_worker_heartbeat_name_the_missing_worker(client):
    roles = round_with_roles()
    queued_since(roles.invitation, 6)
    client.force_login(roles.organiser)

    status = round_delivery_status(roles.round)
    page = client.get(reverse("orga:round_detail", kwargs={"pk": roles.round.pk})).content.decode()

    assert (status.waiting_long, status.cause) == (1, DeliveryCause.NO_WORKER)
    assert WAITING in page
    assert "Kein Hintergrunddienst meldet sich" in page
    assert "Bisher hat sich kein Worker gemeldet." in page


def test_waiting_messages_with_a_live_worker_and_an_smtp_error_name_the_mail_server(client):
    roles = round_with_roles()
    error = "Vorübergehender Fehler, neuer Versuch folgt: Mailserver nicht erreichbar (ConnectionRefusedError)"
    queued_since(roles.invitation, 10, error)
    heartbeat_write(hostname="celery@worker-1")
    client.force_login(roles.organiser)

    status = round_delivery_status(roles.round)
    page = client.get(reverse("orga:round_delivery_status", kwargs={"pk": roles.round.pk})).content.decode()

    assert (status.waiting_long, status.cause, status.last_error) == (1, DeliveryCause.SMTP, error)
    assert WAITING in page
    assert "Der Mailserver nimmt die Nachrichten nicht an" in page
    assert error in page


def test_a_stale_heartbeat_counts_as_no_worker(settings):
    roles = round_with_roles()
    outbox_row(roles.round, OutboxMessage.State.QUEUED, key="r", created_minutes_ago=7, error="Mailserver 451")
    WorkerHeartbeat.objects.create(
        hostname="celery@old",
        beat_at=timezone.now() - datetime.timedelta(seconds=settings.WORKER_HEARTBEAT_STALE_SECONDS + 1),
    )

    status = round_delivery_status(roles.round)

    assert (status.waiting_long, status.cause) == (1, DeliveryCause.NO_WORKER)
    assert status.heartbeat_at is not None


def test_messages_queued_for_less_than_the_limit_raise_no_warning(client, settings):
    settings.DELIVERY_WAITING_WARNING_SECONDS = 10 * 60
    roles = round_with_roles()
    queued_since(roles.invitation, 6)
    client.force_login(roles.organiser)

    page = client.get(reverse("orga:round_detail", kwargs={"pk": roles.round.pk})).content.decode()

    assert round_delivery_status(roles.round).waiting_long == 0
    assert "0 versandt, 1 in Warteschlange, 0 fehlgeschlagen" in page
    assert "warten seit mehr als" not in page and "wartet seit mehr als" not in page


def test_dashboard_shows_delivery_counts_and_the_waiting_warning(client):
    roles = round_with_roles()
    queued_since(roles.invitation, 6)
    client.force_login(roles.organiser)

    page = client.get(reverse("orga:dashboard")).content.decode()

    assert "0 versandt, 1 in Warteschlange, 0 fehlgeschlagen" in page
    assert "1 Nachricht wartet seit mehr als 5 Minuten" in page
    assert "Kein Hintergrunddienst meldet sich" in page


def test_healthz_names_the_worker_heartbeat(client):
    broker_url = celery_app.conf.broker_url
    celery_app.conf.task_always_eager = False  # restored by the autouse fixture
    celery_app.conf.broker_url = f"redis://127.0.0.1:{free_port()}/0"  # nobody there: the broker is "down"
    try:
        none_yet = client.get(reverse("healthz")).json()
        heartbeat_write(hostname="celery@worker-1")
        alive = client.get(reverse("healthz")).json()
        WorkerHeartbeat.objects.update(beat_at=timezone.now() - datetime.timedelta(hours=1))
        stale = client.get(reverse("healthz"))
    finally:
        celery_app.conf.broker_url = broker_url

    assert (none_yet["worker"], none_yet["worker_heartbeat"]) == ("down", None)
    assert alive["worker"] == "ok"
    assert datetime.datetime.fromisoformat(alive["worker_heartbeat"]) > minutes_ago(1)
    assert (stale.status_code, stale.json()["worker"]) == (200, "down")


class Greeter:
    async def handle_DATA(self, server, session, envelope):
        return "250 OK"


def test_smtp_state_tells_a_reachable_mail_server_from_a_refused_one(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    controller = Controller(Greeter(), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
        reachable = smtp_state()
    finally:
        controller.stop()
    settings.EMAIL_PORT = free_port()

    assert (reachable, smtp_state()) == ("ok", "down")
