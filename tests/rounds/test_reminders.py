import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from rounds.models import Invitation, ReminderDelivery, Round
from rounds.services.delivery import round_calendar_changed
from rounds.services.reminders import organisers_nudge_due, reminders_queue_due
from strategy_exchange.models import OutboxMessage
from strategy_exchange.outbox import outbox_deliver, outbox_put
from tests.factories import AgendaItemFactory, InvitationFactory, RoundFactory, SeriesFactory, UserFactory

BERLIN = ZoneInfo("Europe/Berlin")
START = datetime.datetime(2026, 6, 16, 10, 0, tzinfo=BERLIN)
INVITED_AT = datetime.datetime(2026, 6, 1, 9, 0, tzinfo=BERLIN)
pytestmark = pytest.mark.django_db


@pytest.fixture
def round_():
    round_ = RoundFactory(
        status=Round.Status.INVITED, starts_at=START, ends_at=START + datetime.timedelta(hours=2), number=2
    )
    AgendaItemFactory(round=round_)
    return round_


def invite(round_, rsvp=Invitation.Rsvp.OPEN, sent_at=INVITED_AT, **kwargs):
    return InvitationFactory(
        round=round_, rsvp=rsvp, delivery=Invitation.Delivery.SENT, sent_at=sent_at, sent_sequence=0, **kwargs
    )


def run_reminders(at: datetime.datetime, capture) -> list[str]:
    """Run the periodic reminder job at ``at``; returns the recipients of the reminders it sent."""
    before = len(mail.outbox)
    with time_machine.travel(at, tick=False), capture(execute=True):
        reminders_queue_due()
    return sorted(message.to[0] for message in mail.outbox[before:])


def test_reminders_before_due_moment_send_nothing(round_, django_capture_on_commit_callbacks):
    invite(round_)

    sent = run_reminders(START - datetime.timedelta(days=7, minutes=1), django_capture_on_commit_callbacks)

    assert sent == []


def test_reminders_seven_days_before_go_to_open_and_accepted(round_, django_capture_on_commit_callbacks):
    open_ = invite(round_, user=UserFactory(email="offen@example.org"))
    accepted = invite(round_, Invitation.Rsvp.ACCEPTED, user=UserFactory(email="zugesagt@example.org"))
    invite(round_, Invitation.Rsvp.DECLINED, user=UserFactory(email="abgesagt@example.org"))

    sent = run_reminders(
        START - datetime.timedelta(days=7) + datetime.timedelta(minutes=5), django_capture_on_commit_callbacks
    )

    assert sent == ["offen@example.org", "zugesagt@example.org"]
    assert mail.outbox[0].subject == f"Erinnerung: {round_.series.title}, Runde 2 in 7 Tagen"
    by_address = {m.to[0]: m.body for m in mail.outbox}
    assert "https://konferenz.example.org/runde" in by_address["zugesagt@example.org"]
    assert "https://konferenz.example.org/runde" not in by_address["offen@example.org"]
    assert ReminderDelivery.objects.filter(sent_at__isnull=False).count() == 2
    assert {r.invitation_id for r in ReminderDelivery.objects.all()} == {open_.pk, accepted.pk}


def test_reminders_each_at_most_once(round_, django_capture_on_commit_callbacks):
    invite(round_)
    seven_days = START - datetime.timedelta(days=7) + datetime.timedelta(minutes=5)

    first = run_reminders(seven_days, django_capture_on_commit_callbacks)
    again = run_reminders(seven_days + datetime.timedelta(minutes=15), django_capture_on_commit_callbacks)
    one_day = run_reminders(
        START - datetime.timedelta(days=1) + datetime.timedelta(minutes=5), django_capture_on_commit_callbacks
    )
    one_day_again = run_reminders(START - datetime.timedelta(hours=12), django_capture_on_commit_callbacks)

    assert (len(first), len(again), len(one_day), len(one_day_again)) == (1, 0, 1, 0)
    assert mail.outbox[1].subject == f"Erinnerung: {round_.series.title}, Runde 2 ist morgen"


