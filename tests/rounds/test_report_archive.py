"""The public archive of follow-up reports (/nachberichte/) and its Atom feed."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rounds.models import FollowUpReport, Invitation, Round, Series
from tests.factories import (
    AgendaItemFactory,
    ClauseFactory,
    FollowUpReportFactory,
    InvitationFactory,
    OrganisationFactory,
    RoundFactory,
    SeriesFactory,
)

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
PUBLIC = Series.ReportVisibility.PUBLIC


def published_round(*, series, number, day, organisations=("Stadt Jena",), status=FollowUpReport.Status.PUBLISHED):
    starts_at = timezone.make_aware(datetime.datetime(2022, 3, day, 10, 0))
    round_ = RoundFactory(series=series, number=number, status=Round.Status.PUBLISHED, starts_at=starts_at)
    AgendaItemFactory(round=round_, clause=ClauseFactory(number=number * 10 + 1, title=f"Klausel {number}"), order=1)
    for name in organisations:
        InvitationFactory(round=round_, organisation=OrganisationFactory(name=name), rsvp=Invitation.Rsvp.ACCEPTED)
    report = FollowUpReportFactory(
        round=round_, version=1, status=status, html="<article></article>", published_at=starts_at
    )
    return round_, report


@pytest.fixture
def world():
    public = SeriesFactory(title="Klauseln der Smart-City-Strategien", report_visibility=PUBLIC)
    private = SeriesFactory(title="Interne Reihe", report_visibility=Series.ReportVisibility.PARTICIPANTS)
    _older, older_report = published_round(series=public, number=1, day=1, organisations=("Stadt Bamberg",))
    newer, newer_report = published_round(series=public, number=2, day=20, organisations=("Stadt Münster", "EDAG"))
    draft, _ = published_round(series=public, number=3, day=25, status=FollowUpReport.Status.BUILT)
    hidden, _ = published_round(series=private, number=4, day=22)
    # A round whose second version is published lists that one, once.
    FollowUpReport.objects.filter(pk=newer_report.pk).update(status=FollowUpReport.Status.SUPERSEDED)
    latest = FollowUpReportFactory(
        round=newer, version=2, status=FollowUpReport.Status.PUBLISHED, published_at=timezone.now()
    )
    return {"older": older_report, "newer": latest, "draft": draft, "hidden": hidden}


def test_report_archive_lists_only_published_public_reports_newest_first(client, world):
    response = client.get("/nachberichte/")
    page = response.content.decode()

    listed = response.context["entries"]
    assert [entry.report.pk for entry in listed] == [world["newer"].pk, world["older"].pk]
    assert f'href="/runden/{world["newer"].round_id}/nachbericht/v2/"' in page
    assert f'href="/runden/{world["older"].round_id}/nachbericht/v1/"' in page
    assert "Interne Reihe" not in page
    assert "Klausel 3" not in page and "Klausel 4" not in page
    assert "§ 21 Klausel 2" in page and "§ 11 Klausel 1" in page
    assert "EDAG, Stadt Münster" in page
    assert "20. März 2022" in page and "1. März 2022" in page
    assert '<meta name="description"' in page
    assert 'rel="alternate" type="application/atom+xml" href="/nachberichte/feed/"' in page


def test_report_archive_without_public_reports_says_so(client):
    published_round(series=SeriesFactory(report_visibility=Series.ReportVisibility.PARTICIPANTS), number=1, day=1)

    page = client.get("/nachberichte/").content.decode()

    assert "Noch ist kein Nachbericht öffentlich." in page


@pytest.mark.parametrize("count", [1, 6])
def test_report_archive_queries_do_not_grow_with_the_reports(client, count):
    series = SeriesFactory(report_visibility=PUBLIC)
    for number in range(1, count + 1):
        published_round(series=series, number=number, day=number, organisations=("A", "B"))
    client.get("/nachberichte/")  # warm up sessions, content types and the like

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/nachberichte/")

    assert len(response.context["entries"]) == count
    assert len(queries) <= 4


def test_report_feed_is_atom_listing_the_archive(client, world):
    response = client.get("/nachberichte/feed/")

    root = ET.fromstring(response.content)
    entries = root.findall(f"{ATOM}entry")
    assert response["Content-Type"].startswith("application/atom+xml")
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}title") == "Nachberichte – Strategie-Austausch"
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        "Klauseln der Smart-City-Strategien, Runde 2",
        "Klauseln der Smart-City-Strategien, Runde 1",
    ]
    assert [e.find(f"{ATOM}link").get("href") for e in entries] == [
        f"http://testserver/runden/{world['newer'].round_id}/nachbericht/v2/",
        f"http://testserver/runden/{world['older'].round_id}/nachbericht/v1/",
    ]
    summary = entries[1].findtext(f"{ATOM}summary")
    assert summary == (
        "Nachbericht der Runde 1 der Austauschreihe „Klauseln der Smart-City-Strategien“ vom 1. März 2022. "
        "Themen: § 11 Klausel 1. Mit Stadt Bamberg."
    )
    assert [c.get("term") for c in entries[0].findall(f"{ATOM}category")] == ["§ 21 Klausel 2"]
