"""Every calendar the app produces, read by a second, independent parser (vobject, on dateutil's rules).

The invitation, the update and the cancellation are taken from the outgoing mail as the services send them;
the download and the series feed from their pages. Local start times in winter and in summer, the
VTIMEZONE's UTC offsets against the time zone database, and text with characters that need escaping.
"""

import datetime
import email
from zoneinfo import ZoneInfo

import icalendar
import pytest
import time_machine
import vobject
from django.core import mail
from django.test import Client
from django.urls import reverse

from rounds.models import Invitation, Round
from rounds.selectors.calendar_feed import feed_token
from rounds.services.delivery import invitations_enqueue
from rounds.services.rounds import round_cancel, round_reschedule
from rounds.vtimezone import vtimezone
from tests.factories import (
    AgendaItemFactory,
    ClauseFactory,
    InvitationFactory,
    RoundFactory,
    SeriesFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")
UTC = datetime.UTC
NOW = datetime.datetime(2023, 9, 1, 8, 0, tzinfo=UTC)
SERIES_TITLE = "Daten & Dienste"
REASON = "Raum \"Ost\" <gesperrt> & 'Technik', leider; C:\\Pfad – Grüße aus Münster"
CLAUSE_TITLE = 'Beteiligung <aller> & "relevanter" Akteure; Teil 1, \\ Ö'
# (winter start, summer start) as wall-clock times in Berlin, in years with a change on 31 March or 28 October
DATES = {
    2024: (datetime.datetime(2024, 1, 16, 10, 0), datetime.datetime(2024, 7, 16, 10, 0)),
    2029: (datetime.datetime(2029, 1, 16, 10, 0), datetime.datetime(2029, 7, 17, 10, 0)),
}
DAYS = ((1, 15), (3, 31), (7, 15), (10, 28))


def calendar_parts(message) -> list[bytes]:
    """Every iCalendar body of a sent message: text/calendar parts and .ics attachments alike."""
    parsed = email.message_from_bytes(message.message().as_bytes())
    parts = []
    for part in parsed.walk():
        if part.is_multipart():
            continue
        filename = part.get_filename() or ""
        if part.get_content_type() in ("text/calendar", "application/ics") or filename.endswith(".ics"):
            parts.append(part.get_payload(decode=True))
    assert parts, "no calendar in the message"
    return parts


def offsets_match_zoneinfo(data: bytes, *, years) -> list[tuple]:
    """Where the VTIMEZONE (read by vobject and by icalendar) disagrees with zoneinfo, hourly on the four days
    of each year; empty when it agrees everywhere."""
    other = vobject.readOne(data.decode())
    vobject_tz = other.vtimezone.gettzinfo()
    [component] = icalendar.Calendar.from_ical(data).walk("VTIMEZONE")
    icalendar_tz = component.to_tz()
    mismatches = []
    for year in years:
        for month, day in DAYS:
            for hour in range(24):
                instant = datetime.datetime(year, month, day, hour, 30, tzinfo=UTC)
                expected = instant.astimezone(BERLIN).utcoffset()
                got = (instant.astimezone(vobject_tz).utcoffset(), instant.astimezone(icalendar_tz).utcoffset())
                if got != (expected, expected):
                    mismatches.append((instant, expected, got))
    return mismatches


def vobject_event(data: bytes):
    parsed = vobject.readOne(data.decode())
    events = list(parsed.vevent_list)
    assert len(events) == 1
    return parsed, events[0]


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def invited_round(year: int, *, first: int):
    starts_at = DATES[year][first].replace(tzinfo=BERLIN)
    round_ = RoundFactory(
        status=Round.Status.INVITED,
        series=SeriesFactory(title=SERIES_TITLE),
        number=2,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
    )
    AgendaItemFactory(
        round=round_, clause=ClauseFactory(number=4, title=CLAUSE_TITLE, typical_wording="„Alle & jeder“ <b>")
    )
    invitation = InvitationFactory(round=round_, user=UserFactory(email="jena@example.org", full_name="Jana <Jena>"))
    return round_, invitation


@pytest.mark.parametrize("year", sorted(DATES))
@pytest.mark.parametrize("first", [0, 1], ids=["winter-then-summer", "summer-then-winter"])
def test_invitation_update_and_cancellation_read_by_vobject(frozen, django_capture_on_commit_callbacks, year, first):
    round_, invitation = invited_round(year, first=first)
    other = DATES[year][1 - first].replace(tzinfo=BERLIN)

    with django_capture_on_commit_callbacks(execute=True):
        invitations_enqueue(invitation_ids=[invitation.pk])
    with django_capture_on_commit_callbacks(execute=True):
        round_reschedule(round_=round_, starts_at=other, ends_at=other + datetime.timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=True):
        round_cancel(round_=Round.objects.get(pk=round_.pk), reason=REASON)

    seen = []
    for message in mail.outbox:
        for data in calendar_parts(message):
            parsed, event = vobject_event(data)
            start = event.dtstart.value
            seen.append(
                (
                    parsed.method.value,
                    int(event.sequence.value),
                    event.uid.value,
                    (start.hour, start.minute),
                    start.astimezone(UTC),
                    parsed.vtimezone.tzid.value,
                )
            )
            assert offsets_match_zoneinfo(data, years=[year - 1, year, year + 1]) == []
    starts = [DATES[year][first].replace(tzinfo=BERLIN), other, other]
    expected = [
        ("REQUEST", 0, round_.calendar_uid, (10, 0), starts[0].astimezone(UTC), "Europe/Berlin"),
        ("REQUEST", 1, round_.calendar_uid, (10, 0), starts[1].astimezone(UTC), "Europe/Berlin"),
        ("CANCEL", 2, round_.calendar_uid, (10, 0), starts[2].astimezone(UTC), "Europe/Berlin"),
    ]
    assert sorted(set(seen), key=lambda row: row[1]) == expected


def test_cancellation_text_round_trips_exactly_in_both_parsers(frozen, django_capture_on_commit_callbacks):
    round_, invitation = invited_round(2024, first=0)
    with django_capture_on_commit_callbacks(execute=True):
        invitations_enqueue(invitation_ids=[invitation.pk])
    with django_capture_on_commit_callbacks(execute=True):
        round_cancel(round_=Round.objects.get(pk=round_.pk), reason=REASON)

    [data, *_same] = calendar_parts(mail.outbox[-1])
    _parsed, event = vobject_event(data)
    [ical_event] = icalendar.Calendar.from_ical(data).walk("VEVENT")

    assert event.summary.value == str(ical_event["SUMMARY"]) == f"Abgesagt: {SERIES_TITLE}: Runde 2"
    assert event.description.value == str(ical_event["DESCRIPTION"])
    assert event.description.value.splitlines() == [f"{SERIES_TITLE}, Runde 2", "", "Diese Runde ist abgesagt.", REASON]
    assert event.attendee.params["CN"] == ["Jana <Jena>"]
    assert b"&amp" not in data and b"&quot" not in data and b"&#" not in data


def test_invitation_agenda_text_round_trips_exactly(frozen, django_capture_on_commit_callbacks):
    _round, invitation = invited_round(2024, first=1)
    with django_capture_on_commit_callbacks(execute=True):
        invitations_enqueue(invitation_ids=[invitation.pk])

    [data, *_same] = calendar_parts(mail.outbox[0])
    _parsed, event = vobject_event(data)

    assert event.summary.value == f"{SERIES_TITLE}: Runde 2"
    assert event.description.value.splitlines()[:5] == [
        f"{SERIES_TITLE}, Runde 2",
        "",
        "Tagesordnung:",
        f"§ 4 {CLAUSE_TITLE}",
        "  „„Alle & jeder“ <b>“",
    ]


@pytest.mark.parametrize("year", sorted(DATES))
@pytest.mark.parametrize("which", [0, 1], ids=["winter", "summer"])
def test_download_and_series_feed_read_by_vobject(frozen, year, which):
    round_, invitation = invited_round(year, first=which)
    Invitation.objects.filter(pk=invitation.pk).update(rsvp=Invitation.Rsvp.ACCEPTED)
    organiser = UserFactory()
    round_.series.organisers.add(organiser)
    invited = Client()
    invited.force_login(invitation.user)
    download = invited.get(reverse("rounds:ics", kwargs={"pk": round_.pk})).content
    token = feed_token(series=round_.series, user=organiser)
    feed = Client().get(reverse("orga:series_feed", kwargs={"slug": round_.series.slug, "token": token})).content

    starts = []
    for data in (download, feed):
        _parsed, event = vobject_event(data)
        starts.append((event.dtstart.value.replace(tzinfo=None), event.dtstart.value.astimezone(UTC)))
        assert offsets_match_zoneinfo(data, years=[year - 1, year, year + 1]) == []
    expected = DATES[year][which]
    assert starts == [(expected, expected.replace(tzinfo=BERLIN).astimezone(UTC))] * 2


@pytest.mark.parametrize("year", [2024, 2026, 2029, 2099])
def test_vtimezone_offsets_match_zoneinfo_in_january_march_july_october(year):
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//test//")
    calendar.add("version", "2.0")
    calendar.add_component(vtimezone("Europe/Berlin", years=[year - 1, year, year + 1]))

    assert offsets_match_zoneinfo(calendar.to_ical(), years=[year - 1, year, year + 1]) == []


def test_vtimezone_spring_change_is_at_two_in_the_morning():
    [daylight] = vtimezone("Europe/Berlin", years=[2026, 2027]).walk("DAYLIGHT")

    assert daylight.decoded("DTSTART") == datetime.datetime(2026, 3, 29, 2, 0)
    assert daylight.decoded("TZOFFSETFROM") == datetime.timedelta(hours=1)
