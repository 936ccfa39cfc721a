"""Read queries of the discussion: comment threads as the viewer may see them, in a fixed number of queries."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from participants.models import User
from rounds import permissions
from rounds.models import AgendaItem, Comment, Round
from rounds.services.comments import comment_public_attribution

FULL = "full"  # invitees and organisers: everything, with person and organisation
PUBLISHED = "published"  # outsiders after the report: quotable and anonymised comments only


@dataclass
class CommentView:
    """One comment as readers of one access level see it (the same for every reader of that level)."""

    comment: Comment
    state: str  # visible | hidden | deleted | internal
    show_body: bool
    author_label: str
    organisation_label: str
    can_reply: bool = False
    replies: list["CommentView"] = field(default_factory=list)
    html: str = ""  # the stored HTML of the body, for the comments that are shown
    urls: dict[str, str] = field(default_factory=dict)  # action URLs, filled by the view

    @property
    def pk(self) -> int:
        return self.comment.pk


def former_representative_label(comment: Comment) -> str:
    """The author of a comment whose account was deleted: "ehemalige:r Vertreter:in (Stadt Jena)"."""
    if comment.organisation_id is None:
        return _("ehemalige:r Vertreter:in")
    return _("ehemalige:r Vertreter:in (%(organisation)s)") % {"organisation": comment.organisation.name}


def _view(comment: Comment, *, mode: str, moderator: bool, can_post: bool) -> CommentView:
    if comment.deleted_at is not None:
        state, show_body = "deleted", False
    elif comment.moderation == Comment.Moderation.HIDDEN:
        state, show_body = "hidden", moderator  # the author sees it too: a part of their own (ReaderParts)
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
    return CommentView(
        comment=comment,
        state=state,
        show_body=show_body,
        author_label=author_label,
        organisation_label=organisation_label,
        can_reply=can_post and state == "visible",
        html=mark_safe(comment.body_html) if show_body else "",  # noqa: S308 - sanitised when stored
    )


def comment_views(*, ids: list[int], access: "Access") -> list[CommentView]:
    """Some comments of a page as readers of ``access`` see them, without their replies (one query)."""
    comments = Comment.objects.filter(pk__in=ids).select_related("author", "organisation").order_by("created_at", "id")
    return [
        _view(comment, mode=access.mode, moderator=access.moderator, can_post=access.can_post) for comment in comments
    ]


def _tree(comments: list[Comment], **view_kwargs) -> list[CommentView]:
    """Comments (in the order they were written) as threads: replies under their parents."""
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


def access_of(reader: permissions.RoundReader) -> Access:
    """The same as :func:`discussion_access`, from what is known of the reader already."""
    if reader.can_view_round:
        return Access(mode=FULL, moderator=reader.can_moderate, can_post=True)
    if reader.can_view_published_comments:
        return Access(mode=PUBLISHED, moderator=False, can_post=False)
    return Access(mode=None, moderator=False, can_post=False)


def discussion_access(*, user: User, round_: Round) -> Access:
    if permissions.can_view_comments(user, round_):
        return Access(mode=FULL, moderator=permissions.can_moderate(user, round_), can_post=True)
    if permissions.can_view_published_comments(user, round_):
        return Access(mode=PUBLISHED, moderator=False, can_post=False)
    return Access(mode=None, moderator=False, can_post=False)


def walk(threads: list[CommentView]) -> Iterable[CommentView]:
    """Every comment of the threads, depth first."""
    for node in threads:
        yield node
        yield from walk(node.replies)


THREADS_PER_PAGE = 30


@dataclass
class ThreadPage:
    """One page of a discussion: up to ``THREADS_PER_PAGE`` threads (top-level comments with their replies)."""

    threads: list[CommentView]
    number: int
    num_pages: int
    total: int  # comments that are not deleted, on all pages

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def _page_count(roots: int) -> int:
    return max(1, -(-roots // THREADS_PER_PAGE))


def _roots(agenda_item_id: int) -> QuerySet[Comment]:
    return Comment.objects.filter(agenda_item_id=agenda_item_id, parent__isnull=True).order_by("created_at", "id")


def discussion_page(*, agenda_item: AgendaItem, access: Access, page: int = 1) -> ThreadPage:
    """One page of the threads of one clause in one round, in the order they were started, as readers of
    ``access`` see it. Three queries, whose cost follows the page and not the thread: the number of
    threads and comments, the ids of the page's first comments, and the comments of those threads.

    A page number past the end shows the last page."""
    if access.mode is None:
        return ThreadPage(threads=[], number=1, num_pages=1, total=0)
    counts = Comment.objects.filter(agenda_item_id=agenda_item.pk).aggregate(
        roots=Count("id", filter=Q(parent__isnull=True)), total=Count("id", filter=Q(deleted_at__isnull=True))
    )
    num_pages = _page_count(counts["roots"])
    number = min(max(page, 1), num_pages)
    start = (number - 1) * THREADS_PER_PAGE
    root_ids = list(_roots(agenda_item.pk).values_list("id", flat=True)[start : start + THREADS_PER_PAGE])
    comments = list(
        Comment.objects.filter(Q(pk__in=root_ids) | Q(root_id__in=root_ids))
        .select_related("author", "organisation")
        .order_by("created_at", "id")
    )
    threads = _tree(comments, mode=access.mode, moderator=access.moderator, can_post=access.can_post)
    return ThreadPage(threads=threads, number=number, num_pages=num_pages, total=counts["total"])


def discussion_page_of(*, comment_id: int, agenda_item_id: int) -> int:
    """The page that shows a comment: the page of the thread it belongs to (two queries)."""
    found = Comment.objects.filter(pk=comment_id, agenda_item_id=agenda_item_id).values("root_id").first()
    if found is None:
        return 1
    root = Comment.objects.filter(pk=found["root_id"] or comment_id).values("created_at", "id").first()
    earlier = _roots(agenda_item_id).filter(
        Q(created_at__lt=root["created_at"]) | Q(created_at=root["created_at"], id__lt=root["id"])
    )
    return earlier.count() // THREADS_PER_PAGE + 1


def _readable(mode: str) -> Q:
    """Comments a reader in ``mode`` sees with their text in a read-only preview."""
    live = Q(deleted_at__isnull=True, moderation=Comment.Moderation.VISIBLE)
    if mode == PUBLISHED:
        return live & Q(confidentiality__in=[Comment.Confidentiality.QUOTABLE, Comment.Confidentiality.ANONYMISED])
    return live


def latest_by_item(
    *, items: list[AgendaItem], user: User, mode_by_round: dict[int, str | None], limit: int
) -> tuple[dict[int, int], dict[int, list[CommentView]]]:
    """For many agenda items (of possibly different rounds) in three queries: how many comments each reader
    may read, and the latest ``limit`` of them, newest first (read-only, without replies)."""
    by_mode: dict[str, list[int]] = defaultdict(list)
    for item in items:
        if mode_by_round.get(item.round_id) is not None:
            by_mode[mode_by_round[item.round_id]].append(item.pk)
    if not by_mode:
        return {}, {}
    readable = Q()
    for mode, item_ids in by_mode.items():
        readable |= Q(agenda_item_id__in=item_ids) & _readable(mode)
    counts = dict(
        Comment.objects.filter(readable)
        .values("agenda_item_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("agenda_item_id", "n")
    )
    newest = Window(RowNumber(), partition_by=[F("agenda_item_id")], order_by=[F("created_at").desc(), F("id").desc()])
    # Ranking only ids keeps the window over all comments of the items lean; the few rows are fetched after.
    latest_ids = list(
        Comment.objects.filter(readable)
        .annotate(position=newest)
        .filter(position__lte=limit)
        .values_list("id", flat=True)
    )
    latest = (
        Comment.objects.filter(pk__in=latest_ids)
        .select_related("author", "organisation")
        .order_by("agenda_item_id", "-created_at", "-id")
    )
    mode_by_item = {item.pk: mode_by_round[item.round_id] for item in items}
    grouped: dict[int, list[CommentView]] = defaultdict(list)
    for comment in latest:
        view = _view(comment, mode=mode_by_item[comment.agenda_item_id], moderator=False, can_post=False)
        grouped[comment.agenda_item_id].append(view)
    return counts, dict(grouped)
