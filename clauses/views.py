"""Pages of the clauses app: library, positions of our strategy, the comparison across organisations."""

import math
from collections.abc import Iterator
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from participants import selectors as participant_selectors
from strategy_exchange import exports, pages
from strategy_exchange.errors import DomainError
from strategy_exchange.fragments import cached_fragment, fragment_key

from . import freshness, selectors, services
from .forms import MatrixFilterForm, PositionForm
from .models import Position
from .permissions import can_edit_library


@require_GET
def library(request: HttpRequest) -> HttpResponse:
    """The clause library; for each clause, how many passages of strategies await their representatives' review."""
    context = {"clauses": selectors.clause_list_with_open_suggestions(), "can_edit": can_edit_library(request.user)}
    return render(request, "clauses/library.html", context)


def _our_strategy(request: HttpRequest):
    """The organisation the user represents and its current strategy, or a response explaining what is missing."""
    slug = request.GET.get("organisation") or request.POST.get("organisation")
    organisation = participant_selectors.user_organisation(user=request.user, slug=slug)
    if organisation is None:
        if slug:
            raise Http404
        return None, None, render(request, "participants/no_organisation.html", status=403)
    strategy = participant_selectors.current_strategy(organisation=organisation)
    if strategy is None:
        messages.info(request, _("Bitte tragen Sie zuerst die Strategie Ihrer Organisation ein."))
        return organisation, None, redirect("participants:strategy")
    return organisation, strategy, None


@login_required
@require_GET
def our_positions(request: HttpRequest) -> HttpResponse:
    organisation, strategy, response = _our_strategy(request)
    if response is not None:
        return response
    positions = selectors.strategy_positions(strategy=strategy)
    rows = [(clause, positions.get(clause.pk)) for clause in selectors.clause_list()]
    context = {"organisation": organisation, "strategy": strategy, "rows": rows}
    return render(request, "clauses/our_positions.html", context)


@login_required
@require_GET
def our_suggestions(request: HttpRequest) -> HttpResponse:
    """Vorschläge aus Ihrer Strategie: per clause up to three passages of the uploaded PDF."""
    organisation, strategy, response = _our_strategy(request)
    if response is not None:
        return response
    suggestions = selectors.strategy_suggestions(strategy=strategy)
    positions = selectors.strategy_positions(strategy=strategy)
    rows = [(clause, positions.get(clause.pk), suggestions.get(clause.pk, [])) for clause in selectors.clause_list()]
    context = {"organisation": organisation, "strategy": strategy, "rows": rows}
    return render(request, "clauses/our_suggestions.html", context)


def _suggestion_pk(value: str | None) -> int | None:
    return int(value) if value and value.isascii() and value.isdigit() and len(value) < 12 else None


@login_required
@require_POST
def suggestion_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    """Dismiss a suggestion of the strategy of an organisation the user represents (anyone else's: 404)."""
    organisation, strategy, response = _our_strategy(request)
    if response is not None and strategy is None and organisation is not None:
        raise Http404  # no strategy, so no suggestion of it: nothing to redirect to
    if response is not None:
        return response
    suggestion = selectors.suggestion_get(strategy=strategy, pk=pk)
    if suggestion is None:
        raise Http404
    try:
        services.suggestion_dismiss(suggestion=suggestion, user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Der Vorschlag zu § %(number)s wird nicht mehr angezeigt.") % {"number": suggestion.clause.number},
        )
    return redirect(f"{reverse('clauses:our_suggestions')}?organisation={organisation.slug}")


@login_required
@require_http_methods(["GET", "POST"])
def position_edit(request: HttpRequest, number: int) -> HttpResponse:
    """The position of our strategy on a clause; with ``?vorschlag=<id>`` prefilled from a suggested passage,
    which the save accepts."""
    clause = selectors.clause_get(number=number)
    if clause is None:
        raise Http404
    organisation, strategy, response = _our_strategy(request)
    if response is not None:
        return response
    position = selectors.position_get(strategy=strategy, clause=clause)
    initial = {"status": position.status, "quote": position.quote, "page": position.page} if position else {}
    suggestion = None
    if "vorschlag" in request.GET:
        pk = _suggestion_pk(request.GET["vorschlag"])
        suggestion = selectors.suggestion_get(strategy=strategy, pk=pk, clause=clause) if pk else None
        if suggestion is None:
            raise Http404
        initial = {"status": Position.Status.CONTAINS, "quote": suggestion.passage, "page": suggestion.page_number}
    form = PositionForm(request.POST or None, initial=initial)
    if form.is_valid():
        values = {
            "user": request.user,
            "status": form.cleaned_data["status"],
            "quote": form.cleaned_data["quote"],
            "page": form.cleaned_data["page"],
        }
        try:
            if suggestion is not None:
                services.suggestion_accept(suggestion=suggestion, **values)
            else:
                services.position_save(strategy=strategy, clause=clause, **values)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Die Umsetzung von § %(number)s ist gespeichert.") % {"number": clause.number})
            url = reverse("clauses:our_positions")
            if request.GET.get("organisation"):
                url += f"?organisation={organisation.slug}"
            return redirect(url)
    context = {
        "clause": clause,
        "organisation": organisation,
        "strategy": strategy,
        "form": form,
        "suggestion": suggestion,
    }
    return render(request, "clauses/position_edit.html", context)


