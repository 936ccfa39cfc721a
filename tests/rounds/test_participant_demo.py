"""The representatives' pages render with the demo data, as a demo user would click through them."""

import pytest
from django.urls import reverse

from demo.data import load_demo_data
from rounds.models import Round

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    load_demo_data()
    return Round.objects.get(number=2)


def test_demo_jena_sees_round_two_discussion_with_all_comments(client, demo):
    client.login(email="jena@example.org", password="austausch")

    response = client.get(reverse("rounds:discussion", kwargs={"round_pk": demo.pk, "number": 4}))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Bürgerwerkstätten" in content
    assert "Als kommunales Unternehmen" in content
    assert "Vertretung HafenCity" in content


@pytest.mark.parametrize(
    "name",
    ["rounds:my_rounds", "clauses:matrix", "clauses:library", "participants:strategy", "participants:profile"],
)
def test_demo_pages_render_for_representative(client, demo, name):
    client.login(email="bamberg@example.org", password="austausch")

    response = client.get(reverse(name))

    assert response.status_code == 200
    assert "Vertretung Bamberg" in response.content.decode()


def test_demo_round_page_lists_agenda_and_organisations(client, demo):
    client.login(email="muenster@example.org", password="austausch")

    response = client.get(reverse("rounds:round_detail", kwargs={"pk": demo.pk}))

    content = response.content.decode()
    assert "Beteiligung aller relevanten Akteure" in content
    assert "HafenCity Hamburg GmbH" in content


def test_demo_clause_history_shows_round_one_findings(client, demo):
    client.login(email="jena@example.org", password="austausch")

    response = client.get(reverse("rounds:clause_history", kwargs={"number": 1}))

    assert "Alle Strategien verweisen auf das ISEK" in response.content.decode()
