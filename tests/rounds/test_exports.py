"""The participants download of a series: CSV safe to open in a spreadsheet, JSON with the exact names."""

import csv
import io

import pytest
from django.urls import reverse

from tests.factories import InvitationFactory, SeriesFactory, UserFactory

pytestmark = pytest.mark.django_db

DANGEROUS = ['=HYPERLINK("http://evil")', "+1", "-2", "@x", "\tx", "\rx"]


@pytest.fixture
def series_with_dangerous_names():
    organiser = UserFactory()
    series = SeriesFactory(organisers=[organiser])
    for number, text in enumerate(DANGEROUS):
        InvitationFactory(
            round__series=series,
            round__number=number + 1,
            user__full_name=text,
            user__email=f"teilnahme{number}@example.org",
            organisation__name=text,
        )
    return organiser, series


def test_participants_csv_neutralises_formula_names(client, series_with_dangerous_names):
    organiser, series = series_with_dangerous_names
    client.force_login(organiser)

    response = client.get(reverse("participants_export", args=[series.slug]))

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert rows[0] == ["Runde", "Organisation", "Name", "E-Mail", "Rückmeldung", "teilgenommen"]
    assert sorted((row[1], row[2]) for row in rows[1:]) == sorted(("'" + text, "'" + text) for text in DANGEROUS)


def test_participants_json_carries_the_exact_names(client, series_with_dangerous_names):
    organiser, series = series_with_dangerous_names
    client.force_login(organiser)

    response = client.get(reverse("participants_export_json", args=[series.slug]))

    data = response.json()
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="teilnehmende-{series.slug}.json"'
    assert sorted((row["Organisation"], row["Name"]) for row in data) == sorted((text, text) for text in DANGEROUS)
    assert sorted(data, key=lambda row: row["Runde"])[0] == {
        "Runde": 1,
        "Organisation": DANGEROUS[0],
        "Name": DANGEROUS[0],
        "E-Mail": "teilnahme0@example.org",
        "Rückmeldung": "offen",
        "teilgenommen": "nein",
    }


def test_participants_json_only_for_organisers_of_the_series(client, series_with_dangerous_names):
    _organiser, series = series_with_dangerous_names
    client.force_login(UserFactory())

    response = client.get(reverse("participants_export_json", args=[series.slug]))

    assert response.status_code == 404


def test_series_page_links_csv_and_json(client, series_with_dangerous_names):
    organiser, series = series_with_dangerous_names
    client.force_login(organiser)

    page = client.get(reverse("orga:series_detail", args=[series.slug])).content.decode()

    assert reverse("participants_export", args=[series.slug]) in page
    assert reverse("participants_export_json", args=[series.slug]) in page
