"""Machinery of the authorization table: every URL pattern, every role, GET and POST.

The URL patterns come from the resolver, not from a hand-written list; the expected outcomes are the
explicit table in ``test_authorization_table.py``.
"""

import datetime
import re
from dataclasses import dataclass
from types import SimpleNamespace

from django.core import signing
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from clauses.models import Position
from participants.models import AccountInvitation, MembershipProposal, Strategy
from rounds.models import FollowUpReport, Round
from rounds.selectors.calendar_feed import feed_token
from rounds.services.rsvp import rsvp_token
from tests.factories import (
    ClauseFactory,
    CommentFactory,
    FollowUpReportFactory,
    MeetingNoteFactory,
    MeetingNoteRevisionFactory,
    SeriesFactory,
    SuggestionFactory,
    UserFactory,
    round_with_roles,
)

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"xref\n0 3\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n"
    b"trailer<</Size 3/Root 1 0 R>>\nstartxref\n98\n%%EOF\n"
)

ROLES = ("anonymous", "invited", "uninvited", "organiser", "other_organiser", "staff")
METHODS = ("GET", "POST")


@dataclass(frozen=True)
class Route:
    name: str | None  # namespaced name, e.g. "orga:round_detail"
    route: str  # the pattern as written, e.g. "orga/runden/<int:pk>/"
    kwargs: tuple[str, ...]


def _kwargs_of(pattern: URLPattern) -> tuple[str, ...]:
    converters = getattr(pattern.pattern, "converters", {})
    if converters:
        return tuple(converters)
    return tuple(pattern.pattern.regex.groupindex)


def all_routes() -> list[Route]:
    """Every URL pattern of the project, resolved recursively from the root URLconf."""
    found: list[Route] = []

    def walk(patterns, prefix: str, namespace: str | None, inherited: tuple[str, ...]):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = namespace
                if pattern.namespace:
                    ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                own = tuple(getattr(pattern.pattern, "converters", {})) or tuple(pattern.pattern.regex.groupindex)
                walk(pattern.url_patterns, prefix + str(pattern.pattern), ns, inherited + own)
            else:
                name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
                found.append(
                    Route(name=name, route=prefix + str(pattern.pattern), kwargs=inherited + _kwargs_of(pattern))
                )

    walk(get_resolver().url_patterns, "", None, ())
    return found


def build_world() -> SimpleNamespace:
    """One round with every kind of person and object a URL of the project can point at."""
    roles = round_with_roles()
    Round.objects.filter(pk=roles.round.pk).update(status=Round.Status.HELD)
    roles.round.refresh_from_db()
    other_organiser = UserFactory(full_name="Otmar Anderreihe")
    other_series = SeriesFactory(organisers=[other_organiser])
    comment = CommentFactory(agenda_item=roles.item, author=roles.invited, organisation=roles.invited_org)
    note = MeetingNoteFactory(round=roles.round, agenda_item=roles.item, author=roles.organiser)
    revision = MeetingNoteRevisionFactory(note=note, version=1, author=roles.organiser)
    report = FollowUpReportFactory(round=roles.round, version=1, status=FollowUpReport.Status.BUILT, html="<p>x</p>")
    strategy = Strategy.objects.create(
        organisation=roles.invited_org, title="Strategie Jena", url="https://www.example.org/strategie.pdf"
    )
    strategy.file.save("strategie.pdf", ContentFile(MINIMAL_PDF), save=True)
    report.pdf.save("nachbericht.pdf", ContentFile(MINIMAL_PDF), save=True)
    Position.objects.create(strategy=strategy, clause=roles.clause, status=Position.Status.CONTAINS, quote="Zitat")
    pending = UserFactory(password=None, email="neu@example.org")
    account_invitation = AccountInvitation.objects.create(
        user=pending, organisation=roles.invited_org, token="signup-token", invited_by=roles.organiser
    )
    # The representative of the uninvited organisation, proposed as a representative of the invited one.
    membership_proposal = MembershipProposal.objects.create(
        user=roles.outsider,
        organisation=roles.invited_org,
        token="proposal-token",
        proposed_by=roles.organiser,
        expires_at=roles.round.starts_at + datetime.timedelta(days=3650),
    )
    open_data_clause = ClauseFactory(number=9, title="Offene Daten")
    suggestion = SuggestionFactory(strategy=strategy, clause=open_data_clause)
    return SimpleNamespace(
        **roles.__dict__,
        uninvited=roles.outsider,
        staff=roles.admin,
        other_organiser=other_organiser,
        other_series=other_series,
        comment=comment,
        note=note,
        revision=revision,
        report=report,
        strategy=strategy,
        suggestion=suggestion,
        account_invitation=account_invitation,
        membership_proposal=membership_proposal,
        membership=roles.invited.memberships.get(),
    )


