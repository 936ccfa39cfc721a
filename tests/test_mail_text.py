"""Subjects and plain-text parts carry names as they were typed (no HTML escaping), in every kind of email;
invitations, updates and cancellations carry their calendar inside multipart/alternative."""

import datetime
from email import message_from_bytes, policy

import icalendar
import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from participants.models import Membership
from participants.services import membership_end, membership_propose
from rounds.models import FollowUpReport, Invitation, ReminderDelivery, Round
from rounds.services import comments
from rounds.services.delivery import invitations_enqueue, round_calendar_changed
from rounds.services.organisations import representative_add
from rounds.services.reminders import organisers_nudge_due
from rounds.services.report_delivery import report_notify
from rounds.services.rounds import round_cancel
from rounds.services.scheduling import next_rounds_propose, strategy_update_reminders_send
from strategy_exchange.outbox import outbox_put
from tests.factories import (
    CommentFactory,
    FollowUpReportFactory,
    MembershipFactory,
    OrganisationFactory,
    StrategyFactory,
    UserFactory,
    round_with_roles,
)
from tests.mailcheck import problems

pytestmark = pytest.mark.django_db

TRICKY = "Daten & Dienste \"Süd\" <Nord> 'Ost', West; C:\\Wege – Ärger"


@pytest.fixture
def roles():
    roles = round_with_roles(title=TRICKY)
    roles.series.title = TRICKY
    roles.series.save()
    for user in (roles.invited, roles.organiser):
        user.full_name = f"{user.full_name} {TRICKY}"
        user.save()
    roles.invited_org.name = TRICKY
    roles.invited_org.save()
    return roles


def text_of(message) -> tuple[str, list[str]]:
    """The subject and the plain-text parts as a mail client decodes them."""
    parsed = message_from_bytes(message.message().as_bytes(), policy=policy.default)
    texts = [p.get_content() for p in parsed.walk() if p.get_content_type() == "text/plain"]
    return str(parsed["Subject"]), texts


def sent(capture, action) -> list:
    before = len(mail.outbox)
    with capture(execute=True):
        action()
    return mail.outbox[before:]


