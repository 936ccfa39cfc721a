"""A clause across rounds: wording, explanation, every round that discussed it, findings and latest comments."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET

from rounds.selectors import participant as selectors
from strategy_exchange.fragments import cached_fragment, fragment_key

ROUNDS = "rounds/participant/_clause_rounds.html"
# The key holds the versions of the clause and of every agenda item and round on the page (rounds.freshness).
ROUNDS_TIMEOUT = 24 * 60 * 60
PAGE_PARAMETER = "seite"


def _page_number(request: HttpRequest) -> int:
    value = request.GET.get(PAGE_PARAMETER, "")
    return int(value) if value.isdigit() and int(value) > 0 else 1


def _rounds_key(clause, rounds_page: selectors.ClauseRoundsPage) -> str:
    """Read from the rows loaded before the fragment is rendered: a change after that has a newer key."""
    state = [
        (item.pk, item.version, item.round_id, item.round.version, item.round.status, rounds_page.modes[item.round_id])
        for item in rounds_page.items
    ]
    return fragment_key("clause-rounds", clause.pk, clause.version, rounds_page.number, rounds_page.num_pages, state)


@require_GET
def clause_history(request: HttpRequest, number: int) -> HttpResponse:
    clause = selectors.clause_get(number=number)
    if clause is None:
        raise Http404
    rounds_page = selectors.clause_rounds_page(clause=clause, user=request.user, page=_page_number(request))
    base = reverse("rounds:clause_history", kwargs={"number": clause.number})

    def render_rounds() -> str:
        rounds = selectors.clause_history(rounds_page=rounds_page, user=request.user)
        pages = {
            "previous": f"{base}?{PAGE_PARAMETER}={rounds_page.number - 1}",
            "next": f"{base}?{PAGE_PARAMETER}={rounds_page.number + 1}",
        }
        context = {"clause": clause, "rounds": rounds, "rounds_page": rounds_page, "pages": pages}
        return render_to_string(ROUNDS, context)

    rounds_html = cached_fragment(_rounds_key(clause, rounds_page), render_rounds, timeout=ROUNDS_TIMEOUT)
    return render(request, "rounds/participant/clause_history.html", {"clause": clause, "rounds_html": rounds_html})
