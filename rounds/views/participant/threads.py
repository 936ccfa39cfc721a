"""A page of a discussion's threads: rendered once for every reader of an access level, with the parts
that belong to one reader put in per request.

The shared rendering is a list of pieces: HTML, and *slots* where a reader may have a part of their own
(the body, the actions or the reply form of one comment) together with what every other reader gets
there. It is cached under the agenda item's version (``rounds.freshness``), the page and the access
level (published, participant, moderator) – once, not per reader. Per request only the reader's own
parts are rendered: edit and delete links of their comments (the 30 minutes to edit are checked at that
moment), their own hidden comment, moderators' controls, and an open reply, edit or hide form. Forms
carry the reader's CSRF token because they are rendered for the reader; nothing is ever replaced in
rendered HTML.
"""

import datetime
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from django.middleware.csrf import get_token
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from rounds.models import AgendaItem, Comment
from rounds.selectors import discussion as selectors
from rounds.services import comments
from strategy_exchange import pages
from strategy_exchange.fragments import cached_fragment, fragment_key
from strategy_exchange.pages import Slot

COMMENT = "rounds/participant/_comment.html"
THREADS = "rounds/participant/_threads.html"
PAGE_PARAMETER = "seite"
# The key holds the thread's version: the timeout only lets unused pages go.
TIMEOUT = 24 * 60 * 60
BODY, ACTIONS, REPLY = "body", "actions", "reply"
ACTION_NAMES = ("reply", "edit", "delete", "hide", "unhide", "highlight")


class Own(NamedTuple):
    """What a comment's own parts depend on, as the page was rendered. The page's key holds the thread's
    version, which every change of a comment bumps: these are as current as the HTML beside them."""

    author_id: int | None
    created_at: datetime.datetime
    state: str  # visible | hidden | deleted | internal
    can_reply: bool


class SharedPage(NamedTuple):
    """What is cached: plain strings and tuples, quick to load for every request."""

    pieces: pages.Pieces
    owners: dict[int, Own]  # comment id -> its author and state, to find and fill in the reader's own comments
    total: int
    number: int
    num_pages: int


@dataclass
class OpenForms:
    """A form the reader opened without JavaScript (``?antwort=``, ``?bearbeiten=``) or sent with errors."""

    reply_to: int | None = None
    reply_form: object = None
    edit_id: int | None = None
    edit_form: object = None
    hide_id: int | None = None
    hide_form: object = None

    def comment_ids(self) -> set[int]:
        return {pk for pk in (self.reply_to, self.edit_id, self.hide_id) if pk is not None}


@dataclass
class Actions:
    reply: bool = False
    edit: bool = False
    delete: bool = False
    moderate: bool = False


def page_url(item: AgendaItem, page: int = 1) -> str:
    return discussion_url(round_id=item.round_id, clause_number=item.clause.number, page=page)


def discussion_url(*, round_id: int, clause_number: int, page: int = 1) -> str:
    url = reverse("rounds:discussion", kwargs={"round_pk": round_id, "number": clause_number})
    return f"{url}?{PAGE_PARAMETER}={page}" if page > 1 else url


MARKER = 987654321


@lru_cache(maxsize=8)
def _action_patterns(script_prefix: str) -> dict[str, tuple[str, str]]:
    """The comment action URLs around a comment id, reversed once per script prefix."""
    patterns = {}
    for name in ACTION_NAMES:
        prefix, suffix = reverse(f"rounds:comment_{name}", kwargs={"pk": MARKER}).split(str(MARKER))
        patterns[name] = (prefix, suffix)
    return patterns


class Urls:
    """Every action URL of the comments on a page of a discussion (a round's agenda item, by clause number)."""

    def __init__(self, *, round_id: int, clause_number: int, page: int):
        self.patterns = _action_patterns(get_script_prefix())
        base = discussion_url(round_id=round_id, clause_number=clause_number)
        self.query = f"{base}?{PAGE_PARAMETER}={page}&" if page > 1 else f"{base}?"

    def __call__(self, pk: int) -> dict[str, str]:
        urls = {name: f"{prefix}{pk}{suffix}" for name, (prefix, suffix) in self.patterns.items()}
        urls["reply_page"] = f"{self.query}antwort={pk}#reply-{pk}"
        urls["edit_page"] = f"{self.query}bearbeiten={pk}#comment-{pk}"
        return urls


