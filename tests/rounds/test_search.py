"""Search: who finds what, filters, snippets, pagination and query counts, on SQLite and PostgreSQL."""

import pytest
from django.urls import reverse

from rounds.models import Comment
from tests.factories import (
    ClauseFactory,
    CommentFactory,
    MeetingNoteFactory,
    OrganisationFactory,
    PositionFactory,
    StrategyFactory,
    round_with_roles,
)

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "invited", "outsider", "organiser", "admin"]


def _search(client, roles, role, **params):
    user = roles.user(role)
    if user is not None:
        client.force_login(user)
    response = client.get(reverse("search"), params)
    assert response.status_code == 200
    return response


def _titles_and_snippets(response) -> list[tuple[str, str]]:
    results = response.context["results"]
    return [(hit.kind, hit.snippet) for hit in results.hits] if results else []


@pytest.fixture
def world():
    """One round with the five roles, every kind of row that says "Radverkehr", and the report unpublished."""
    roles = round_with_roles()
    item = roles.item
    body = "Der Radverkehr {} wird ausgebaut."
    roles.quotable = CommentFactory(
        agenda_item=item, author=roles.invited, organisation=roles.invited_org, body=body.format("zitierfähig")
    )
    roles.internal = CommentFactory(
        agenda_item=item,
        author=roles.invited,
        organisation=roles.invited_org,
        body=body.format("intern"),
        confidentiality=Comment.Confidentiality.INTERNAL,
    )
    CommentFactory(agenda_item=item, body=body.format("ausgeblendet"), moderation=Comment.Moderation.HIDDEN)
    CommentFactory(agenda_item=item, body=body.format("gelöscht"), deleted_at=roles.round.starts_at)
    roles.note = MeetingNoteFactory(round=roles.round, agenda_item=item, body=body.format("notiert"))
    strategy = StrategyFactory(organisation=roles.invited_org, title="Radverkehr und Smart City in Jena")
    roles.position = PositionFactory(strategy=strategy, clause=roles.clause, quote=body.format("zitiert"))
    roles.strategy = strategy
    roles.organisation = OrganisationFactory(name="Radverkehr Netzwerk e. V.", kind="network")
    roles.library_clause = ClauseFactory(number=9, title="Radverkehr im Stadtumbau", typical_wording="")
    return roles


def _found(response) -> set[str]:
    """What the results name: kinds, plus the comments' and notes' distinguishing word."""
    found = set()
    for hit in response.context["results"].hits:
        text = str(hit.snippet)
        word = next(
            (w for w in ["zitierfähig", "intern", "ausgeblendet", "gelöscht", "notiert", "zitiert"] if w in text), ""
        )
        found.add(f"{hit.kind}:{word}" if word else hit.kind)
    return found


EXPECTED = {
    "anonymous": {"clause"},
    "outsider": {"clause", "position:zitiert", "strategy", "organisation"},
    "invited": {"clause", "comment:zitierfähig", "comment:intern", "position:zitiert", "strategy", "organisation"},
    "organiser": {
        "clause",
        "comment:zitierfähig",
        "comment:intern",
        "note:notiert",
        "position:zitiert",
        "strategy",
        "organisation",
    },  # fmt: skip
    "admin": {
        "clause",
        "comment:zitierfähig",
        "comment:intern",
        "note:notiert",
        "position:zitiert",
        "strategy",
        "organisation",
    },  # fmt: skip
}


@pytest.mark.parametrize("role", ROLES)
def test_search_finds_what_the_role_may_see(client, world, role):
    response = _search(client, world, role, q="Radverkehr")

    assert _found(response) == EXPECTED[role]
