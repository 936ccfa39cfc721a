import pytest
from django.urls import reverse

from rounds.models import Invitation, Round
from strategy_exchange.models import OutboxMessage
from tests.factories import MembershipFactory, OrganisationFactory, invitation_with_message
from tests.rounds.organiser_world import build_world, fast_passwords  # noqa: F401

pytestmark = pytest.mark.django_db


def test_invite_organisations_repeated_submit_invites_once(client):
    world = build_world()
    organisation = OrganisationFactory(name="Stadt Bamberg")
    MembershipFactory(organisation=organisation)
    MembershipFactory(organisation=organisation)
    client.force_login(world.organiser)
    url = reverse("orga:invite_organisations", kwargs={"pk": world.round.pk})

    client.post(url, {"org-organisations": [organisation.pk]})
    client.post(url, {"org-organisations": [organisation.pk]})

    assert Invitation.objects.filter(round=world.round, organisation=organisation).count() == 2


def test_invitations_send_twice_queues_each_invitation_once(client, django_capture_on_commit_callbacks):
    world = build_world()
    Round.objects.filter(pk=world.round.pk).update(status=Round.Status.SCHEDULED)
    client.force_login(world.organiser)
    url = reverse("orga:invitations_send", kwargs={"pk": world.round.pk})

    with django_capture_on_commit_callbacks(execute=True) as first:
        client.post(url)
    with django_capture_on_commit_callbacks(execute=True) as second:
        client.post(url)

    invitation = Invitation.objects.get(pk=world.invitation.pk)
    assert (invitation.delivery, invitation.message.state, invitation.message.attempts, len(second)) == (
        "sent",
        "sent",
        1,
        0,
    )
    assert len(first) == 1


def test_invitation_table_shows_each_state(client):
    world = build_world()
    invitation_with_message(world.invitation, state=OutboxMessage.State.FAILED, last_error="550 Postfach unbekannt")
    client.force_login(world.organiser)

    response = client.get(reverse("orga:invitations_table", kwargs={"pk": world.round.pk}))
    html = response.content.decode()

    assert 'data-state="failed">Zustellung fehlgeschlagen' in html
    assert "550 Postfach unbekannt" in html
    assert "erneut senden" in html


def test_invitation_table_shows_the_error_of_a_message_waiting_for_its_retry(client):
    world = build_world()
    error = "Vorübergehender Fehler, neuer Versuch folgt: Mailserver 451: 4.3.0 Try again later"
    invitation_with_message(world.invitation, state=OutboxMessage.State.QUEUED, last_error=error)
    client.force_login(world.organiser)

    html = client.get(reverse("orga:invitations_table", kwargs={"pk": world.round.pk})).content.decode()

    assert 'data-state="queued">in Warteschlange' in html
    assert error in html


def test_stand_in_page_lists_colleagues_not_yet_invited(client):
    world = build_world()
    colleague = MembershipFactory(organisation=world.invited_org, user__full_name="Kai Kollege").user
    client.force_login(world.organiser)

    response = client.get(
        reverse("orga:invitation_stand_in", kwargs={"pk": world.round.pk, "invitation_pk": world.invitation.pk})
    )

    assert list(response.context["form"].fields["user"].queryset) == [colleague]
