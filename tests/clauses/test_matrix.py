"""The comparison matrix: cells, filters, quote, CSV export, chart, permissions, query count."""

import csv
import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clauses import selectors, services, views
from clauses.models import Position
from clauses.selectors import comparison_matrix
from participants.directory import organisation_update
from participants.models import Organisation
from participants.services import strategy_save
from strategy_exchange.fragments import rows_changed
from tests.factories import (
    ClauseFactory,
    MembershipFactory,
    OrganisationFactory,
    PositionFactory,
    SeriesFactory,
    StrategyFactory,
    UserFactory,
    round_with_roles,
)

pytestmark = pytest.mark.django_db


def read(response) -> str:
    """The body of a page or of a streamed download."""
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8")
    return response.content.decode()


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(read(response).lstrip("\ufeff")), delimiter=";"))


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

    text = b"".join(response.streaming_content).decode("utf-8")
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
        cache.clear()
        with CaptureQueriesContext(connection) as context:
            read(client.get(reverse(name)))
        counts.append(len(context.captured_queries))

    assert counts[0] == counts[1]


def organisations_with_strategies(names: list[str], *, clause, **organisation):
    for name in names:
        strategy = StrategyFactory(organisation=OrganisationFactory(name=name, **organisation))
        PositionFactory(strategy=strategy, clause=clause, status="partly")


def row_names(response) -> list[str]:
    return [row.organisation.name for row in response.context["matrix"].rows]


def test_matrix_page_two_shows_the_next_organisations_and_keeps_the_filter(client, world, monkeypatch):
    monkeypatch.setattr(views, "MATRIX_PAGE_SIZE", 2)
    organisations_with_strategies(["Stadt Aachen", "Stadt Bonn", "Stadt Celle"], clause=world["c1"], kind="city")
    client.force_login(UserFactory())

    first = client.get(reverse("clauses:matrix"), {"kind": "city"})
    second = client.get(reverse("clauses:matrix"), {"kind": "city", "page": "2"})

    assert (row_names(first), row_names(second)) == (["Stadt Aachen", "Stadt Bonn"], ["Stadt Celle", "Stadt Jena"])
    assert 'href="/klauseln/vergleich/?kind=city&amp;page=2" rel="next"' in read(first)
    assert 'href="/klauseln/vergleich/?kind=city&amp;page=1" rel="prev"' in read(second)
    assert "Seite 2 von 2" in read(second)


@pytest.mark.parametrize(("page", "expected"), [("0", ["EDAG Group"]), ("99", ["Stadt Jena"]), ("x", ["EDAG Group"])])
def test_matrix_page_number_out_of_range_shows_nearest_page(client, world, monkeypatch, page, expected):
    monkeypatch.setattr(views, "MATRIX_PAGE_SIZE", 1)
    client.force_login(UserFactory())

    response = client.get(reverse("clauses:matrix"), {"page": page})

    assert row_names(response) == expected


def test_matrix_chart_counts_all_pages(client, world, monkeypatch):
    monkeypatch.setattr(views, "MATRIX_PAGE_SIZE", 1)
    client.force_login(UserFactory())

    response = client.get(reverse("clauses:matrix"))

    assert [(b["count"].clause.number, b["count"].contains, b["count"].absent) for b in response.context["chart"]] == [
        (1, 0, 0),
        (4, 1, 1),
    ]
    assert "2 Strategien" in read(response)


def test_matrix_saved_position_visible_at_once_despite_cache(client, world):
    representative = UserFactory()
    MembershipFactory(user=representative, organisation=world["edag"])
    client.force_login(representative)
    client.get(reverse("clauses:matrix"))

    services.position_save(
        strategy=world["edag"].strategies.get(),
        clause=world["c1"],
        user=representative,
        status="contains",
    )
    content = read(client.get(reverse("clauses:matrix")))

    assert 'aria-label="EDAG Group, § 1: enthalten"' in content


def test_matrix_served_from_cache_until_its_version_moves_on(client, world):
    client.force_login(UserFactory())
    client.get(reverse("clauses:matrix"))
    changed = Position.objects.filter(strategy=world["s_jena"], clause=world["c4"])

    changed.update(status="absent")  # past the models, and without the hook: the cached table stays
    cached = read(client.get(reverse("clauses:matrix")))
    rows_changed(Position, changed.values("pk"))
    fresh = read(client.get(reverse("clauses:matrix")))

    assert 'aria-label="Stadt Jena, § 4: enthalten"' in cached
    assert 'aria-label="Stadt Jena, § 4: nicht enthalten"' in fresh


