"""A clause across rounds: wording, explanation, every round that discussed it, findings and latest comments."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET

from rounds.fragments import ALL, FINDINGS, NAMES, THREAD
from rounds.selectors import participant as selectors
from strategy_exchange.fragments import cached_fragment, fragment_key, versions_of
from strategy_exchange.pagecache import cached_page

ROUNDS = "rounds/participant/_clause_rounds.html"
# The key holds every version the rounds depend on, names of series and clauses included; the timeout
# only bounds what none of them reports.
ROUNDS_TIMEOUT = 10 * 60
PAGE_PARAMETER = "seite"


def _page_number(request: HttpRequest) -> int:
    value = request.GET.get(PAGE_PARAMETER, "")
    return int(value) if value.isdigit() and int(value) > 0 else 1


def _rounds_key(number: int, rounds_page: selectors.ClauseRoundsPage) -> str:
    items = rounds_page.items
    rounds = sorted({item.round_id for item in items})
    versions = versions_of(
        [(THREAD, item.pk) for item in items] + [(FINDINGS, round_id) for round_id in rounds] + [(NAMES, ALL)]
    )
    state = [
        (item.pk, item.round_id, item.round.status, item.round.updated_at, rounds_page.modes[item.round_id])
        for item in items
    ]
    return fragment_key("clause-rounds", number, rounds_page.number, state, versions)


@cached_page
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

    rounds_html = cached_fragment(_rounds_key(clause.number, rounds_page), render_rounds, timeout=ROUNDS_TIMEOUT)
    return render(request, "rounds/participant/clause_history.html", {"clause": clause, "rounds_html": rounds_html})
