"""Answers from calendar programs: the reply mailbox is read over IMAP and each iMIP REPLY sets the RSVP.

Every invitation names the reply mailbox (``REPLY_MAILBOX_ADDRESS``) as ORGANIZER, so Accept and Decline
in Outlook, Thunderbird, Apple Mail or Gmail mail a METHOD:REPLY calendar there. A periodic job
(``read-calendar-replies``) reads the messages it has not read yet, and for each one:

- the event's UID must be a round's, the ATTENDEE an invitee of that round, and the sender (From) that
  attendee; a reply to an older version of the entry (a lower SEQUENCE than the one sent) is not used;
- PARTSTAT ACCEPTED or DECLINED answers the invitation as the RSVP link does (``rsvp.rsvp_answer``);
  DELEGATED with DELEGATED-TO names that person as stand-in when they belong to the invitee's
  organisation and are not invited yet (``rsvp.invitation_name_stand_in``);
- anything else is ignored and logged. Every message leaves one ``CalendarReply`` row with its outcome
  (the admin counts them), written in the same transaction as the answer, so a message counts once even
  when the mailbox shows it again; the message is then marked in the mailbox and not read again.

Without ``REPLY_IMAP_HOST`` the job does nothing.
"""

import contextlib
import datetime
import hashlib
import logging
import re
import ssl
from collections import Counter

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from imapclient import IMAPClient

from participants.models import User
from rounds import imip
from rounds.models import CalendarReply, Invitation, Round
from rounds.services import rsvp
from strategy_exchange.errors import DomainError

logger = logging.getLogger(__name__)
Outcome = CalendarReply.Outcome
# The IMAP keyword set on every message once read; servers without keywords get \Seen instead.
READ_KEYWORD = "$StrategieAustausch"
SEEN = b"\\Seen"
FETCH_BATCH = 50
KEEP_FOR = datetime.timedelta(days=180)
_ROUND_UID = re.compile(r"^round-(\d{1,18})@strategie-austausch$")


def _round_of(uid: str) -> Round | None:
    match = _ROUND_UID.match(uid.strip().lower())
    return Round.objects.select_related("series").filter(pk=int(match.group(1))).first() if match else None


def _invitation_of(round_: Round, address: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("round__series", "user", "organisation")
        .filter(round=round_, user__email__iexact=address, withdrawn_at__isnull=True)
        .first()
    )


def _match(replies: list[imip.Reply], sender: str) -> tuple[str, str, imip.Reply | None, Invitation | None]:
    """``(outcome, detail, reply, invitation)``: the answer of ``sender`` to an invitation, or why there is none."""
    known = [(reply, round_) for reply in replies if (round_ := _round_of(reply.uid)) is not None]
    if not known:
        return Outcome.UNKNOWN_EVENT, f"UID {replies[0].uid!r}", None, None
    own = [(reply, round_) for reply, round_ in known if sender and reply.attendee == sender]
    for reply, round_ in own:
        invitation = _invitation_of(round_, reply.attendee)
        if invitation is not None:
            return "", "", reply, invitation
    for reply, round_ in known:
        invitation = _invitation_of(round_, reply.attendee)
        if invitation is not None:
            return Outcome.WRONG_SENDER, f"ATTENDEE {reply.attendee}, From {sender or '?'}", reply, invitation
    reply = own[0][0] if own else known[0][0]
    return Outcome.UNKNOWN_ATTENDEE, f"ATTENDEE {reply.attendee} in {reply.uid}", reply, None


def _apply(reply: imip.Reply, invitation: Invitation) -> tuple[str, str]:
    """Answer the invitation as the reply says; ``(outcome, detail)``."""
    sent = invitation.sent_sequence
    if reply.sequence is not None and sent is not None and reply.sequence < sent:
        return Outcome.OUTDATED, f"SEQUENCE {reply.sequence} < {sent}"
    try:
        if reply.partstat == "ACCEPTED":
            rsvp.rsvp_answer(invitation=invitation, answer="accept")
            return Outcome.ACCEPTED, ""
        if reply.partstat == "DECLINED":
            rsvp.rsvp_answer(invitation=invitation, answer="decline")
            return Outcome.DECLINED, ""
        if reply.partstat == "DELEGATED" and reply.delegated_to:
            delegate = User.objects.filter(email__iexact=reply.delegated_to[0], is_active=True).first()
            if delegate is None:
                return Outcome.REFUSED, f"DELEGATED-TO {reply.delegated_to[0]}: no account"
            rsvp.invitation_name_stand_in(invitation=invitation, stand_in=delegate)
            return Outcome.STAND_IN, f"DELEGATED-TO {delegate.email}"
    except DomainError as error:
        return Outcome.REFUSED, str(error)
    return Outcome.UNSUPPORTED, f"PARTSTAT {reply.partstat}"


