"""Open data: the confirmed positions of the organisations that took part in a public series, as JSON and CSV,
under the licence the series states; linked from the matrix."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clauses.models import Position
from rounds.models import Invitation, Round, Series
from rounds.selectors.open_data import series_organisations
from tests.factories import (
    InvitationFactory,
    OrganisationFactory,
    PositionFactory,
    RoundFactory,
    StrategyFactory,
    SuggestionFactory,
    round_with_roles,
)
from tests.rounds.organiser_world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    roles = round_with_roles()
    Series.objects.filter(pk=roles.series.pk).update(
        report_visibility=Series.ReportVisibility.PUBLIC, licence=Series.Licence.CC0_1_0
    )
    Invitation.objects.filter(pk=roles.invitation.pk).update(rsvp=Invitation.Rsvp.ACCEPTED)
    roles.invited_org.ags = "16053000"
    roles.invited_org.save()
    strategy = StrategyFactory(
        organisation=roles.invited_org, title="Smart City Jena 2030", url="https://www.jena.de/smart-city.pdf"
    )
    PositionFactory(
        strategy=strategy,
        clause=roles.clause,
        status=Position.Status.PARTLY,
        quote="Alle relevanten Akteure wurden beteiligt.",
        page=12,
    )
    SuggestionFactory(strategy=strategy)  # open: not part of the open data
    # An organisation that was never part of the series: its position stays out.
    PositionFactory(strategy=StrategyFactory(organisation=roles.outsider_org), clause=roles.clause)
    return roles


EXPECTED_ROW = {
    "series": None,  # filled in by the test
    "organisation": "Stadt Jena",
    "ags": "16053000",
    "clause": "§ 4",
    "clause_title": "Beteiligung aller relevanten Akteure",
    "status": "partly",
    "status_label": "teilweise",
    "quote": "Alle relevanten Akteure wurden beteiligt.",
    "page": 12,
    "strategy": "Smart City Jena 2030",
    "strategy_link": "https://www.jena.de/smart-city.pdf",
    "licence": "CC0 1.0",
    "licence_url": "https://creativecommons.org/publicdomain/zero/1.0/deed.de",
}


def test_json_export_holds_the_positions_of_participating_organisations_with_the_licence(client, world):
    response = client.get(reverse("rounds:open_data_json", args=[world.series.slug]))

    rows = json.loads(b"".join(response.streaming_content))
    assert response.status_code == 200
    assert rows == [{**EXPECTED_ROW, "series": world.series.title}]
    assert response["Link"] == '<https://creativecommons.org/publicdomain/zero/1.0/deed.de>; rel="license"'


def test_csv_export_names_the_licence_in_every_row(client, world):
    response = client.get(reverse("rounds:open_data_csv", args=[world.series.slug]))

    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0].split(";") == list(EXPECTED_ROW)
    assert len(lines) == 2
    assert lines[1].endswith(";CC0 1.0;https://creativecommons.org/publicdomain/zero/1.0/deed.de")
    assert "Stadt Anderswo" not in "\n".join(lines)


def test_series_that_is_not_public_has_no_open_data(client, world):
    Series.objects.filter(pk=world.series.pk).update(report_visibility=Series.ReportVisibility.PARTICIPANTS)

    response = client.get(reverse("rounds:open_data_json", args=[world.series.slug]))
    page = client.get(reverse("rounds:open_data")).content.decode()

    assert response.status_code == 404
    assert world.series.title not in page


def test_taking_part_means_accepted_or_attended_in_a_round_that_was_not_cancelled(world):
    cancelled = RoundFactory(series=world.series, number=999, status=Round.Status.CANCELLED)
    InvitationFactory(round=cancelled, organisation=OrganisationFactory(name="Abgesagt"), rsvp="accepted")
    InvitationFactory(round=world.round, organisation=OrganisationFactory(name="Offen"))
    declined = InvitationFactory(round=world.round, organisation=OrganisationFactory(name="Dabei gewesen"))
    Invitation.objects.filter(pk=declined.pk).update(attended_at="2021-06-01T10:00:00Z")

    names = sorted(series_organisations(series=world.series).values_list("name", flat=True))

    assert names == ["Dabei gewesen", "Stadt Jena"]


def test_open_data_page_states_the_licence_and_the_matrix_links_to_it(client, world):
    page = client.get(reverse("rounds:open_data")).content.decode()
    client.force_login(world.invited)
    matrix = client.get(reverse("clauses:matrix")).content.decode()

    assert 'rel="license">CC0 1.0</a>' in page
    assert reverse("rounds:open_data_json", args=[world.series.slug]) in page
    assert f'href="{reverse("rounds:open_data")}"' in matrix


def test_new_series_default_to_cc_by(world):
    assert Series().licence == Series.Licence.CC_BY_4_0 == "CC-BY-4.0"


def test_organiser_states_the_licence_in_the_series_form(client):
    world = build_world()
    client.force_login(world.organiser)
    data = {
        "title": "Offene Strategien",
        "cadence_months": "3",
        "default_start_time": "10:00",
        "default_duration_minutes": "90",
        "report_visibility": "public",
        "licence": "dl-de/by-2-0",
    }

    client.post(reverse("orga:series_create"), data)

    series = Series.objects.get(title="Offene Strategien")
    assert (series.licence, series.licence_url) == ("dl-de/by-2-0", "https://www.govdata.de/dl-de/by-2-0")


@pytest.mark.parametrize("name", ["rounds:open_data_json", "rounds:open_data"])
def test_open_data_queries_same_for_1_and_30_organisations(client, world, name):
    counts = []
    for total in (1, 30):
        while series_organisations(series=world.series).count() < total:
            organisation = OrganisationFactory()
            InvitationFactory(round=world.round, organisation=organisation, rsvp=Invitation.Rsvp.ACCEPTED)
            PositionFactory(strategy=StrategyFactory(organisation=organisation), clause=world.clause)
        kwargs = {"slug": world.series.slug} if name.endswith("json") else {}
        with CaptureQueriesContext(connection) as context:
            response = client.get(reverse(name, kwargs=kwargs))
            body = b"".join(response.streaming_content) if response.streaming else response.content
        counts.append(len(context.captured_queries))
        assert body

    assert counts[0] == counts[1]