CHART_LEFT, CHART_WIDTH, CHART_ROW = 60, 560, 34
MATRIX_PAGE_SIZE = 50
MATRIX_CACHE_SECONDS = 60 * 60  # a change bumps the version at once; old entries just expire
MAX_PAGE = 10_000


def _chart(summary: selectors.MatrixSummary) -> list[dict]:
    """Bar geometry for the server-rendered SVG: contained and partly contained, out of all strategies shown."""
    total = summary.strategy_count
    bars = []
    for index, count in enumerate(summary.counts):
        contains_px = CHART_WIDTH * count.contains / total if total else 0.0
        partly_px = CHART_WIDTH * count.partly / total if total else 0.0
        bars.append(
            {
                "count": count,
                "y": 10 + index * CHART_ROW,
                "contains_px": contains_px,
                "partly_x": CHART_LEFT + contains_px,
                "partly_px": partly_px,
                "missing": total - count.contains - count.partly - count.absent,
            }
        )
    return bars


def _page_number(value: str | None, *, pages: int) -> int:
    """The requested page, within 1 … pages; anything else is page 1 (keeps the cache keys few)."""
    try:
        number = int(value or 1)
    except ValueError:
        return 1
    return min(max(number, 1), pages)


def _matrix_content(*, filters: dict[str, str], summary: selectors.MatrixSummary, number: int, pages: int) -> str:
    """The rendered table of one page of rows with its page links, and the chart of all rows."""
    rows = selectors.matrix_rows(
        clauses=summary.clauses, **filters, offset=(number - 1) * MATRIX_PAGE_SIZE, limit=MATRIX_PAGE_SIZE
    )
    query = urlencode({name: value for name, value in filters.items() if value})
    chart = _chart(summary)
    quote_url = reverse("clauses:position_quote", kwargs={"strategy_pk": 0, "number": 0})
    context = {
        "matrix": selectors.Matrix(clauses=summary.clauses, rows=rows),
        "strategy_count": summary.strategy_count,
        "open_suggestions": summary.open_suggestions,
        "page": {
            "number": number,
            "pages": pages,
            "first": (number - 1) * MATRIX_PAGE_SIZE + 1,
            "last": (number - 1) * MATRIX_PAGE_SIZE + len(rows),
            "previous": number - 1 if number > 1 else None,
            "next": number + 1 if number < pages else None,
        },
        "page_url": f"{reverse('clauses:matrix')}?{query}{'&' if query else ''}page=",
        "quote_prefix": quote_url.removesuffix("0/0/"),
        "chart": chart,
        "chart_height": 20 + CHART_ROW * len(chart),
    }
    return render_to_string("clauses/_matrix_content.html", context)


@login_required
@require_GET
def matrix(request: HttpRequest) -> HttpResponse:
    """Filtered and paginated; the summary and each page's rendered table and chart are cached under the
    matrix's version, which every change of a position, strategy, organisation or clause moves on
    (``clauses.freshness``). It is read before anything it covers."""
    version = freshness.matrix_version()
    if pages.can_share(request) and not (set(request.GET) & FILTERS):
        # The whole page, shared by every reader with the same navigation: nothing in it is personal.
        return _shared_matrix(request, form=None, filters=UNFILTERED, version=version)
    form = MatrixFilterForm(request.GET or None)
    filters = form.filters()
    valid = not form.is_bound or form.is_valid()
    if valid and pages.can_share(request):
        return _shared_matrix(request, form=form, filters=filters, version=version)
    return render(
        request,
        "clauses/matrix.html",
        _matrix_context(form=form, filters=filters, version=version, requested=request.GET.get("page")),
    )


