"""No input ends in a 500: every URL pattern with a path converter, with bad values put in one converter at a
time, as anonymous, representative and organiser, with GET and POST (empty and with garbage fields)."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from rounds.selectors.calendar_feed import feed_token
from rounds.services.rsvp import ANSWERS, rsvp_token
from tests.factories import (
    AccountInvitationFactory,
    CommentFactory,
    FollowUpReportFactory,
    MeetingNoteFactory,
    MeetingNoteRevisionFactory,
    MembershipFactory,
    StrategyFactory,
    round_with_roles,
)

CONVERTER = re.compile(r"<(?:(?P<kind>[^>:]+):)?(?P<name>[^>]+)>")
BAD_VALUES = ["9223372036854775808", "0", "-1", "abc", "x" * 300]  # huge, zero, negative, non-numeric, long
HUGE = "99999999999999999999"
ID_FIELDS = [
    "agenda_item", "note", "parent", "present", "organisations", "people", "user", "clause", "carried_from",
    "organisation", "carry_over", "version", "number", "page", "status", "kind", "role", "answer", "direction",
    "confidentiality", "update_cycle_months", "comment_days_before", "comment_days_after", "cadence_weekday",
    "cadence_week", "cadence_months", "vorschlag-questions", "vorschlag-clauses",
]  # fmt: skip
TEXT_FIELDS = [
    "title", "body", "reason", "venue", "full_name", "email", "description", "quote", "q", "name", "place",
    "ags", "website", "url", "online_link", "default_online_link", "typical_wording", "explanation",
    "co_organisers", "confirm_email", "password1", "password2", "state", "slug",
]  # fmt: skip
GARBAGE = dict.fromkeys(ID_FIELDS, HUGE) | {"body": "\x00" + "x" * 10_000, "reminder_days": "Infinity"}
REQUESTS = [("get", None), ("post", {}), ("post", GARBAGE)]  # the admin's pages without the empty POST
BOUNDARY_SETS = {
    "huge ids": dict.fromkeys(ID_FIELDS, HUGE),
    "non-numeric ids": dict.fromkeys(ID_FIELDS, "abc"),
    "daylight-saving gap": {"date": "2027-03-28", "start_time": "02:30", "end_time": "03:15", "version": "0"},
    "ambiguous autumn hour": {"date": "2027-10-31", "start_time": "02:30", "end_time": "02:45", "version": "0"},
    "year 9999": {"date": "9999-12-31", "start_time": "23:00", "end_time": "23:30", "adopted_on": "9999-12-31"},
    "10,000 characters": dict.fromkeys(TEXT_FIELDS, "x" * 10000) | {"version": "0"},
    "NUL bytes": dict.fromkeys(TEXT_FIELDS + ID_FIELDS, "a\x00b"),
    "reminder days": {"reminder_days": "Infinity", "title": "Reihe"},
}


def patterns_with_converters() -> list[str]:
    """The route of every path() pattern that has a converter; regex patterns of third-party apps are left
    to their own tests."""
    found = []

    def walk(patterns, prefix, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if not isinstance(pattern.pattern, RoutePattern) and str(pattern.pattern):
                    continue
                walk(pattern.url_patterns, prefix + str(pattern.pattern), namespace)
            elif isinstance(pattern, URLPattern) and isinstance(pattern.pattern, RoutePattern):
                route = prefix + str(pattern.pattern)
                if CONVERTER.search(route):
                    found.append(route)

    walk(get_resolver().url_patterns, "", "")
    return sorted(set(found))


def route_value(world, route: str, name: str) -> str:
    """A value that resolves to a real row for a converter, by its name and the start of the route."""
    values = world.values
    if name == "pk":
        for prefix, key in [
            ("beitraege/", "comment"),
            ("nachberichte/", "report"),
            ("strategie/", "strategy"),
        ]:
            if route.startswith(prefix):
                return values[key]
        return values["round"]
    if name == "slug":
        return values["organisation"] if "organisationen/" in route else values["series"]
    if name == "token":
        return values["account_token"] if route.startswith("einladung/") else values["feed_token"]
    return values.get(name, "1")


def fill(world, route: str, bad_name: str | None = None, bad: str = "") -> str:
    def value(match):
        name = match.group("name")
        return bad if name == bad_name else route_value(world, route, name)

    return "/" + CONVERTER.sub(value, route)


def urls_to_probe(world, *, admin: bool | None):
    """Bad URLs of the admin's patterns (``admin`` True), of the others (False) or of all (None)."""
    for route in patterns_with_converters():
        if admin is not None and route.startswith("admin/") != admin:
            continue
        for match in CONVERTER.finditer(route):
            for bad in BAD_VALUES:
                yield fill(world, route, match.group("name"), bad)


