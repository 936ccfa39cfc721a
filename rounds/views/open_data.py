"""Open data of public series: a page naming each series' licence, and its positions as CSV or JSON, for anyone.

The columns have fixed, language-independent names (``OPEN_DATA_COLUMNS``) so that programs reading
the data do not depend on the reader's language; every row names the licence, and the response says it
in a ``Link: <…>; rel="license"`` header too.
"""

from collections.abc import Iterator

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from clauses.models import Position
from rounds import permissions
from rounds.models import Series
from rounds.selectors import open_data as selectors
from strategy_exchange import exports

OPEN_DATA_COLUMNS = [
    "series",
    "organisation",
    "ags",
    "clause",
    "clause_title",
    "status",
    "status_label",
    "quote",
    "page",
    "strategy",
    "strategy_link",
    "licence",
    "licence_url",
]


@require_GET
def open_data(request: HttpRequest) -> HttpResponse:
    return render(request, "rounds/open_data.html", {"series_list": selectors.public_series()})


def _rows(request: HttpRequest, series: Series) -> Iterator[list]:
    labels = {value: str(label) for value, label in Position.Status.choices}
    file_url = request.build_absolute_uri(reverse("participants:strategy_file", kwargs={"pk": 0})).removesuffix(
        "0/datei/"
    )
    licence = series.get_licence_display()
    for position in selectors.open_data_positions(series=series):
        link = position.strategy_url or (
            f"{file_url}{position.strategy_pk}/datei/" if position.strategy_has_file else ""
        )
        yield [
            series.title,
            position.organisation,
            position.ags,
            f"§ {position.clause_number}",
            position.clause_title,
            position.status,
            labels.get(position.status, position.status),
            position.quote,
            position.page,
            position.strategy_title,
            link,
            licence,
            series.licence_url,
        ]


@require_GET
def open_data_export(request: HttpRequest, slug: str, format: exports.Format = "csv") -> HttpResponse:
    series = selectors.public_series_get(slug=slug)
    if series is None or not permissions.publishes_open_data(series):
        raise Http404
    response = exports.export_response(
        format=format,
        filename=f"offene-daten-{series.slug}",
        header=OPEN_DATA_COLUMNS,
        rows=_rows(request, series),
        stream=True,
    )
    response["Link"] = f'<{series.licence_url}>; rel="license"'
    response["Access-Control-Allow-Origin"] = "*"
    return response
