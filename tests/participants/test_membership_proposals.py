"""An organiser proposes, the person confirms: nobody speaks for an organisation because someone else said so."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from participants.models import Membership, MembershipChange, MembershipProposal, Strategy
from tests.factories import InvitationFactory, OrganisationFactory, RoundFactory, SeriesFactory, UserFactory
from tests.rounds.organiser_world import build_world, fast_passwords  # noqa: F401

pytestmark = pytest.mark.django_db


def _propose(client, world, *, proposer, email: str, role: str = "representative"):
    client.force_login(proposer)
    return client.post(
        reverse("orga:representative_add", kwargs={"slug": world.invited_org.slug}),
        {"email": email, "full_name": "", "role": role},
    )


def test_organiser_of_another_series_cannot_add_themselves_to_an_organisation(client):
    world = build_world()

    response = _propose(client, world, proposer=world.other_organiser, email=world.other_organiser.email)

    assert response.status_code == 422
    assert "Sie können sich nicht selbst als Vertreter:in vorschlagen." in response.content.decode()
    assert not Membership.objects.filter(user=world.other_organiser).exists()
    assert not MembershipProposal.objects.filter(user=world.other_organiser).exists()


def test_proposing_an_existing_account_makes_no_member_until_they_confirm(client, django_capture_on_commit_callbacks):
    world = build_world()
    person = UserFactory(email="bea@jena.example", full_name="Bea Bestätigt")

    with django_capture_on_commit_callbacks(execute=True):
        _propose(client, world, proposer=world.other_organiser, email="bea@jena.example")

    proposal = MembershipProposal.objects.get(user=person)
    assert not Membership.objects.filter(user=person, organisation=world.invited_org).exists()
    assert [m.to for m in mail.outbox] == [["bea@jena.example"]]
    assert reverse("participants:membership_proposal", kwargs={"token": proposal.token}) in mail.outbox[0].body


def test_confirming_a_proposal_makes_the_person_a_member_with_the_proposed_role(client):
    world = build_world()
    person = UserFactory()
    proposal = MembershipProposal.objects.create(
        user=person,
        organisation=world.invited_org,
        role="contact",
        token="t-confirm",
        proposed_by=world.organiser,
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    client.force_login(person)

    response = client.post(
        reverse("participants:membership_proposal", kwargs={"token": "t-confirm"}), {"answer": "confirm"}
    )

    proposal.refresh_from_db()
    assert response.status_code == 302
    assert Membership.objects.get(user=person).role == "contact"
    assert proposal.confirmed_at is not None


def test_declining_a_proposal_makes_no_member(client):
    world = build_world()
    person = UserFactory()
    MembershipProposal.objects.create(
        user=person,
        organisation=world.invited_org,
        token="t-decline",
        proposed_by=world.organiser,
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    client.force_login(person)

    client.post(reverse("participants:membership_proposal", kwargs={"token": "t-decline"}), {"answer": "decline"})

    assert not Membership.objects.filter(user=person).exists()
    assert MembershipProposal.objects.get(token="t-decline").declined_at is not None


def test_an_expired_proposal_cannot_be_confirmed(client):
    world = build_world()
    person = UserFactory()
    MembershipProposal.objects.create(
        user=person,
        organisation=world.invited_org,
        token="t-old",
        proposed_by=world.organiser,
        expires_at=timezone.now() - datetime.timedelta(seconds=1),
    )
    client.force_login(person)

    response = client.post(
        reverse("participants:membership_proposal", kwargs={"token": "t-old"}), {"answer": "confirm"}
    )

    assert response.status_code == 410
    assert not Membership.objects.filter(user=person).exists()


def test_someone_else_cannot_confirm_a_proposal_made_to_another_person(client):
    world = build_world()
    MembershipProposal.objects.create(
        user=UserFactory(),
        organisation=world.invited_org,
        token="t-foreign",
        proposed_by=world.other_organiser,
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    client.force_login(world.other_organiser)

    response = client.post(
        reverse("participants:membership_proposal", kwargs={"token": "t-foreign"}), {"answer": "confirm"}
    )

    assert response.status_code == 404
    assert not Membership.objects.filter(user=world.other_organiser).exists()


def test_organiser_of_another_series_cannot_remove_a_representative(client):
    world = build_world()
    membership = world.invited.memberships.get()
    client.force_login(world.other_organiser)

    response = client.post(
        reverse("orga:representative_remove", kwargs={"slug": world.invited_org.slug, "membership_pk": membership.pk})
    )

    assert response.status_code == 403
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_organiser_of_a_series_the_organisation_takes_part_in_removes_logged_and_told(
    client, django_capture_on_commit_callbacks
):
    world = build_world()
    membership = world.invited.memberships.get()
    client.force_login(world.organiser)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse(
                "orga:representative_remove", kwargs={"slug": world.invited_org.slug, "membership_pk": membership.pk}
            )
        )

    change = MembershipChange.objects.get()
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert (change.user, change.organisation, change.changed_by, change.action) == (
        world.invited,
        world.invited_org,
        world.organiser,
        "removed",
    )
    assert [m.to for m in mail.outbox] == [[world.invited.email]]
    assert change.notified_at is not None


def test_an_organiser_who_is_not_a_member_cannot_change_the_strategy(client):
    world = build_world()
    client.force_login(world.organiser)

    client.post(
        f"{reverse('participants:strategy')}?organisation={world.invited_org.slug}",
        {"title": "Gefälscht", "url": "https://example.org/falsch.pdf"},
    )

    assert not Strategy.objects.filter(organisation=world.invited_org).exists()


def test_removal_permission_follows_the_series_the_organisation_takes_part_in():
    from rounds.permissions import can_remove_representative

    organisation = OrganisationFactory()
    taking_part = UserFactory()
    InvitationFactory(round=RoundFactory(series=SeriesFactory(organisers=[taking_part])), organisation=organisation)
    elsewhere = UserFactory()
    SeriesFactory(organisers=[elsewhere])

    assert (
        can_remove_representative(taking_part, organisation),
        can_remove_representative(elsewhere, organisation),
        can_remove_representative(UserFactory(is_staff=True), organisation),
    ) == (True, False, True)


def test_an_admin_removing_a_membership_in_the_admin_is_logged_and_the_person_told(
    client, django_capture_on_commit_callbacks
):
    world = build_world()
    membership = world.invited.memberships.get()
    client.force_login(world.admin)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:participants_membership_delete", args=[membership.pk]), {"post": "yes"})

    change = MembershipChange.objects.get()
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert (change.user, change.changed_by) == (world.invited, world.admin)
    assert [m.to for m in mail.outbox] == [[world.invited.email]]
