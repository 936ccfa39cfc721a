"""The search page (``/suche/?q=…``): a GET form, one selector, one page of results."""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from rounds import permissions
from rounds.context_processors import nav_of
from rounds.forms.search import SearchForm
from rounds.selectors import search as selectors


def _requested_page(value: str | None) -> int:
    """The page asked for, within 1 and the last page shown; anything else is the first (as the matrix does)."""
    try:
        return min(max(int(value or 1), 1), selectors.MAX_PAGE)
    except ValueError:
        return 1


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    rounds = permissions.readable_rounds(request.user)
    form = SearchForm(request.GET or None, rounds=rounds)
    results = None
    if form.is_bound and form.is_valid() and form.cleaned_data["q"]:
        reader = selectors.Reader(user=request.user, organiser=nav_of(request).organiser, rounds=tuple(rounds))
        results = selectors.search(
            reader=reader, criteria=form.criteria(), page=_requested_page(request.GET.get("page"))
        )
    kept = [(name, value) for name, value in request.GET.items() if name != "page" and value]
    context = {"form": form, "results": results, "page_url": f"?{urlencode(kept)}&page=" if kept else "?page="}
    return render(request, "rounds/search.html", context)
