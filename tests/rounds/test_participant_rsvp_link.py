"""RSVP through the signed links in the email: no login, one invitation, until the round has ended."""

import datetime

import pytest
import time_machine
from django.core import signing
from django.urls import reverse

from rounds.models import Invitation, Round
from rounds.services.rsvp import RSVP_SALT, rsvp_token, rsvp_url
from tests.factories import InvitationFactory, round_with_roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def roles():
    return round_with_roles()


def _link(invitation, answer="accept"):
    return reverse("rounds:rsvp_link", kwargs={"signed": rsvp_token(invitation=invitation, answer=answer)})


def test_rsvp_link_get_asks_for_confirmation_and_changes_nothing(client, roles):
    response = client.get(_link(roles.invitation))

    roles.invitation.refresh_from_db()
    assert "Bitte bestätigen Sie Ihre Zusage." in response.content.decode()
    assert roles.invitation.rsvp == "open"


def test_rsvp_link_post_accepts_without_login_and_offers_ics(client, roles):
    response = client.post(_link(roles.invitation))

    roles.invitation.refresh_from_db()
    content = response.content.decode()
    assert roles.invitation.rsvp == "accepted"
    assert "Vielen Dank, Ihre Zusage ist gespeichert." in content
    assert roles.round.online_link in content
    assert (
        reverse("rounds:rsvp_link_ics", kwargs={"signed": rsvp_token(invitation=roles.invitation, answer="accept")})
        in content
    )


def test_rsvp_link_post_declines(client, roles):
    client.post(_link(roles.invitation, "decline"))

    roles.invitation.refresh_from_db()
    assert roles.invitation.rsvp == "declined"


def test_rsvp_link_ics_after_accepting(client, roles):
    client.post(_link(roles.invitation))
    signed = rsvp_token(invitation=roles.invitation, answer="accept")

    response = client.get(reverse("rounds:rsvp_link_ics", kwargs={"signed": signed}))

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert b"BEGIN:VCALENDAR" in response.content


def test_rsvp_link_ics_before_accepting_explains(client, roles):
    signed = rsvp_token(invitation=roles.invitation, answer="accept")

    response = client.get(reverse("rounds:rsvp_link_ics", kwargs={"signed": signed}))

    assert response.status_code == 403
    assert "Noch keine Zusage" in response.content.decode()


def test_rsvp_link_tampered_shows_friendly_page(client, roles):
    signed = rsvp_token(invitation=roles.invitation, answer="accept")
    tampered = signed[:-3] + ("abc" if not signed.endswith("abc") else "xyz")

    response = client.post(reverse("rounds:rsvp_link", kwargs={"signed": tampered}))

    roles.invitation.refresh_from_db()
    content = response.content.decode()
    assert response.status_code == 400
    assert "Dieser Link funktioniert leider nicht" in content
    assert 'class="site-header"' in content
    assert roles.invitation.rsvp == "open"


def test_rsvp_link_for_other_invitation_token_refused(client, roles):
    other = InvitationFactory(round=roles.round)
    forged = signing.dumps({"i": other.pk, "t": roles.invitation.token, "a": "accept"}, salt=RSVP_SALT)

    response = client.post(reverse("rounds:rsvp_link", kwargs={"signed": forged}))

    other.refresh_from_db()
    assert response.status_code == 400
    assert "Dieser Link gehört zu keiner gültigen Einladung" in response.content.decode()
    assert other.rsvp == "open"


def test_rsvp_link_after_round_ended_shows_friendly_expired_page(client, roles):
    link = _link(roles.invitation)

    with time_machine.travel(roles.round.ends_at + datetime.timedelta(seconds=1)):
        response = client.post(link)

    roles.invitation.refresh_from_db()
    content = response.content.decode()
    assert response.status_code == 410
    assert "Dieser Link ist nicht mehr gültig" in content
    assert "Diese Runde hat bereits stattgefunden" in content
    assert roles.invitation.rsvp == "open"


def test_rsvp_link_of_cancelled_round_shows_friendly_expired_page(client, roles):
    Round.objects.filter(pk=roles.round.pk).update(status=Round.Status.CANCELLED)

    response = client.get(_link(roles.invitation))

    assert response.status_code == 410
    assert "Diese Runde wurde abgesagt" in response.content.decode()


def test_rsvp_link_works_only_until_round_end(client, roles):
    link = _link(roles.invitation)

    with time_machine.travel(roles.round.ends_at - datetime.timedelta(minutes=1)):
        client.post(link)

    roles.invitation.refresh_from_db()
    assert roles.invitation.rsvp == Invitation.Rsvp.ACCEPTED


def test_rsvp_url_is_absolute_for_emails(roles, settings):
    settings.SITE_URL = "https://austausch.example.org"

    url = rsvp_url(invitation=roles.invitation, answer="decline")

    assert url.startswith("https://austausch.example.org/rueckmeldung/")
