"""My rounds, the round page, RSVP on the page, stand-in and the calendar download."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from rounds.models import FollowUpReport, Invitation, Round
from tests.factories import (
    InvitationFactory,
    MeetingNoteFactory,
    MembershipFactory,
    RoundFactory,
    UserFactory,
    round_with_roles,
)

pytestmark = pytest.mark.django_db

ROLES = ["organiser", "invited", "outsider", "anonymous", "admin"]


@pytest.fixture
def roles():
    return round_with_roles()


def _client_for(client, roles, role):
    user = roles.user(role)
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("role", "expected"),
    [("organiser", 200), ("invited", 200), ("outsider", 404), ("anonymous", 302), ("admin", 200)],
)
def test_round_detail_access_by_role(client, roles, role, expected):
    response = _client_for(client, roles, role).get(reverse("rounds:round_detail", kwargs={"pk": roles.round.pk}))

    assert response.status_code == expected
    if expected == 200:
        assert "Beteiligung aller relevanten Akteure" in response.content.decode()
    if role == "anonymous":
        assert response.url.startswith(reverse("account_login"))


def test_round_detail_shows_typical_wording_and_organisations(client, roles):
    Invitation.objects.filter(pk=roles.invitation.pk).update(rsvp=Invitation.Rsvp.ACCEPTED)
    client.force_login(roles.invited)

    content = client.get(reverse("rounds:round_detail", kwargs={"pk": roles.round.pk})).content.decode()

    assert roles.clause.typical_wording in content
    assert "Stadt Jena" in content
    assert "Stadt Anderswo" not in content


def test_round_detail_online_link_only_after_accepting(client, roles):
    client.force_login(roles.invited)
    url = reverse("rounds:round_detail", kwargs={"pk": roles.round.pk})

    before = client.get(url).content.decode()
    roles.invitation.rsvp = Invitation.Rsvp.ACCEPTED
    roles.invitation.save()
    after = client.get(url).content.decode()

    assert roles.round.online_link not in before
    assert "Der Link erscheint nach Ihrer Zusage." in before
    assert roles.round.online_link in after
    assert reverse("rounds:ics", kwargs={"pk": roles.round.pk}) in after


def test_round_detail_key_findings_only_once_report_published(client, roles):
    MeetingNoteFactory(round=roles.round, agenda_item=roles.item, body="Governance statt Regieren", is_key_finding=True)
    client.force_login(roles.invited)
    url = reverse("rounds:round_detail", kwargs={"pk": roles.round.pk})

    before = client.get(url).content.decode()
    FollowUpReport.objects.create(round=roles.round, version=1, status=FollowUpReport.Status.PUBLISHED)
    after = client.get(url).content.decode()

    assert "Governance statt Regieren" not in before
    assert "Governance statt Regieren" in after


def test_my_rounds_lists_only_own_invitations_split_by_date(client, roles):
    past_round = RoundFactory(
        series=roles.series,
        starts_at=timezone.now() - datetime.timedelta(days=60),
        ends_at=timezone.now() - datetime.timedelta(days=60, hours=-2),
        status=Round.Status.HELD,
    )
    InvitationFactory(round=past_round, user=roles.invited, organisation=roles.invited_org)
    other = RoundFactory(series=roles.series)
    InvitationFactory(round=other)
    client.force_login(roles.invited)

    response = client.get(reverse("rounds:my_rounds"))

    assert [i.round for i in response.context["upcoming"]] == [roles.round]
    assert [i.round for i in response.context["past"]] == [past_round]


def test_my_rounds_anonymous_redirects_to_login(client):
    response = client.get(reverse("rounds:my_rounds"))

    assert response.url == f"{reverse('account_login')}?next={reverse('rounds:my_rounds')}"


@pytest.mark.parametrize(("answer", "expected"), [("accept", "accepted"), ("decline", "declined")])
def test_rsvp_on_page_saves_answer(client, roles, answer, expected):
    client.force_login(roles.invited)

    response = client.post(reverse("rounds:rsvp", kwargs={"pk": roles.round.pk}), {"answer": answer})

    roles.invitation.refresh_from_db()
    assert response.url == reverse("rounds:round_detail", kwargs={"pk": roles.round.pk})
    assert roles.invitation.rsvp == expected
    assert roles.invitation.responded_at is not None


@pytest.mark.parametrize(
    ("role", "expected"), [("organiser", 403), ("outsider", 404), ("anonymous", 302), ("admin", 403)]
)
def test_rsvp_on_page_refused_for_non_invitees(client, roles, role, expected):
    response = _client_for(client, roles, role).post(
        reverse("rounds:rsvp", kwargs={"pk": roles.round.pk}), {"answer": "accept"}
    )

    roles.invitation.refresh_from_db()
    assert response.status_code == expected
    assert roles.invitation.rsvp == "open"


def test_rsvp_on_page_after_round_ended_shows_german_error(client, roles):
    with time_machine.travel(roles.round.ends_at + datetime.timedelta(minutes=1)):
        client.force_login(roles.invited)
        response = client.post(reverse("rounds:rsvp", kwargs={"pk": roles.round.pk}), {"answer": "accept"})

    roles.invitation.refresh_from_db()
    assert "Diese Runde hat bereits stattgefunden" in response.content.decode()
    assert roles.invitation.rsvp == "open"


def test_rsvp_on_page_invalid_answer_shows_german_error(client, roles):
    client.force_login(roles.invited)

    response = client.post(reverse("rounds:rsvp", kwargs={"pk": roles.round.pk}), {"answer": "vielleicht"})

    assert "Bitte wählen Sie" in response.content.decode()


def test_stand_in_invites_colleague_and_declines_own(client, roles, django_capture_on_commit_callbacks, mailoutbox):
    colleague = UserFactory(full_name="Kai Kollege", email="kai@example.org")
    MembershipFactory(user=colleague, organisation=roles.invited_org)
    client.force_login(roles.invited)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("rounds:stand_in", kwargs={"pk": roles.round.pk}), {"stand_in": colleague.pk})

    roles.invitation.refresh_from_db()
    stand_in = Invitation.objects.get(round=roles.round, user=colleague)
    assert response.status_code == 302
    assert roles.invitation.rsvp == "declined"
    assert stand_in.stand_in_for == roles.invitation
    assert stand_in.organisation == roles.invited_org
    assert stand_in.delivery == Invitation.Delivery.SENT
    assert [m.to for m in mailoutbox] == [["kai@example.org"]]


def test_stand_in_from_other_organisation_refused_with_german_error(client, roles):
    client.force_login(roles.invited)

    response = client.post(reverse("rounds:stand_in", kwargs={"pk": roles.round.pk}), {"stand_in": roles.outsider.pk})

    assert "Bitte wählen Sie eine Person Ihrer Organisation" in response.content.decode()
    assert not Invitation.objects.filter(round=roles.round, user=roles.outsider).exists()


def test_stand_in_page_lists_only_colleagues(client, roles):
    colleague = UserFactory(full_name="Kai Kollege")
    MembershipFactory(user=colleague, organisation=roles.invited_org)
    client.force_login(roles.invited)

    content = client.get(reverse("rounds:round_detail", kwargs={"pk": roles.round.pk})).content.decode()

    choices = content.split('name="stand_in"')[1].split("</select>")[0]
    assert (f'value="{colleague.pk}"' in choices, f'value="{roles.outsider.pk}"' in choices) == (True, False)
    assert "Kai Kollege" in choices


def test_ics_download_after_accepting(client, roles):
    roles.invitation.rsvp = Invitation.Rsvp.ACCEPTED
    roles.invitation.save()
    client.force_login(roles.invited)

    response = client.get(reverse("rounds:ics", kwargs={"pk": roles.round.pk}))

    body = response.content.decode()
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert f"UID:{roles.round.calendar_uid}" in body
    assert roles.round.online_link in body.replace("\r\n ", "")


@pytest.mark.parametrize(
    ("role", "expected"), [("organiser", 403), ("invited", 403), ("outsider", 404), ("anonymous", 302), ("admin", 403)]
)
def test_ics_download_refused_without_acceptance(client, roles, role, expected):
    response = _client_for(client, roles, role).get(reverse("rounds:ics", kwargs={"pk": roles.round.pk}))

    assert response.status_code == expected
    assert b"BEGIN:VCALENDAR" not in response.content
