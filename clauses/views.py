"""Pages of the clauses app: library, positions of our strategy, the comparison across organisations."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from participants import selectors as participant_selectors
from strategy_exchange.errors import DomainError

from . import selectors, services
from .forms import MatrixFilterForm, PositionForm
from .models import Position


@require_GET
def library(request: HttpRequest) -> HttpResponse:
    return render(request, "clauses/library.html", {"clauses": selectors.clause_list()})


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
@require_http_methods(["GET", "POST"])
def position_edit(request: HttpRequest, number: int) -> HttpResponse:
    clause = selectors.clause_get(number=number)
    if clause is None:
        raise Http404
    organisation, strategy, response = _our_strategy(request)
    if response is not None:
        return response
    position = selectors.position_get(strategy=strategy, clause=clause)
    initial = {"status": position.status, "quote": position.quote, "page": position.page} if position else {}
    form = PositionForm(request.POST or None, initial=initial)
    if form.is_valid():
        try:
            services.position_save(
                strategy=strategy,
                clause=clause,
                user=request.user,
                status=form.cleaned_data["status"],
                quote=form.cleaned_data["quote"],
                page=form.cleaned_data["page"],
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Die Umsetzung von § %(number)s ist gespeichert.") % {"number": clause.number})
            url = reverse("clauses:our_positions")
            if request.GET.get("organisation"):
                url += f"?organisation={organisation.slug}"
            return redirect(url)
    context = {"clause": clause, "organisation": organisation, "strategy": strategy, "form": form}
    return render(request, "clauses/position_edit.html", context)


CHART_LEFT, CHART_WIDTH, CHART_ROW = 60, 560, 34


def _chart(data: selectors.Matrix) -> list[dict]:
    """Bar geometry for the server-rendered SVG: contained and partly contained, out of all strategies shown."""
    total = data.strategy_count
    bars = []
    for index, count in enumerate(data.counts):
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


@login_required
@require_GET
def matrix(request: HttpRequest) -> HttpResponse:
    form = MatrixFilterForm(request.GET or None)
    data = selectors.comparison_matrix(**form.filters())
    chart = _chart(data)
    context = {
        "form": form,
        "matrix": data,
        "chart": chart,
        "chart_height": 20 + CHART_ROW * len(chart),
        "query": request.GET.urlencode(),
    }
    return render(request, "clauses/matrix.html", context)


def _csv_cell(value) -> str:
    """Spreadsheet programs run cells that start with = + - @ as formulas; such text gets a leading apostrophe."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@login_required
@require_GET
def matrix_csv(request: HttpRequest) -> HttpResponse:
    form = MatrixFilterForm(request.GET or None)
    data = selectors.comparison_matrix(**form.filters())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="klauseln-vergleich-{timezone.localdate():%Y-%m-%d}.csv"'
    response.write("\ufeff")  # so that spreadsheet programs read the umlauts as UTF-8
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [_("Organisation"), _("Art"), _("Bundesland"), _("Strategie"), _("beschlossen am"), _("Klausel"),
         _("Titel"), _("Umsetzung"), _("Zitat"), _("Seite")]
    )  # fmt: skip
    for row in data.rows:
        for clause, position in row.cells:
            writer.writerow(
                [
                    _csv_cell(row.organisation.name),
                    row.organisation.get_kind_display(),
                    row.organisation.get_state_display(),
                    _csv_cell(row.strategy.title),
                    row.strategy.adopted_on.isoformat() if row.strategy.adopted_on else "",
                    f"§ {clause.number}",
                    _csv_cell(clause.title),
                    position.get_status_display() if position else _("keine Angabe"),
                    _csv_cell(position.quote if position else ""),
                    position.page if position and position.page else "",
                ]
            )
    return response


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