def test_reminders_recomputed_when_round_moves_between_two_reminders(round_, django_capture_on_commit_callbacks):
    invitation = invite(round_)
    run_reminders(
        START - datetime.timedelta(days=7) + datetime.timedelta(minutes=5), django_capture_on_commit_callbacks
    )
    new_start = START + datetime.timedelta(days=7)
    with (
        time_machine.travel(START - datetime.timedelta(days=6), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        Round.objects.filter(pk=round_.pk).update(starts_at=new_start, ends_at=new_start + datetime.timedelta(hours=2))
        round_.refresh_from_db()
        round_calendar_changed(round_=round_)
    mail.outbox.clear()

    old_one_day = run_reminders(
        START - datetime.timedelta(days=1) + datetime.timedelta(minutes=5), django_capture_on_commit_callbacks
    )
    new_seven_days = run_reminders(
        new_start - datetime.timedelta(days=7) + datetime.timedelta(minutes=5), django_capture_on_commit_callbacks
    )
    new_one_day = run_reminders(
        new_start - datetime.timedelta(days=1) + datetime.timedelta(minutes=5), django_capture_on_commit_callbacks
    )

    assert old_one_day == []
    assert new_seven_days == [invitation.user.email]
    assert new_one_day == [invitation.user.email]
    assert sorted(ReminderDelivery.objects.values_list("days_before", "round_starts_at")) == [
        (1, new_start),
        (7, START),
        (7, new_start),
    ]


def test_reminders_after_downtime_send_only_the_latest(round_, django_capture_on_commit_callbacks):
    invite(round_)

    sent = run_reminders(START - datetime.timedelta(hours=20), django_capture_on_commit_callbacks)

    assert len(sent) == 1
    assert list(ReminderDelivery.objects.values_list("days_before", flat=True)) == [1]


def test_reminders_skip_those_due_before_the_invitation_went_out(round_, django_capture_on_commit_callbacks):
    invite(round_, sent_at=START - datetime.timedelta(days=3))

    at_invitation = run_reminders(
        START - datetime.timedelta(days=3) + datetime.timedelta(minutes=15), django_capture_on_commit_callbacks
    )
    one_day = run_reminders(
        START - datetime.timedelta(days=1) + datetime.timedelta(minutes=5), django_capture_on_commit_callbacks
    )

    assert at_invitation == []
    assert len(one_day) == 1


def test_reminders_follow_series_days(django_capture_on_commit_callbacks):
    series = SeriesFactory(reminder_days=[3])
    round_ = RoundFactory(
        series=series, status=Round.Status.INVITED, starts_at=START, ends_at=START + datetime.timedelta(hours=2)
    )
    invite(round_)

    seven = run_reminders(
        START - datetime.timedelta(days=7) + datetime.timedelta(minutes=5), django_capture_on_commit_callbacks
    )
    three = run_reminders(
        START - datetime.timedelta(days=3) + datetime.timedelta(minutes=5), django_capture_on_commit_callbacks
    )
    one = run_reminders(
        START - datetime.timedelta(days=1) + datetime.timedelta(minutes=5), django_capture_on_commit_callbacks
    )

    assert (len(seven), len(three), len(one)) == (0, 1, 0)


def test_reminders_none_for_cancelled_round(round_, django_capture_on_commit_callbacks):
    invite(round_)
    Round.objects.filter(pk=round_.pk).update(status=Round.Status.CANCELLED)

    sent = run_reminders(START - datetime.timedelta(hours=20), django_capture_on_commit_callbacks)

    assert sent == []


def test_reminder_send_for_old_date_is_dropped(round_):
    invitation = invite(round_)
    reminder = ReminderDelivery.objects.create(
        invitation=invitation, days_before=1, round_starts_at=START - datetime.timedelta(days=2)
    )

    with time_machine.travel(START - datetime.timedelta(hours=20), tick=False):
        message = outbox_put(kind="reminder", object_id=reminder.pk)
        attempt = outbox_deliver(message_id=message.pk)

    assert attempt.state == OutboxMessage.State.DROPPED
    assert mail.outbox == []
    reminder.refresh_from_db()
    assert reminder.sent_at is None


def test_organisers_nudge_due_once_after_the_round(round_, django_capture_on_commit_callbacks):
    organiser = UserFactory(email="orga@example.org")
    round_.series.organisers.add(organiser)
    after = START + datetime.timedelta(hours=3)

    with time_machine.travel(after, tick=False), django_capture_on_commit_callbacks(execute=True):
        first = organisers_nudge_due()
        second = organisers_nudge_due()

    round_.refresh_from_db()
    assert (first, second) == (1, 0)
    assert [m.to for m in mail.outbox] == [["orga@example.org"]]
    assert f"/orga/runden/{round_.pk}/notizen/" in mail.outbox[0].body
    assert f"/orga/runden/{round_.pk}/nachbericht/" in mail.outbox[0].body
    assert round_.organiser_nudged_at == after


def test_organisers_nudge_not_before_end_nor_for_old_or_cancelled_rounds(round_):
    round_.series.organisers.add(UserFactory())
    old = RoundFactory(
        series=round_.series,
        status=Round.Status.HELD,
        starts_at=START - datetime.timedelta(days=60),
        ends_at=START - datetime.timedelta(days=60) + datetime.timedelta(hours=2),
    )
    cancelled = RoundFactory(
        series=round_.series,
        status=Round.Status.CANCELLED,
        starts_at=START - datetime.timedelta(days=1),
        ends_at=START - datetime.timedelta(days=1) + datetime.timedelta(hours=2),
    )

    with time_machine.travel(START + datetime.timedelta(hours=1), tick=False):
        during = organisers_nudge_due()

    assert during == 0
    assert mail.outbox == []
    assert Round.objects.filter(pk__in=[old.pk, cancelled.pk], organiser_nudged_at__isnull=False).count() == 0