FILTERS = {"kind", "state"}
UNFILTERED = {"kind": "", "state": ""}


def _shared_matrix(request: HttpRequest, *, form, filters: dict, version: int) -> HttpResponse:
    nav = request.nav.state()
    requested = _requested_page(request.GET.get("page"))
    key = fragment_key("matrix-page", version, filters, requested, tuple(nav))

    def render_page() -> pages.Pieces:
        page_form = form or MatrixFilterForm(None)
        return _matrix_pieces(form=page_form, filters=filters, version=version, requested=requested, nav=nav)

    return pages.shared_response(request, cached_fragment(key, render_page, timeout=MATRIX_CACHE_SECONDS))


def _requested_page(value: str | None) -> int:
    try:
        return min(max(int(value or 1), 1), MAX_PAGE)
    except ValueError:
        return 1


def _matrix_context(*, form, filters: dict, version: int, requested) -> dict:
    summary = cached_fragment(
        fragment_key("matrix-summary", version, filters),
        lambda: selectors.matrix_summary(**filters),
        timeout=MATRIX_CACHE_SECONDS,
    )
    pages_count = max(1, math.ceil(summary.strategy_count / MATRIX_PAGE_SIZE))
    number = _page_number(str(requested) if requested is not None else None, pages=pages_count)
    content = cached_fragment(
        fragment_key("matrix-content", version, filters, number),
        lambda: _matrix_content(filters=filters, summary=summary, number=number, pages=pages_count),
        timeout=MATRIX_CACHE_SECONDS,
    )
    # Rendering the filter form costs as much as the rest of the page: cached per valid filter choice.
    form_key = None if form.is_bound and not form.is_valid() else fragment_key("matrix-form", filters)
    form_html = cached_fragment(form_key, lambda: str(form), timeout=MATRIX_CACHE_SECONDS)
    return {
        "form_html": form_html,
        "content": content,
        "query": urlencode({name: value for name, value in filters.items() if value}),
    }


def _matrix_pieces(*, form, filters: dict, version: int, requested: int, nav) -> pages.Pieces:
    context = {**_matrix_context(form=form, filters=filters, version=version, requested=requested), "nav": nav}
    title = pages.part("clauses/matrix.html", "title", context)
    main = pages.part("clauses/matrix.html", "main", context)
    return pages.encoded(pages.frame(title=title, nav=nav, content=[main]))


def _matrix_export_rows(rows) -> Iterator[list]:
    """One row per strategy and clause, read batch by batch while the download is sent."""
    labels = {value: str(label) for value, label in Position.Status.choices}
    missing = _("keine Angabe")
    for row in rows:
        for clause, position in row.cells:
            yield [
                row.organisation,
                row.kind,
                row.state,
                row.strategy,
                row.adopted_on,
                f"§ {clause.number}",
                clause.title,
                labels[position[0]] if position else missing,
                position[1] if position else "",
                position[2] if position and position[2] else None,
            ]


@login_required
@require_GET
def matrix_export(request: HttpRequest, format: exports.Format = "csv") -> HttpResponse:
    """All rows of the filtered matrix as CSV or JSON, streamed: strategies in one query, positions in batches."""
    form = MatrixFilterForm(request.GET or None)
    _clauses, rows = selectors.matrix_export(**form.filters())
    return exports.export_response(
        format=format,
        filename=f"klauseln-vergleich-{timezone.localdate():%Y-%m-%d}",
        header=[
            _("Organisation"),
            _("Art"),
            _("Bundesland"),
            _("Strategie"),
            _("beschlossen am"),
            _("Klausel"),
            _("Titel"),
            _("Umsetzung"),
            _("Zitat"),
            _("Seite"),
        ],
        rows=_matrix_export_rows(rows),
        stream=True,
    )


@login_required
@require_GET
def position_quote(request: HttpRequest, strategy_pk: int, number: int) -> HttpResponse:
    """A matrix cell opened: the position with its quote – a fragment for htmx, else a page."""
    found = selectors.position_for_cell(strategy_pk=strategy_pk, number=number)
    if found is None:
        raise Http404
    strategy, clause, position = found
    context = {"strategy": strategy, "clause": clause, "position": position, "statuses": Position.Status}
    template = "clauses/_quote.html" if request.htmx else "clauses/quote.html"
    return render(request, template, context)
