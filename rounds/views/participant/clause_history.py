"""A clause across rounds: wording, explanation, every round that discussed it, findings and comments."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from rounds.selectors import participant as selectors


@require_GET
def clause_history(request: HttpRequest, number: int) -> HttpResponse:
    clause = selectors.clause_get(number=number)
    if clause is None:
        raise Http404
    rounds = selectors.clause_history(clause=clause, user=request.user)
    return render(request, "rounds/participant/clause_history.html", {"clause": clause, "rounds": rounds})
