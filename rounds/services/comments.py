"""The discussion of a clause in a round: posting, editing, deleting, moderating, reply emails.

The comment window of a series is relative to the round's start: from ``comment_days_before``
days before it until ``comment_days_after`` days after it.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from participants.markup import plain_text
from participants.models import Organisation, User
from rounds import permissions
from rounds.models import AgendaItem, Comment, Round
from strategy_exchange.errors import DomainError
from strategy_exchange.limits import COMMENT_MAX_LENGTH
from strategy_exchange.mail import build_email
from strategy_exchange.models import OutboxMessage
from strategy_exchange.outbox import outbox_put

EDIT_WINDOW = datetime.timedelta(minutes=30)
ANONYMISED_ATTRIBUTION = "eine teilnehmende Organisation"


def comment_public_attribution(comment: Comment) -> str | None:
    """How a comment may be attributed in the report and in exports, by its confidentiality level.

    Quotable: the organisation's name (e.g. "Stadt Jena"); anonymised: "eine teilnehmende Organisation";
    internal, deleted or hidden: ``None`` – leave the comment out.
    """
    if comment.deleted_at is not None or comment.moderation == Comment.Moderation.HIDDEN:
        return None
    if comment.confidentiality == Comment.Confidentiality.QUOTABLE:
        # Without an organisation there is nothing to name; a person's name is never published.
        return comment.organisation.name if comment.organisation_id is not None else ANONYMISED_ATTRIBUTION
    if comment.confidentiality == Comment.Confidentiality.ANONYMISED:
        return ANONYMISED_ATTRIBUTION
    return None


@dataclass(frozen=True)
class CommentWindow:
    opens_at: datetime.datetime
    closes_at: datetime.datetime

    def is_open(self, at: datetime.datetime | None = None) -> bool:
        at = at or timezone.now()
        return self.opens_at <= at < self.closes_at

    def has_closed(self, at: datetime.datetime | None = None) -> bool:
        return (at or timezone.now()) >= self.closes_at


def comment_window(*, round_: Round) -> CommentWindow:
    series = round_.series
    return comment_window_of(
        starts_at=round_.starts_at, days_before=series.comment_days_before, days_after=series.comment_days_after
    )


def comment_window_of(*, starts_at: datetime.datetime, days_before: int, days_after: int) -> CommentWindow:
    """The window from the stored values alone (a page keyed on them need not load round and series)."""
    return CommentWindow(
        opens_at=shifted_by_days(starts_at, -days_before), closes_at=shifted_by_days(starts_at, days_after)
    )


def shifted_by_days(moment: datetime.datetime, days: int) -> datetime.datetime:
    """``moment`` plus ``days``, held at the calendar's ends (a round stored at 9999-12-31 has a window)."""
    try:
        return moment + datetime.timedelta(days=days)
    except OverflowError:
        margin = datetime.timedelta(days=2)  # room for the conversion to local time in templates
        edge = datetime.datetime.max - margin if days > 0 else datetime.datetime.min + margin
        return edge.replace(tzinfo=datetime.UTC)


def _window_error(window: CommentWindow) -> DomainError:
    opens = timezone.localtime(window.opens_at).strftime("%d.%m.%Y, %H:%M")
    closes = timezone.localtime(window.closes_at).strftime("%d.%m.%Y, %H:%M")
    if timezone.now() < window.opens_at:
        message = _("Die Diskussion ist noch nicht geöffnet. Beiträge sind ab %(opens)s Uhr möglich.") % {
            "opens": opens
        }
    else:
        message = _("Die Diskussion ist seit %(closes)s Uhr geschlossen. Ihr Beitrag wurde nicht gespeichert.") % {
            "closes": closes
        }
    return DomainError(message, field="body")


def _organisation_for(*, user: User, round_: Round) -> Organisation | None:
    invitation = permissions.invitation_for(user, round_)
    if invitation is not None and invitation.organisation_id is not None:
        return invitation.organisation
    membership = user.memberships.select_related("organisation").order_by("created_at", "pk").first()
    return membership.organisation if membership else None


def _checked_body(body: str | None) -> str:
    body = (body or "").strip()
    if not body:
        raise DomainError(_("Bitte schreiben Sie einen Beitrag."), field="body")
    if len(body) > COMMENT_MAX_LENGTH:
        raise DomainError(
            _("Ein Beitrag darf höchstens %(limit)d Zeichen haben.") % {"limit": COMMENT_MAX_LENGTH}, field="body"
        )
    return body


def comment_post(
    *,
    agenda_item: AgendaItem,
    author: User,
    body: str,
    confidentiality: str,
    parent: Comment | None = None,
) -> Comment:
    """Post a comment (or a reply) within the series' comment window; the parent's author is told by email."""
    round_ = agenda_item.round
    if not permissions.can_comment(author, round_):
        raise DomainError(_("Sie können in dieser Runde keine Beiträge schreiben."))
    if round_.status == Round.Status.CANCELLED:
        raise DomainError(_("Die Runde ist abgesagt; die Diskussion ist geschlossen."), field="body")
    window = comment_window(round_=round_)
    if not window.is_open():
        raise _window_error(window)
    body = _checked_body(body)
    if confidentiality not in Comment.Confidentiality.values:
        raise DomainError(_("Bitte wählen Sie, wie Ihr Beitrag verwendet werden darf."), field="confidentiality")
    if parent is not None:
        if parent.agenda_item_id != agenda_item.pk:
            raise DomainError(_("Der Beitrag, auf den Sie antworten, gehört zu einer anderen Klausel."))
        if parent.deleted_at is not None:
            raise DomainError(_("Auf einen gelöschten Beitrag kann nicht geantwortet werden."))
    with transaction.atomic():
        comment = Comment.objects.create(
            agenda_item=agenda_item,
            author=author,
            organisation=_organisation_for(user=author, round_=round_),
            parent=parent,
            body=body,
            confidentiality=confidentiality,
        )
        if parent is not None and parent.author_id and parent.author_id != author.pk:
            comment_reply_notify(comment_id=comment.pk)
    return comment


