import pytest
from django.conf import settings
from django.urls import reverse

from participants.models import AccountInvitation, Membership, Organisation
from participants.services import account_signup_from_invitation
from rounds.models import Round
from strategy_exchange.models import OutboxMessage
from tests.factories import InvitationFactory, OrganisationFactory, PositionFactory, RoundFactory, StrategyFactory
from tests.rounds.organiser_world import build_world, fast_passwords  # noqa: F401

pytestmark = pytest.mark.django_db


def test_organisation_list_finds_by_name_or_place(client):
    world = build_world()
    OrganisationFactory(name="Landkreis Nordheide", place="Buchholz", kind="district")
    client.force_login(world.organiser)

    by_place = client.get(reverse("participants:organisation_list"), {"q": "buchholz"})
    by_name = client.get(reverse("participants:organisation_list"), {"q": "jena"})

    assert [o.name for o in by_place.context["page"]] == ["Landkreis Nordheide"]
    assert [o.name for o in by_name.context["page"]] == ["Stadt Jena"]


def test_organisation_create_assigns_slug_and_empty_ags_as_none(client):
    world = build_world()
    client.force_login(world.organiser)

    client.post(
        reverse("participants:organisation_create"),
        {
            "name": "Gemeinde Bad Beispiel",
            "kind": "municipality",
            "state": "BY",
            "ags": "",
            "website": "bad-beispiel.de",
        },
    )

    organisation = Organisation.objects.get(name="Gemeinde Bad Beispiel")
    assert (organisation.slug, organisation.ags, organisation.website) == (
        "gemeinde-bad-beispiel",
        None,
        "https://bad-beispiel.de",
    )


def test_representative_add_new_person_becomes_member_when_setting_up_the_account(client):
    world = build_world()
    client.force_login(world.organiser)

    client.post(
        reverse("orga:representative_add", kwargs={"slug": world.invited_org.slug}),
        {"email": "neu@jena.example", "full_name": "Nele Neu", "role": "contact"},
    )
    account_invitation = AccountInvitation.objects.get(user__email="neu@jena.example")
    before = Membership.objects.filter(user__email="neu@jena.example").exists()
    account_signup_from_invitation(invitation=account_invitation, full_name="Nele Neu", password="Lang-genug-42!")

    membership = Membership.objects.get(user__email="neu@jena.example")
    assert before is False
    assert (account_invitation.organisation, membership.organisation, membership.role) == (
        world.invited_org,
        world.invited_org,
        "contact",
    )


def test_representative_add_new_person_gets_the_sign_up_link_by_email(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    world = build_world()
    client.force_login(world.organiser)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("orga:representative_add", kwargs={"slug": world.invited_org.slug}),
            {"email": "neu@jena.example", "full_name": "Nele Neu", "role": "contact"},
        )

    account_invitation = AccountInvitation.objects.get(user__email="neu@jena.example")
    [message] = mailoutbox
    assert message.to == ["neu@jena.example"]
    assert message.subject == "Einladung in den Strategie-Austausch: Konto für Stadt Jena einrichten"
    signup = reverse("participants:invitation_signup", kwargs={"token": account_invitation.token})
    assert f"{settings.SITE_URL}{signup}\n" in message.body
    assert OutboxMessage.objects.get(kind="account_invitation").state == OutboxMessage.State.SENT


def test_organisation_detail_shows_history_in_own_series_and_positions(client):
    world = build_world()
    held = RoundFactory(series=world.series, number=1, status=Round.Status.HELD)
    InvitationFactory(round=held, user=world.invited, organisation=world.invited_org, attended_at=held.starts_at)
    foreign = RoundFactory(status=Round.Status.HELD)
    InvitationFactory(round=foreign, user=world.invited, organisation=world.invited_org)
    PositionFactory(strategy=StrategyFactory(organisation=world.invited_org), clause=world.clause, status="partly")
    client.force_login(world.organiser)

    response = client.get(reverse("orga:organisation_detail", kwargs={"slug": world.invited_org.slug}))

    history = [(entry["round"].pk, entry["attended"]) for entry in response.context["rounds"]]
    assert sorted(history) == sorted([(world.round.pk, False), (held.pk, True)])
    assert [p.get_status_display() for p in response.context["positions"]] == ["teilweise"]


def test_organisation_detail_pages_its_rounds_newest_first(client):
    from rounds.selectors.organiser import ORGANISATION_ROUNDS_PER_PAGE

    world = build_world()
    extra = []
    for number in range(100, ORGANISATION_ROUNDS_PER_PAGE + 102):
        round_ = RoundFactory(series=world.series, number=number, status=Round.Status.HELD)
        InvitationFactory(round=round_, organisation=world.invited_org)
        extra.append(round_)
    client.force_login(world.organiser)
    url = reverse("orga:organisation_detail", kwargs={"slug": world.invited_org.slug})

    first = client.get(url)
    second = client.get(f"{url}?seite=2")

    newest = sorted([world.round, *extra], key=lambda r: (r.starts_at, r.pk), reverse=True)
    assert [entry["round"].pk for entry in first.context["rounds"]] == [
        r.pk for r in newest[:ORGANISATION_ROUNDS_PER_PAGE]
    ]
    assert [entry["round"].pk for entry in second.context["rounds"]] == [
        r.pk for r in newest[ORGANISATION_ROUNDS_PER_PAGE:]
    ]
    assert "Seite 2 von 2" in second.content.decode()
