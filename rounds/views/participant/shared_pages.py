"""The participants' pages that many people read – the discussion, the round page, the clause page – as
HTML shared by every reader of a kind (``strategy_exchange.pages``).

Each page is cached once under the versions of the rows it shows, read before its data (the agenda item,
the round, the clause), and under everything else its HTML depends on: the reader's access level and
navigation, the language, the page number and the state of the comment window (which changes with the
time alone). Per request the view fills in what belongs to the reader.
"""

from typing import NamedTuple

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token

from rounds import permissions
from rounds.forms.participant import CommentForm
from rounds.models import AgendaItem, Invitation, Round
from rounds.selectors import discussion as selectors
from rounds.selectors import participant
from rounds.services import comments
from strategy_exchange import pages
from strategy_exchange.fragments import cached_fragment, fragment_key
from strategy_exchange.pages import Slot

from . import threads

DISCUSSION = "rounds/participant/discussion.html"
SECTION = "rounds/participant/_discussion.html"
COMMENT_FORM = "rounds/participant/_comment_form.html"
# Keys hold the versions of what the pages show: the timeout only lets pages nobody reads go.
TIMEOUT = 24 * 60 * 60


class SharedDiscussion(NamedTuple):
    pieces: pages.Pieces
    threads: threads.SharedPage


def _discussion_pieces(*, item: AgendaItem, access: selectors.Access, page: int, nav, section_only: bool):
    shared = threads.shared_page(item=item, access=access, page=page)
    window = comments.comment_window(round_=item.round)
    context = {"round": item.round, "item": item, "clause": item.clause, "access": access, "window": window}
    context["comment_total"] = shared.total
    section = [pages.part(SECTION, "start", context), *shared.pieces]
    if access.can_post:
        if window.is_open():
            form = CommentForm(agenda_item=item, prefix_id="new")
            section.append(pages.part(SECTION, "form_heading"))
            section += [pages.part(COMMENT_FORM, "open", context), pages.CSRF_INPUT]
            section.append(pages.part(COMMENT_FORM, "body", {**context, "form": form}))
        else:
            section.append(pages.part(SECTION, "closed" if window.has_closed() else "not_open"))
    section.append(pages.part(SECTION, "end"))
    # What the readers' own parts need of the threads, without a second copy of their HTML.
    own = threads.SharedPage([], shared.owners, shared.total, shared.number, shared.num_pages)
    if section_only:
        return SharedDiscussion(pages.encoded(section), own)
    content = [pages.part(DISCUSSION, "intro", context), *section]
    title = pages.part(DISCUSSION, "title", context)
    return SharedDiscussion(pages.encoded(pages.frame(title=title, nav=nav, content=content)), own)


def head_access(head: participant.DiscussionHead, user) -> tuple[selectors.Access, bool]:
    """What the reader may do in the discussion, and whether they organise any series (for the navigation)."""
    reader = permissions.reader_of(user, head)
    return selectors.access_of(reader), reader.is_organiser


def _window_state(head: participant.DiscussionHead | participant.RoundHead) -> tuple[bool, bool]:
    window = comments.comment_window_of(
        starts_at=head.starts_at, days_before=head.comment_days_before, days_after=head.comment_days_after
    )
    return window.is_open(), window.has_closed()


def discussion_response(
    request: HttpRequest, *, head: participant.DiscussionHead, access: selectors.Access, page: int, nav
) -> HttpResponse:
    """The discussion page (or, for htmx, its section) for this reader, from the shared HTML. On a hit
    nothing else is read; the agenda item itself is loaded only to render, or for the reader's own parts."""
    level = (access.mode, access.moderator, access.can_post)
    versions = (head.item_id, head.item_version, head.round_version, head.clause_version, head.round_status)
    section_only = bool(request.htmx)
    state = (level, _window_state(head), tuple(nav), page, section_only)
    item = None

    def load() -> AgendaItem:
        nonlocal item
        if item is None:
            item = participant.agenda_item_for(round_=head.round_id, number=head.clause_number)
        return item

    shared = cached_fragment(
        fragment_key("discussion-page", versions, state),
        lambda: _discussion_pieces(item=load(), access=access, page=page, nav=nav, section_only=section_only),
        timeout=TIMEOUT,
    )

    def own() -> pages.Parts:
        if not threads.has_reader_parts(shared.threads, reader=request.user, access=access):
            return {}
        return threads.reader_parts(
            shared.threads, request=request, round_id=head.round_id, clause_number=head.clause_number, access=access
        )

    return pages.shared_response(request, shared.pieces, own)