def comment_can_edit(*, comment: Comment, user: User, at: datetime.datetime | None = None) -> bool:
    at = at or timezone.now()
    return (
        user.is_authenticated
        and comment.author_id == user.pk
        and comment.deleted_at is None
        and comment.moderation == Comment.Moderation.VISIBLE
        and at < comment.created_at + EDIT_WINDOW
    )


def comment_edit(*, comment: Comment, user: User, body: str, confidentiality: str) -> Comment:
    """The author may correct a comment within 30 minutes of posting it."""
    if comment.author_id != user.pk:
        raise DomainError(_("Nur die Autorin oder der Autor kann einen Beitrag bearbeiten."))
    if comment.deleted_at is not None:
        raise DomainError(_("Ein gelöschter Beitrag kann nicht bearbeitet werden."))
    if not comment_can_edit(comment=comment, user=user):
        raise DomainError(
            _("Beiträge können nur in den ersten 30 Minuten nach dem Schreiben bearbeitet werden."), field="body"
        )
    body = _checked_body(body)
    if confidentiality not in Comment.Confidentiality.values:
        raise DomainError(_("Bitte wählen Sie, wie Ihr Beitrag verwendet werden darf."), field="confidentiality")
    comment.body = body
    comment.confidentiality = confidentiality
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "confidentiality", "edited_at"])
    return comment


def comment_can_delete(*, comment: Comment, user: User) -> bool:
    if comment.deleted_at is not None or not user.is_authenticated:
        return False
    return comment.author_id == user.pk or permissions.can_manage_round(user, comment.agenda_item.round)


def comment_delete(*, comment: Comment, user: User) -> Comment:
    """Soft delete: the text is removed, a placeholder keeps the thread and its replies readable."""
    if not comment_can_delete(comment=comment, user=user):
        raise DomainError(_("Sie können diesen Beitrag nicht löschen."))
    comment.deleted_at = timezone.now()
    comment.body = ""
    comment.highlighted = False
    comment.save(update_fields=["deleted_at", "body", "highlighted"])
    return comment


def comment_hide(*, comment: Comment, user: User, reason: str) -> Comment:
    """Organisers hide a comment; the author sees the reason, everyone else a placeholder."""
    if not permissions.can_moderate(user, comment.agenda_item.round):
        raise DomainError(_("Nur Organisator:innen können Beiträge ausblenden."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Bitte nennen Sie einen Grund; die Autorin oder der Autor sieht ihn."), field="reason")
    comment.moderation = Comment.Moderation.HIDDEN
    comment.hidden_reason = reason
    comment.highlighted = False
    comment.save(update_fields=["moderation", "hidden_reason", "highlighted"])
    return comment


def comment_unhide(*, comment: Comment, user: User) -> Comment:
    if not permissions.can_moderate(user, comment.agenda_item.round):
        raise DomainError(_("Nur Organisator:innen können Beiträge wieder einblenden."))
    comment.moderation = Comment.Moderation.VISIBLE
    comment.hidden_reason = ""
    comment.save(update_fields=["moderation", "hidden_reason"])
    return comment


def comment_highlight(*, comment: Comment, user: User, highlighted: bool) -> Comment:
    if not permissions.can_moderate(user, comment.agenda_item.round):
        raise DomainError(_("Nur Organisator:innen können Beiträge hervorheben."))
    if highlighted and (comment.deleted_at is not None or comment.moderation == Comment.Moderation.HIDDEN):
        raise DomainError(_("Gelöschte oder ausgeblendete Beiträge können nicht hervorgehoben werden."))
    comment.highlighted = highlighted
    comment.save(update_fields=["highlighted"])
    return comment


def _reply_to_notify(comment_id: int) -> Comment | None:
    """The reply whose parent's author should hear about it, or None."""
    comment = (
        Comment.objects.select_related(
            "author", "organisation", "parent__author", "agenda_item__clause", "agenda_item__round__series"
        )
        .filter(pk=comment_id)
        .first()
    )
    if comment is None or comment.parent is None or comment.deleted_at is not None:
        return None
    recipient = comment.parent.author
    if recipient is None or not recipient.is_active or recipient.pk == comment.author_id:
        return None
    return comment


def comment_reply_notify(*, comment_id: int) -> bool:
    """Store the email to the parent's author about a reply in the outbox, exactly once (a guarded update)."""
    comment = _reply_to_notify(comment_id)
    if comment is None:
        return False
    with transaction.atomic():
        claimed = Comment.objects.filter(pk=comment_id, reply_notified_at__isnull=True).update(
            reply_notified_at=timezone.now()
        )
        if not claimed:
            return False
        outbox_put(kind="comment_reply", object_id=comment_id, scope=f"round:{comment.agenda_item.round_id}")
    return True


def comment_reply_render(message: OutboxMessage):
    """The reply notification, unless the reply was deleted meanwhile."""
    comment = _reply_to_notify(message.object_id)
    if comment is None:
        return None
    recipient = comment.parent.author
    round_ = comment.agenda_item.round
    path = reverse("rounds:discussion", kwargs={"round_pk": round_.pk, "number": comment.agenda_item.clause.number})
    return build_email(
        template_prefix="emails/comment_reply",
        context={
            "comment": comment,
            "recipient": recipient,
            "round": round_,
            "clause": comment.agenda_item.clause,
            "discussion_path": f"{path}#comment-{comment.pk}",
            "reply_text": plain_text(comment.body),
        },
        to=[recipient.email],
    )
