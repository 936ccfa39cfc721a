"""What every outgoing email of the test suite must look like (checked after each test, and on the SMTP sink).

- No HTML entity (``&amp;``, ``&quot;``, ``&#39;`` …) in the subject or in any ``text/plain`` part.
- A message that carries a calendar (an ``.ics`` attachment or a ``text/calendar`` part) is an invitation,
  update or cancellation: it has a ``multipart/alternative`` part holding ``text/plain``, ``text/html`` and
  one ``text/calendar`` part with ``method=REQUEST`` or ``method=CANCEL`` and ``charset=UTF-8``, whose
  iCalendar METHOD matches, and the same calendar as the attachment ``einladung.ics``.
"""

import re
from email import message_from_bytes, policy
from email.message import Message

import icalendar

ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")


def _text_parts(message: Message) -> list[str]:
    return [
        part.get_content()
        for part in message.walk()
        if part.get_content_type() == "text/plain" and part.get_content_disposition() != "attachment"
    ]


def _lines(content: bytes) -> list[bytes]:
    """The content lines (a text part's line endings may travel as LF, the attachment keeps CRLF)."""
    return content.replace(b"\r\n", b"\n").split(b"\n")


def problems(raw: bytes) -> list[str]:
    """Everything wrong with one serialised message (empty when it is fine)."""
    message = message_from_bytes(raw, policy=policy.default)
    found = []
    subject = str(message["Subject"] or "")
    if ENTITY.search(subject):
        found.append(f"HTML entity in subject: {subject!r}")
    for text in _text_parts(message):
        if match := ENTITY.search(text):
            found.append(f"HTML entity {match.group(0)!r} in a text part")
    calendars = [part for part in message.walk() if part.get_content_type() == "text/calendar"]
    attachments = [part for part in message.walk() if (part.get_filename() or "").endswith(".ics")]
    if not calendars and not attachments:
        return found
    alternatives = [part for part in message.walk() if part.get_content_type() == "multipart/alternative"]
    if len(alternatives) != 1:
        return [*found, "calendar message without exactly one multipart/alternative part"]
    inner = [part.get_content_type() for part in alternatives[0].iter_parts()]
    if inner != ["text/plain", "text/html", "text/calendar"]:
        found.append(f"multipart/alternative holds {inner}, not text, HTML and calendar")
    if len(calendars) != 1 or calendars[0] not in list(alternatives[0].iter_parts()):
        return [*found, "not exactly one text/calendar part inside multipart/alternative"]
    part = calendars[0]
    method = part.get_param("method")
    if method not in ("REQUEST", "CANCEL"):
        found.append(f"text/calendar part with method {method!r}")
    if (part.get_param("charset") or "").upper() != "UTF-8":
        found.append("text/calendar part without charset=UTF-8")
    ics = part.get_payload(decode=True)
    if str(icalendar.Calendar.from_ical(ics).get("METHOD")) != method:
        found.append("METHOD of the iCalendar differs from the part's method")
    if [a.get_filename() for a in attachments] != ["einladung.ics"]:
        found.append(f"calendar attachments {[a.get_filename() for a in attachments]}, not einladung.ics")
    elif _lines(attachments[0].get_payload(decode=True)) != _lines(ics):
        found.append("einladung.ics differs from the text/calendar part")
    return found