class _Parts:
    """The comment's partials, rendered many times in one context: cheaper than a template lookup and a
    new context for each of them."""

    def __init__(self, **shared):
        self.templates = {}
        self.context = Context(shared, autoescape=True)

    def __call__(self, name: str, context: dict) -> str:
        template = self.templates.get(name)
        if template is None:
            template = self.templates[name] = get_template(f"{COMMENT}#{name}").template
        with self.context.push(context):
            return template.render(self.context)


def _shared_pieces(nodes: list[selectors.CommentView], *, mode: str, urls: Urls, pieces: list, render: _Parts) -> None:
    for node in nodes:
        node_urls = urls(node.pk)
        pieces.append(render("head", {"node": node, "mode": mode}))
        pieces.append(Slot(BODY, node.pk, render("body", {"node": node, "show_body": node.show_body})))
        pieces.append(mark_safe("</div>"))
        actions = Actions(reply=node.can_reply)
        pieces.append(Slot(ACTIONS, node.pk, render("actions", {"node": node, "can": actions, "urls": node_urls})))
        pieces.append(format_html('<div id="reply-slot-{}" class="comment__reply-slot">', node.pk))
        pieces.append(Slot(REPLY, node.pk))
        pieces.append(mark_safe("</div>"))
        if node.replies:
            pieces.append(mark_safe('<div class="comment__replies">'))
            _shared_pieces(node.replies, mode=mode, urls=urls, pieces=pieces, render=render)
            pieces.append(mark_safe("</div>"))
        pieces.append(mark_safe("</article>"))


def _render_shared(item: AgendaItem, access: selectors.Access, page: int) -> SharedPage:
    thread_page = selectors.discussion_page(agenda_item=item, access=access, page=page)
    number = thread_page.number
    links = {"previous": page_url(item, number - 1) + "#discussion", "next": page_url(item, number + 1) + "#discussion"}
    context = {"thread_page": thread_page, "pages": links}
    pieces: list = [render_to_string(f"{THREADS}#start", context)]
    urls = Urls(round_id=item.round_id, clause_number=item.clause.number, page=number)
    _shared_pieces(thread_page.threads, mode=access.mode, urls=urls, pieces=pieces, render=_Parts())
    pieces.append(render_to_string(f"{THREADS}#end", context))
    owners = {
        node.pk: Own(node.comment.author_id, node.comment.created_at, node.state, node.can_reply)
        for node in selectors.walk(thread_page.threads)
    }
    return SharedPage(pages.joined(pieces), owners, thread_page.total, number, thread_page.num_pages)


def shared_page(*, item: AgendaItem, access: selectors.Access, page: int) -> SharedPage:
    """The page of threads as every reader of ``access`` sees it: cached once under the thread's version,
    which was read with the agenda item, before the comments."""
    level = (access.mode, access.moderator, access.can_post)
    key = fragment_key("threads", item.pk, item.version, page, level)
    return cached_fragment(key, lambda: _render_shared(item, access, page), timeout=TIMEOUT)


def _own_ids(shared: SharedPage, *, reader, access: selectors.Access, forms: OpenForms) -> list[int]:
    reader_id = reader.pk if reader.is_authenticated else None
    opened = forms.comment_ids()
    return [
        pk
        for pk, own in shared.owners.items()
        if access.moderator or pk in opened or (reader_id is not None and own.author_id == reader_id)
    ]


def has_reader_parts(shared: SharedPage, *, reader, access: selectors.Access) -> bool:
    """Whether the reader has anything of their own on the page (their comments, moderation)."""
    return bool(_own_ids(shared, reader=reader, access=access, forms=OpenForms()))


class NodeRef(NamedTuple):
    """The little of a comment that its action links need (no moderation controls: those load the comment)."""

    pk: int
    state: str


def _plain_parts(
    shared: SharedPage, *, ids: list[int], access: selectors.Access, urls: Urls, csrf_token: str
) -> pages.Parts | None:
    """The links of the reader's own comments (edit within the 30 minutes, delete) from what the page knows,
    without reading the comments again; None where more is needed (moderation, the author's hidden comment)."""
    if access.moderator or any(shared.owners[pk].state == "hidden" for pk in ids):
        return None
    render, now, parts = _Parts(), timezone.now(), {}
    for pk in ids:
        own = shared.owners[pk]
        live = own.state != "deleted"
        can = Actions(
            reply=own.can_reply,
            edit=live and now < own.created_at + comments.EDIT_WINDOW,
            delete=access.mode == selectors.FULL and live,
        )
        if can.edit or can.delete:  # otherwise the shared links are already the reader's
            context = {"node": NodeRef(pk, own.state), "can": can, "urls": urls(pk), "csrf_token": csrf_token}
            parts[(ACTIONS, pk)] = render("actions", context)
    return parts


