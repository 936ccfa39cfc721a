"""Navigation that fits the person: the nav shows only pages the reader may open (each answers 200), people
land on their own start page after signing in, and draft rounds are their organisers' alone."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rounds.models import Round
from tests.factories import (
    PASSWORD,
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    RoundFactory,
    round_with_roles,
)

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "invited", "outsider", "organiser", "admin"]


@pytest.fixture
def roles():
    return round_with_roles()


def _reader(roles, role):
    return None if role == "anonymous" else getattr(roles, role)


def _nav_links(html: str) -> list[str]:
    nav = html.split('<nav class="site-nav"')[1].split("</nav>")[0]
    return re.findall(r'<a href="([^"]+)"', nav)


def _pages(roles) -> dict[str, str]:
    """Pages with the navigation: an ordinary one, and shared cached ones (their nav comes from their head)."""
    return {
        "home": reverse("home"),
        "library": reverse("clauses:library"),
        "round": reverse("rounds:round_detail", kwargs={"pk": roles.round.pk}),
        "discussion": reverse("rounds:discussion", kwargs={"round_pk": roles.round.pk, "number": 4}),
        "matrix": reverse("clauses:matrix"),
    }


EXPECTED = {
    "anonymous": ["home", "clauses:library", "account_login"],
    "invited": ["home", "clauses:library", "rounds:my_rounds", "clauses:matrix", "participants:strategy", "participants:profile"],
    "outsider": ["home", "clauses:library", "rounds:my_rounds", "clauses:matrix", "participants:strategy", "participants:profile"],
    # The organiser and the admin represent no organisation: "Unsere Strategie" would answer 403.
    "organiser": ["home", "clauses:library", "rounds:my_rounds", "clauses:matrix", "participants:profile", "orga:dashboard"],
    "admin": ["home", "clauses:library", "rounds:my_rounds", "clauses:matrix", "participants:profile", "orga:dashboard", "admin:index"],
}  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
def test_nav_shows_exactly_the_pages_the_reader_may_open_and_each_answers_200(client, roles, role):
    reader = _reader(roles, role)
    if reader is not None:
        client.force_login(reader)

    links = _nav_links(client.get(reverse("home")).content.decode())
    answers = {url: client.get(url).status_code for url in links}

    assert links == [reverse(name) for name in EXPECTED[role]]
    assert answers == dict.fromkeys(links, 200)


@pytest.mark.parametrize("role", ["invited", "organiser", "admin"])
@pytest.mark.parametrize("page", ["round", "discussion", "matrix", "library"])
def test_shared_pages_show_the_same_nav_as_every_other_page(client, roles, role, page):
    client.force_login(_reader(roles, role))
    expected = _nav_links(client.get(reverse("home")).content.decode())
    url = _pages(roles)[page]

    first = _nav_links(client.get(url).content.decode())
    cached = _nav_links(client.get(url).content.decode())

    assert (first, cached) == (expected, expected)


def test_an_organiser_who_represents_an_organisation_sees_our_strategy(client, roles):
    MembershipFactory(user=roles.organiser, organisation=OrganisationFactory(name="Stadt Münster"))
    client.force_login(roles.organiser)

    links = _nav_links(client.get(reverse("home")).content.decode())

    assert reverse("participants:strategy") in links
    assert client.get(reverse("participants:strategy")).status_code == 200


def test_nav_asks_one_query_for_organiser_and_organisation_together(client, roles):
    client.force_login(roles.organiser)
    client.get(reverse("clauses:library"))

    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("clauses:library"))
    about_the_reader = [q["sql"] for q in queries if "participants_membership" in q["sql"]]

    assert len(about_the_reader) == 1


# Signing in ------------------------------------------------------------------------------------------


def _sign_in(client, user, next_url: str | None = None):
    url = reverse("account_login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"login": user.email, "password": PASSWORD})


@pytest.mark.parametrize(
    ("role", "landing"),
    [("invited", "rounds:my_rounds"), ("outsider", "rounds:my_rounds"), ("organiser", "orga:dashboard"), ("admin", "orga:dashboard")],
)  # fmt: skip
def test_sign_in_lands_on_the_persons_start_page(client, roles, role, landing):
    response = _sign_in(client, _reader(roles, role))

    assert (response.status_code, response["Location"]) == (302, reverse(landing))
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize("role", ["invited", "organiser"])
def test_sign_in_follows_next_first(client, roles, role):
    target = reverse("rounds:round_detail", kwargs={"pk": roles.round.pk})

    response = _sign_in(client, _reader(roles, role), next_url=target)

    assert response["Location"] == target


# Draft rounds ----------------------------------------------------------------------------------------


@pytest.fixture
def draft(roles):
    """Round 3 of the series, a draft with its first invitation not yet sent."""
    draft = RoundFactory(series=roles.series, number=3, status=Round.Status.DRAFT, title="Entwurf Drei")
    InvitationFactory(round=draft, user=roles.invited, organisation=roles.invited_org)
    return draft


@pytest.mark.parametrize(("role", "sees"), [("anonymous", False), ("invited", False), ("outsider", False), ("organiser", True), ("admin", True)])  # fmt: skip
def test_home_shows_a_draft_round_to_its_organisers_only(client, roles, draft, role, sees):
    reader = _reader(roles, role)
    if reader is not None:
        client.force_login(reader)

    content = client.get(reverse("home")).content.decode()

    assert ("Entwurf Drei" in content) == sees


@pytest.mark.parametrize("role", ["invited", "outsider"])
def test_representatives_never_open_a_draft_round(client, roles, draft, role):
    client.force_login(_reader(roles, role))

    round_page = client.get(reverse("rounds:round_detail", kwargs={"pk": draft.pk}))
    my_rounds = client.get(reverse("rounds:my_rounds")).content.decode()
    series_page = client.get(reverse("orga:series_detail", kwargs={"slug": roles.series.slug}))

    assert round_page.status_code == 404
    assert "Entwurf Drei" not in my_rounds
    assert series_page.status_code in (403, 404)
    assert "Entwurf Drei" not in series_page.content.decode()


def test_anonymous_visitor_is_sent_to_sign_in_for_a_draft_round(client, draft):
    response = client.get(reverse("rounds:round_detail", kwargs={"pk": draft.pk}))

    assert (response.status_code, response["Location"].startswith(reverse("account_login"))) == (302, True)


def test_organiser_opens_a_draft_round_of_the_series(client, roles, draft):
    client.force_login(roles.organiser)

    response = client.get(reverse("orga:round_detail", kwargs={"pk": draft.pk}))

    assert "Entwurf Drei" in response.content.decode()