@pytest.fixture
def world(db):
    roles = round_with_roles()
    comment = CommentFactory(agenda_item=roles.item, author=roles.invited, organisation=roles.invited_org)
    note = MeetingNoteFactory(round=roles.round)
    revision = MeetingNoteRevisionFactory(note=note, version=note.version)
    report = FollowUpReportFactory(round=roles.round)
    strategy = StrategyFactory(organisation=roles.invited_org)
    account_invitation = AccountInvitationFactory()
    organiser_org = MembershipFactory(user=roles.organiser).organisation
    roles.values = {
        "round": str(roles.round.pk),
        "round_pk": str(roles.round.pk),
        "number": str(roles.clause.number),
        "item_pk": str(roles.item.pk),
        "invitation_pk": str(roles.invitation.pk),
        "note_pk": str(note.pk),
        "revision_pk": str(revision.pk),
        "report_pk": str(report.pk),
        "report": str(report.pk),
        "comment": str(comment.pk),
        "strategy": str(strategy.pk),
        "strategy_pk": str(strategy.pk),
        "membership_pk": str(organiser_org.memberships.first().pk),
        "series": roles.series.slug,
        "organisation": roles.invited_org.slug,
        "slot": "allgemein",
        "feed_token": feed_token(series=roles.series, user=roles.organiser),
        "account_token": account_invitation.token,
        "signed": rsvp_token(invitation=roles.invitation, answer=sorted(ANSWERS)[0]),
    }
    return roles


@pytest.mark.parametrize("role", ["anonymous", "invited", "organiser", "admin"])
def test_bad_path_values_never_answer_500(world, role):
    """The admin's pages send everyone else to the sign-in, so they are probed as anonymous and as admin."""
    client = Client(raise_request_exception=False)
    user = world.user(role)
    if user is not None:
        client.force_login(user)
    admin = {"anonymous": None, "admin": True}.get(role, False)
    failures = []
    for url in urls_to_probe(world, admin=admin):
        requests = [("get", None), ("post", GARBAGE)] if url.startswith("/admin/") else REQUESTS
        for method, data in requests:
            response = getattr(client, method)(url, data) if data is not None else client.get(url)
            if response.status_code >= 500:
                failures.append(f"{method.upper()} {url} {'garbage' if data else ''} -> {response.status_code}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("role", ["invited", "organiser"])
def test_forms_with_boundary_values_never_answer_500(world, role):
    """Every page with a path converter, at real rows, gets each set of boundary values posted; then every page
    is read again, so that stored values that pass the forms cannot break a page either."""
    client = Client(raise_request_exception=False)
    client.force_login(world.user(role))
    urls = [fill(world, route) for route in patterns_with_converters() if not route.startswith("admin/")]
    failures = []
    for url in urls:
        for label, data in BOUNDARY_SETS.items():
            response = client.post(url, data)
            if response.status_code >= 500:
                failures.append(f"POST {url} {label} -> {response.status_code}")
    for url in urls:
        response = client.get(url)
        if response.status_code >= 500:
            failures.append(f"GET {url} afterwards -> {response.status_code}")
    assert not failures, "\n".join(failures)
