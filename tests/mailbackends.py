"""An email backend for tests that fails on purpose, like a mail server would, then delivers to the outbox."""

import smtplib
from collections.abc import Callable

from django.core.mail.backends.locmem import EmailBackend

# Each entry: address -> list of exceptions to raise, one per attempt; an empty list delivers.
FAILURES: dict[str, list[BaseException]] = {}
# Each entry: address -> something that happens while the message to it is on its way (once).
WHILE_SENDING: dict[str, Callable[[], object]] = {}


class FailingBackend(EmailBackend):
    def send_messages(self, messages):
        for message in messages:
            for address in message.recipients():
                if address in WHILE_SENDING:
                    WHILE_SENDING.pop(address)()
                planned = FAILURES.get(address)
                if planned:
                    raise planned.pop(0)
        return super().send_messages(messages)


def temporary(code: int = 451) -> smtplib.SMTPResponseException:
    return smtplib.SMTPResponseException(code, b"4.3.0 Try again later")


def refused(address: str, code: int = 550) -> smtplib.SMTPRecipientsRefused:
    return smtplib.SMTPRecipientsRefused({address: (code, b"5.1.1 User unknown")})