def test_invitation_update_and_cancellation_keep_names_as_typed(roles, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    [invitation] = sent(capture, lambda: invitations_enqueue(invitation_ids=[roles.invitation.pk]))
    round_ = Round.objects.get(pk=roles.round.pk)
    [update] = sent(capture, lambda: round_calendar_changed(round_=round_))
    [cancellation] = sent(capture, lambda: round_cancel(round_=round_, reason=f"Grund: {TRICKY}"))

    for message in (invitation, update, cancellation):
        subject, [text] = text_of(message)
        assert TRICKY in subject
        assert TRICKY in text
        assert f"Guten Tag Ina Eingeladen {TRICKY}," in text
        assert problems(message.message().as_bytes()) == []
    assert f"Grund: {TRICKY}" in text_of(cancellation)[1][0]


def test_invitation_calendar_is_an_alternative_part_and_the_attachment(roles, django_capture_on_commit_callbacks):
    [message] = sent(
        django_capture_on_commit_callbacks, lambda: invitations_enqueue(invitation_ids=[roles.invitation.pk])
    )

    parsed = message_from_bytes(message.message().as_bytes(), policy=policy.default)
    top = [part.get_content_type() for part in parsed.iter_parts()]
    [alternative] = [part for part in parsed.walk() if part.get_content_type() == "multipart/alternative"]
    inner = list(alternative.iter_parts())
    calendar_part = inner[2]
    [attachment] = [part for part in parsed.walk() if part.get_filename() == "einladung.ics"]
    calendar = icalendar.Calendar.from_ical(calendar_part.get_payload(decode=True))

    assert parsed.get_content_type() == "multipart/mixed"
    assert top == ["multipart/alternative", "application/ics"]
    assert [part.get_content_type() for part in inner] == ["text/plain", "text/html", "text/calendar"]
    assert (calendar_part.get_param("method"), calendar_part.get_param("charset").upper()) == ("REQUEST", "UTF-8")
    assert attachment.get_payload(decode=True).splitlines() == calendar_part.get_payload(decode=True).splitlines()
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(calendar.walk("VEVENT")[0]["UID"]) == roles.round.calendar_uid


def test_cancellation_calendar_part_has_method_cancel(roles, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    sent(capture, lambda: invitations_enqueue(invitation_ids=[roles.invitation.pk]))
    [message] = sent(capture, lambda: round_cancel(round_=Round.objects.get(pk=roles.round.pk), reason="Krank"))

    parsed = message_from_bytes(message.message().as_bytes(), policy=policy.default)
    [part] = [part for part in parsed.walk() if part.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "CANCEL"
    assert str(icalendar.Calendar.from_ical(part.get_payload(decode=True))["METHOD"]) == "CANCEL"


def test_every_other_kind_keeps_names_as_typed(roles, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    Invitation.objects.filter(pk=roles.invitation.pk).update(
        delivery=Invitation.Delivery.SENT, sent_at=timezone.now(), sent_sequence=0, rsvp=Invitation.Rsvp.ACCEPTED
    )
    reminder = ReminderDelivery.objects.create(
        invitation=roles.invitation, days_before=7, round_starts_at=roles.round.starts_at
    )
    messages = {"reminder": sent(capture, lambda: outbox_put(kind="reminder", object_id=reminder.pk))}
    parent = CommentFactory(agenda_item=roles.item, author=roles.organiser, body=f"Frage zu {TRICKY}")
    reply = CommentFactory(agenda_item=roles.item, author=roles.invited, body=f"Antwort: {TRICKY}", parent=parent)
    messages["comment_reply"] = sent(capture, lambda: comments.comment_reply_notify(comment_id=reply.pk))
    with time_machine.travel(roles.round.ends_at + datetime.timedelta(hours=1), tick=False):
        messages["organiser_nudge"] = sent(capture, organisers_nudge_due)
        Round.objects.filter(pk=roles.round.pk).update(status=Round.Status.HELD)
        report = FollowUpReportFactory(round=roles.round, status=FollowUpReport.Status.PUBLISHED, html="<p>x</p>")
        messages["report"] = sent(capture, lambda: report_notify(report_id=report.pk))
    with time_machine.travel(roles.round.ends_at + datetime.timedelta(days=200), tick=False):
        messages["round_proposal"] = sent(capture, next_rounds_propose)
    strategy = StrategyFactory(
        organisation=roles.invited_org, title=TRICKY, adopted_on=datetime.date(2021, 3, 1), update_cycle_months=24
    )
    messages["strategy_update"] = sent(
        capture, lambda: strategy_update_reminders_send(today=datetime.date(2026, 1, 10))
    )
    other = OrganisationFactory(name=TRICKY)
    newcomer = UserFactory(full_name=f"Neu {TRICKY}")
    messages["membership_proposal"] = sent(
        capture,
        lambda: membership_propose(
            organisation=other, user=newcomer, role=Membership.Role.REPRESENTATIVE, proposed_by=None
        ),
    )
    messages["account_invitation"] = sent(
        capture,
        lambda: representative_add(
            organisation=other, email="konto@example.org", full_name=f"Kim {TRICKY}", role="contact", invited_by=None
        ),
    )
    membership = MembershipFactory(user=newcomer, organisation=other)
    messages["membership_removed"] = sent(capture, lambda: membership_end(membership=membership, ended_by=None))

    assert {kind: len(found) for kind, found in messages.items()} == dict.fromkeys(messages, 1)
    assert strategy.title == TRICKY
    for kind, [message] in messages.items():
        subject, texts = text_of(message)
        assert problems(message.message().as_bytes()) == [], kind
        assert any(TRICKY in part for part in [subject, *texts]), kind
