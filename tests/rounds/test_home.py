import pytest
from django.urls import reverse

from demo.data import load_demo_data

pytestmark = pytest.mark.django_db


def test_home_shows_demo_series_and_rounds_in_german(client):
    load_demo_data()

    response = client.get(reverse("home"))

    content = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="de"' in content
    assert "Klauseln der Smart-City-Strategien" in content
    assert content.count("Runde 1") == 1
    assert "Runde 2" in content
    assert "Runde 3" not in content  # a draft: its organisers' alone
    assert "Beteiligung aller relevanten Akteure" in content


def test_home_in_english_after_language_switch(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)

    assert '<html lang="en"' in response.content.decode()


def test_home_stays_german_for_english_browser(client):
    response = client.get(reverse("home"), headers={"accept-language": "en-US,en;q=0.9"})

    assert '<html lang="de"' in response.content.decode()


def test_home_links_rounds_for_invitees_and_organisers_only(client):
    load_demo_data()
    from rounds.models import Round

    round2 = Round.objects.get(number=2)

    anonymous = client.get(reverse("home")).content.decode()
    client.login(username="jena@example.org", password="austausch")
    invited = client.get(reverse("home")).content.decode()
    client.login(username="orga@example.org", password="austausch")
    organiser = client.get(reverse("home")).content.decode()

    assert f'href="/runden/{round2.pk}/"' not in anonymous
    assert f'href="/runden/{round2.pk}/"' in invited
    assert f'href="/runden/{Round.objects.get(number=3).pk}/"' not in invited
    assert f'href="/orga/runden/{round2.pk}/"' in organiser


@pytest.mark.parametrize("rounds", [1, 20])
def test_home_query_count_independent_of_rounds(client, django_assert_num_queries, rounds):
    from tests.factories import InvitationFactory, RoundFactory, SeriesFactory, UserFactory

    user = UserFactory()
    series = SeriesFactory(organisers=[user])
    for number in range(1, rounds + 1):
        InvitationFactory(round=RoundFactory(series=series, number=number), user=user)
    client.force_login(user)

    with django_assert_num_queries(7):
        client.get(reverse("home"))
