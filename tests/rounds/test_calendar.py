import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.utils import timezone

from rounds.calendar import RoundCalendar, ics_content_type, invitation_ics, invitation_ics_attachment
from rounds.models import Invitation, Round
from tests.factories import AgendaItemFactory, ClauseFactory, InvitationFactory, RoundFactory, UserFactory

BERLIN = ZoneInfo("Europe/Berlin")
pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation():
    round_ = RoundFactory(
        starts_at=datetime.datetime(2026, 6, 16, 10, 0, tzinfo=BERLIN),
        ends_at=datetime.datetime(2026, 6, 16, 12, 0, tzinfo=BERLIN),
        online_link="https://konferenz.example.org/runde-2",
        calendar_sequence=3,
    )
    AgendaItemFactory(round=round_, clause=ClauseFactory(number=4, title="Beteiligung aller relevanten Akteure"))
    user = UserFactory(email="jena@example.org", full_name="Julia Jena")
    return InvitationFactory(round=round_, user=user)


def parse_event(data: bytes) -> tuple[icalendar.Calendar, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(data)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return calendar, events[0]


def test_invitation_ics_request_carries_uid_sequence_and_attendee(invitation):
    calendar, event = parse_event(invitation_ics(invitation=invitation))

    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == invitation.round.calendar_uid
    assert event["SEQUENCE"] == 3
    assert str(event["STATUS"]) == "CONFIRMED"
    attendee = event["ATTENDEE"]
    assert str(attendee) == "mailto:jena@example.org"
    assert attendee.params["RSVP"] == "TRUE"
    assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"
    assert attendee.params["CN"] == "Julia Jena"
    assert str(event["ORGANIZER"]) == "mailto:austausch@example.org"


def test_invitation_ics_times_in_berlin_with_vtimezone(invitation):
    calendar, event = parse_event(invitation_ics(invitation=invitation))

    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert event.decoded("DTSTART") == datetime.datetime(2026, 6, 16, 10, 0, tzinfo=BERLIN)
    assert event.decoded("DTEND") == datetime.datetime(2026, 6, 16, 12, 0, tzinfo=BERLIN)
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]


def test_invitation_ics_has_alarm_and_agenda(invitation):
    _calendar, event = parse_event(invitation_ics(invitation=invitation))

    alarms = event.walk("VALARM")
    assert len(alarms) == 1
    assert alarms[0].decoded("TRIGGER") == -datetime.timedelta(minutes=30)
    assert "§ 4 Beteiligung aller relevanten Akteure" in str(event["DESCRIPTION"])
    assert str(event["SUMMARY"]) == f"{invitation.round.series.title}: Runde {invitation.round.number}"


def test_invitation_ics_hides_online_link_until_accepted(invitation):
    _calendar, event = parse_event(invitation_ics(invitation=invitation))

    assert "URL" not in event
    assert "LOCATION" not in event
    assert "konferenz.example.org" not in str(event["DESCRIPTION"])


def test_invitation_ics_accepted_shows_online_link(invitation):
    invitation.rsvp = Invitation.Rsvp.ACCEPTED

    _calendar, event = parse_event(invitation_ics(invitation=invitation))

    assert str(event["URL"]) == "https://konferenz.example.org/runde-2"
    assert str(event["LOCATION"]) == "https://konferenz.example.org/runde-2"
    assert event["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED"


def test_invitation_ics_venue_is_location_for_everyone(invitation):
    invitation.round.venue = "Rathaus Jena, Markt 1"
    invitation.round.online_link = ""

    _calendar, event = parse_event(invitation_ics(invitation=invitation))

    assert str(event["LOCATION"]) == "Rathaus Jena, Markt 1"


def test_invitation_ics_cancel_has_same_uid_and_status_cancelled(invitation):
    invitation.round.status = Round.Status.CANCELLED

    calendar, event = parse_event(invitation_ics(invitation=invitation, method="CANCEL"))

    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event["UID"]) == invitation.round.calendar_uid
    assert str(event["STATUS"]) == "CANCELLED"
    assert event.walk("VALARM") == []


def test_invitation_ics_rejects_unknown_method(invitation):
    with pytest.raises(ValueError):
        invitation_ics(invitation=invitation, method="PUBLISH")


def test_invitation_ics_attachment_names_method_in_content_type(invitation):
    filename, content, mimetype = invitation_ics_attachment(invitation=invitation)

    assert filename == "einladung.ics"
    assert mimetype == ics_content_type(method="REQUEST") == "text/calendar; method=REQUEST"
    assert content.startswith(b"BEGIN:VCALENDAR")


@pytest.mark.parametrize("method", ["REQUEST", "CANCEL"])
def test_round_calendar_makes_the_same_file_as_invitation_ics_for_every_invitee(invitation, method, monkeypatch):
    round_ = invitation.round
    round_.venue = "Rathaus, Saal 2"
    round_.save()
    others = [
        InvitationFactory(round=round_, user=UserFactory(email=f"person{i}@example.org", full_name=name), rsvp=rsvp)
        for i, (name, rsvp) in enumerate(
            [
                ("Ännchen Müller-Lüdenscheidt von und zu Oberweißbach-Unterweißbach", Invitation.Rsvp.ACCEPTED),
                ("Bernd, der Zweite; mit Sonderzeichen", Invitation.Rsvp.DECLINED),
                ("", Invitation.Rsvp.OPEN),
            ]
        )
    ]
    now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: now)
    invitations = Invitation.objects.filter(pk__in=[invitation.pk, *(o.pk for o in others)]).select_related(
        "round__series", "user"
    )
    calendar = RoundCalendar(round_=invitations[0].round)
    for each in invitations:
        assert calendar.ics(invitation=each, method=method) == invitation_ics(invitation=each, method=method)
    assert all(parts is not None for parts in calendar._parts.values())  # the round's part was reused


def test_round_calendar_rejects_unknown_method(invitation):
    with pytest.raises(ValueError):
        RoundCalendar(round_=invitation.round).ics(invitation=invitation, method="PUBLISH")
