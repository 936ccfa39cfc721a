"""Limits that match the database: email addresses of at most 254 characters, comments of at most 10,000
and meeting notes of at most 50,000 characters, refused with a German message in forms and services alike."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from participants.models import User
from rounds.services import comments, notes
from rounds.services.organisations import person_get_or_invite
from strategy_exchange.errors import DomainError
from strategy_exchange.limits import COMMENT_MAX_LENGTH, EMAIL_MAX_LENGTH, NOTE_MAX_LENGTH
from tests.factories import UserFactory
from tests.rounds.organiser_world import build_world, fast_passwords, field_error  # noqa: F401

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=BERLIN)
LONG_EMAIL = "a" * 300 + "@example.org"  # 312 characters
EMAIL_ERROR = "Eine E-Mail-Adresse darf höchstens 254 Zeichen haben."


@pytest.fixture
def world():
    with time_machine.travel(NOW, tick=False):
        yield build_world(starts_at=NOW + datetime.timedelta(days=3), ends_at=NOW + datetime.timedelta(days=3, hours=2))


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_invite_by_email_longer_than_254_is_refused_next_to_the_field(world):
    url = reverse("orga:invite_email", kwargs={"pk": world.round.pk})

    response = _client(world.organiser).post(url, {"email-email": LONG_EMAIL, "email-full_name": "Lang"})

    assert field_error(response.content.decode(), "id_email-email") == EMAIL_ERROR
    assert not User.objects.filter(email=LONG_EMAIL).exists()


def test_invite_by_email_of_exactly_254_characters_is_accepted(world):
    email = "a" * (EMAIL_MAX_LENGTH - len("@example.org")) + "@example.org"
    url = reverse("orga:invite_email", kwargs={"pk": world.round.pk})

    _client(world.organiser).post(url, {"email-email": email})

    assert User.objects.filter(email=email).exists()


def test_representative_add_email_longer_than_254_is_refused_next_to_the_field(world):
    url = reverse("orga:representative_add", kwargs={"slug": world.invited_org.slug})

    response = _client(world.organiser).post(url, {"email": LONG_EMAIL, "role": "representative"})

    assert field_error(response.content.decode(), "id_email") == EMAIL_ERROR
    assert not User.objects.filter(email=LONG_EMAIL).exists()


def test_person_get_or_invite_refuses_a_long_address_in_the_service(world):
    with pytest.raises(DomainError) as error:
        person_get_or_invite(email=LONG_EMAIL, organisation=None, invited_by=world.organiser)

    assert (error.value.message, error.value.field) == (EMAIL_ERROR, "email")


def test_account_email_add_longer_than_254_is_refused(world):
    response = _client(world.invited).post(reverse("account_email"), {"action_add": "", "email": LONG_EMAIL})

    assert EMAIL_ERROR in response.content.decode()
    assert not world.invited.emailaddress_set.filter(email=LONG_EMAIL).exists()


def test_password_reset_with_a_long_address_is_refused(client):
    response = client.post(reverse("account_reset_password"), {"email": LONG_EMAIL})

    assert EMAIL_ERROR in response.content.decode()


def test_admin_user_forms_refuse_a_long_address(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    person = UserFactory()

    added = client.post(
        reverse("admin:participants_user_add"),
        {
            "email": LONG_EMAIL,
            "full_name": "Lang",
            "password1": "ein-langes-Passwort-1",
            "password2": "ein-langes-Passwort-1",
        },
    )
    changed = client.post(
        reverse("admin:participants_user_change", args=[person.pk]),
        {"email": LONG_EMAIL, "full_name": person.full_name, "is_active": "on", "date_joined_0": "2026-01-01",
         "date_joined_1": "10:00:00", "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0"},
    )  # fmt: skip

    assert (added.status_code, changed.status_code) == (200, 200)
    assert "höchstens 254 Zeichen" in added.content.decode()
    assert "höchstens 254 Zeichen" in changed.content.decode()
    assert not User.objects.filter(email=LONG_EMAIL).exists()


def test_comment_longer_than_the_limit_is_refused_in_the_service(world):
    with time_machine.travel(NOW, tick=False), pytest.raises(DomainError) as error:
        comments.comment_post(
            agenda_item=world.item, author=world.invited, body="x" * (COMMENT_MAX_LENGTH + 1), confidentiality="round"
        )

    assert (error.value.message, error.value.field) == ("Ein Beitrag darf höchstens 10000 Zeichen haben.", "body")


def test_comment_form_refuses_more_than_the_limit_next_to_the_field(world):
    url = reverse("rounds:comment_post", kwargs={"round_pk": world.round.pk, "number": world.clause.number})

    with time_machine.travel(NOW, tick=False):
        response = _client(world.invited).post(url, {"body": "x" * (COMMENT_MAX_LENGTH + 1)})

    assert "höchstens 10000 Zeichen" in response.content.decode()
    assert world.item.comments.count() == 0


def test_note_longer_than_the_limit_is_refused_in_the_service(world):
    with pytest.raises(DomainError) as error:
        notes.note_save(
            round_=world.round,
            user=world.organiser,
            note=world.note,
            agenda_item=world.item,
            body="x" * (NOTE_MAX_LENGTH + 1),
            is_key_finding=False,
            is_open_question=False,
            base_version=world.note.version,
        )

    assert (error.value.message, error.value.field) == ("Eine Notiz darf höchstens 50000 Zeichen haben.", "body")


def test_note_form_refuses_a_1_mb_note(world):
    world.note.refresh_from_db()
    slot = f"n{world.note.pk}"
    url = reverse("orga:note_save", kwargs={"pk": world.round.pk, "slot": slot})
    data = {f"{slot}-note": world.note.pk, f"{slot}-agenda_item": world.item.pk, f"{slot}-version": world.note.version}

    response = _client(world.organiser).post(url, data | {f"{slot}-body": "x" * 1_000_000})

    assert "höchstens 50000 Zeichen" in response.content.decode()
    world.note.refresh_from_db()
    assert world.note.body == "Erste Fassung"
