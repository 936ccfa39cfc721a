"""The one writer of table downloads: formula cells neutralised in CSV, exact values in JSON."""

import csv
import datetime
import io
import json

import pytest

from strategy_exchange import exports

DANGEROUS = ['=HYPERLINK("http://evil")', "+1", "-2", "@x", "\tx", "\rx"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_csv_cell_dangerous_start_gets_an_apostrophe(text):
    assert exports.csv_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Stadt Jena", "§ 4", "a=b", "2021-03-01", "", 12])
def test_csv_cell_harmless_value_unchanged(value):
    assert exports.csv_cell(value) == str(value)


def test_csv_cell_none_is_empty():
    assert exports.csv_cell(None) == ""


def test_csv_lines_neutralise_every_column_and_the_header():
    lines = "".join(exports.csv_lines(header=["=Kopf", "Name"], rows=[[text, text] for text in DANGEROUS]))

    rows = list(csv.reader(io.StringIO(lines.removeprefix("\ufeff")), delimiter=";"))
    assert lines.startswith("\ufeff")
    assert rows == [["'=Kopf", "Name"], *[["'" + text, "'" + text] for text in DANGEROUS]]


def test_json_lines_keep_the_exact_values_keyed_by_heading():
    rows = [[text, 3, None, datetime.date(2021, 3, 1)] for text in DANGEROUS]

    data = json.loads("".join(exports.json_lines(header=["Name", "Runde", "Seite", "beschlossen am"], rows=rows)))

    assert data == [{"Name": text, "Runde": 3, "Seite": None, "beschlossen am": "2021-03-01"} for text in DANGEROUS]


def test_json_lines_without_rows_is_an_empty_list():
    assert json.loads("".join(exports.json_lines(header=["Name"], rows=[]))) == []


@pytest.mark.parametrize(
    ("format", "content_type"), [("csv", "text/csv; charset=utf-8"), ("json", "application/json; charset=utf-8")]
)
@pytest.mark.parametrize("stream", [False, True])
def test_export_response_type_and_file_name(format, content_type, stream):
    response = exports.export_response(format=format, filename="liste", header=["Name"], rows=[["x"]], stream=stream)

    assert (response["Content-Type"], response["Content-Disposition"], response.streaming) == (
        content_type,
        f'attachment; filename="liste.{format}"',
        stream,
    )
