"""Which sending errors are worth another attempt (4xx, lost connections) and which are final (5xx)."""

import smtplib


def _text(message: bytes | str) -> str:
    return message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)


def classify_send_error(exc: BaseException) -> tuple[bool | None, str]:
    """``(temporary, reason)``: True for a temporary failure, False for a permanent one, None when the error
    is not about sending at all (a bug, which should surface). The reason is shown to organisers."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in exc.recipients.values()]
        reason = "; ".join(f"{address}: {code} {_text(msg)}" for address, (code, msg) in exc.recipients.items())
        return (not codes or min(codes) < 500), f"Empfänger abgelehnt ({reason})"
    if isinstance(exc, smtplib.SMTPAuthenticationError | smtplib.SMTPSenderRefused | smtplib.SMTPConnectError):
        # The mail server's configuration, not the recipient: worth retrying until an admin has fixed it.
        return True, f"Mailserver {exc.smtp_code}: {_text(exc.smtp_error)}"
    if isinstance(exc, smtplib.SMTPResponseException):
        code = exc.smtp_code
        return not (500 <= code < 600), f"Mailserver {code}: {_text(exc.smtp_error)}"
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return True, f"Verbindung zum Mailserver getrennt ({exc})"
    if isinstance(exc, smtplib.SMTPException):
        return True, f"Mailserver: {exc}"
    if isinstance(exc, ConnectionError | TimeoutError | OSError):
        return True, f"Mailserver nicht erreichbar ({exc.__class__.__name__}: {exc})"
    return None, f"{exc.__class__.__name__}: {exc}"


def connection_lost(exc: BaseException) -> bool:
    """True when the mail server cannot be reached or dropped the session (so the next message would fail the same
    way), False for an answer about one message or recipient on a connection that stays usable."""
    if isinstance(exc, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
        return True
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return bool(exc.recipients) and all(code == 421 for code, _message in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code == 421  # "service not available, closing transmission channel"
    return isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException)
