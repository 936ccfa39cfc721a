"""People who declined: the round while it is ahead (they may still accept), afterwards the public parts only."""

import pytest
from django.urls import reverse

from rounds.models import FollowUpReport, Invitation, Round, Series
from rounds.selectors.participant import my_invitations
from tests.factories import FollowUpReportFactory, round_with_roles

pytestmark = pytest.mark.django_db


def _declined(roles):
    Invitation.objects.filter(pk=roles.invitation.pk).update(rsvp=Invitation.Rsvp.DECLINED)


def _discussion(roles) -> str:
    return reverse("rounds:discussion", kwargs={"round_pk": roles.round.pk, "number": roles.clause.number})


def test_declined_invitee_keeps_the_round_while_it_is_ahead(client):
    roles = round_with_roles()
    _declined(roles)
    client.force_login(roles.invited)

    assert client.get(_discussion(roles)).status_code == 200


def test_declined_invitee_no_longer_sees_the_discussion_after_the_round(client):
    roles = round_with_roles()
    _declined(roles)
    Round.objects.filter(pk=roles.round.pk).update(status=Round.Status.HELD)
    client.force_login(roles.invited)

    response = client.get(_discussion(roles))

    assert response.status_code == 404
    assert my_invitations(user=roles.invited) == ([], [])


def test_declined_invitee_sees_the_public_parts_after_a_public_report(client):
    roles = round_with_roles()
    _declined(roles)
    Series.objects.filter(pk=roles.series.pk).update(report_visibility=Series.ReportVisibility.PUBLIC)
    Round.objects.filter(pk=roles.round.pk).update(status=Round.Status.PUBLISHED)
    FollowUpReportFactory(round=roles.round, version=1, status=FollowUpReport.Status.PUBLISHED, html="<p>x</p>")
    client.force_login(roles.invited)
    anonymous_status = client.__class__().get(_discussion(roles)).status_code

    assert client.get(_discussion(roles)).status_code == anonymous_status