def kwargs_for(route: Route, world: SimpleNamespace) -> dict[str, object]:
    """Concrete values for a route's parameters, pointing at the objects of ``world``."""
    name = route.name or ""
    values: dict[str, object] = {}
    for kwarg in route.kwargs:
        if kwarg == "pk":
            if name.startswith("rounds:comment_"):
                values[kwarg] = world.comment.pk
            elif name == "participants:strategy_file":
                values[kwarg] = world.strategy.pk
            elif name == "clauses:suggestion_dismiss":
                values[kwarg] = world.suggestion.pk
            elif name in {"report_detail", "report_pdf"}:
                values[kwarg] = world.report.pk
            else:
                values[kwarg] = world.round.pk
        elif kwarg == "round_pk":
            values[kwarg] = world.round.pk
        elif kwarg == "number":
            values[kwarg] = world.clause.number
        elif kwarg == "slug":
            values[kwarg] = (
                world.invited_org.slug if "organisation" in name or "representative" in name else world.series.slug
            )
        elif kwarg == "token":
            if name == "orga:series_feed":
                values[kwarg] = feed_token(series=world.series, user=world.organiser)
            elif name == "participants:membership_proposal":
                values[kwarg] = world.membership_proposal.token
            else:
                values[kwarg] = world.account_invitation.token
        elif kwarg == "signed":
            values[kwarg] = rsvp_token(invitation=world.invitation, answer="accept")
        elif kwarg == "invitation_pk":
            values[kwarg] = world.invitation.pk
        elif kwarg == "item_pk":
            values[kwarg] = world.item.pk
        elif kwarg == "note_pk":
            values[kwarg] = world.note.pk
        elif kwarg == "revision_pk":
            values[kwarg] = world.revision.pk
        elif kwarg == "report_pk":
            values[kwarg] = world.report.pk
        elif kwarg == "version":
            values[kwarg] = world.report.version
        elif kwarg == "membership_pk":
            values[kwarg] = world.membership.pk
        elif kwarg == "strategy_pk":
            values[kwarg] = world.strategy.pk
        elif kwarg == "slot":
            values[kwarg] = "allg"
        elif kwarg == "key":
            values[kwarg] = signing.dumps("nothing")
        elif kwarg == "uidb36" or kwarg == "object_id":
            values[kwarg] = "1"
        elif kwarg in {"url", "path"}:
            values[kwarg] = "unbekannt/"
        else:
            raise KeyError(f"no value for parameter {kwarg!r} of {route.route}")
    return values


def url_for(route: Route, world: SimpleNamespace) -> str:
    kwargs = kwargs_for(route, world)
    if route.name:
        return reverse(route.name, kwargs=kwargs)
    path = route.route
    for key, value in kwargs.items():
        path = re.sub(rf"<(?:\w+:)?{key}>", str(value), path)
        path = re.sub(rf"\(\?P<{key}>[^)]*\)", str(value), path)
    return "/" + path.lstrip("^").rstrip("$")


LOGIN_PATHS = ("/konto/login/", "/admin/login/")


class _Rollback(Exception):
    pass


def outcome(client: Client, method: str, url: str) -> str:
    """What the person gets: ok, login, 403, 404, 405, 400, 410 … (a redirect to a login page is "login")."""
    holder: dict[str, str] = {}
    try:
        with transaction.atomic():
            response = client.generic(method, url, data=b"", content_type="application/x-www-form-urlencoded")
            holder["result"] = _classify(response)
            raise _Rollback
    except _Rollback:
        pass
    return holder["result"]


def _classify(response) -> str:
    if response.status_code in (301, 302, 303):
        location = response.headers.get("Location", "")
        if any(location.startswith(p) or f"{p}?" in location for p in LOGIN_PATHS):
            return "login"
        return "ok"
    if 200 <= response.status_code < 300:
        return "ok"
    return str(response.status_code)


def client_for(role: str, world: SimpleNamespace) -> Client:
    client = Client(raise_request_exception=True)
    if role != "anonymous":
        client.force_login(getattr(world, role))
    return client