def reader_parts(
    shared: SharedPage,
    *,
    request,
    round_id: int,
    clause_number: int,
    access: selectors.Access,
    forms: OpenForms | None = None,
    item: AgendaItem | None = None,
) -> pages.Parts:
    """The reader's own parts of the page, rendered for them: from the comments as they are now (``item``:
    the agenda item, needed for an open reply form)."""
    reader = request.user
    forms = forms or OpenForms()
    ids = _own_ids(shared, reader=reader, access=access, forms=forms)
    if not ids:
        return {}
    urls = Urls(round_id=round_id, clause_number=clause_number, page=shared.number)
    csrf_token = get_token(request)
    if not forms.comment_ids():
        plain = _plain_parts(shared, ids=ids, access=access, urls=urls, csrf_token=csrf_token)
        if plain is not None:
            return plain
    return _loaded_parts(
        ids=ids, reader=reader, access=access, forms=forms, urls=urls, csrf_token=csrf_token, item=item
    )


def _loaded_parts(
    *, ids: list[int], reader, access: selectors.Access, forms: OpenForms, urls: Urls, csrf_token: str, item
) -> pages.Parts:
    """The reader's parts from the comments read again: moderation controls, open forms, hidden comments."""
    reader_id = reader.pk if reader.is_authenticated else None
    nodes = selectors.comment_views(ids=ids, access=access)
    render, parts = _Parts(), {}
    for node in nodes:
        comment: Comment = node.comment
        own = reader_id is not None and comment.author_id == reader_id
        live = node.state == "visible" or (node.state == "hidden" and (own or access.moderator))
        edit_form = forms.edit_form if forms.edit_id == node.pk else None
        if edit_form is not None or (own and node.state == "hidden" and not access.moderator):
            if own and node.state == "hidden":
                node = _with_body(node)
            context = {"node": node, "show_body": True, "edit_form": edit_form, "csrf_token": csrf_token}
            parts[(BODY, node.pk)] = render("body", context)
        can = Actions(
            reply=node.can_reply,
            edit=edit_form is None and comments.comment_can_edit(comment=comment, user=reader),
            delete=access.mode == selectors.FULL and comment.deleted_at is None and (own or access.moderator),
            moderate=access.moderator and comment.deleted_at is None and live,
        )
        hide_form = forms.hide_form if forms.hide_id == node.pk else None
        context = {"node": node, "can": can, "urls": urls(node.pk), "hide_form": hide_form, "csrf_token": csrf_token}
        parts[(ACTIONS, node.pk)] = render("actions", context)
        if forms.reply_to == node.pk and node.can_reply:
            context = {"item": item, "form": forms.reply_form, "parent_id": node.pk, "csrf_token": csrf_token}
            parts[(REPLY, node.pk)] = render_to_string("rounds/participant/_reply_form.html", context)
    return parts


def _with_body(node: selectors.CommentView) -> selectors.CommentView:
    """The author's own hidden comment, with its text (which the shared page leaves out)."""
    html = mark_safe(node.comment.body_html)  # noqa: S308 - sanitised when stored
    return selectors.CommentView(**{**node.__dict__, "html": html, "show_body": True})


@dataclass
class Threads:
    html: SafeString
    total: int
    number: int
    num_pages: int


def threads_for_reader(
    *, request, item: AgendaItem, access: selectors.Access, page: int, forms: OpenForms | None = None
) -> Threads:
    """The page of threads for this reader: the shared pieces with the reader's own parts put in."""
    shared = shared_page(item=item, access=access, page=page)
    parts = reader_parts(
        shared,
        request=request,
        round_id=item.round_id,
        clause_number=item.clause.number,
        access=access,
        forms=forms or OpenForms(),
        item=item,
    )
    html = pages.fill(shared.pieces, parts)
    return Threads(mark_safe(html), shared.total, shared.number, shared.num_pages)  # noqa: S308 - rendered templates
