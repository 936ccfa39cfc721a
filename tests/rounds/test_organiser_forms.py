"""Bad input: every organiser form refuses it with a German message next to the field and keeps what was typed."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from rounds.models import Round
from tests.factories import OrganisationFactory
from tests.rounds.organiser_world import (  # noqa: F401
    build_world,
    fast_passwords,
    field_error,
    input_value,
    organiser_signed_in,
)

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=BERLIN)


@pytest.fixture
def organiser_client(client):
    with organiser_signed_in(client, now=NOW) as signed_in:
        yield signed_in


def test_round_create_start_in_the_past_is_refused_next_to_date(organiser_client):
    url = reverse("orga:round_create", kwargs={"slug": organiser_client.world.series.slug})

    response = organiser_client.post(
        url, {"title": "Rückblick", "date": "2026-02-10", "start_time": "10:00", "end_time": "12:00"}
    )
    html = response.content.decode()

    assert field_error(html, "id_date") == "Der Beginn darf nicht in der Vergangenheit liegen."
    assert (input_value(html, "id_date"), input_value(html, "id_title")) == ("2026-02-10", "Rückblick")
    assert Round.objects.filter(series=organiser_client.world.series).count() == 1


def test_round_create_end_before_start_is_refused_next_to_end_time(organiser_client):
    url = reverse("orga:round_create", kwargs={"slug": organiser_client.world.series.slug})

    response = organiser_client.post(url, {"date": "2026-06-09", "start_time": "14:00", "end_time": "12:30"})
    html = response.content.decode()

    assert field_error(html, "id_end_time") == "Das Ende muss nach dem Beginn liegen."
    assert (input_value(html, "id_start_time"), input_value(html, "id_end_time")) == ("14:00", "12:30")


def test_round_create_malformed_link_is_refused_next_to_link(organiser_client):
    url = reverse("orga:round_create", kwargs={"slug": organiser_client.world.series.slug})

    response = organiser_client.post(
        url, {"date": "2026-06-09", "start_time": "10:00", "end_time": "12:00", "online_link": "https://"}
    )

    assert field_error(response.content.decode(), "id_online_link") == (
        "Bitte geben Sie eine gültige Internetadresse ein, z. B. https://…"
    )


def test_round_reschedule_held_round_is_refused_and_keeps_input(organiser_client):
    world = organiser_client.world
    Round.objects.filter(pk=world.round.pk).update(status=Round.Status.HELD)
    url = reverse("orga:round_reschedule", kwargs={"pk": world.round.pk})

    response = organiser_client.post(url, {"date": "2026-07-14", "start_time": "10:00", "end_time": "12:00"})
    html = response.content.decode()

    assert field_error(html, "id_date") == "Eine Runde, die bereits stattgefunden hat, kann nicht verschoben werden."
    assert input_value(html, "id_date") == "2026-07-14"
    assert Round.objects.get(pk=world.round.pk).starts_at == world.round.starts_at


def test_round_cancel_without_reason_is_refused(organiser_client):
    url = reverse("orga:round_cancel", kwargs={"pk": organiser_client.world.round.pk})

    response = organiser_client.post(url, {"reason": "  "})

    assert field_error(response.content.decode(), "id_reason") == "Bitte geben Sie einen Grund für die Absage an."
    assert Round.objects.get(pk=organiser_client.world.round.pk).status == Round.Status.INVITED


def test_agenda_new_clause_with_duplicate_number_is_refused_and_keeps_input(organiser_client):
    world = organiser_client.world
    url = reverse("orga:agenda_create_clause", kwargs={"pk": world.round.pk})

    response = organiser_client.post(url, {"neu-number": "4", "neu-title": "Beteiligung, zweiter Anlauf"})
    html = response.content.decode()

    assert (
        field_error(html, "id_neu-number") == "Es gibt bereits eine Klausel § 4. Bitte wählen Sie eine andere Nummer."
    )
    assert (input_value(html, "id_neu-number"), input_value(html, "id_neu-title")) == (
        "4",
        "Beteiligung, zweiter Anlauf",
    )


def test_invite_malformed_email_is_refused_and_keeps_input(organiser_client):
    url = reverse("orga:invite_email", kwargs={"pk": organiser_client.world.round.pk})

    response = organiser_client.post(url, {"email-email": "kim@@stadt", "email-full_name": "Kim Neumann"})
    html = response.content.decode()

    assert (
        field_error(html, "id_email-email") == "Bitte geben Sie eine gültige E-Mail-Adresse ein, z. B. name@stadt.de."
    )
    assert (input_value(html, "id_email-email"), input_value(html, "id_email-full_name")) == (
        "kim@@stadt",
        "Kim Neumann",
    )


def test_invite_already_invited_email_is_refused_next_to_email(organiser_client):
    world = organiser_client.world
    url = reverse("orga:invite_email", kwargs={"pk": world.round.pk})

    response = organiser_client.post(url, {"email-email": world.invited.email})

    assert field_error(response.content.decode(), "id_email-email") == (
        f"{world.invited.email} ist zu dieser Runde bereits eingeladen."
    )


def test_series_weekday_without_week_is_refused_next_to_week(organiser_client):
    url = reverse("orga:series_create")
    data = {
        "title": "Datenstrategien",
        "cadence_months": "3",
        "cadence_weekday": "1",
        "default_start_time": "10:00",
        "default_duration_minutes": "90",
        "report_visibility": "participants",
    }

    response = organiser_client.post(url, data)
    html = response.content.decode()

    assert field_error(html, "id_cadence_week") == (
        "Bitte geben Sie Wochentag und Woche im Monat zusammen an – oder keins von beiden."
    )
    assert input_value(html, "id_title") == "Datenstrategien"


def test_series_unknown_co_organiser_is_refused_next_to_field(organiser_client):
    data = {
        "title": "Datenstrategien",
        "cadence_months": "3",
        "default_start_time": "10:00",
        "default_duration_minutes": "90",
        "report_visibility": "participants",
        "co_organisers": "niemand@example.org",
    }

    response = organiser_client.post(reverse("orga:series_create"), data)
    html = response.content.decode()

    assert field_error(html, "id_co_organisers") == (
        "Kein Konto mit dieser Adresse: niemand@example.org. Laden Sie die Person zuerst als Vertreter:in ein."
    )
    assert input_value(html, "id_co_organisers") == "niemand@example.org"


def test_organisation_malformed_and_duplicate_ags_are_refused(organiser_client):
    OrganisationFactory(name="Stadt Bamberg", slug="bamberg-x", ags="09461000")
    url = reverse("participants:organisation_create")

    short = organiser_client.post(url, {"name": "Gemeinde Testhausen", "kind": "municipality", "ags": "0946100"})
    taken = organiser_client.post(url, {"name": "Gemeinde Testhausen", "kind": "municipality", "ags": "09461000"})

    assert field_error(short.content.decode(), "id_ags") == "Der AGS besteht aus genau 8 Ziffern."
    assert field_error(taken.content.decode(), "id_ags") == (
        "Dieser Amtliche Gemeindeschlüssel ist bereits einer anderen Organisation zugeordnet."
    )
    assert input_value(short.content.decode(), "id_name") == "Gemeinde Testhausen"


def test_representative_malformed_email_is_refused_and_keeps_input(organiser_client):
    world = organiser_client.world
    url = reverse("orga:representative_add", kwargs={"slug": world.invited_org.slug})

    response = organiser_client.post(url, {"email": "vertretung.jena.de", "full_name": "Jo Jena", "role": "contact"})
    html = response.content.decode()

    assert field_error(html, "id_email") == "Bitte geben Sie eine gültige E-Mail-Adresse ein, z. B. name@stadt.de."
    assert (input_value(html, "id_email"), input_value(html, "id_full_name")) == ("vertretung.jena.de", "Jo Jena")
