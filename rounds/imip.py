"""The answers that calendar programs mail back to an invitation's ORGANIZER (iMIP, RFC 6047 / RFC 5546).

A REPLY travels in one of several shapes: Outlook puts a ``text/calendar; method=REPLY`` part inside
``multipart/alternative``; Thunderbird adds the same calendar as an ``invite.ics`` attachment; Google
Calendar sends both, the attachment as ``application/ics``. Every calendar a message carries is read, and
each answer (UID, attendee, PARTSTAT) counts once.
"""

import email
import email.policy
from dataclasses import dataclass
from email.message import EmailMessage

import icalendar

CALENDAR_TYPES = ("text/calendar", "application/ics", "text/x-vcalendar")


@dataclass(frozen=True)
class Reply:
    uid: str
    sequence: int | None
    attendee: str  # the address, lower case
    partstat: str  # upper case, NEEDS-ACTION when missing
    delegated_to: tuple[str, ...] = ()


def parse_message(raw: bytes) -> EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)


def _header(message: EmailMessage, name: str) -> str:
    try:
        return str(message.get(name, "") or "")
    except (TypeError, ValueError, IndexError):  # a header the parser cannot read is as good as none
        return ""


def sender_address(message: EmailMessage) -> str:
    """The one address in From (lower case); empty when there is none or more than one."""
    try:
        header = message.get("From")
        addresses = getattr(header, "addresses", ())
    except (TypeError, ValueError, IndexError):
        return ""
    if len(addresses) != 1:
        return ""
    return addresses[0].addr_spec.strip().lower()


def message_id(message: EmailMessage) -> str:
    return _header(message, "Message-ID").strip()[:300]


def subject(message: EmailMessage) -> str:
    return " ".join(_header(message, "Subject").split())[:300]


def calendar_bodies(message: EmailMessage) -> list[bytes]:
    """The bytes of every calendar in the message: calendar parts and ``.ics`` attachments alike."""
    bodies = []
    for part in message.walk():
        if part.is_multipart():
            continue
        filename = (part.get_filename() or "").lower()
        if part.get_content_type() in CALENDAR_TYPES or filename.endswith(".ics"):
            payload = part.get_payload(decode=True)
            if payload:
                bodies.append(payload)
    return bodies


def _address(value) -> str:
    text = str(value).strip().strip('"')
    if text.lower().startswith("mailto:"):
        text = text[len("mailto:") :]
    return text.strip().lower()


def _addresses(value) -> tuple[str, ...]:
    if value is None:
        return ()
    values = value if isinstance(value, list | tuple) else str(value).split(",")
    return tuple(address for address in (_address(v) for v in values) if address)


def _replies_in_calendar(body: bytes) -> list[Reply]:
    try:
        calendar = icalendar.Calendar.from_ical(body)
    except (ValueError, KeyError, IndexError, TypeError):
        return []
    if str(calendar.get("METHOD", "")).strip().upper() != "REPLY":
        return []
    replies = []
    for event in calendar.walk("VEVENT"):
        uid = str(event.get("UID", "")).strip()
        try:
            sequence = int(event["SEQUENCE"]) if "SEQUENCE" in event else None
        except (TypeError, ValueError):
            sequence = None
        attendees = event.get("ATTENDEE", [])
        for attendee in attendees if isinstance(attendees, list) else [attendees]:
            params = getattr(attendee, "params", {})
            replies.append(
                Reply(
                    uid=uid,
                    sequence=sequence,
                    attendee=_address(attendee),
                    partstat=str(params.get("PARTSTAT", "NEEDS-ACTION")).strip().upper(),
                    delegated_to=_addresses(params.get("DELEGATED-TO")),
                )
            )
    return replies


def replies_in(message: EmailMessage) -> list[Reply]:
    """Every answer of every METHOD:REPLY calendar in the message, each once, in the order they appear."""
    replies: list[Reply] = []
    for body in calendar_bodies(message):
        for reply in _replies_in_calendar(body):
            if reply not in replies:
                replies.append(reply)
    return replies
