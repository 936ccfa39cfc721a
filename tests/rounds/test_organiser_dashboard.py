import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from rounds.models import Round
from tests.factories import InvitationFactory, RoundFactory
from tests.rounds.organiser_world import build_world, fast_passwords  # noqa: F401

pytestmark = pytest.mark.django_db


def test_dashboard_lists_upcoming_rounds_with_rsvp_counts_and_tasks(client):
    world = build_world()
    InvitationFactory(round=world.round, rsvp="accepted")
    InvitationFactory(round=world.round, rsvp="declined")
    past = timezone.now() - datetime.timedelta(days=3)
    RoundFactory(
        series=world.series, status=Round.Status.HELD, starts_at=past, ends_at=past + datetime.timedelta(hours=2)
    )
    client.force_login(world.organiser)

    response = client.get(reverse("orga:dashboard"))

    [upcoming] = response.context["upcoming"]
    counts = (upcoming.accepted_count, upcoming.declined_count, upcoming.open_count)
    labels = sorted(task.label for task in response.context["tasks"])
    assert counts == (1, 1, 1)
    assert labels == ["Einladungen offen oder nicht zustellbar", "Protokollnotizen fehlen"]
