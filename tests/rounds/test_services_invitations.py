import datetime

import pytest
import time_machine
from django.utils import timezone

from participants.models import AccountInvitation, User
from rounds.models import Invitation, Round
from rounds.services import invitations as services
from strategy_exchange.errors import DomainError
from strategy_exchange.models import OutboxMessage
from tests.factories import (
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    RoundFactory,
    UserFactory,
    invitation_with_message,
)
from tests.rounds.organiser_world import fast_passwords  # noqa: F401

pytestmark = pytest.mark.django_db


def test_invitations_for_organisations_twice_invite_each_person_once():
    round_ = RoundFactory(status=Round.Status.SCHEDULED)
    organisation = OrganisationFactory()
    members = [MembershipFactory(organisation=organisation).user for _ in range(2)]

    first = services.invitations_create_for_organisations(round_=round_, organisations=[organisation], invited_by=None)
    second = services.invitations_create_for_organisations(round_=round_, organisations=[organisation], invited_by=None)

    invited = sorted(round_.invitations.values_list("user_id", flat=True))
    assert (len(first), len(second), invited) == (2, 0, sorted(u.pk for u in members))


def test_invitation_for_new_email_creates_account_without_password_and_account_invitation():
    round_ = RoundFactory(status=Round.Status.SCHEDULED)
    organisation = OrganisationFactory()

    invitation = services.invitation_create_for_email(
        round_=round_, email="Kim.Neu@Stadt.example", full_name="Kim Neu", organisation=organisation, invited_by=None
    )

    user = User.objects.get(email="kim.neu@stadt.example")
    account = AccountInvitation.objects.get(user=user)
    assert (invitation.user, user.has_usable_password(), account.organisation, len(account.token) >= 40) == (
        user,
        False,
        organisation,
        True,
    )


def test_invitations_send_refuses_draft_and_queues_each_invitation_once():
    round_ = RoundFactory(status=Round.Status.DRAFT)
    invitation = InvitationFactory(round=round_)

    with pytest.raises(DomainError):
        services.invitations_send(round_=round_)
    Round.objects.filter(pk=round_.pk).update(status=Round.Status.SCHEDULED)
    first = services.invitations_send(round_=round_)
    second = services.invitations_send(round_=round_)

    invitation.refresh_from_db()
    assert (first, second, invitation.delivery, Round.objects.get(pk=round_.pk).status) == (1, 0, "queued", "invited")


def test_people_added_after_sending_are_queued_right_away():
    round_ = RoundFactory(status=Round.Status.INVITED)

    [invitation] = services.invitations_create_for_people(round_=round_, people=[UserFactory()], invited_by=None)

    invitation.refresh_from_db()
    assert invitation.delivery == Invitation.Delivery.QUEUED


def test_invitation_resend_waits_after_a_fresh_send_and_requeues_a_failed_one():
    round_ = RoundFactory(status=Round.Status.INVITED)
    fresh = InvitationFactory(round=round_, delivery=Invitation.Delivery.SENT, sent_at=timezone.now())
    failed = InvitationFactory(round=round_)
    first = invitation_with_message(failed, state=OutboxMessage.State.FAILED, last_error="550 unbekannt")

    with pytest.raises(DomainError):
        services.invitation_resend(invitation=fresh)
    count = services.invitation_resend(invitation=failed)

    failed.refresh_from_db()
    assert (count, failed.delivery) == (1, "queued")
    assert failed.message != first
    assert (failed.message.kind, failed.message.state, failed.message.last_error) == ("invitation", "queued", "")


def test_invitation_resend_of_an_older_sent_invitation_queues_it_again():
    round_ = RoundFactory(status=Round.Status.INVITED)
    old = InvitationFactory(
        round=round_, delivery=Invitation.Delivery.SENT, sent_at=timezone.now() - datetime.timedelta(days=2)
    )

    assert services.invitation_resend(invitation=old) == 1
    assert Invitation.objects.get(pk=old.pk).delivery == Invitation.Delivery.QUEUED


def test_invitation_stand_in_must_belong_to_the_same_organisation():
    round_ = RoundFactory(status=Round.Status.SCHEDULED)
    organisation = OrganisationFactory()
    invitation = InvitationFactory(round=round_, organisation=organisation)
    colleague = MembershipFactory(organisation=organisation).user
    stranger = MembershipFactory().user

    with pytest.raises(DomainError) as error:
        services.invitation_stand_in(invitation=invitation, user=stranger, invited_by=None)
    stand_in = services.invitation_stand_in(invitation=invitation, user=colleague, invited_by=None)

    invitation.refresh_from_db()
    assert error.value.message == "Die Vertretung muss zur selben Organisation gehören."
    assert (stand_in.stand_in_for, stand_in.organisation, invitation.rsvp) == (invitation, organisation, "declined")


def test_attendance_set_records_present_and_clears_absent():
    with time_machine.travel(timezone.now() + datetime.timedelta(days=40), tick=False):
        round_ = RoundFactory(status=Round.Status.HELD, starts_at=timezone.now() - datetime.timedelta(hours=1))
        here, away = InvitationFactory(round=round_), InvitationFactory(round=round_, attended_at=timezone.now())

        count = services.attendance_set(round_=round_, present=[here])

    here.refresh_from_db()
    away.refresh_from_db()
    assert (count, here.attended_at, away.attended_at) == (1, round_.starts_at, None)


def test_attendance_set_refused_before_the_round_began():
    round_ = RoundFactory(status=Round.Status.INVITED)

    with pytest.raises(DomainError) as error:
        services.attendance_set(round_=round_, present=[])

    assert error.value.message == "Die Anwesenheit kann erst erfasst werden, wenn die Runde begonnen hat."
