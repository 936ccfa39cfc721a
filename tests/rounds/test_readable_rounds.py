"""``permissions.readable_rounds`` (one query, written out) answers as the permission querysets do."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rounds import permissions
from rounds.models import FollowUpReport, Invitation, Round, Series
from tests.factories import (
    FollowUpReportFactory,
    InvitationFactory,
    RoundFactory,
    SeriesFactory,
    UserFactory,
    round_with_roles,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """The five roles of a round, and around it every case the rules tell apart."""
    roles = round_with_roles()
    invited = roles.invited
    RoundFactory(series=roles.series, status=Round.Status.DRAFT)  # the organisers' alone
    declined = RoundFactory(series=roles.series, status=Round.Status.HELD)
    InvitationFactory(round=declined, user=invited, rsvp=Invitation.Rsvp.DECLINED)
    FollowUpReportFactory(round=declined, status=FollowUpReport.Status.PUBLISHED)
    draft_invited = RoundFactory(status=Round.Status.DRAFT)
    InvitationFactory(round=draft_invited, user=invited)
    public = SeriesFactory(report_visibility=Series.ReportVisibility.PUBLIC)
    FollowUpReportFactory(
        round=RoundFactory(series=public, status=Round.Status.HELD), status=FollowUpReport.Status.PUBLISHED
    )
    FollowUpReportFactory(
        round=RoundFactory(series=public, status=Round.Status.HELD), status=FollowUpReport.Status.BUILT
    )
    closed = SeriesFactory(report_visibility=Series.ReportVisibility.PARTICIPANTS)
    InvitationFactory(round=RoundFactory(series=closed, status=Round.Status.INVITED), user=invited)
    FollowUpReportFactory(
        round=RoundFactory(series=closed, status=Round.Status.HELD), status=FollowUpReport.Status.PUBLISHED
    )
    RoundFactory(series=SeriesFactory(organisers=[UserFactory()]), status=Round.Status.INVITED)  # nobody's here
    return roles


def _user(world, role):
    if role == "anonymous":
        return AnonymousUser()
    if role == "inactive admin":
        return UserFactory(is_staff=True, is_active=False)
    return world.user(role)


@pytest.mark.parametrize("role", ["anonymous", "invited", "outsider", "organiser", "admin", "inactive admin"])
def test_readable_rounds_agree_with_the_permission_querysets(world, role):
    user = _user(world, role)

    readable = permissions.readable_rounds(user)

    inside = set(permissions.visible_rounds(user).values_list("pk", flat=True))
    published = set(permissions.published_comment_rounds(user).values_list("pk", flat=True))
    managed_series = set(permissions.managed_series(user).values_list("pk", flat=True))
    assert {each.pk for each in readable} == inside | published
    assert {each.pk for each in readable if each.inside} == inside
    assert {each.pk for each in readable if each.published} == published
    assert {each.pk for each in readable if each.managed} == {
        pk
        for pk, series in Round.objects.filter(pk__in=inside | published).values_list("pk", "series")
        if series in managed_series
    }
    assert published  # every role reads the public series' published report


def test_readable_rounds_are_one_query_in_the_order_of_their_series(world):
    with CaptureQueriesContext(connection) as captured:
        readable = permissions.readable_rounds(world.admin)

    assert len(captured) == 1
    assert [(each.series_title, each.number) for each in readable] == sorted(
        (each.series_title, each.number) for each in readable
    )
    first = Round.objects.select_related("series").get(pk=readable[0].pk)
    assert (readable[0].series_id, readable[0].number, readable[0].series_title) == (
        first.series_id,
        first.number,
        first.series.title,
    )
