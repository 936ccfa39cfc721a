"""iCalendar files for invitations: one stable UID per round, a higher SEQUENCE for every change.

Outlook, Thunderbird and Apple Calendar match updates and cancellations by UID and accept them only
when SEQUENCE grows; the organiser is the reply mailbox (``REPLY_MAILBOX_ADDRESS``, where calendar
programs send their answers, see :mod:`rounds.services.calendar_replies`), the attendee the invitee.
Every text goes in as typed: the icalendar package escapes it (no HTML, no entities).

A batch of invitations to one round uses :class:`RoundCalendar`: the round's part of the file (time
zone, agenda, venue …) is built and serialised once per method and visibility of the online link, and
each invitee's file only adds its own two lines (DTSTAMP and ATTENDEE) – byte for byte the file
:func:`invitation_ics` makes.
"""

import datetime
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Alarm, Calendar, Event, vCalAddress, vText

from rounds.models import Invitation, Round
from rounds.vtimezone import vtimezone, years_around

METHOD_REQUEST = "REQUEST"
METHOD_CANCEL = "CANCEL"
METHODS = (METHOD_REQUEST, METHOD_CANCEL)
PRODID = "-//Strategie-Austausch//Austauschrunden//DE"
ALARM_BEFORE = datetime.timedelta(minutes=30)

PARTSTAT = {
    Invitation.Rsvp.OPEN: "NEEDS-ACTION",
    Invitation.Rsvp.ACCEPTED: "ACCEPTED",
    Invitation.Rsvp.DECLINED: "DECLINED",
}


def ics_content_type(*, method: str) -> str:
    """The MIME type of the attachment, with the method so mail clients show the invitation buttons."""
    return f"text/calendar; method={method}"


def round_location(*, round_: Round, show_online_link: bool) -> str:
    """The venue, or the online link for those who may see it (accepted invitees)."""
    parts = [round_.venue] if round_.venue else []
    if round_.online_link and show_online_link:
        parts.append(round_.online_link)
    return " – ".join(parts)


def round_agenda(round_: Round) -> list:
    """The round's agenda in order, with the clauses (what the calendar file and the emails list)."""
    return list(round_.agenda_items.select_related("clause").order_by("order", "clause__number"))


def _description(*, round_: Round, show_online_link: bool, agenda_items: list | None = None) -> str:
    lines = [f"{round_.series.title}, Runde {round_.number}"]
    if round_.title:
        lines.append(round_.title)
    if round_.status == Round.Status.CANCELLED:
        lines += ["", "Diese Runde ist abgesagt."]
        if round_.cancel_reason.strip():
            lines.append(round_.cancel_reason.strip())
        return "\n".join(lines)
    items = round_agenda(round_) if agenda_items is None else agenda_items
    if items:
        lines += ["", "Tagesordnung:"]
        for item in items:
            lines.append(f"§ {item.clause.number} {item.clause.title}")
            if item.clause.typical_wording:
                lines.append(f"  „{item.clause.typical_wording.strip()}“")
    if round_.online_link:
        lines.append("")
        if show_online_link:
            lines.append(f"Online-Teilnahme: {round_.online_link}")
        else:
            lines.append("Den Link zur Online-Teilnahme erhalten Sie nach Ihrer Zusage.")
    return "\n".join(lines)


def _organizer() -> vCalAddress:
    """The reply mailbox, named as the sender is: calendar programs mail their answers to the ORGANIZER."""
    name, _address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    address = settings.REPLY_MAILBOX_ADDRESS
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = vText(name or address)
    return organizer


def _attendee(invitation: Invitation) -> vCalAddress:
    user = invitation.user
    email = user.email if user is not None else invitation.withdrawn_email
    attendee = vCalAddress(f"mailto:{email}")
    attendee.params["cn"] = vText(user.get_full_name() if user is not None else email)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["cutype"] = vText("INDIVIDUAL")
    attendee.params["partstat"] = vText(PARTSTAT.get(invitation.rsvp, "NEEDS-ACTION"))
    attendee.params["rsvp"] = vText("TRUE")
    return attendee


def _dtstamp() -> datetime.datetime:
    return timezone.now().astimezone(datetime.UTC)


def round_vtimezone(*, round_: Round):
    """The VTIMEZONE of the platform's time zone for the years around the round."""
    tz = ZoneInfo(settings.TIME_ZONE)
    days = (timezone.localtime(round_.starts_at, tz).date(), timezone.localtime(round_.ends_at, tz).date())
    return vtimezone(settings.TIME_ZONE, years=years_around(*days))


