"""Data protection (DSGVO): a person's data export and the deletion of their account.

Comments stay in their threads and in published reports, attributed to "ehemalige:r Vertreter:in
(<Organisation>)"; name and email address leave the database with the account. So do the person's
invitations, except to rounds that took place: those stay without the person, as the record of which
organisations were invited and took part (the attendance, the organisation's history, later reports).
"""

import datetime
import re
from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from clauses.models import Position
from participants.models import User
from rounds.models import CalendarReply, Comment, Invitation, MeetingNote, Round, new_token
from rounds.services.delivery import INVITATION_KINDS
from strategy_exchange.models import OutboxMessage


def _iso(value: datetime.datetime | datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def personal_data_export(*, user: User) -> dict[str, Any]:
    """Everything stored about the person, as JSON-serialisable data (Art. 15 and 20 DSGVO)."""
    memberships = user.memberships.select_related("organisation").order_by("organisation__name")
    invitations = Invitation.objects.filter(user=user).select_related("round__series", "organisation")
    comments = Comment.objects.filter(author=user).select_related("agenda_item__round__series", "agenda_item__clause")
    notes = MeetingNote.objects.filter(author=user).select_related("round__series")
    positions = Position.objects.filter(updated_by=user).select_related("strategy__organisation", "clause")
    return {
        "exported_at": timezone.now().isoformat(),
        "person": {
            "email": user.email,
            "full_name": user.full_name,
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
        },
        "memberships": [
            {"organisation": m.organisation.name, "role": m.role, "since": _iso(m.created_at)} for m in memberships
        ],
        "organised_series": list(user.organised_series.values_list("title", flat=True)),
        "invitations": [
            {
                "series": i.round.series.title,
                "round": i.round.number,
                "starts_at": _iso(i.round.starts_at),
                "organisation": i.organisation.name if i.organisation else None,
                "rsvp": i.rsvp,
                "sent_at": _iso(i.sent_at),
                "responded_at": _iso(i.responded_at),
                "attended": i.attended_at is not None,
            }
            for i in invitations
        ],
        "comments": [
            {
                "series": c.agenda_item.round.series.title,
                "round": c.agenda_item.round.number,
                "clause": c.agenda_item.clause.number,
                "body": c.body,
                "confidentiality": c.confidentiality,
                "created_at": _iso(c.created_at),
                "edited_at": _iso(c.edited_at),
                "deleted_at": _iso(c.deleted_at),
            }
            for c in comments
        ],
        "meeting_notes": [
            {"series": n.round.series.title, "round": n.round.number, "body": n.body, "updated_at": _iso(n.updated_at)}
            for n in notes
        ],
        "positions_edited": [
            {
                "organisation": p.strategy.organisation.name,
                "clause": p.clause.number,
                "status": p.status,
                "quote": p.quote,
                "updated_at": _iso(p.updated_at),
            }
            for p in positions
        ],
    }


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Erase the person. Their comments keep text and organisation, their invitations to rounds that took
    place keep organisation, response and attendance; the link to the person becomes empty in both."""
    Comment.objects.filter(author=user, organisation__isnull=True).update(organisation=_only_organisation(user))
    # The errors of the messages of their invitations may quote their address.
    theirs = Invitation.objects.filter(Q(user=user) | Q(withdrawn_email__iexact=user.email))
    OutboxMessage.objects.filter(
        kind__in=INVITATION_KINDS, object_id__in=list(theirs.values_list("pk", flat=True))
    ).update(last_error="")
    # A withdrawn invitation keeps only the address its cancellation goes to; with the person, that goes too.
    Invitation.objects.filter(withdrawn_email__iexact=user.email).delete()
    CalendarReply.objects.filter(sender__iexact=user.email).delete()
    invitations = Invitation.objects.filter(user=user)
    invitations.exclude(round__status__in=Round.TOOK_PLACE).delete()
    kept = list(invitations.filter(round__status__in=Round.TOOK_PLACE))
    for invitation in kept:
        # A new token ends the links in the person's emails.
        invitation.token = new_token()
        # Nothing is sent any more to nobody: not an email still on its way (it is dropped once it no longer is the
        # invitation's message), nor a later calendar update.
        invitation.sent_sequence = None
        if invitation.delivery == Invitation.Delivery.QUEUED:
            invitation.delivery, invitation.message = Invitation.Delivery.PENDING, None
    Invitation.objects.bulk_update(kept, ["token", "sent_sequence", "delivery", "message"])
    _admin_log_anonymise(user=user)
    # The person's name leaves every page that showed it (rounds.freshness), in the same transaction.
    user.delete()


def _admin_log_anonymise(*, user: User) -> None:
    """The admin's history keeps what was done, but no longer names the person: entries about their
    account and any entry whose title or message quotes their name or email address."""
    label = gettext("gelöschte Person")
    names = [value for value in (user.email, user.full_name.strip()) if len(value) >= 3]
    quoting = Q(content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk))
    for value in names:
        quoting |= Q(object_repr__icontains=value) | Q(change_message__icontains=value)
    entries = list(LogEntry.objects.filter(quoting).exclude(user=user))
    for entry in entries:
        entry.object_repr = _without(entry.object_repr, names, label)
        entry.change_message = _without(entry.change_message, names, label)
    LogEntry.objects.bulk_update(entries, ["object_repr", "change_message"])


def _without(text: str, names: list[str], label: str) -> str:
    for value in names:
        text = re.sub(re.escape(value), label, text, flags=re.IGNORECASE)
    return text


def _only_organisation(user: User):
    membership = user.memberships.select_related("organisation").first()
    return membership.organisation if membership else None
