"""Every kind of message through a real broker, worker and SMTP server: each delivered once with its outbox row,
none lost, under SMTP failures, a killed worker and a restarted broker; and the organiser's warning while no worker
runs. Invitations, calendar updates, cancellations and withdrawals go through the outbox's batch path."""

import datetime
import time
from collections import Counter

import pytest
from django.urls import reverse
from django.utils import timezone

from participants.models import Membership, User
from participants.services import membership_end, membership_propose
from rounds.models import FollowUpReport, Invitation, Round
from rounds.services.comments import comment_reply_notify
from rounds.services.delivery import INVITATION_KINDS, deliveries_sweep, invitations_enqueue, round_calendar_changed
from rounds.services.invitations import invitation_withdraw
from rounds.services.organisations import representative_add
from rounds.services.reminders import organisers_nudge_due, reminders_queue_due
from rounds.services.report_delivery import report_notify
from rounds.services.rounds import round_cancel
from rounds.services.scheduling import next_rounds_propose, strategy_update_reminders_send
from strategy_exchange.models import OutboxMessage, WorkerHeartbeat
from strategy_exchange.outbox import KINDS, outbox_sweep
from tests.factories import (
    AgendaItemFactory,
    CommentFactory,
    FollowUpReportFactory,
    MembershipFactory,
    OrganisationFactory,
    RoundFactory,
    SeriesFactory,
    StrategyFactory,
    UserFactory,
)
from tests.integration.conftest import STUCK_SECONDS, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
State = OutboxMessage.State
SETTLED = {State.SENT, State.FAILED, State.DROPPED}
PREFIXES = {
    "Einladung:": "invitation",
    "Einladung zurückgezogen:": "withdrawn",
    "Geändert:": "update",
    "Abgesagt:": "cancellation",
    "Erinnerung:": "reminder",
    "Nach der Runde": "organiser_nudge",
    "Nachbericht:": "report",
    "Neue Antwort": "comment_reply",
    "Vorschlag:": "round_proposal",
    "Aktualisierung fällig:": "strategy_update",
    "Bitte bestätigen:": "membership_proposal",
    "Sie vertreten": "membership_removed",
    "Einladung in den Strategie-Austausch": "account_invitation",
}


def kind_of(subject: str) -> str:
    return next(kind for prefix, kind in PREFIXES.items() if subject.startswith(prefix))


def received(handler) -> Counter:
    """(recipient, kind) → how many messages arrived."""
    counts: Counter = Counter()
    for (address, subject), n in handler.subjects().items():
        counts[(address, kind_of(subject))] += n
    return counts


def outbox_settled() -> bool:
    return set(OutboxMessage.objects.values_list("state", flat=True)) <= SETTLED


def invitations_settled() -> bool:
    return not Invitation.objects.exclude(delivery__in=[Invitation.Delivery.SENT, Invitation.Delivery.FAILED]).exists()


def sweep(settings) -> None:
    settings.DELIVERY_STUCK_QUEUED_SECONDS = STUCK_SECONDS
    settings.DELIVERY_STUCK_SENDING_SECONDS = STUCK_SECONDS
    deliveries_sweep()
    outbox_sweep()


def people(prefix: str, count: int, organisation=None) -> list[User]:
    users = [UserFactory(email=f"{prefix}{n}@example.org", full_name=f"{prefix.title()} {n}") for n in range(count)]
    if organisation is not None:
        for user in users:
            MembershipFactory(user=user, organisation=organisation)
    return users


def upcoming_round_with_invitees(prefix: str, count: int, *, series=None) -> tuple[Round, list[Invitation]]:
    """A round in five days whose invitations were sent three weeks ago (so its 7-day reminder is due)."""
    starts_at = timezone.now() + datetime.timedelta(days=5)
    round_ = RoundFactory(
        series=series or SeriesFactory(),
        status=Round.Status.INVITED,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
    )
    AgendaItemFactory(round=round_)
    invitations = [
        Invitation.objects.create(
            round=round_,
            user=user,
            delivery=Invitation.Delivery.SENT,
            sent_at=timezone.now() - datetime.timedelta(days=21),
            sent_sequence=0,
        )
        for user in people(prefix, count)
    ]
    return round_, invitations


def invitation_world(invitees: int) -> Counter:
    """Invitations, calendar updates, cancellations and a withdrawal (``invitees`` of each but the last), stored by
    the real services; returns which (recipient, kind) should arrive once each."""
    fresh_round = RoundFactory(status=Round.Status.INVITED)
    AgendaItemFactory(round=fresh_round)
    fresh = [Invitation.objects.create(round=fresh_round, user=user) for user in people("eingeladen", invitees)]
    assert invitations_enqueue(invitation_ids=[i.pk for i in fresh]) == invitees
    moved_round, moved = upcoming_round_with_invitees("verschoben", invitees)
    Round.objects.filter(pk=moved_round.pk).update(
        starts_at=moved_round.starts_at + datetime.timedelta(hours=1),
        ends_at=moved_round.ends_at + datetime.timedelta(hours=1),
    )
    assert round_calendar_changed(round_=Round.objects.get(pk=moved_round.pk)) == invitees
    cancelled_round, cancelled = upcoming_round_with_invitees("storniert", invitees)
    round_cancel(round_=cancelled_round, reason="Krankheit")
    _round, (withdrawn,) = upcoming_round_with_invitees("zurueckgezogen", 1)
    invitation_withdraw(invitation=withdrawn)
    return Counter(
        {
            **{(i.user.email, "invitation"): 1 for i in fresh},
            **{(i.user.email, "update"): 1 for i in moved},
            **{(i.user.email, "cancellation"): 1 for i in cancelled},
            (withdrawn.user.email, "withdrawn"): 1,
        }
    )


