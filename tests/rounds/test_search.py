"""Search: who finds what, filters, stemming, snippets, pagination and query counts (SQLite and PostgreSQL)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clauses.models import Clause
from rounds.models import Comment, FollowUpReport, Round, Series
from rounds.selectors import search as selectors
from tests.conftest import require
from tests.factories import (
    AgendaItemFactory,
    ClauseFactory,
    CommentFactory,
    FollowUpReportFactory,
    InvitationFactory,
    MeetingNoteFactory,
    OrganisationFactory,
    PositionFactory,
    RoundFactory,
    SeriesFactory,
    StrategyFactory,
    StrategyPageFactory,
    UserFactory,
    round_with_roles,
)

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "invited", "outsider", "organiser", "admin"]
MARKERS = ["zitierfähig", "intern", "ausgeblendet", "gelöscht", "notiert", "zitiert", "anderswo"]
BODY = "Der Radverkehr {} wird ausgebaut."


def _get(client, user=None, **params):
    if user is not None:
        client.force_login(user)
    response = client.get(reverse("search"), params)
    assert response.status_code == 200
    return response


def _found(response) -> set[str]:
    """What the results are: their kinds, with the marker word of the text where there is one."""
    found = set()
    for hit in response.context["results"].hits:
        text = str(hit.snippet)
        marker = next((word for word in MARKERS if word in text), "")
        found.add(f"{hit.kind}:{marker}" if marker else hit.kind)
    return found


@pytest.fixture
def world():
    """One round with the five roles and every kind of row that says "Radverkehr"; its report unpublished."""
    roles = round_with_roles()
    item = roles.item
    for marker, extra in [
        ("zitierfähig", {}),
        ("intern", {"confidentiality": Comment.Confidentiality.INTERNAL}),
        ("ausgeblendet", {"moderation": Comment.Moderation.HIDDEN}),
        ("gelöscht", {"deleted_at": roles.round.starts_at}),
    ]:
        CommentFactory(
            agenda_item=item, author=roles.invited, organisation=roles.invited_org, body=BODY.format(marker), **extra
        )
    MeetingNoteFactory(round=roles.round, agenda_item=item, body=BODY.format("notiert"))
    roles.strategy = StrategyFactory(organisation=roles.invited_org, title="Radverkehr und Smart City in Jena")
    PositionFactory(strategy=roles.strategy, clause=roles.clause, quote=BODY.format("zitiert"))
    OrganisationFactory(name="Radverkehr Netzwerk e. V.", kind="network", state="")
    ClauseFactory(number=9, title="Radverkehr im Stadtumbau", typical_wording="")
    return roles


EVERYTHING = {"clause", "comment:zitierfähig", "comment:intern", "note:notiert", "position:zitiert", "strategy"} | {
    "organisation"
}
EXPECTED = {
    "anonymous": {"clause"},
    "outsider": {"clause", "position:zitiert", "strategy", "organisation"},
    "invited": EVERYTHING - {"note:notiert"},
    "organiser": EVERYTHING,
    "admin": EVERYTHING,
}


@pytest.mark.parametrize("role", ROLES)
def test_search_finds_what_the_role_may_see(client, world, role):
    response = _get(client, world.user(role), q="Radverkehr")

    assert _found(response) == EXPECTED[role]


@pytest.mark.parametrize(
    ("visibility", "expected"),
    [
        (Series.ReportVisibility.PUBLIC, {"anonymous": True, "outsider": True, "series_participant": True}),
        (Series.ReportVisibility.PARTICIPANTS, {"anonymous": False, "outsider": False, "series_participant": True}),
    ],
)
def test_search_after_the_report_shows_outsiders_the_comments_it_opens(client, world, visibility, expected):
    Series.objects.filter(pk=world.series.pk).update(report_visibility=visibility)
    FollowUpReportFactory(round=world.round, status=FollowUpReport.Status.PUBLISHED)
    participant = UserFactory()
    InvitationFactory(round=RoundFactory(series=world.series, status=Round.Status.INVITED), user=participant)
    readers = {"anonymous": None, "outsider": world.outsider, "series_participant": participant}

    for name, reader in readers.items():
        client.logout()
        comments = {found for found in _found(_get(client, reader, q="Radverkehr")) if found.startswith("comment")}

        assert comments == ({"comment:zitierfähig"} if expected[name] else set()), name


def test_search_shows_outsiders_the_public_attribution_only(client, world):
    Series.objects.filter(pk=world.series.pk).update(report_visibility=Series.ReportVisibility.PUBLIC)
    FollowUpReportFactory(round=world.round, status=FollowUpReport.Status.PUBLISHED)

    outsider_hit = _get(client, world.outsider, q="zitierfähig").context["results"].hits[0]
    invited_hit = _get(client, world.invited, q="zitierfähig").context["results"].hits[0]

    assert world.invited.full_name not in outsider_hit.context
    assert "Stadt Jena" in outsider_hit.context
    assert world.invited.full_name in invited_hit.context


def test_search_finds_beteiligt_for_beteiligung_on_postgresql_german(client, world):
    require(connection.vendor == "postgresql", "German stemming of PostgreSQL needs DATABASE_URL=postgres://…")
    CommentFactory(agenda_item=world.item, body="Für die Strategie haben wir alle Akteure beteiligt.")

    hits = _get(client, world.organiser, q="Beteiligung", kind="comment").context["results"].hits

    assert [str(hit.snippet) for hit in hits] == ["Für die Strategie haben wir alle Akteure <mark>beteiligt</mark>"]


def test_search_matches_inflected_forms_on_every_backend(client, world):
    CommentFactory(agenda_item=world.item, body="Die Akteure wurden beteiligt.")
    CommentFactory(agenda_item=world.item, body="Ganz anderes Thema.")

    hits = _get(client, world.organiser, q="Beteiligung Akteur", kind="comment").context["results"].hits

    assert [hit.kind for hit in hits] == ["comment"]
    assert "<mark>beteiligt</mark>" in hits[0].snippet


def test_search_needs_every_word(client, world):
    response = _get(client, world.organiser, q="Radverkehr Carsharing")

    assert response.context["results"].total == 0
    assert "Nichts gefunden" in response.content.decode()


def test_search_ranks_the_title_above_the_text_on_postgresql(client, world):
    require(connection.vendor == "postgresql", "ranking needs PostgreSQL")

    hits = _get(client, world.organiser, q="Stadtumbau Radverkehr").context["results"].hits

    assert [hit.title for hit in hits] == ["§ 9 Radverkehr im Stadtumbau"]


def test_search_snippet_escapes_the_text_and_marks_only_the_hits(client, world):
    CommentFactory(agenda_item=world.item, body='<script>alert("x")</script> Carsharing & <b>mehr</b>')

    snippet = str(_get(client, world.organiser, q="Carsharing").context["results"].hits[0].snippet)

    assert "<script>" not in snippet
    assert "<b>" not in snippet
    assert "<mark>Carsharing</mark>" in snippet
    assert snippet.replace("<mark>", "").replace("</mark>", "").count("<") == 0


@pytest.fixture
def elsewhere(world):
    """A second series, run by the same organiser, with a comment of a company from Bavaria on another clause."""
    series = SeriesFactory(organisers=[world.organiser])
    item = AgendaItemFactory(round=RoundFactory(series=series), clause=ClauseFactory(number=11, title="Daten"))
    company = OrganisationFactory(name="Beispiel GmbH", kind="company", state="BY")
    CommentFactory(agenda_item=item, organisation=company, body=BODY.format("anderswo"))
    return item


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"kind": "comment"}, {"comment:zitierfähig", "comment:intern", "comment:anderswo"}),
        ({"kind": "note"}, {"note:notiert"}),
        ({"series": "first"}, {"comment:zitierfähig", "comment:intern", "note:notiert"}),
        ({"round": "second"}, {"comment:anderswo"}),
        ({"clause": 4}, {"comment:zitierfähig", "comment:intern", "note:notiert", "position:zitiert"}),
        ({"organisation_kind": "company"}, {"comment:anderswo"}),
        ({"organisation_kind": "network"}, {"organisation"}),
        ({"state": "TH"}, {"comment:zitierfähig", "comment:intern", "position:zitiert", "strategy"}),
        ({"kind": "strategy", "state": "BY"}, set()),
    ],
)
def test_search_filters(client, world, elsewhere, filters, expected):
    values = {"first": world.series.pk, "second": elsewhere.round.pk}
    params = {name: values.get(value, value) for name, value in filters.items()}

    response = _get(client, world.organiser, q="Radverkehr", **params)

    assert _found(response) == expected


def test_search_series_filter_finds_the_clause_of_its_agenda_only(client, world, elsewhere):
    response = _get(client, world.organiser, q="Beteiligung", kind="clause", series=world.series.pk)

    assert [hit.title for hit in response.context["results"].hits] == ["§ 4 Beteiligung aller relevanten Akteure"]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"round": "999999"}, "round", "Bitte wählen Sie eine Runde aus der Liste."),
        ({"kind": "everything"}, "kind", "Bitte wählen Sie eine Art aus der Liste."),
        ({"state": "XX"}, "state", "Bitte wählen Sie ein Bundesland aus der Liste."),
        ({"q": "?! …"}, "q", "Bitte geben Sie mindestens ein Wort aus Buchstaben oder Ziffern ein."),
    ],
)
def test_search_refuses_bad_input_in_german_and_keeps_it(client, world, params, field, message):
    response = _get(client, world.organiser, **{"q": "Radverkehr", **params})

    assert response.context["results"] is None
    assert response.context["form"].errors[field] == [message]
    assert 'value="Radverkehr"' in response.content.decode() or field == "q"


def test_search_round_filter_offers_only_rounds_the_reader_may_see(client, world, elsewhere):
    response = _get(client, world.invited, q="Radverkehr", round=elsewhere.round.pk)

    assert response.context["form"].errors["round"] == ["Bitte wählen Sie eine Runde aus der Liste."]


def test_search_without_words_shows_the_form_only(client, world):
    response = _get(client, world.organiser)

    assert response.context["results"] is None
    assert response.context["form"].errors == {}


def test_search_pages_through_the_hits(client, world):
    CommentFactory.create_batch(selectors.PER_PAGE + 5, agenda_item=world.item, body="Carsharing im Quartier")

    first = _get(client, world.organiser, q="Carsharing").context["results"]
    second = _get(client, world.organiser, q="Carsharing", page=2).context["results"]
    beyond = _get(client, world.organiser, q="Carsharing", page=7).context["results"]

    assert (first.total, len(first.hits), first.num_pages) == (selectors.PER_PAGE + 5, selectors.PER_PAGE, 2)
    assert (second.number, len(second.hits)) == (2, 5)
    assert {hit.url for hit in first.hits}.isdisjoint({hit.url for hit in second.hits})
    assert beyond.number == 2
    assert _get(client, world.organiser, q="Carsharing", page="zwei").context["results"].number == 1


def _every_kind(world, n: int) -> None:
    for i in range(n):
        CommentFactory(agenda_item=world.item, body=f"Carsharing {i}")
        MeetingNoteFactory(round=world.round, body=f"Carsharing {i}")
        strategy = StrategyFactory(title=f"Carsharing {i}")
        StrategyPageFactory(strategy=strategy, number=1, text=f"Carsharing auf Seite eins {i}")
        PositionFactory(strategy=strategy, clause=world.clause, quote=f"Carsharing {i}")
        OrganisationFactory(name=f"Carsharing {i}")
        ClauseFactory(title=f"Carsharing {i}")


@pytest.mark.parametrize("n", [1, 4, 25])
@pytest.mark.parametrize("role", ["anonymous", "invited", "admin"])
def test_search_query_count_is_the_same_for_any_number_of_hits(client, world, n, role):
    _every_kind(world, n)
    if world.user(role) is not None:
        client.force_login(world.user(role))
    client.get(reverse("search"), {"q": "Carsharing"})

    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("search"), {"q": "Carsharing"})

    assert response.context["results"].total >= n
    assert len(captured) == {"anonymous": 3, "invited": 5, "admin": 5}[role]


def test_search_vector_follows_a_queryset_update(client, world):
    Comment.objects.filter(body=BODY.format("zitierfähig")).update(body="Carsharing statt Parkplätze")

    found = _found(_get(client, world.organiser, q="Carsharing"))
    gone = _found(_get(client, world.organiser, q="zitierfähig"))

    assert found == {"comment"}
    assert gone == set()


def test_search_vector_follows_the_admin_saving_a_clause(client, world):
    clause = ClauseFactory(number=12, title="Offene Daten", typical_wording="")
    client.force_login(world.admin)
    data = {"number": 12, "title": "Offene Daten", "typical_wording": "", "explanation": "", "keywords": "Datenraum"}

    response = client.post(reverse("admin:clauses_clause_change", args=[clause.pk]), data)

    assert response.status_code == 302
    assert Clause.objects.get(pk=clause.pk).keywords == "Datenraum"
    hits = _get(client, q="Datenraum").context["results"].hits
    assert [hit.title for hit in hits] == ["§ 12 Offene Daten"]


@pytest.mark.parametrize("url_name", ["home", "clauses:library"])
def test_search_box_is_in_the_header(client, url_name):
    content = client.get(reverse(url_name)).content.decode()

    assert f'<form class="site-search" action="{reverse("search")}" method="get" role="search">' in content
    assert '<label class="kern-sr-only" for="site-search">' in content
    assert 'id="site-search" name="q"' in content


@pytest.mark.parametrize(("role", "expected"), [("anonymous", 0), ("outsider", 1), ("invited", 1), ("admin", 1)])
def test_search_finds_the_text_of_a_strategy_document_with_its_page(client, world, role, expected):
    strategy = StrategyFactory(organisation=world.invited_org, title="Digitalstrategie 2030")
    StrategyPageFactory(strategy=strategy, number=1, text="Einleitung ohne Bezug.")
    StrategyPageFactory(strategy=strategy, number=7, text="Ein offenes Datenportal für alle Bürgerinnen.")

    response = _get(client, world.user(role), q="Datenportal")

    hits = [hit for hit in response.context["results"].hits if "Seite" in hit.title]
    assert len(hits) == expected
    if expected:
        assert hits[0].title == "Digitalstrategie 2030, Seite 7"
        assert hits[0].url.endswith(f"/strategie/{strategy.pk}/datei/#page=7")
        assert "<mark>Datenportal</mark>" in str(hits[0].snippet)


@pytest.mark.parametrize("n", [1, 4, 25])
def test_search_query_count_is_the_same_beyond_the_cap(client, world, settings, n):
    settings.SEARCH_CANDIDATES = 3
    _every_kind(world, n)
    client.force_login(world.admin)
    client.get(reverse("search"), {"q": "Carsharing"})

    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("search"), {"q": "Carsharing"})

    assert response.context["results"].capped == (n > 3)
    assert len(captured) == 5


def test_search_says_when_the_hits_exceed_the_cap(client, world, settings):
    settings.SEARCH_CANDIDATES = 5
    CommentFactory.create_batch(8, agenda_item=world.item, body="Carsharing im Quartier")
    MeetingNoteFactory(round=world.round, body="Carsharing im Protokoll")

    response = _get(client, world.organiser, q="Carsharing")

    results = response.context["results"]
    assert (results.total, len(results.hits), results.capped) == (6, 6, True)
    assert [(kind, count, capped) for kind, _, count, capped in results.counts] == [
        ("comment", 5, True),
        ("note", 1, False),
    ]
    content = response.content.decode()
    assert "mehr als 6 Treffer" in content
    assert "Kommentare: mehr als 5 · Protokollnotizen: 1" in content
    assert "je Art die ersten 5" in content


def test_search_below_the_cap_counts_exactly(client, world, settings):
    settings.SEARCH_CANDIDATES = 5
    CommentFactory.create_batch(5, agenda_item=world.item, body="Carsharing im Quartier")

    response = _get(client, world.organiser, q="Carsharing")

    assert (response.context["results"].total, response.context["results"].capped) == (5, False)
    assert "5 Treffer" in response.content.decode()
    assert "mehr als" not in response.content.decode()


def test_search_pages_through_the_capped_hits_without_repeating_one(client, world, settings):
    settings.SEARCH_CANDIDATES = selectors.PER_PAGE + 3
    CommentFactory.create_batch(selectors.PER_PAGE + 10, agenda_item=world.item, body="Carsharing im Quartier")

    first = _get(client, world.organiser, q="Carsharing", kind="comment").context["results"]
    second = _get(client, world.organiser, q="Carsharing", kind="comment").context["results"]
    last = _get(client, world.organiser, q="Carsharing", kind="comment", page=2).context["results"]
    beyond = _get(client, world.organiser, q="Carsharing", kind="comment", page=5).context["results"]

    assert [hit.url for hit in first.hits] == [hit.url for hit in second.hits]
    assert (first.num_pages, len(last.hits), beyond.number, len(beyond.hits)) == (2, 3, 2, 3)
    assert {hit.url for hit in first.hits}.isdisjoint({hit.url for hit in last.hits})


def test_search_finds_the_stem_and_the_longer_word_once_each_on_postgresql(client, world):
    require(connection.vendor == "postgresql", "German stemming of PostgreSQL needs DATABASE_URL=postgres://…")
    comments = [
        CommentFactory(agenda_item=world.item, body="Die Beteiligung der Akteure."),
        CommentFactory(agenda_item=world.item, body="Alle Akteure wurden beteiligt."),
        CommentFactory(agenda_item=world.item, body="Beteiligung heißt: alle sind beteiligt."),
    ]

    hits = _get(client, world.organiser, q="Beteiligung", kind="comment").context["results"].hits

    assert sorted(hit.url.rsplit("-", 1)[1] for hit in hits) == sorted(str(comment.pk) for comment in comments)


def test_search_indexes_keep_a_short_pending_list_on_postgresql():
    require(connection.vendor == "postgresql", "GIN indexes need PostgreSQL")
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, reloptions FROM pg_class WHERE relname LIKE %s AND relkind = 'i'", ["%_search"])
        options = dict(cursor.fetchall())

    assert options["comment_search"] == ["gin_pending_list_limit=64"]
    assert len(options) == 7
    assert set(map(tuple, options.values())) == {("gin_pending_list_limit=64",)}
