"""Values at the edges: the daylight-saving gap and the repeated autumn hour, far years, huge ids in
organiser forms, and reminder days no calendar can hold."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from rounds.models import Round, Series
from rounds.services import scheduling
from rounds.services.comments import comment_window
from rounds.services.reminders import series_reminder_days
from rounds.services.scheduling import next_rounds_propose
from tests.factories import RoundFactory, SeriesFactory
from tests.rounds.organiser_world import (  # noqa: F401
    build_world,
    fast_passwords,
    field_error,
    input_value,
    organiser_signed_in,
)

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime.datetime(2027, 3, 1, 9, 0, tzinfo=BERLIN)


@pytest.fixture
def organiser_client(client):
    with organiser_signed_in(client, now=NOW) as signed_in:
        yield signed_in


def test_round_create_time_in_daylight_saving_gap_is_refused_next_to_start_time(organiser_client):
    url = reverse("orga:round_create", kwargs={"slug": organiser_client.world.series.slug})

    response = organiser_client.post(url, {"date": "2027-03-28", "start_time": "02:30", "end_time": "04:00"})
    html = response.content.decode()

    assert response.status_code == 200
    assert field_error(html, "id_start_time") == "Diese Uhrzeit gibt es an diesem Tag wegen der Zeitumstellung nicht."
    assert input_value(html, "id_start_time") == "02:30"
    assert Round.objects.filter(series=organiser_client.world.series).count() == 1


def test_round_reschedule_end_in_daylight_saving_gap_is_refused_next_to_end_time(organiser_client):
    url = reverse("orga:round_reschedule", kwargs={"pk": organiser_client.world.round.pk})

    response = organiser_client.post(url, {"date": "2027-03-28", "start_time": "01:00", "end_time": "02:15"})

    assert field_error(response.content.decode(), "id_end_time") == (
        "Diese Uhrzeit gibt es an diesem Tag wegen der Zeitumstellung nicht."
    )


def test_round_create_time_in_repeated_autumn_hour_means_summer_time(organiser_client):
    url = reverse("orga:round_create", kwargs={"slug": organiser_client.world.series.slug})

    response = organiser_client.post(url, {"date": "2027-10-31", "start_time": "02:30", "end_time": "02:45"})

    assert response.status_code == 302
    created = Round.objects.filter(series=organiser_client.world.series).latest("pk")
    assert (created.starts_at, created.ends_at) == (
        datetime.datetime(2027, 10, 31, 0, 30, tzinfo=datetime.UTC),
        datetime.datetime(2027, 10, 31, 0, 45, tzinfo=datetime.UTC),
    )


@pytest.mark.parametrize("day", ["9999-12-31", "2101-01-01", "1999-12-31"])
def test_round_reschedule_year_out_of_bounds_is_refused_next_to_date(organiser_client, day):
    url = reverse("orga:round_reschedule", kwargs={"pk": organiser_client.world.round.pk})

    response = organiser_client.post(url, {"date": day, "start_time": "10:00", "end_time": "12:00"})

    assert field_error(response.content.decode(), "id_date") == "Bitte wählen Sie ein Datum zwischen 2000 und 2100."
    assert Round.objects.get(pk=organiser_client.world.round.pk).starts_at == organiser_client.world.round.starts_at


def test_pages_of_a_round_stored_at_9999_still_answer(organiser_client):
    world = organiser_client.world
    far = datetime.datetime(9999, 12, 31, 10, 0, tzinfo=datetime.UTC)
    Round.objects.filter(pk=world.round.pk).update(starts_at=far, ends_at=far + datetime.timedelta(hours=2))
    urls = [
        reverse("orga:series_detail", kwargs={"slug": world.series.slug}),
        reverse("orga:round_create", kwargs={"slug": world.series.slug}),
        reverse("orga:round_detail", kwargs={"pk": world.round.pk}),
        reverse("rounds:round_detail", kwargs={"pk": world.round.pk}),
        reverse("rounds:discussion", kwargs={"round_pk": world.round.pk, "number": world.clause.number}),
    ]
    world.invitation.__class__.objects.filter(pk=world.invitation.pk).update(rsvp="accepted")
    invited = Client()
    invited.force_login(world.invited)

    statuses = [organiser_client.get(url).status_code for url in urls]
    ics = invited.get(reverse("rounds:ics", kwargs={"pk": world.round.pk}))

    assert statuses == [200] * len(urls)
    assert (ics.status_code, b"DTSTART;TZID=Europe/Berlin:99991231T110000" in ics.content) == (200, True)
    assert comment_window(round_=Round.objects.get(pk=world.round.pk)).closes_at.year == 9999


def test_round_duplicate_of_a_round_stored_at_9999_proposes_a_date_from_today(organiser_client):
    world = organiser_client.world
    far = datetime.datetime(9999, 12, 31, 10, 0, tzinfo=datetime.UTC)
    Round.objects.filter(pk=world.round.pk).update(starts_at=far, ends_at=far + datetime.timedelta(hours=2))

    with time_machine.travel(NOW, tick=False):
        response = organiser_client.post(reverse("orga:round_duplicate", kwargs={"pk": world.round.pk}))

    assert response.status_code == 302
    assert Round.objects.filter(series=world.series).latest("pk").starts_at.year == 2027


def test_attendance_huge_id_is_an_invalid_choice(organiser_client):
    url = reverse("orga:attendance", kwargs={"pk": organiser_client.world.round.pk})

    response = organiser_client.post(url, {"present": ["99999999999999999999"]})

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["present"]


@pytest.mark.parametrize("name", ["organisations", "people"])
def test_invite_huge_id_is_an_invalid_choice(organiser_client, name):
    route = "orga:invite_organisations" if name == "organisations" else "orga:invite_people"
    url = reverse(route, kwargs={"pk": organiser_client.world.round.pk})
    count = organiser_client.world.round.invitations.count()

    response = organiser_client.post(url, {name: ["9223372036854775808"]})

    assert response.status_code == 422
    assert organiser_client.world.round.invitations.count() == count


def test_note_add_non_numeric_agenda_item_is_not_found(organiser_client):
    url = reverse("orga:note_add", kwargs={"pk": organiser_client.world.round.pk})

    response = organiser_client.post(url, {"agenda_item": "abc"})

    assert response.status_code == 404


def test_discussion_post_with_huge_round_id_is_not_found(organiser_client):
    client = Client()
    client.force_login(organiser_client.world.invited)

    response = client.post(
        reverse("rounds:comment_post", kwargs={"round_pk": 99999999999999999999, "number": 4}), {"body": "x"}
    )

    assert response.status_code == 404


@pytest.mark.parametrize("days", [[float("inf")], [99999999999], [366], [-1], ["7"], [True], "7"])
def test_series_reminder_days_out_of_bounds_are_refused_in_german(days):
    series = SeriesFactory.build(reminder_days=days)

    with pytest.raises(ValidationError) as error:
        series.clean_fields(exclude=[f.name for f in Series._meta.fields if f.name != "reminder_days"])

    assert error.value.message_dict["reminder_days"] == [
        "Bitte geben Sie eine Liste ganzer Tage zwischen 0 und 365 an, z. B. [7, 1]."
    ]


def test_series_reminder_days_stored_past_validation_are_left_out():
    series = SeriesFactory()
    Series.objects.filter(pk=series.pk).update(reminder_days=[99999999999, 7, 400, 1])
    series.refresh_from_db()

    assert series_reminder_days(series) == [7, 1]


def test_run_periodic_jobs_survives_a_series_with_huge_reminder_days(capsys):
    bad = SeriesFactory()
    Series.objects.filter(pk=bad.pk).update(reminder_days=[99999999999])
    good = SeriesFactory()
    RoundFactory(series=good, starts_at=datetime.datetime(2020, 1, 1, 10, tzinfo=datetime.UTC))

    call_command("run_periodic_jobs")

    assert "queue-reminders: 0" in capsys.readouterr().out
    assert good.rounds.filter(status=Round.Status.DRAFT).exists()


def test_next_rounds_propose_one_failing_series_does_not_stop_the_others(monkeypatch):
    bad = SeriesFactory()
    RoundFactory(series=bad, starts_at=datetime.datetime(2020, 1, 1, 10, tzinfo=datetime.UTC))
    propose = scheduling.series_propose_next_round

    def failing_for_bad(*, series, today):
        if series.pk == bad.pk:
            raise OverflowError("date value out of range")  # what a series' impossible data used to raise
        return propose(series=series, today=today)

    monkeypatch.setattr(scheduling, "series_propose_next_round", failing_for_bad)
    good = SeriesFactory()
    RoundFactory(series=good, starts_at=datetime.datetime(2020, 1, 1, 10, tzinfo=datetime.UTC))

    proposed = next_rounds_propose(today=datetime.date(2026, 12, 1))

    assert [r.series_id for r in proposed] == [good.pk]
