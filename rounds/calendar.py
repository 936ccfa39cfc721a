"""iCalendar files for invitations: one stable UID per round, a higher SEQUENCE for every change.

Outlook, Thunderbird and Apple Calendar match updates and cancellations by UID and accept them only
when SEQUENCE grows; the organiser is the platform's sender address, the attendee the invitee.
"""

import datetime
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Alarm, Calendar, Event, Timezone, vCalAddress, vText

from participants.markup import plain_text
from rounds.models import Invitation, Round

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


def _description(*, invitation: Invitation, show_online_link: bool) -> str:
    round_ = invitation.round
    lines = [f"{round_.series.title}, Runde {round_.number}"]
    if round_.title:
        lines.append(round_.title)
    if round_.status == Round.Status.CANCELLED:
        lines += ["", "Diese Runde ist abgesagt."]
        if round_.cancel_reason:
            lines.append(plain_text(round_.cancel_reason))
        return "\n".join(lines)
    items = list(round_.agenda_items.select_related("clause").order_by("order", "clause__number"))
    if items:
        lines += ["", "Tagesordnung:"]
        for item in items:
            lines.append(f"§ {item.clause.number} {item.clause.title}")
            if item.clause.typical_wording:
                lines.append(f"  „{plain_text(item.clause.typical_wording)}“")
    if round_.online_link:
        lines.append("")
        if show_online_link:
            lines.append(f"Online-Teilnahme: {round_.online_link}")
        else:
            lines.append("Den Link zur Online-Teilnahme erhalten Sie nach Ihrer Zusage.")
    return "\n".join(lines)


def _organizer() -> vCalAddress:
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = vText(name or address)
    return organizer


def _attendee(invitation: Invitation) -> vCalAddress:
    user = invitation.user
    attendee = vCalAddress(f"mailto:{user.email}")
    attendee.params["cn"] = vText(user.get_full_name() or user.email)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["cutype"] = vText("INDIVIDUAL")
    attendee.params["partstat"] = vText(PARTSTAT.get(invitation.rsvp, "NEEDS-ACTION"))
    attendee.params["rsvp"] = vText("TRUE")
    return attendee


def invitation_ics(*, invitation: Invitation, method: str = METHOD_REQUEST) -> bytes:
    """The calendar file for one invitee: METHOD:REQUEST for the invitation and every update,
    METHOD:CANCEL (STATUS:CANCELLED) for a cancelled round. UID and SEQUENCE come from the round."""
    if method not in METHODS:
        raise ValueError(method)
    round_ = invitation.round
    tz = ZoneInfo(settings.TIME_ZONE)
    starts_at = timezone.localtime(round_.starts_at, tz)
    ends_at = timezone.localtime(round_.ends_at, tz)
    cancelled = method == METHOD_CANCEL
    show_online_link = invitation.rsvp == Invitation.Rsvp.ACCEPTED

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    calendar.add_component(
        Timezone.from_tzid(
            settings.TIME_ZONE,
            first_date=starts_at.date() - datetime.timedelta(days=366),
            last_date=ends_at.date() + datetime.timedelta(days=366),
        )
    )

    event = Event()
    event.add("uid", round_.calendar_uid)
    event.add("sequence", round_.calendar_sequence)
    event.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    event.add("dtstart", starts_at)
    event.add("dtend", ends_at)
    summary = f"{round_.series.title}: Runde {round_.number}"
    event.add("summary", f"Abgesagt: {summary}" if cancelled else summary)
    event.add("description", _description(invitation=invitation, show_online_link=show_online_link))
    location = round_location(round_=round_, show_online_link=show_online_link)
    if location:
        event.add("location", location)
    if round_.online_link and show_online_link:
        event.add("url", round_.online_link)
    event.add("organizer", _organizer())
    event.add("attendee", _attendee(invitation))
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
    return calendar.to_ical()


def invitation_ics_attachment(*, invitation: Invitation, method: str = METHOD_REQUEST) -> tuple[str, bytes, str]:
    """``(filename, content, mimetype)`` for :func:`strategy_exchange.mail.build_email`."""
    filename = "absage.ics" if method == METHOD_CANCEL else "einladung.ics"
    return filename, invitation_ics(invitation=invitation, method=method), ics_content_type(method=method)
