import pytest
from django.urls import reverse

from rounds.demo import load_demo_data

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
    assert "Runde 3" in content
    assert "Beteiligung aller relevanten Akteure" in content


def test_home_in_english_after_language_switch(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)

    assert '<html lang="en"' in response.content.decode()


def test_home_stays_german_for_english_browser(client):
    response = client.get(reverse("home"), headers={"accept-language": "en-US,en;q=0.9"})

    assert '<html lang="de"' in response.content.decode()