def test_matrix_new_strategy_and_renamed_organisation_visible_at_once(client, world):
    representative = UserFactory()
    newcomer = OrganisationFactory(name="Gemeinde Neu", kind=Organisation.Kind.MUNICIPALITY)
    MembershipFactory(user=representative, organisation=newcomer)
    client.force_login(representative)
    client.get(reverse("clauses:matrix"))

    strategy_save(
        organisation=newcomer, user=representative, strategy=None, title="Digital", adopted_on=None, url="https://x.de"
    )
    organisation_update(organisation=world["jena"], name="Stadt Jena (Saale)")
    response = client.get(reverse("clauses:matrix"))

    assert row_names(response) == ["EDAG Group", "Gemeinde Neu", "Stadt Jena (Saale)"]


def test_matrix_csv_contains_every_row_not_one_page(client, world, monkeypatch):
    monkeypatch.setattr(views, "MATRIX_PAGE_SIZE", 1)
    organisations_with_strategies([f"Gemeinde {n:02d}" for n in range(12)], clause=world["c4"])
    client.force_login(UserFactory())

    rows = csv_rows(client.get(reverse("clauses:matrix_csv")))

    assert len(rows) == 1 + 14 * 2
    assert [r[0] for r in rows[1::2]] == ["EDAG Group", *[f"Gemeinde {n:02d}" for n in range(12)], "Stadt Jena"]


def test_matrix_csv_batches_positions_without_a_query_per_row(client, world, monkeypatch):
    organisations_with_strategies([f"Gemeinde {n:02d}" for n in range(5)], clause=world["c4"])
    client.force_login(UserFactory())
    original = selectors.matrix_export
    monkeypatch.setattr(selectors, "matrix_export", lambda **filters: original(**filters, batch=3))

    with CaptureQueriesContext(connection) as context:
        rows = csv_rows(client.get(reverse("clauses:matrix_csv")))

    position_queries = [q for q in context.captured_queries if 'FROM "clauses_position"' in q["sql"]]
    assert (len(rows), len(position_queries)) == (1 + 7 * 2, 3)


def test_matrix_filter_form_keeps_invalid_choice_error_uncached(client):
    from tests.factories import MembershipFactory

    client.force_login(MembershipFactory().user)
    client.get(reverse("clauses:matrix"), {"kind": "city"})

    response = client.get(reverse("clauses:matrix"), {"kind": "erfunden"})

    assert "Bitte wählen Sie eine Art aus der Liste." in response.content.decode()


def test_matrix_shows_clause_renamed_in_admin_at_once(client):
    from tests.factories import ClauseFactory, MembershipFactory, PositionFactory, UserFactory

    clause = ClauseFactory(number=31, title="Alter Titel")
    PositionFactory(clause=clause)
    member = MembershipFactory().user
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(member)
    assert '<abbr title="Alter Titel">' in client.get(reverse("clauses:matrix")).content.decode()
    client.force_login(admin_user)

    client.post(
        reverse("admin:clauses_clause_change", args=[clause.pk]),
        {"number": 31, "title": "Neuer Titel", "typical_wording": "", "explanation": ""},
    )
    client.force_login(member)

    assert '<abbr title="Neuer Titel">' in client.get(reverse("clauses:matrix")).content.decode()


def test_matrix_shows_admin_changes_to_organisations_strategies_and_positions_at_once(client):
    from tests.factories import MembershipFactory, PositionFactory, StrategyFactory, UserFactory

    position = PositionFactory(status="contains", strategy__organisation__name="Stadt Vorher")
    organisation = position.strategy.organisation
    dropped = StrategyFactory(organisation__name="Gemeinde Entfällt")
    member = MembershipFactory().user
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(member)
    before = read(client.get(reverse("clauses:matrix")))
    client.force_login(admin_user)

    client.post(
        reverse("admin:participants_organisation_change", args=[organisation.pk]),
        {
            "name": "Stadt Nachher",
            "slug": organisation.slug,
            "kind": organisation.kind,
            "state": organisation.state,
            "place": organisation.place,
            "ags": organisation.ags or "",
            "website": "",
            "memberships-TOTAL_FORMS": 0,
            "memberships-INITIAL_FORMS": 0,
            "strategies-TOTAL_FORMS": 1,
            "strategies-INITIAL_FORMS": 1,
            "strategies-0-id": position.strategy_id,
            "strategies-0-organisation": organisation.pk,
            "strategies-0-title": position.strategy.title,
            "strategies-0-url": position.strategy.url,
        },
    )
    client.post(reverse("admin:participants_strategy_delete", args=[dropped.pk]), {"post": "yes"})
    client.post(reverse("admin:clauses_position_delete", args=[position.pk]), {"post": "yes"})
    client.cookies.pop("messages", None)  # the admin's confirmations, not the matrix
    client.force_login(member)
    after = read(client.get(reverse("clauses:matrix")))

    cell = f"§ {position.clause.number}: enthalten"
    assert f'aria-label="Stadt Vorher, {cell}"' in before
    assert "Gemeinde Entfällt" in before
    assert "Stadt Vorher" not in after
    assert "Gemeinde Entfällt" not in after
    assert "Stadt Nachher" in after
    assert f'aria-label="Stadt Nachher, {cell}"' not in after
