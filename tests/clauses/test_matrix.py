"""The comparison matrix: cells, filters, quote, CSV export, chart, permissions, query count."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clauses.selectors import comparison_matrix
from participants.models import Organisation
from tests.factories import (
    ClauseFactory,
    OrganisationFactory,
    PositionFactory,
    SeriesFactory,
    StrategyFactory,
    UserFactory,
    round_with_roles,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    c1 = ClauseFactory(number=1, title="Einfügung in bestehende Stadtentwicklung")
    c4 = ClauseFactory(number=4, title="Beteiligung aller relevanten Akteure")
    jena = OrganisationFactory(name="Stadt Jena", kind=Organisation.Kind.CITY, state="TH")
    edag = OrganisationFactory(name="EDAG Group", kind=Organisation.Kind.COMPANY, state="HE")
    OrganisationFactory(name="Ohne Strategie")
    s_jena = StrategyFactory(organisation=jena)
    s_edag = StrategyFactory(organisation=edag)
    PositionFactory(strategy=s_jena, clause=c4, status="contains", quote="Alle Akteure beteiligt.", page=12)
    PositionFactory(strategy=s_jena, clause=c1, status="partly")
    PositionFactory(strategy=s_edag, clause=c4, status="absent")
    return {"c1": c1, "c4": c4, "jena": jena, "edag": edag, "s_jena": s_jena}


def test_comparison_matrix_rows_and_cells(world):
    matrix = comparison_matrix()

    assert [row.organisation.name for row in matrix.rows] == ["EDAG Group", "Stadt Jena"]
    assert [[p.status if p else None for _clause, p in row.cells] for row in matrix.rows] == [
        [None, "absent"],
        ["partly", "contains"],
    ]


def test_comparison_matrix_uses_latest_strategy(world):
    newer = StrategyFactory(organisation=world["jena"], adopted_on="2024-01-01")
    PositionFactory(strategy=newer, clause=world["c4"], status="absent")

    matrix = comparison_matrix(kind="city")

    assert [p.status if p else None for _c, p in matrix.rows[0].cells] == [None, "absent"]


def test_comparison_matrix_counts_for_chart(world):
    counts = comparison_matrix().counts

    assert [(c.clause.number, c.contains, c.partly, c.absent) for c in counts] == [(1, 0, 1, 0), (4, 1, 0, 1)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [({"kind": "company"}, ["EDAG Group"]), ({"state": "TH"}, ["Stadt Jena"]), ({"kind": "city", "state": "HE"}, [])],
)
def test_matrix_page_filters(client, world, query, expected):
    client.force_login(UserFactory())

    response = client.get(reverse("clauses:matrix"), query)

    assert [row.organisation.name for row in response.context["matrix"].rows] == expected


def test_matrix_page_invalid_filter_shows_all_and_german_error(client, world):
    client.force_login(UserFactory())

    response = client.get(reverse("clauses:matrix"), {"state": "XX"})

    assert len(response.context["matrix"].rows) == 2
    assert "Bitte wählen Sie ein Bundesland aus der Liste." in response.content.decode()


def test_matrix_page_cell_colour_plus_text_and_quote_link(client, world):
    client.force_login(UserFactory())

    content = client.get(reverse("clauses:matrix")).content.decode()

    quote_url = reverse("clauses:position_quote", kwargs={"strategy_pk": world["s_jena"].pk, "number": 4})
    assert f'class="position position--contains" href="{quote_url}"' in content
    assert 'aria-label="Stadt Jena, § 4: enthalten">enthalten</a>' in content
    assert '<span class="position position--none">keine Angabe</span>' in content


def test_position_quote_page_and_htmx_fragment(client, world):
    client.force_login(UserFactory())
    url = reverse("clauses:position_quote", kwargs={"strategy_pk": world["s_jena"].pk, "number": 4})

    page = client.get(url).content.decode()
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()

    assert "Alle Akteure beteiligt." in page
    assert "Seite 12" in page
    assert fragment.startswith('<article class="kern-card quote-card"')
    assert "Alle Akteure beteiligt." in fragment


def test_position_quote_unknown_cell_404(client, world):
    client.force_login(UserFactory())

    response = client.get(reverse("clauses:position_quote", kwargs={"strategy_pk": 999999, "number": 4}))

    assert response.status_code == 404


def test_matrix_csv_export_rows_and_formula_escape(client, world):
    PositionFactory(strategy=world["s_jena"], clause=ClauseFactory(number=9, title="=HYPERLINK(1)"), quote="@SUM(1)")
    client.force_login(UserFactory())

    response = client.get(reverse("clauses:matrix_csv"), {"state": "TH"})

    text = response.content.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert text.startswith("\ufeff")
    assert rows[0] == [
        "Organisation", "Art", "Bundesland", "Strategie", "beschlossen am", "Klausel", "Titel", "Umsetzung", "Zitat", "Seite"
    ]  # fmt: skip
    assert rows[2][:1] + rows[2][5:] == [
        "Stadt Jena", "§ 4", "Beteiligung aller relevanten Akteure", "enthalten", "Alle Akteure beteiligt.", "12"
    ]  # fmt: skip
    assert rows[3][6:9] == ["'=HYPERLINK(1)", "enthalten", "'@SUM(1)"]
    assert len(rows) == 4


def test_matrix_chart_bars_proportional(client, world):
    client.force_login(UserFactory())

    response = client.get(reverse("clauses:matrix"))

    bars = response.context["chart"]
    assert [(b["count"].clause.number, b["contains_px"], b["partly_px"], b["missing"]) for b in bars] == [
        (1, 0.0, 280.0, 1),
        (4, 280.0, 0.0, 0),
    ]
    assert 'class="chart__bar--partly" x="60.0" y="10" width="280.0"' in response.content.decode()


@pytest.mark.parametrize("role", ["organiser", "invited", "outsider", "admin"])
def test_matrix_open_to_every_signed_in_role(client, world, role):
    roles = round_with_roles(clause_number=77)
    client.force_login(roles.user(role))

    response = client.get(reverse("clauses:matrix"))

    assert "Stadt Jena" in response.content.decode()


@pytest.mark.parametrize("name", ["clauses:matrix", "clauses:matrix_csv"])
def test_matrix_anonymous_redirected_to_login(client, world, name):
    response = client.get(reverse(name))

    assert response.url.startswith(reverse("account_login"))


def test_position_quote_anonymous_redirected_to_login(client, world):
    url = reverse("clauses:position_quote", kwargs={"strategy_pk": world["s_jena"].pk, "number": 4})

    response = client.get(url)

    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("name", ["clauses:matrix", "clauses:matrix_csv"])
def test_matrix_queries_same_for_1_and_50_organisations(client, name):
    clauses = [ClauseFactory(number=n) for n in (1, 2, 3)]
    user = UserFactory()
    SeriesFactory(organisers=[user])
    client.force_login(user)
    counts = []
    for total in (1, 50):
        while len(comparison_matrix().rows) < total:
            strategy = StrategyFactory(organisation=OrganisationFactory())
            for clause in clauses[:2]:
                PositionFactory(strategy=strategy, clause=clause, status="partly")
        client.get(reverse(name))
        with CaptureQueriesContext(connection) as context:
            client.get(reverse(name))
        counts.append(len(context.captured_queries))

    assert counts[0] == counts[1]
