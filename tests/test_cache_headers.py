"""Personal pages are private to the browser; fragments that htmx polls answer conditional GETs."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import round_with_roles

pytestmark = pytest.mark.django_db


def test_personal_page_is_private_and_revalidated(client):
    roles = round_with_roles(starts_at=timezone.now() + datetime.timedelta(days=3))
    client.force_login(roles.invited)

    response = client.get(reverse("rounds:round_detail", kwargs={"pk": roles.round.pk}))

    assert response.status_code == 200
    assert sorted(part.strip() for part in response["Cache-Control"].split(",")) == ["no-cache", "private"]


def test_anonymous_page_is_not_marked_private(client):
    response = client.get(reverse("home"))

    assert "private" not in response.get("Cache-Control", "")


@pytest.mark.parametrize("polled", ["invitations_table", "report_status"])
def test_polled_fragment_answers_304_while_unchanged(client, polled):
    roles = round_with_roles(starts_at=timezone.now() + datetime.timedelta(days=3))
    client.force_login(roles.organiser)
    if polled == "invitations_table":
        url = reverse("orga:invitations_table", kwargs={"pk": roles.round.pk})
    else:
        from rounds.models import FollowUpReport

        report = FollowUpReport.objects.create(round=roles.round, version=1, status=FollowUpReport.Status.BUILDING)
        url = reverse("orga:report_status", kwargs={"pk": roles.round.pk, "report_pk": report.pk})

    client.get(reverse("orga:invitations", kwargs={"pk": roles.round.pk}))  # the page around it sets the CSRF cookie
    first = client.get(url)
    again = client.get(url, headers={"If-None-Match": first["ETag"]})

    assert (first.status_code, again.status_code, again.content) == (200, 304, b"")


def test_polled_invitation_table_changes_its_etag_with_an_answer(client):
    from rounds.services import rsvp

    roles = round_with_roles(starts_at=timezone.now() + datetime.timedelta(days=3))
    client.force_login(roles.organiser)
    client.get(reverse("orga:invitations", kwargs={"pk": roles.round.pk}))
    url = reverse("orga:invitations_table", kwargs={"pk": roles.round.pk})
    first = client.get(url)

    rsvp.rsvp_answer(invitation=roles.invitation, answer="accept")
    again = client.get(url, headers={"If-None-Match": first["ETag"]})

    assert (again.status_code, again["ETag"] != first["ETag"]) == (200, True)