def outbox_world(*, reminders: int, invitees: int = 3, parent_item=None) -> Counter:
    """One message of every kind (``reminders`` reminders, ``invitees`` invitations, updates, cancellations),
    stored by the real services; returns which (recipient, kind) should arrive once each."""
    _soon, reminded = upcoming_round_with_invitees("erinnert", reminders)
    assert reminders_queue_due() == reminders
    expected_invitations = invitation_world(invitees)
    ended = RoundFactory(
        series=SeriesFactory(organisers=[UserFactory(email="nachher@example.org")]),
        status=Round.Status.HELD,
        starts_at=timezone.now() - datetime.timedelta(hours=3),
        ends_at=timezone.now() - datetime.timedelta(hours=1),
    )
    AgendaItemFactory(round=ended)
    for user in people("teilnahme", 2):
        Invitation.objects.create(round=ended, user=user, rsvp=Invitation.Rsvp.ACCEPTED, attended_at=ended.starts_at)
    organisers_nudge_due()
    next_rounds_propose()
    report = FollowUpReportFactory(round=ended, status=FollowUpReport.Status.PUBLISHED, html="<p>Ergebnisse</p>")
    report_notify(report_id=report.pk)
    parent = CommentFactory(
        agenda_item=parent_item or ended.agenda_items.first(), author=UserFactory(email="frage@example.org")
    )
    reply = CommentFactory(agenda_item=parent.agenda_item, author=UserFactory(), parent=parent)
    comment_reply_notify(comment_id=reply.pk)
    jena = OrganisationFactory(name="Stadt Jena")
    newcomer = UserFactory(email="neu@example.org")
    membership_propose(organisation=jena, user=newcomer, role=Membership.Role.REPRESENTATIVE, proposed_by=None)
    leaving = MembershipFactory(user=UserFactory(email="geht@example.org"), organisation=jena)
    membership_end(membership=leaving, ended_by=None)
    representative_add(
        organisation=jena, email="konto@example.org", full_name="Kim Konto", role="representative", invited_by=None
    )
    people("jena", 2, organisation=jena)
    StrategyFactory(organisation=jena, adopted_on=datetime.date(2021, 3, 1), update_cycle_months=24)
    strategy_update_reminders_send(today=datetime.date(2026, 1, 10))
    return expected_invitations + Counter(
        {
            **{(i.user.email, "reminder"): 1 for i in reminded},
            ("nachher@example.org", "organiser_nudge"): 1,
            ("nachher@example.org", "round_proposal"): 1,
            ("teilnahme0@example.org", "report"): 1,
            ("teilnahme1@example.org", "report"): 1,
            ("frage@example.org", "comment_reply"): 1,
            ("jena0@example.org", "strategy_update"): 1,
            ("jena1@example.org", "strategy_update"): 1,
            ("neu@example.org", "membership_proposal"): 1,
            ("geht@example.org", "membership_removed"): 1,
            ("konto@example.org", "account_invitation"): 1,
        }
    )


def assert_every_kind_once(handler, expected: Counter) -> None:
    assert received(handler) == expected, (received(handler) - expected, expected - received(handler))
    assert handler.problems() == []
    assert set(OutboxMessage.objects.values_list("kind", flat=True)) == set(KINDS)  # every kind has its row
    assert set(OutboxMessage.objects.values_list("state", flat=True)) == {State.SENT}
    # one row per invitation, update, cancellation and withdrawal that arrived, and each invitation says "sent"
    # with its latest message
    calendar_kinds = {"invitation", "update", "cancellation", "withdrawn"}
    assert OutboxMessage.objects.filter(kind__in=INVITATION_KINDS).count() == sum(
        n for (_address, kind), n in expected.items() if kind in calendar_kinds
    )
    assert not Invitation.objects.filter(delivery=Invitation.Delivery.QUEUED).exists()
    assert (
        not Invitation.objects.filter(delivery=Invitation.Delivery.SENT, message__isnull=False)
        .exclude(message__state=State.SENT)
        .exists()
    )


