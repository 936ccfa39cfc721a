"""Emails are template triples: ``<prefix>_subject.txt``, ``<prefix>.txt`` and ``<prefix>.html``.

Subject and plain text are rendered by the "text" template engine, which does not escape HTML (a series
called "Daten & Dienste" stays "Daten & Dienste"); only the HTML part is escaped. A calendar message
carries its iCalendar twice: as a ``text/calendar; method=…`` part inside ``multipart/alternative`` (where
Outlook, Apple Mail and Gmail look for the invitation buttons) and as the attachment ``einladung.ics``.
"""

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import SafeMIMEText
from django.template.loader import render_to_string
from django.utils import translation

TEXT_ENGINE = "text"
CALENDAR_FILENAME = "einladung.ics"


def render_text(template_name: str, context: dict) -> str:
    """A subject or plain-text template, without HTML escaping."""
    return render_to_string(template_name, context, using=TEXT_ENGINE)


def render_subject(template_name: str, context: dict) -> str:
    return " ".join(render_text(template_name, context).split())


class Email(EmailMultiAlternatives):
    """An email whose alternatives may carry MIME parameters (``text/calendar; method=REQUEST``)."""

    def _create_mime_attachment(self, content, mimetype):
        mimetype, *params = (part.strip() for part in mimetype.split(";"))
        basetype, subtype = mimetype.split("/", 1)
        if basetype != "text" or not params:
            return super()._create_mime_attachment(content, mimetype)
        if isinstance(content, bytes):
            content = content.decode("utf-8")
        attachment = SafeMIMEText(content, subtype, "utf-8")
        for param in params:
            name, _sep, value = param.partition("=")
            if name.lower() != "charset":
                attachment.set_param(name, value.strip('"'))
        return attachment


def calendar_parts(*, ics: bytes, method: str) -> tuple[tuple[str, str], tuple[str, bytes, str]]:
    """The alternative part and the attachment of an iCalendar object with ``method`` (REQUEST or CANCEL)."""
    alternative = (ics.decode("utf-8"), f"text/calendar; method={method}; charset=UTF-8")
    return alternative, (CALENDAR_FILENAME, ics, "application/ics")


def build_email(
    *,
    template_prefix: str,
    context: dict,
    to: Iterable[str],
    attachments: Iterable[tuple[str, bytes | str, str]] = (),
    headers: dict[str, str] | None = None,
    language: str = "de",
    calendar: tuple[bytes, str] | None = None,
) -> Email:
    """Render the three templates of ``template_prefix`` into one multipart message; ``calendar`` is the
    ``(ics, method)`` of an invitation, update or cancellation."""
    context = {"site_url": settings.SITE_URL, **context}
    with translation.override(language):
        subject = render_subject(f"{template_prefix}_subject.txt", context)
        text = render_text(f"{template_prefix}.txt", context)
        html = render_to_string(f"{template_prefix}.html", context)
    message = Email(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=list(to), headers=headers or {}
    )
    message.attach_alternative(html, "text/html")
    if calendar is not None:
        alternative, attachment = calendar_parts(ics=calendar[0], method=calendar[1])
        message.attach_alternative(*alternative)
        message.attach(*attachment)
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    return message
