"""Positions of our strategy: who may record them, what is saved, what happens without a strategy."""

import pytest
from django.urls import reverse

from clauses.models import Position
from clauses.services import position_save
from strategy_exchange.errors import DomainError
from tests.factories import (
    ClauseFactory,
    MembershipFactory,
    OrganisationFactory,
    PositionFactory,
    StrategyFactory,
    UserFactory,
    round_with_roles,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def roles():
    roles = round_with_roles()
    roles.strategy = StrategyFactory(organisation=roles.invited_org)
    return roles


def _edit_url(number=4, organisation=None):
    url = reverse("clauses:position_edit", kwargs={"number": number})
    return f"{url}?organisation={organisation.slug}" if organisation else url


def test_position_edit_saves_status_quote_page(client, roles):
    client.force_login(roles.invited)

    response = client.post(_edit_url(), {"status": "partly", "quote": "Beteiligung der Wirtschaft", "page": "17"})

    position = Position.objects.get(strategy=roles.strategy, clause=roles.clause)
    assert response.url == reverse("clauses:our_positions")
    assert (position.status, position.quote, position.page, position.updated_by) == (
        "partly", "Beteiligung der Wirtschaft", 17, roles.invited
    )  # fmt: skip


def test_position_edit_updates_existing(client, roles):
    PositionFactory(strategy=roles.strategy, clause=roles.clause, status="absent")
    client.force_login(roles.invited)

    client.post(_edit_url(), {"status": "contains", "quote": "", "page": ""})

    assert list(Position.objects.values_list("status", flat=True)) == ["contains"]


def test_position_edit_form_prefilled(client, roles):
    PositionFactory(strategy=roles.strategy, clause=roles.clause, status="partly", quote="Vorhanden")
    client.force_login(roles.invited)

    response = client.get(_edit_url())

    assert response.context["form"].initial == {"status": "partly", "quote": "Vorhanden", "page": None}


def test_position_edit_bad_input_german_errors_and_text_kept(client, roles):
    client.force_login(roles.invited)

    response = client.post(_edit_url(), {"status": "", "quote": "Mein Zitat", "page": "null"})

    content = response.content.decode()
    assert "Bitte wählen Sie, ob die Strategie die Klausel enthält." in content
    assert "Bitte geben Sie die Seitenzahl als Zahl an." in content
    assert "Mein Zitat</textarea>" in content
    assert not Position.objects.exists()


@pytest.mark.parametrize(("role", "expected"), [("organiser", 403), ("admin", 403), ("anonymous", 302)])
def test_position_edit_without_organisation_refused(client, roles, role, expected):
    user = roles.user(role)
    if user:
        client.force_login(user)

    response = client.post(_edit_url(), {"status": "contains"})

    assert response.status_code == expected
    assert not Position.objects.exists()


def test_position_edit_outsider_writes_only_own_strategy(client, roles):
    own = StrategyFactory(organisation=roles.outsider_org)
    client.force_login(roles.outsider)

    client.post(_edit_url(), {"status": "contains"})
    foreign = client.post(_edit_url(organisation=roles.invited_org), {"status": "absent"})

    assert foreign.status_code == 404
    assert list(Position.objects.values_list("strategy", "status")) == [(own.pk, "contains")]


def test_position_edit_without_strategy_redirects_to_strategy_page(client):
    user = UserFactory()
    MembershipFactory(user=user, organisation=OrganisationFactory())
    ClauseFactory(number=4)
    client.force_login(user)

    response = client.get(_edit_url(), follow=True)

    assert response.redirect_chain == [(reverse("participants:strategy"), 302)]
    assert "Bitte tragen Sie zuerst die Strategie Ihrer Organisation ein." in response.content.decode()


def test_position_edit_unknown_clause_404(client, roles):
    client.force_login(roles.invited)

    assert client.get(_edit_url(number=999)).status_code == 404


def test_our_positions_lists_every_clause_with_status(client, roles):
    ClauseFactory(number=5, title="Klausel fünf")
    PositionFactory(strategy=roles.strategy, clause=roles.clause, status="contains")
    client.force_login(roles.invited)

    response = client.get(reverse("clauses:our_positions"))

    assert [(c.number, p.status if p else None) for c, p in response.context["rows"]] == [(4, "contains"), (5, None)]


def test_position_save_by_non_member_refused(roles):
    with pytest.raises(DomainError):
        position_save(strategy=roles.strategy, clause=roles.clause, user=roles.outsider, status="contains")


def test_clause_create_duplicate_number_refused_with_field_error():
    from clauses.services import clause_create
    from strategy_exchange.errors import DomainError
    from tests.factories import ClauseFactory

    ClauseFactory(number=12)

    with pytest.raises(DomainError) as raised:
        clause_create(number=12, title="Doppelt")

    assert raised.value.field == "number"
    assert raised.value.message == "Es gibt bereits eine Klausel § 12. Bitte wählen Sie eine andere Nummer."


def test_clause_create_shows_new_column_in_cached_matrix(client):
    from clauses.services import clause_create
    from tests.factories import MembershipFactory

    member = MembershipFactory().user
    client.force_login(member)
    client.get(reverse("clauses:matrix"))

    clause_create(number=77, title="Neue Klausel")

    assert "§ 77" in client.get(reverse("clauses:matrix")).content.decode()
