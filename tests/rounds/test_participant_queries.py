"""The round page, the discussion page and the clause page need the same number of queries for 1 and 50 comments."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rounds.models import FollowUpReport
from tests.factories import (
    AgendaItemFactory,
    CommentFactory,
    InvitationFactory,
    MeetingNoteFactory,
    RoundFactory,
    round_with_roles,
)

pytestmark = pytest.mark.django_db


def _world(comment_count: int):
    roles = round_with_roles(clause_number=40 + comment_count, starts_at=timezone.now() + datetime.timedelta(days=2))
    earlier = RoundFactory(series=roles.series, starts_at=timezone.now() - datetime.timedelta(days=90))
    earlier_item = AgendaItemFactory(round=earlier, clause=roles.clause)
    InvitationFactory(round=earlier, user=roles.invited, organisation=roles.invited_org)
    FollowUpReport.objects.create(round=earlier, version=1, status=FollowUpReport.Status.PUBLISHED)
    for item in (roles.item, earlier_item):
        MeetingNoteFactory(round=item.round, agenda_item=item, is_key_finding=True)
        parent = None
        for index in range(comment_count):
            parent = CommentFactory(
                agenda_item=item,
                parent=parent if index % 3 else None,
                confidentiality=["quotable", "anonymised", "internal"][index % 3],
            )
        InvitationFactory(round=item.round)
    return roles


def _count_queries(client, user, url) -> int:
    client.force_login(user)
    client.get(url)  # warm up session and caches
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("role", ["invited", "organiser", "outsider"])
def test_clause_history_queries_independent_of_comment_count(client, role):
    small, large = _world(1), _world(50)

    counts = [
        _count_queries(
            client, world.user(role), reverse("rounds:clause_history", kwargs={"number": world.clause.number})
        )
        for world in (small, large)
    ]

    assert counts[0] == counts[1]


@pytest.mark.parametrize("role", ["invited", "organiser"])
def test_round_page_queries_independent_of_comment_count(client, role):
    counts = []
    for size in (1, 50):
        world = _world(size)
        counts.append(
            _count_queries(client, world.user(role), reverse("rounds:round_detail", kwargs={"pk": world.round.pk}))
        )

    assert counts[0] == counts[1]


@pytest.mark.parametrize("role", ["invited", "organiser"])
def test_discussion_page_queries_independent_of_comment_count(client, role):
    counts = []
    for size in (1, 50):
        world = _world(size)
        url = reverse("rounds:discussion", kwargs={"round_pk": world.round.pk, "number": world.clause.number})
        counts.append(_count_queries(client, world.user(role), url))

    assert counts[0] == counts[1]