# The round page --------------------------------------------------------------------------------------

ROUND = "rounds/participant/round_detail.html"


CLOSED = (Round.Status.HELD, Round.Status.PUBLISHED, Round.Status.CANCELLED)


def _shared_aside(head: participant.RoundHead, reader: permissions.RoundReader) -> tuple | None:
    """The state of the participation box when it is the same for everyone in it: a round that is over
    (no forms), and an invitation without stand-ins either way. None: rendered for the reader."""
    if head.round_status not in CLOSED or head.stands_in_for_id is not None or head.has_stand_ins:
        return None
    return (head.invitation_rsvp, reader.can_moderate)


def _aside_context(round_, invitation, *, is_organiser: bool, stand_ins, csrf_token: str | None = None) -> dict:
    from rounds.forms.participant import RsvpForm, StandInForm

    return {
        "round": round_,
        "invitation": invitation,
        "is_organiser": is_organiser,
        "stand_ins": stand_ins,
        "rsvp_form": RsvpForm(),
        "stand_in_form": StandInForm(invitation=invitation) if invitation is not None else None,
        "csrf_token": csrf_token,
    }


def _round_pieces(*, round_id: int, show_online_link: bool, aside: tuple | None, nav) -> pages.Pieces:
    from .rounds import round_fragments  # the page's cached fragments, shared with the ordinary rendering

    round_ = Round.objects.select_related("series").get(pk=round_id)
    agenda_html, organisations_html = round_fragments(round_)
    context = {
        "round": round_,
        "show_online_link": show_online_link,
        "agenda_html": agenda_html,
        "organisations_html": organisations_html,
        "window": comments.comment_window(round_=round_),
    }
    if aside is None:
        aside_piece = Slot("aside")
    else:
        rsvp, is_organiser = aside
        invitation = Invitation(round=round_, rsvp=rsvp) if rsvp is not None else None
        aside_piece = pages.part(
            ROUND, "aside", _aside_context(round_, invitation, is_organiser=is_organiser, stand_ins=[])
        )
    content = [pages.part(ROUND, "main", context), aside_piece, pages.part(ROUND, "end", context)]
    title = pages.part(ROUND, "title", context)
    return pages.encoded(pages.frame(title=title, nav=nav, content=content))


def _aside(request: HttpRequest, head: participant.RoundHead, reader: permissions.RoundReader) -> pages.Parts:
    """The reader's participation: their invitation, answer, stand-ins and forms (or that they organise)."""
    invitation = None
    if head.invitation_id is not None:
        invitation = Invitation.objects.select_related("round", "stand_in_for__user").get(pk=head.invitation_id)
    if invitation is None and not reader.can_moderate:
        return {}
    round_ = invitation.round if invitation else Round(pk=head.round_id, status=head.round_status)
    stand_ins = participant.invitation_stand_ins(invitation=invitation)
    context = _aside_context(
        round_, invitation, is_organiser=reader.can_moderate, stand_ins=stand_ins, csrf_token=get_token(request)
    )
    return {("aside", None): pages.part(ROUND, "aside", context)}


def round_response(request: HttpRequest, *, head: participant.RoundHead, reader: permissions.RoundReader, nav):
    """The round page for this reader, from the HTML shared by all who see the same online link and, where
    it is the same for them, the same participation box."""
    show_online_link = head.invitation_rsvp == Invitation.Rsvp.ACCEPTED or reader.can_moderate
    aside = _shared_aside(head, reader)
    state = (head.round_status, _window_state(head), show_online_link, aside, tuple(nav))
    shared = cached_fragment(
        fragment_key("round-page", head.round_id, head.round_version, state),
        lambda: _round_pieces(round_id=head.round_id, show_online_link=show_online_link, aside=aside, nav=nav),
        timeout=TIMEOUT,
    )
    if aside is not None:
        return pages.shared_response(request, shared)
    return pages.shared_response(request, shared, lambda: _aside(request, head, reader))