def _calendar(
    *,
    round_: Round,
    method: str,
    show_online_link: bool,
    dtstamp: datetime.datetime,
    attendee: vCalAddress,
    agenda_items: list | None = None,
    sequence: int | None = None,
) -> Calendar:
    if method not in METHODS:
        raise ValueError(method)
    tz = ZoneInfo(settings.TIME_ZONE)
    starts_at = timezone.localtime(round_.starts_at, tz)
    ends_at = timezone.localtime(round_.ends_at, tz)
    cancelled = method == METHOD_CANCEL

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    calendar.add_component(round_vtimezone(round_=round_))

    event = Event()
    event.add("uid", round_.calendar_uid)
    event.add("sequence", round_.calendar_sequence if sequence is None else sequence)
    event.add("dtstamp", dtstamp)
    event.add("dtstart", starts_at)
    event.add("dtend", ends_at)
    summary = f"{round_.series.title}: Runde {round_.number}"
    event.add("summary", f"Abgesagt: {summary}" if cancelled else summary)
    description = _description(round_=round_, show_online_link=show_online_link, agenda_items=agenda_items)
    event.add("description", description)
    location = round_location(round_=round_, show_online_link=show_online_link)
    if location:
        event.add("location", location)
    if round_.online_link and show_online_link:
        event.add("url", round_.online_link)
    event.add("organizer", _organizer())
    event.add("attendee", attendee)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    event.add("class", "PRIVATE")
    if not cancelled:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", summary)
        alarm.add("trigger", -ALARM_BEFORE)
        event.add_component(alarm)
    calendar.add_component(event)
    return calendar


def invitation_ics(*, invitation: Invitation, method: str = METHOD_REQUEST) -> bytes:
    """The calendar file for one invitee: METHOD:REQUEST for the invitation and every update,
    METHOD:CANCEL (STATUS:CANCELLED) for a cancelled round. UID and SEQUENCE come from the round; a withdrawn
    invitation's cancellation has a SEQUENCE above the round's, so that it replaces any entry sent before."""
    withdrawn = invitation.withdrawn_at is not None
    calendar = _calendar(
        round_=invitation.round,
        method=METHOD_CANCEL if withdrawn else method,
        show_online_link=invitation.rsvp == Invitation.Rsvp.ACCEPTED and not withdrawn,
        dtstamp=_dtstamp(),
        attendee=_attendee(invitation),
        sequence=invitation.round.calendar_sequence + 1 if withdrawn else None,
    )
    return calendar.to_ical()


def _property_line(name: str, value) -> bytes:
    """One property as its (folded) content line, exactly as it appears in a serialised calendar."""
    event = Event()
    event.add(name, value)
    return event.content_line(name.upper(), event[name.upper()]).to_ical()


# Stand-ins for the two per-invitee lines in a round's serialised file; both are replaced before sending.
_DTSTAMP_STAND_IN = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_ATTENDEE_STAND_IN = "mailto:attendee@stand-in.invalid"


class RoundCalendar:
    """The calendar files of one round for many of its invitees (``invitation.round`` must be this round,
    as loaded together). Equal to :func:`invitation_ics` for each invitee; the round's part is built once."""

    def __init__(self, *, round_: Round, agenda_items: list | None = None) -> None:
        self.round = round_
        self._agenda_items = agenda_items  # ordered as by ``round_agenda``; read when first needed otherwise
        self._parts: dict[tuple[str, bool], tuple[bytes, bytes, bytes] | None] = {}

    def _split(self, *, method: str, show_online_link: bool) -> tuple[bytes, bytes, bytes] | None:
        """The file without its DTSTAMP and ATTENDEE lines: the three parts around them (None if not unique)."""
        if self._agenda_items is None:
            self._agenda_items = round_agenda(self.round)
        content = _calendar(
            round_=self.round,
            method=method,
            show_online_link=show_online_link,
            dtstamp=_DTSTAMP_STAND_IN,
            attendee=vCalAddress(_ATTENDEE_STAND_IN),
            agenda_items=self._agenda_items,
        ).to_ical()
        dtstamp = b"\r\n" + _property_line("dtstamp", _DTSTAMP_STAND_IN) + b"\r\n"
        attendee = b"\r\n" + _property_line("attendee", vCalAddress(_ATTENDEE_STAND_IN)) + b"\r\n"
        if content.count(dtstamp) != 1 or content.count(attendee) != 1:
            return None
        head, rest = content.split(dtstamp)
        if attendee in head:
            return None  # not in the order expected below: build such files one by one
        middle, tail = rest.split(attendee)
        return head + b"\r\n", b"\r\n" + middle + b"\r\n", b"\r\n" + tail

    def ics(self, *, invitation: Invitation, method: str = METHOD_REQUEST) -> bytes:
        if method not in METHODS:
            raise ValueError(method)
        show_online_link = invitation.rsvp == Invitation.Rsvp.ACCEPTED
        key = (method, show_online_link)
        if key not in self._parts:
            self._parts[key] = self._split(method=method, show_online_link=show_online_link)
        parts = self._parts[key]
        if parts is None:
            return invitation_ics(invitation=invitation, method=method)
        head, middle, tail = parts
        dtstamp = _property_line("dtstamp", _dtstamp())
        return head + dtstamp + middle + _property_line("attendee", _attendee(invitation)) + tail


def invitation_ics_attachment(
    *, invitation: Invitation, method: str = METHOD_REQUEST, round_calendar: RoundCalendar | None = None
) -> tuple[str, bytes, str]:
    """``(filename, content, mimetype)`` for :func:`strategy_exchange.mail.build_email`; ``round_calendar`` (of the
    invitation's round) saves building the round's part again for every invitee of a batch."""
    filename = "absage.ics" if method == METHOD_CANCEL else "einladung.ics"
    if round_calendar is None:
        content = invitation_ics(invitation=invitation, method=method)
    else:
        content = round_calendar.ics(invitation=invitation, method=method)
    return filename, content, ics_content_type(method=method)
