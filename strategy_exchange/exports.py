"""The one writer of every table download: the same rows as CSV (safe to open in a spreadsheet) or JSON.

A view hands over the column headings and an iterable of rows (one value per column); rows are
streamed, so a large export is never held in memory. JSON is a list of objects whose keys are the
column headings, with the values exactly as stored; CSV neutralises text that a spreadsheet program
would run as a formula.
"""

import csv
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Literal

from django.http import HttpResponse, StreamingHttpResponse

Format = Literal["csv", "json"]

# Cells starting with one of these are run as formulas (or, with tab and CR, shifted into one) by
# spreadsheet programs: "=HYPERLINK(…)" becomes a link, "+1" or "-2" a calculation, "@x" a function.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    """The text of one cell; text a spreadsheet would run as a formula gets a leading apostrophe."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


class _Echo:
    """A file-like object for csv.writer that hands each line back instead of storing it."""

    def write(self, value: str) -> str:
        return value


def csv_lines(*, header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """Semicolon-separated lines with a byte-order mark, so that spreadsheet programs read umlauts as UTF-8."""
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff"
    yield writer.writerow([csv_cell(label) for label in header])
    for row in rows:
        yield writer.writerow([csv_cell(value) for value in row])


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def json_lines(*, header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """A JSON list of objects, one per row, keyed by the column headings, written one object at a time."""
    keys = [str(label) for label in header]
    yield "["
    separator = "\n"
    for row in rows:
        values = [_json_value(value) for value in row]
        yield separator + json.dumps(dict(zip(keys, values, strict=True)), ensure_ascii=False)
        separator = ",\n"
    yield "\n]\n"


def export_response(
    *, format: Format, filename: str, header: Sequence[Any], rows: Iterable[Sequence[Any]], stream: bool = False
) -> HttpResponse | StreamingHttpResponse:
    """The download of one table as ``<filename>.csv`` or ``<filename>.json``; ``stream`` for rows that
    are read from the database while the response is sent."""
    if format == "json":
        lines, content_type = json_lines(header=header, rows=rows), "application/json; charset=utf-8"
    else:
        lines, content_type = csv_lines(header=header, rows=rows), "text/csv; charset=utf-8"
    response = (
        StreamingHttpResponse(lines, content_type=content_type)
        if stream
        else HttpResponse("".join(lines), content_type=content_type)
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.{format}"'
    return response
