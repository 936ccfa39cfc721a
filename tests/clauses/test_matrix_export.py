"""The matrix download: CSV with formula cells neutralised in every text column, JSON with the exact text."""

import csv
import io
import json

import pytest
from django.urls import reverse

from tests.factories import ClauseFactory, OrganisationFactory, PositionFactory, StrategyFactory, UserFactory

pytestmark = pytest.mark.django_db

DANGEROUS = ['=HYPERLINK("http://evil")', "+1", "-2", "@x", "\tx", "\rx"]


@pytest.fixture
def dangerous_matrix():
    clause = ClauseFactory(number=4, title="Beteiligung aller relevanten Akteure")
    for number, text in enumerate(DANGEROUS):
        strategy = StrategyFactory(organisation=OrganisationFactory(name=text), title=f"{text}")
        PositionFactory(strategy=strategy, clause=clause, quote=text, page=number + 1)


def _body(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


def test_matrix_csv_neutralises_organisation_strategy_and_quote(client, dangerous_matrix):
    client.force_login(UserFactory())

    response = client.get(reverse("clauses:matrix_csv"))

    rows = list(csv.reader(io.StringIO(_body(response).lstrip("\ufeff")), delimiter=";"))
    cells = sorted((row[0], row[3], row[8]) for row in rows[1:])
    assert cells == sorted(("'" + text, "'" + text, "'" + text) for text in DANGEROUS)


def test_matrix_json_carries_the_exact_text_with_the_csv_fields(client, dangerous_matrix):
    client.force_login(UserFactory())

    response = client.get(reverse("clauses:matrix_json"))

    data = json.loads(_body(response))
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert list(data[0]) == [
        "Organisation", "Art", "Bundesland", "Strategie", "beschlossen am", "Klausel", "Titel", "Umsetzung", "Zitat", "Seite"
    ]  # fmt: skip
    assert sorted((row["Organisation"], row["Strategie"], row["Zitat"]) for row in data) == sorted(
        (text, text, text) for text in DANGEROUS
    )
    assert {(row["Klausel"], row["beschlossen am"]) for row in data} == {("§ 4", "2021-03-01")}
    assert sorted(row["Seite"] for row in data) == [1, 2, 3, 4, 5, 6]


def test_matrix_page_links_csv_and_json(client, dangerous_matrix):
    client.force_login(UserFactory())

    page = client.get(reverse("clauses:matrix"), {"state": "BY"}).content.decode()

    assert f"{reverse('clauses:matrix_csv')}?state=BY" in page
    assert f"{reverse('clauses:matrix_json')}?state=BY" in page
