"""A clause across rounds: wording and its history, explanation, every round that discussed it (with the version
of the clause it discussed), findings and latest comments. Its versions are keyed by the clause's version."""

import dataclasses

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from rounds import permissions
from rounds.context_processors import nav_of
from rounds.selectors import clause_versions
from rounds.selectors import participant as selectors
from strategy_exchange import pages as pages_
from strategy_exchange.fragments import cached_fragment, cached_fragments, fragment_key

PAGE = "rounds/participant/clause_history.html"
ROUNDS = "rounds/participant/_clause_rounds.html"
ROUND = "rounds/participant/_clause_round.html"
# The keys hold the versions of the clause and of each agenda item and round on the page (rounds.freshness).
ROUNDS_TIMEOUT = 24 * 60 * 60
PAGE_PARAMETER = "seite"


def _page_number(request: HttpRequest) -> int:
    return pages_.page_number(request.GET.get(PAGE_PARAMETER))


def _round_key(clause, item, mode: str | None) -> str:
    """One round's section, read from the rows loaded before it is rendered: a change after that has a newer
    key. A comment in one round's discussion costs the render of that round's section only."""
    round_ = item.round
    return fragment_key(
        "clause-round", clause.pk, clause.version, item.pk, item.version, round_.version, round_.status, mode
    )


def _rounds_html(request: HttpRequest, clause, rounds_page: selectors.ClauseRoundsPage) -> str:
    base = reverse("rounds:clause_history", kwargs={"number": clause.number})
    items = {item.pk: item for item in rounds_page.items}
    keys = {pk: _round_key(clause, item, rounds_page.modes[item.round_id]) for pk, item in items.items()}

    def render_sections(missing: list[int]) -> dict[int, str]:
        page_of_missing = dataclasses.replace(rounds_page, items=[items[pk] for pk in missing])
        entries = selectors.clause_history(rounds_page=page_of_missing, user=request.user)
        return {entry.item.pk: render_to_string(ROUND, {"clause": clause, "entry": entry}) for entry in entries}

    sections = cached_fragments(keys, render_sections, timeout=ROUNDS_TIMEOUT)
    pages = {
        "previous": f"{base}?{PAGE_PARAMETER}={rounds_page.number - 1}",
        "next": f"{base}?{PAGE_PARAMETER}={rounds_page.number + 1}",
    }
    context = {"sections": [mark_safe(sections[pk]) for pk in keys], "rounds_page": rounds_page, "pages": pages}  # noqa: S308  # nosec B308, B703
    return render_to_string(ROUNDS, context)


def _shared_page(request: HttpRequest, head: selectors.ClauseHead, page: int) -> HttpResponse:
    nav = nav_of(request)
    if head.rows:
        nav.know(organiser=permissions.is_staff(request.user) or head.organises_any, member=head.member)
    state = [(*row[:5], permissions.reader_of(request.user, row).comment_mode) for row in head.rows]
    nav_state = nav.state()

    def render() -> pages_.Pieces:
        clause = selectors.clause_get(number=request.resolver_match.kwargs["number"])
        rounds_page = selectors.clause_rounds_page(clause=clause, user=request.user, page=page)
        context = {
            "clause": clause,
            "nav": nav_state,
            "revisions": clause_versions.clause_version_history(clause=clause),
        }
        content = [pages_.part(PAGE, "main", context), _rounds_html(request, clause, rounds_page)]
        return pages_.encoded(pages_.frame(title=pages_.part(PAGE, "title", context), nav=nav_state, content=content))

    key = fragment_key("clause-page", head.clause_id, head.clause_version, page, head.total, state, tuple(nav_state))
    return pages_.shared_response(request, cached_fragment(key, render, timeout=ROUNDS_TIMEOUT))


@require_GET
def clause_history(request: HttpRequest, number: int) -> HttpResponse:
    page = _page_number(request)
    if pages_.can_share(request):
        head = selectors.clause_head(number=number, user=request.user, page=page)
        if head is None:
            raise Http404
        if head.rows or page == 1:
            return _shared_page(request, head, page)
    clause = selectors.clause_get(number=number)
    if clause is None:
        raise Http404
    rounds_page = selectors.clause_rounds_page(clause=clause, user=request.user, page=page)
    rounds_html = _rounds_html(request, clause, rounds_page)
    context = {
        "clause": clause,
        "rounds_html": rounds_html,
        "revisions": clause_versions.clause_version_history(clause=clause),
    }
    return render(request, PAGE, context)
