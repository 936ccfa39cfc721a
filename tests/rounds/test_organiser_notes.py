import pytest
from django.urls import reverse

from rounds.models import MeetingNote, Round
from tests.factories import UserFactory
from tests.rounds.organiser_world import build_world, fast_passwords, field_error, input_value  # noqa: F401

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_note_save_htmx_creates_note_and_returns_new_version_out_of_band(client):
    world = build_world()
    client.force_login(world.organiser)
    slot = f"i{world.item.pk}"
    url = reverse("orga:note_save", kwargs={"pk": world.round.pk, "slot": slot})

    response = client.post(
        url,
        {f"{slot}-agenda_item": world.item.pk, f"{slot}-version": 0, f"{slot}-body": "**Kernaussage**"},
        **HTMX,
    )
    html = response.content.decode()

    note = MeetingNote.objects.get(body="**Kernaussage**")
    assert (note.version, note.agenda_item, note.author) == (1, world.item, world.organiser)
    assert f'id="id_{slot}-note" value="{note.pk}" hx-swap-oob="true"' in html
    assert f'id="{slot}-preview" hx-swap-oob="true"><p><strong>Kernaussage</strong></p>' in html


def test_note_save_htmx_conflict_keeps_stored_text_and_warns(client):
    world = build_world()
    otto = UserFactory(full_name="Otto Zweitorga")
    world.series.organisers.add(otto)
    client.force_login(otto)
    slot = f"n{world.note.pk}"
    url = reverse("orga:note_save", kwargs={"pk": world.round.pk, "slot": slot})
    client.post(url, {f"{slot}-note": world.note.pk, f"{slot}-version": 1, f"{slot}-body": "Ottos Fassung"}, **HTMX)
    client.force_login(world.organiser)

    response = client.post(
        url, {f"{slot}-note": world.note.pk, f"{slot}-version": 1, f"{slot}-body": "Olgas Fassung"}, **HTMX
    )
    html = response.content.decode()

    assert MeetingNote.objects.get(pk=world.note.pk).body == "Ottos Fassung"
    assert "Otto Zweitorga hat diese Notiz inzwischen geändert (Version 2)." in html
    assert "Meine Fassung trotzdem speichern" in html


def test_note_save_without_javascript_on_conflict_shows_page_with_typed_text(client):
    world = build_world()
    MeetingNote.objects.filter(pk=world.note.pk).update(version=2)
    world.note.revisions.create(version=2, body="Fremd", author=UserFactory())
    client.force_login(world.organiser)
    slot = f"n{world.note.pk}"

    response = client.post(
        reverse("orga:note_save", kwargs={"pk": world.round.pk, "slot": slot}),
        {f"{slot}-note": world.note.pk, f"{slot}-version": 1, f"{slot}-body": "Mein Text"},
    )
    html = response.content.decode()

    assert (response.status_code, input_value(html, f"id_{slot}-body")) == (422, "Mein Text")
    assert "hat diese Notiz inzwischen geändert" in html


def test_notes_page_refuses_writing_for_draft_round(client):
    world = build_world()
    Round.objects.filter(pk=world.round.pk).update(status=Round.Status.DRAFT)
    client.force_login(world.organiser)

    response = client.get(reverse("orga:notes", kwargs={"pk": world.round.pk}))

    assert "Notizen können geschrieben werden, sobald die Runde geplant ist." in response.content.decode()
    assert field_error(response.content.decode(), "id_body") == ""
