"""Every published report version keeps its address; a superseded one says so and links to the latest; the
email about a later version says it is an update."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from rounds.models import FollowUpReport, Invitation, Round, Series
from rounds.services.reports import report_publish, report_request
from tests.factories import (
    AgendaItemFactory,
    ClauseFactory,
    InvitationFactory,
    MeetingNoteFactory,
    OrganisationFactory,
    RoundFactory,
    SeriesFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

START = timezone.make_aware(datetime.datetime(2021, 11, 24, 10, 0))


@pytest.fixture
def organiser():
    return UserFactory(email="orga@example.org")


@pytest.fixture
def round_(organiser):
    series = SeriesFactory(
        title="Klauseln der Smart-City-Strategien",
        slug="klauseln",
        organisers=[organiser],
        report_visibility=Series.ReportVisibility.PUBLIC,
    )
    round_ = RoundFactory(series=series, number=2, status=Round.Status.HELD, starts_at=START)
    item = AgendaItemFactory(
        round=round_, clause=ClauseFactory(number=4, title="Beteiligung aller relevanten Akteure"), order=1
    )
    MeetingNoteFactory(round=round_, agenda_item=item, body="Die Verwaltung moderiert.", is_key_finding=True)
    InvitationFactory(
        round=round_,
        organisation=OrganisationFactory(name="Stadt Jena"),
        rsvp=Invitation.Rsvp.ACCEPTED,
        user=UserFactory(email="jena@example.org"),
    )
    return round_


def publish_new_version(round_, capture) -> FollowUpReport:
    with capture(execute=True):
        report = report_request(round_=round_, user=None)
    report.refresh_from_db()
    with capture(execute=True):
        report_publish(report=report, user=None)
    report.refresh_from_db()
    return report


def test_report_version_one_stays_readable_after_version_two_is_published(
    round_, client, django_capture_on_commit_callbacks
):
    first = publish_new_version(round_, django_capture_on_commit_callbacks)
    before = client.get(f"/runden/{round_.pk}/nachbericht/v1/")
    second = publish_new_version(round_, django_capture_on_commit_callbacks)

    old = client.get(f"/runden/{round_.pk}/nachbericht/v1/")
    new = client.get(f"/runden/{round_.pk}/nachbericht/v2/")
    old_pdf = client.get(f"/runden/{round_.pk}/nachbericht/v1/nachbericht.pdf")
    latest = client.get(f"/runden/{round_.pk}/nachbericht/")

    first.refresh_from_db()
    assert (first.status, second.status) == (FollowUpReport.Status.SUPERSEDED, FollowUpReport.Status.PUBLISHED)
    assert (before.status_code, old.status_code, new.status_code, old_pdf.status_code) == (200, 200, 200, 200)
    page = old.content.decode()
    assert "data-superseded" in page
    assert "Diese Fassung ist überholt." in page
    assert re.search(
        rf'href="/runden/{round_.pk}/nachbericht/v2/" data-latest>Zur aktuellen Fassung \(Version 2\)', page
    )
    assert "data-superseded" not in new.content.decode()
    assert "data-superseded" not in before.content.decode()
    assert latest.status_code == 302
    assert latest["Location"] == f"/runden/{round_.pk}/nachbericht/v2/"


def test_report_first_address_leads_to_the_versions_address(round_, client, django_capture_on_commit_callbacks):
    first = publish_new_version(round_, django_capture_on_commit_callbacks)
    publish_new_version(round_, django_capture_on_commit_callbacks)

    page = client.get(f"/nachberichte/{first.pk}/")
    pdf = client.get(f"/nachberichte/{first.pk}/nachbericht.pdf")

    assert (page.status_code, page["Location"]) == (301, f"/runden/{round_.pk}/nachbericht/v1/")
    assert (pdf.status_code, pdf["Location"]) == (301, f"/runden/{round_.pk}/nachbericht/v1/nachbericht.pdf")


def test_report_superseded_version_of_a_participants_series_stays_private(
    round_, client, django_capture_on_commit_callbacks
):
    Series.objects.filter(pk=round_.series_id).update(report_visibility=Series.ReportVisibility.PARTICIPANTS)
    publish_new_version(round_, django_capture_on_commit_callbacks)
    publish_new_version(round_, django_capture_on_commit_callbacks)

    anonymous = client.get(f"/runden/{round_.pk}/nachbericht/v1/")
    client.force_login(Invitation.objects.get(round=round_).user)
    participant = client.get(f"/runden/{round_.pk}/nachbericht/v1/")

    assert (anonymous.status_code, participant.status_code) == (404, 200)


def test_report_unpublished_version_is_not_readable_by_its_address(round_, client, django_capture_on_commit_callbacks):
    publish_new_version(round_, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        report_request(round_=round_, user=None)  # version 2, built, not published

    draft = client.get(f"/runden/{round_.pk}/nachbericht/v2/")
    missing = client.get(f"/runden/{round_.pk}/nachbericht/v9/")

    assert (draft.status_code, missing.status_code) == (404, 404)


def test_report_email_of_a_later_version_says_it_is_an_update(round_, django_capture_on_commit_callbacks):
    publish_new_version(round_, django_capture_on_commit_callbacks)
    first_mail = mail.outbox[-1]
    publish_new_version(round_, django_capture_on_commit_callbacks)
    update = mail.outbox[-1]

    assert len(mail.outbox) == 2
    assert first_mail.subject == "Nachbericht: Klauseln der Smart-City-Strategien, Runde 2"
    assert "aktualisiert" not in first_mail.body
    assert f"/runden/{round_.pk}/nachbericht/v1/" in first_mail.body
    assert update.subject == "Aktualisierter Nachbericht: Klauseln der Smart-City-Strategien, Runde 2 (Version 2)"
    assert "ist aktualisiert worden. Dies ist Version 2:" in update.body
    assert f"/runden/{round_.pk}/nachbericht/v2/" in update.body
    assert "Sie ersetzt Version 1 vom" in update.body
    html = update.alternatives[0][0]
    assert "Aktualisierten Nachbericht lesen" in html
    assert f'/runden/{round_.pk}/nachbericht/v2/"><strong>Aktualisierten Nachbericht lesen' in html


def test_report_page_carries_a_meta_description(round_, client, django_capture_on_commit_callbacks):
    publish_new_version(round_, django_capture_on_commit_callbacks)

    page = client.get(f"/runden/{round_.pk}/nachbericht/v1/").content.decode()

    description = re.search(r'<meta name="description" content="([^"]*)">', page)
    assert description is not None
    assert description.group(1) == (
        "Nachbericht der Runde 2 der Austauschreihe „Klauseln der Smart-City-Strategien“ vom 24. November 2021. "
        "Themen: § 4 Beteiligung aller relevanten Akteure. Mit Stadt Jena."
    )
