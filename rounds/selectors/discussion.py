"""Read queries of the discussion: comment threads as the viewer may see them, in a fixed number of queries."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from participants.models import User
from rounds import permissions
from rounds.models import AgendaItem, Comment, Round
from rounds.services.comments import EDIT_WINDOW, comment_public_attribution

FULL = "full"  # invitees and organisers: everything, with person and organisation
PUBLISHED = "published"  # outsiders after the report: quotable and anonymised comments only


@dataclass
class CommentView:
    """One comment as one viewer sees it."""

    comment: Comment
    state: str  # visible | hidden | deleted | internal
    show_body: bool
    author_label: str
    organisation_label: str
    is_own: bool = False
    can_edit: bool = False
    can_delete: bool = False
    can_reply: bool = False
    can_moderate: bool = False
    replies: list["CommentView"] = field(default_factory=list)

    @property
    def pk(self) -> int:
        return self.comment.pk


def former_representative_label(comment: Comment) -> str:
    """The author of a comment whose account was deleted: "ehemalige:r Vertreter:in (Stadt Jena)"."""
    if comment.organisation_id is None:
        return _("ehemalige:r Vertreter:in")
    return _("ehemalige:r Vertreter:in (%(organisation)s)") % {"organisation": comment.organisation.name}


def _view(comment: Comment, *, viewer: User, mode: str, moderator: bool, can_post: bool) -> CommentView:
    is_own = viewer.is_authenticated and comment.author_id == viewer.pk
    if comment.deleted_at is not None:
        state, show_body = "deleted", False
    elif comment.moderation == Comment.Moderation.HIDDEN:
        state, show_body = "hidden", is_own or moderator
    elif mode == PUBLISHED and comment_public_attribution(comment) is None:
        state, show_body = "internal", False
    else:
        state, show_body = "visible", True
    if mode == FULL and comment.author_id is None:
        author_label, organisation_label = former_representative_label(comment), ""
    elif mode == FULL:
        author_label = comment.author.get_full_name()
        organisation_label = comment.organisation.name if comment.organisation_id else ""
    else:
        author_label = comment_public_attribution(comment) or ""
        organisation_label = ""
    live = state == "visible" or (state == "hidden" and show_body)
    return CommentView(
        comment=comment,
        state=state,
        show_body=show_body,
        author_label=author_label,
        organisation_label=organisation_label,
        is_own=is_own,
        can_edit=is_own and state == "visible" and timezone.now() < comment.created_at + EDIT_WINDOW,
        can_delete=mode == FULL and comment.deleted_at is None and (is_own or moderator),
        can_reply=can_post and state == "visible",
        can_moderate=moderator and comment.deleted_at is None and live,
    )


def _comments(agenda_item_ids: Iterable[int]) -> list[Comment]:
    return list(
        Comment.objects.filter(agenda_item_id__in=list(agenda_item_ids))
        .select_related("author", "organisation")
        .order_by("created_at", "id")
    )


def _tree(comments: list[Comment], **view_kwargs) -> list[CommentView]:
    views = {comment.pk: _view(comment, **view_kwargs) for comment in comments}
    roots = []
    for comment in comments:
        node = views[comment.pk]
        parent = views.get(comment.parent_id) if comment.parent_id else None
        (parent.replies if parent else roots).append(node)
    return roots


@dataclass
class Access:
    """What a viewer may do in one round's discussion, decided once per page."""

    mode: str | None  # FULL, PUBLISHED or None (nothing)
    moderator: bool
    can_post: bool


def discussion_access(*, user: User, round_: Round) -> Access:
    if permissions.can_view_comments(user, round_):
        return Access(mode=FULL, moderator=permissions.can_moderate(user, round_), can_post=True)
    if permissions.can_view_published_comments(user, round_):
        return Access(mode=PUBLISHED, moderator=False, can_post=False)
    return Access(mode=None, moderator=False, can_post=False)


def discussion_thread(*, agenda_item: AgendaItem, user: User, access: Access) -> list[CommentView]:
    """The threaded comments of one clause in one round, as ``user`` may see them (one query)."""
    if access.mode is None:
        return []
    return _tree(
        _comments([agenda_item.pk]),
        viewer=user,
        mode=access.mode,
        moderator=access.moderator,
        can_post=access.can_post,
    )


def comment_count(threads: list[CommentView]) -> int:
    return sum(1 + comment_count(node.replies) for node in threads if node.state != "deleted")


def threads_by_item(
    *, items: list[AgendaItem], user: User, access_by_round: dict[int, Access]
) -> dict[int, list[CommentView]]:
    """Threads for many agenda items (of possibly different rounds) in one query."""
    readable = [item for item in items if access_by_round[item.round_id].mode is not None]
    grouped: dict[int, list[Comment]] = defaultdict(list)
    for comment in _comments(item.pk for item in readable):
        grouped[comment.agenda_item_id].append(comment)
    result = {}
    for item in readable:
        access = access_by_round[item.round_id]
        result[item.pk] = _tree(
            grouped[item.pk], viewer=user, mode=access.mode, moderator=access.moderator, can_post=False
        )
    return result
