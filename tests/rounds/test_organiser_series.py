import pytest
from django.urls import reverse
from icalendar import Calendar

from rounds.models import Invitation, Round, Series
from rounds.selectors.calendar_feed import feed_token
from tests.factories import UserFactory
from tests.rounds.organiser_world import build_world, fast_passwords  # noqa: F401

pytestmark = pytest.mark.django_db


def test_series_create_makes_creator_and_co_organisers_organisers(client):
    world = build_world()
    colleague = UserFactory(email="kollegin@example.org")
    client.force_login(world.organiser)
    data = {
        "title": "Datenstrategien im Gespräch",
        "cadence_months": "3",
        "cadence_weekday": "1",
        "cadence_week": "2",
        "default_start_time": "10:00",
        "default_duration_minutes": "90",
        "default_online_link": "konferenz.example.org/daten",
        "report_visibility": "public",
        "co_organisers": "Kollegin@example.org",
    }

    response = client.post(reverse("orga:series_create"), data)

    series = Series.objects.get(title="Datenstrategien im Gespräch")
    assert response["Location"] == reverse("orga:series_detail", kwargs={"slug": series.slug})
    assert set(series.organisers.all()) == {world.organiser, colleague}
    assert (series.slug, series.default_online_link) == (
        "datenstrategien-im-gesprach",
        "https://konferenz.example.org/daten",
    )


def test_series_detail_lists_rounds_with_clauses_and_organisations(client):
    world = build_world()
    Invitation.objects.filter(round=world.round, organisation=world.invited_org).update(rsvp=Invitation.Rsvp.ACCEPTED)
    client.force_login(world.organiser)

    response = client.get(reverse("orga:series_detail", kwargs={"slug": world.series.slug}))

    [round_] = response.context["rounds"]
    assert ([i.clause.number for i in round_.agenda_items.all()], [o.name for o in round_.participating]) == (
        [4],
        [world.invited_org.name],
    )


def test_series_feed_marks_cancelled_rounds(client):
    world = build_world()
    Round.objects.filter(pk=world.round.pk).update(status=Round.Status.CANCELLED, calendar_sequence=3)

    response = client.get(
        reverse(
            "orga:series_feed",
            kwargs={"slug": world.series.slug, "token": feed_token(series=world.series, user=world.organiser)},
        )
    )
    [event] = Calendar.from_ical(response.content).walk("VEVENT")

    assert (str(event["uid"]), int(event["sequence"]), str(event["status"])) == (
        world.round.calendar_uid,
        3,
        "CANCELLED",
    )


def test_series_feed_address_is_per_person_and_renewed_or_revoked_on_request(client):
    from rounds.selectors.calendar_feed import feed_token
    from tests.factories import UserFactory

    world = build_world()
    colleague = UserFactory()
    world.series.organisers.add(colleague)
    mine, theirs = (
        feed_token(series=world.series, user=world.organiser),
        feed_token(series=world.series, user=colleague),
    )

    def status(token):
        return client.get(reverse("orga:series_feed", kwargs={"slug": world.series.slug, "token": token})).status_code

    client.force_login(world.organiser)
    client.post(reverse("orga:series_feed_renew", kwargs={"slug": world.series.slug}))
    renewed = feed_token(series=world.series, user=world.organiser)
    after_renewal = (status(mine), status(renewed), status(theirs))
    client.post(reverse("orga:series_feeds_revoke_all"))
    after_revoking = (status(renewed), status(theirs))
    world.series.organisers.remove(colleague)

    assert mine != theirs
    assert after_renewal == (404, 200, 200)
    assert after_revoking == (404, 200)
    assert status(theirs) == 404  # no longer an organiser of the series: the address ends with it


def test_series_feed_renewal_only_for_the_series_organisers(client):
    world = build_world()
    client.force_login(world.invited)

    response = client.post(reverse("orga:series_feed_renew", kwargs={"slug": world.series.slug}))

    assert response.status_code in (403, 404)
