"""Stand-ins count: an organisation takes part in a round when any of its people accepted or attended, on the
round page, the series page and in the report alike."""

import pytest
from django.urls import reverse

from rounds.models import Invitation, Round
from rounds.selectors.participation import participating_organisations
from rounds.services import invitations as invitation_services
from rounds.services import rsvp
from rounds.services.report_content import report_content
from tests.factories import InvitationFactory, MembershipFactory, OrganisationFactory, UserFactory, round_with_roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def roles():
    """Ina (Stadt Jena) cannot come and names a stand-in, who accepts; a Bamberg invitee declines; an
    invitee of Münster has not answered."""
    roles = round_with_roles()
    stand_in_person = UserFactory(full_name="Stefan Vertretung")
    MembershipFactory(user=stand_in_person, organisation=roles.invited_org)
    stand_in = invitation_services.invitation_stand_in(
        invitation=roles.invitation, user=stand_in_person, invited_by=roles.organiser
    )
    rsvp.rsvp_answer(invitation=stand_in, answer="accept")
    bamberg = OrganisationFactory(name="Stadt Bamberg")
    InvitationFactory(round=roles.round, organisation=bamberg, rsvp=Invitation.Rsvp.DECLINED)
    InvitationFactory(round=roles.round, organisation=OrganisationFactory(name="Stadt Münster"))
    return roles


def _organisations_section(html: str) -> str:
    return html.split('id="organisations-heading"')[1].split("</section>")[0]


def test_participation_counts_an_organisation_whose_stand_in_accepted(roles):
    declined = Invitation.objects.get(pk=roles.invitation.pk)

    participating = participating_organisations(rounds=[roles.round.pk])

    assert declined.rsvp == Invitation.Rsvp.DECLINED
    assert [p.name for p in participating[roles.round.pk]] == ["Stadt Jena"]


def test_participation_counts_an_organisation_whose_person_attended_without_accepting(roles):
    Invitation.objects.filter(round=roles.round, organisation__name="Stadt Münster").update(
        attended_at=roles.round.starts_at
    )

    participating = participating_organisations(rounds=[roles.round.pk])

    assert [p.name for p in participating[roles.round.pk]] == ["Stadt Jena", "Stadt Münster"]


def test_round_page_lists_the_organisation_of_an_accepted_stand_in(client, roles):
    client.force_login(roles.invited)

    section = _organisations_section(
        client.get(reverse("rounds:round_detail", kwargs={"pk": roles.round.pk})).content.decode()
    )

    assert ("Stadt Jena" in section, "Stadt Bamberg" in section, "Stadt Münster" in section) == (True, False, False)


def test_series_page_and_report_list_the_same_organisations_as_the_round_page(client, roles):
    Round.objects.filter(pk=roles.round.pk).update(status=Round.Status.HELD)
    client.force_login(roles.organiser)

    series_page = client.get(reverse("orga:series_detail", kwargs={"slug": roles.series.slug}))
    [round_] = series_page.context["rounds"]
    in_report = report_content(round_=Round.objects.get(pk=roles.round.pk))["organisations"]

    assert [o.name for o in round_.participating] == ["Stadt Jena"]
    assert [o.name for o in in_report] == ["Stadt Jena"]