def reply_message_apply(*, raw: bytes) -> CalendarReply:
    """Apply one message of the reply mailbox (its raw bytes) and record it; a message recorded before is
    not applied again, and its earlier record is returned."""
    digest = hashlib.sha256(raw).hexdigest()
    recorded = CalendarReply.objects.filter(message_hash=digest).first()
    if recorded is not None:
        return recorded
    message = imip.parse_message(raw)
    sender = imip.sender_address(message)
    row = CalendarReply(
        message_hash=digest,
        message_id=imip.message_id(message),
        sender=sender[:254],
        subject=imip.subject(message),
    )
    try:
        with transaction.atomic():
            replies = imip.replies_in(message)
            if not replies:
                outcome, detail, invitation = Outcome.NOT_A_REPLY, "", None
            else:
                outcome, detail, reply, invitation = _match(replies, sender)
                if not outcome:
                    outcome, detail = _apply(reply, invitation)
            row.outcome, row.detail, row.invitation = outcome, detail[:500], invitation
            row.save()
    except IntegrityError:  # another run recorded (and applied) the same message meanwhile
        return CalendarReply.objects.get(message_hash=digest)
    log = logger.info if row.outcome in CalendarReply.APPLIED else logger.warning
    log("Calendar reply %s from %s: %s %s", row.message_id or digest[:12], sender or "?", row.outcome, row.detail)
    return row


def _connect() -> IMAPClient:
    context = ssl.create_default_context()
    client = IMAPClient(
        settings.REPLY_IMAP_HOST,
        port=settings.REPLY_IMAP_PORT,
        ssl=settings.REPLY_IMAP_SSL,
        ssl_context=context if settings.REPLY_IMAP_SSL else None,
        timeout=settings.REPLY_IMAP_TIMEOUT,
    )
    if not settings.REPLY_IMAP_SSL and client.has_capability("STARTTLS"):
        client.starttls(context)
    client.login(settings.REPLY_IMAP_USER, settings.REPLY_IMAP_PASSWORD)
    return client


def calendar_replies_read() -> dict[str, int]:
    """Read the reply mailbox once: apply every message not read before, mark it read. Returns how many
    messages had which outcome; ``{}`` when no mailbox is configured."""
    if not settings.REPLY_IMAP_HOST:
        return {}
    counts: Counter[str] = Counter()
    CalendarReply.objects.filter(received_at__lt=timezone.now() - KEEP_FOR).delete()
    client = _connect()
    try:
        selected = client.select_folder(settings.REPLY_IMAP_FOLDER)
        keywords = b"\\*" in selected.get(b"PERMANENTFLAGS", ())
        criteria = ["NOT", "KEYWORD", READ_KEYWORD] if keywords else ["UNSEEN"]
        marks = [READ_KEYWORD, SEEN] if keywords else [SEEN]
        uids = sorted(client.search(criteria))
        for start in range(0, len(uids), FETCH_BATCH):
            batch = uids[start : start + FETCH_BATCH]
            fetched = client.fetch(batch, ["BODY.PEEK[]"])
            for uid in batch:
                raw = fetched.get(uid, {}).get(b"BODY[]")
                if raw is None:
                    continue
                try:
                    row = reply_message_apply(raw=raw)
                except Exception:  # left unmarked: the next run tries again
                    logger.exception("Calendar reply %s in %s could not be applied", uid, settings.REPLY_IMAP_FOLDER)
                    continue
                client.add_flags([uid], marks)
                counts[str(row.outcome)] += 1
    finally:
        with contextlib.suppress(Exception):  # the connection is gone either way
            client.logout()
    return dict(counts)
