"""Withdrawing an invitation: the person loses access at once and their calendar entry is cancelled."""

import pytest
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from rounds.models import Invitation, Round
from rounds.services import delivery, invitations
from strategy_exchange.errors import DomainError
from tests.factories import round_with_roles

pytestmark = pytest.mark.django_db


def _sent(roles) -> Invitation:
    Invitation.objects.filter(pk=roles.invitation.pk).update(
        delivery=Invitation.Delivery.SENT, sent_sequence=roles.round.calendar_sequence
    )
    return Invitation.objects.get(pk=roles.invitation.pk)


def _discussion(roles) -> str:
    return reverse("rounds:discussion", kwargs={"round_pk": roles.round.pk, "number": roles.clause.number})


def test_withdrawn_invitee_loses_the_discussion_at_once(client):
    roles = round_with_roles()
    invitation = _sent(roles)
    client.force_login(roles.invited)
    before = client.get(_discussion(roles)).status_code

    invitations.invitation_withdraw(invitation=invitation)  # the cancellation not sent yet (after commit)

    assert (before, client.get(_discussion(roles)).status_code) == (200, 404)
    assert client.get(reverse("rounds:round_detail", kwargs={"pk": roles.round.pk})).status_code == 404


def test_withdrawn_invitee_gets_a_calendar_cancellation_with_the_same_uid_and_a_higher_sequence(
    client, django_capture_on_commit_callbacks
):
    roles = round_with_roles()
    invitation = _sent(roles)
    client.force_login(roles.organiser)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("orga:invitation_withdraw", kwargs={"pk": roles.round.pk, "invitation_pk": invitation.pk}))

    round_ = Round.objects.get(pk=roles.round.pk)
    [message] = mail.outbox
    [(filename, content, _mimetype)] = message.attachments
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert message.to == [roles.invited.email]
    assert (filename, str(Calendar.from_ical(content)["METHOD"]), str(event["UID"])) == (
        "einladung.ics",
        "CANCEL",
        round_.calendar_uid,
    )
    assert int(event["SEQUENCE"]) == round_.calendar_sequence + 1
    assert not Invitation.objects.filter(pk=invitation.pk).exists()


def test_withdrawing_an_unsent_invitation_removes_it_without_mail(django_capture_on_commit_callbacks):
    roles = round_with_roles()

    with django_capture_on_commit_callbacks(execute=True):
        invitations.invitation_withdraw(invitation=roles.invitation)

    assert not Invitation.objects.filter(pk=roles.invitation.pk).exists()
    assert mail.outbox == []


def test_invitation_to_a_round_that_took_place_cannot_be_withdrawn():
    roles = round_with_roles()
    invitation = _sent(roles)
    Round.objects.filter(pk=roles.round.pk).update(status=Round.Status.HELD)

    with pytest.raises(DomainError):
        invitations.invitation_withdraw(invitation=invitation)

    assert Invitation.objects.get(pk=invitation.pk).user == roles.invited


def test_a_withdrawn_invitee_gets_no_calendar_update_when_the_round_moves(django_capture_on_commit_callbacks):
    roles = round_with_roles()
    invitation = _sent(roles)
    invitations.invitation_withdraw(invitation=invitation)
    Invitation.objects.filter(pk=invitation.pk).update(delivery=Invitation.Delivery.FAILED)  # cancellation bounced

    queued = delivery.round_calendar_changed(round_=Round.objects.get(pk=roles.round.pk))

    assert queued == 0


def test_the_person_can_be_invited_again_after_a_withdrawal():
    roles = round_with_roles()
    invitation = _sent(roles)
    invitations.invitation_withdraw(invitation=invitation)

    again = invitations.invitation_create_for_email(
        round_=roles.round, email=roles.invited.email, organisation=roles.invited_org, invited_by=roles.organiser
    )

    assert again.user == roles.invited
