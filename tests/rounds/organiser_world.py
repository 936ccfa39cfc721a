"""A series with one round and the people every organiser-page test needs."""

import datetime
import re
from contextlib import contextmanager
from types import SimpleNamespace

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clauses.models import Clause
from participants.models import Membership, Organisation
from rounds.models import AgendaItem, FollowUpReport, Invitation, MeetingNote, Round, Series
from tests.factories import (
    ClauseFactory,
    FollowUpReportFactory,
    MeetingNoteFactory,
    MeetingNoteRevisionFactory,
    SeriesFactory,
    UserFactory,
    round_with_roles,
)

ROLES = ["organiser", "other_organiser", "invited", "outsider", "anonymous"]


def build_world(**round_kwargs) -> SimpleNamespace:
    """``round_with_roles`` plus an organiser of another series, a second library clause, a note with its
    history and a built report."""
    roles = round_with_roles(**round_kwargs)
    other_organiser = UserFactory(full_name="Otmar Anderreihe")
    SeriesFactory(organisers=[other_organiser])
    spare_clause = ClauseFactory(number=9, title="Offene Daten")
    note = MeetingNoteFactory(round=roles.round, agenda_item=roles.item, body="Erste Fassung", author=roles.organiser)
    revision = MeetingNoteRevisionFactory(note=note, version=1, body="Erste Fassung", author=roles.organiser)
    report = FollowUpReportFactory(round=roles.round, version=1, status=FollowUpReport.Status.BUILT, html="<p>x</p>")
    return SimpleNamespace(
        **roles.__dict__,
        other_organiser=other_organiser,
        spare_clause=spare_clause,
        note=note,
        revision=revision,
        report=report,
    )


def login_as(client, world, role: str) -> None:
    if role != "anonymous":
        client.force_login(getattr(world, role))


def snapshot(world) -> tuple:
    """Everything an organiser action could change, to prove a refused request changed nothing."""
    round_ = Round.objects.get(pk=world.round.pk)
    return (
        round_.status,
        round_.calendar_sequence,
        round_.cancel_reason,
        round_.starts_at,
        round_.title,
        Series.objects.count(),
        Round.objects.count(),
        AgendaItem.objects.count(),
        Clause.objects.count(),
        list(Invitation.objects.order_by("pk").values_list("pk", "delivery", "rsvp", "attended_at")),
        list(MeetingNote.objects.order_by("pk").values_list("pk", "body", "version")),
        list(FollowUpReport.objects.order_by("pk").values_list("pk", "status")),
        Organisation.objects.count(),
        Membership.objects.count(),
    )


def query_count(client, url: str) -> int:
    """Queries of rendering the page."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(context.captured_queries)


def field_error(html: str, field_id: str) -> str:
    """The error text shown next to a field (``<p class="kern-error" id="<field_id>_error">``)."""
    match = re.search(rf'id="{re.escape(field_id)}_error">(.*?)</p>', html, re.S)
    return match.group(1).strip() if match else ""


def input_value(html: str, field_id: str) -> str | None:
    """The value an input is rendered with, or the content of a textarea."""
    tag = re.search(rf'<input[^>]*id="{re.escape(field_id)}"[^>]*>', html)
    if tag:
        value = re.search(r'value="([^"]*)"', tag.group(0))
        return value.group(1) if value else ""
    area = re.search(rf'<textarea[^>]*id="{re.escape(field_id)}"[^>]*>(.*?)</textarea>', html, re.S)
    return area.group(1).strip() if area else None


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Password hashing is not under test here; a fast hasher keeps the many permission cases quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@contextmanager
def organiser_signed_in(client, *, now: datetime.datetime):
    """The world's organiser signed in, with the clock stopped at ``now`` and the round 30 days ahead."""
    with time_machine.travel(now, tick=False):
        world = build_world(
            starts_at=now + datetime.timedelta(days=30), ends_at=now + datetime.timedelta(days=30, hours=2)
        )
        client.force_login(world.organiser)
        client.world = world
        yield client