def test_every_kind_of_message_goes_out_once_through_smtp_failures(broker_url, start_worker, smtp_server):
    handler, _port = smtp_server
    organiser = UserFactory(email="orga@example.org")
    series = SeriesFactory(organisers=[organiser])
    round_ = RoundFactory(series=series, status=Round.Status.INVITED)
    AgendaItemFactory(round=round_)
    invitations = [Invitation.objects.create(round=round_, user=user) for user in people("vertretung", 4)]
    other = RoundFactory(series=series, status=Round.Status.INVITED)
    AgendaItemFactory(round=other)
    cancelled = [Invitation.objects.create(round=other, user=user) for user in people("abgesagt", 3)]
    start_worker(broker_url)
    handler.temporary_until = time.monotonic() + 3  # the mail server answers 451 for the first seconds

    invitations_enqueue(invitation_ids=[i.pk for i in invitations + cancelled])
    assert wait_until(invitations_settled, timeout=60)
    round_.refresh_from_db()
    round_calendar_changed(round_=round_)
    round_cancel(round_=Round.objects.get(pk=other.pk), reason="Krankheit")
    assert wait_until(invitations_settled, timeout=60)
    answered_451 = handler.temporary_answers
    handler.temporary_until = time.monotonic() + 3  # and again while the other messages go out
    expected = outbox_world(reminders=3, parent_item=round_.agenda_items.first()) + Counter(
        {
            **{(i.user.email, kind): 1 for i in invitations for kind in ("invitation", "update")},
            **{(i.user.email, kind): 1 for i in cancelled for kind in ("invitation", "cancellation")},
        }
    )
    arrived = wait_until(lambda: received(handler) == expected and outbox_settled(), timeout=90)
    time.sleep(0.5)  # anything extra would arrive now

    assert arrived
    assert answered_451 >= 1
    assert handler.temporary_answers > answered_451
    assert_every_kind_once(handler, expected)
    assert max(OutboxMessage.objects.values_list("attempts", flat=True)) > 1
    # the invitations met the 451 answers too: retried on their rows, each sent once
    assert OutboxMessage.objects.filter(kind="invitation", attempts__gt=1).exists()


def test_every_kind_of_outbox_message_of_a_killed_worker_goes_out_once(broker_url, start_worker, smtp_server, settings):
    handler, _port = smtp_server
    handler.hold_after = 10  # from the 11th message on, sessions wait at RCPT: nothing accepted yet
    worker = start_worker(broker_url)
    expected = outbox_world(reminders=30)
    assert wait_until(lambda: handler.held >= 1, timeout=30)

    worker.kill()
    stuck = OutboxMessage.objects.filter(state=State.SENDING).count()
    handler.hold_after = None
    start_worker(broker_url)
    settled = wait_until(outbox_settled, timeout=60, interval=0.5, tick=lambda: sweep(settings))
    time.sleep(0.5)

    assert stuck >= 1
    assert settled
    # The messages held at RCPT were not accepted when the worker died: no duplicate, none lost.
    assert_every_kind_once(handler, expected)


def test_every_kind_of_outbox_message_survives_a_broker_restart(private_redis, start_worker, smtp_server, settings):
    handler, _port = smtp_server
    handler.delay = 0.05
    start_worker(private_redis.url)
    expected = outbox_world(reminders=30)
    assert wait_until(lambda: sum(handler.recipients().values()) >= 5, timeout=30)

    private_redis.stop()  # no persistence: every message still in the queue is gone
    time.sleep(1)
    private_redis.start()
    settled = wait_until(outbox_settled, timeout=90, interval=0.5, tick=lambda: sweep(settings))
    time.sleep(0.5)

    assert settled
    assert_every_kind_once(handler, expected)


def _reminders(invitations) -> None:
    assert reminders_queue_due() == len(invitations)


def test_stuck_delivery_warns_while_no_worker_runs_and_clears_once_it_does(
    broker_url, start_worker, smtp_server, client, settings
):
    handler, _port = smtp_server
    settings.DELIVERY_WAITING_WARNING_SECONDS = 2
    organiser = UserFactory(email="orga@example.org")
    round_, invitations = upcoming_round_with_invitees("erinnert", 5, series=SeriesFactory(organisers=[organiser]))
    fresh = [Invitation.objects.create(round=round_, user=user) for user in people("neu", 5)]
    client.force_login(organiser)
    page = reverse("orga:round_detail", kwargs={"pk": round_.pk})

    invitations_enqueue(invitation_ids=[i.pk for i in fresh])
    _reminders(invitations)
    warned = wait_until(lambda: "10 Nachrichten warten seit mehr als" in client.get(page).content.decode(), timeout=10)
    waiting = client.get(page).content.decode()

    start_worker(broker_url)
    delivered = wait_until(lambda: sum(handler.recipients().values()) >= 10, timeout=60)
    cleared = wait_until(lambda: "warten seit mehr als" not in client.get(page).content.decode(), timeout=30)
    after = client.get(page).content.decode()

    assert warned
    assert "10 Nachrichten warten seit mehr als" in waiting
    assert "Kein Hintergrunddienst meldet sich" in waiting
    assert "5 versandt, 10 in Warteschlange, 0 fehlgeschlagen" in waiting  # 5 invitations went out earlier
    assert delivered and cleared
    assert "15 versandt, 0 in Warteschlange, 0 fehlgeschlagen" in after
    assert WorkerHeartbeat.objects.exists()
