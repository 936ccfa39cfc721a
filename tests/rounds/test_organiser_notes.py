import json

import pytest
from django.urls import reverse

from rounds.models import MeetingNote, Round
from tests.factories import MeetingNoteFactory, RoundFactory, UserFactory
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

    assert (response.status_code, MeetingNote.objects.get(pk=world.note.pk).body) == (409, "Ottos Fassung")
    assert "Otto Zweitorga hat diese Notiz inzwischen geändert (Version 2)." in html
    assert '<pre class="note__text" data-version="mine">Olgas Fassung</pre>' in html
    assert '<pre class="note__text" data-version="theirs">Ottos Fassung</pre>' in html
    for choice in ("Meine Fassung behalten", "Gespeicherte Fassung übernehmen", "Von Hand zusammenführen"):
        assert choice in html
    assert json.loads(response["HX-Trigger"]) == {"note-state": {"slot": slot, "state": "unsaved"}}


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


def _conflict(client, world):
    """Otto saves version 2 of the world's note; Olga's form still names version 1."""
    otto = UserFactory(full_name="Otto Zweitorga")
    world.series.organisers.add(otto)
    client.force_login(otto)
    slot = f"n{world.note.pk}"
    save_url = reverse("orga:note_save", kwargs={"pk": world.round.pk, "slot": slot})
    client.post(save_url, {f"{slot}-note": world.note.pk, f"{slot}-version": 1, f"{slot}-body": "Ottos Satz"}, **HTMX)
    client.force_login(world.organiser)
    return slot, {
        f"{slot}-note": world.note.pk,
        f"{slot}-version": 1,
        f"{slot}-body": "Olgas Satz",
        f"{slot}-editor": "t1",
    }


def test_note_resolve_theirs_puts_stored_version_into_field_and_keeps_mine_visible(client):
    world = build_world()
    slot, mine = _conflict(client, world)

    response = client.post(
        reverse("orga:note_resolve", kwargs={"pk": world.round.pk, "slot": slot}), {**mine, "choice": "theirs"}, **HTMX
    )
    html = response.content.decode()

    assert (input_value(html, f"id_{slot}-body"), input_value(html, f"id_{slot}-version")) == ("Ottos Satz", "2")
    assert input_value(html, f"id_{slot}-editor") == "t1"
    assert '<pre class="note__text">Olgas Satz</pre>' in html
    assert json.loads(response["HX-Trigger"]) == {"note-state": {"slot": slot, "state": "saved"}}
    assert MeetingNote.objects.get(pk=world.note.pk).body == "Ottos Satz"


def test_note_resolve_merge_puts_both_versions_into_field_and_the_merged_text_saves(client):
    world = build_world()
    slot, mine = _conflict(client, world)

    response = client.post(
        reverse("orga:note_resolve", kwargs={"pk": world.round.pk, "slot": slot}), {**mine, "choice": "merge"}, **HTMX
    )
    html = response.content.decode()
    merged = input_value(html, f"id_{slot}-body")
    saved = client.post(
        reverse("orga:note_save", kwargs={"pk": world.round.pk, "slot": slot}),
        {**mine, f"{slot}-version": input_value(html, f"id_{slot}-version"), f"{slot}-body": merged},
        **HTMX,
    )

    assert merged == "Ottos Satz\n\n––––– Ihre Fassung –––––\nOlgas Satz"
    assert json.loads(response["HX-Trigger"]) == {"note-state": {"slot": slot, "state": "unsaved"}}
    assert (saved.status_code, MeetingNote.objects.get(pk=world.note.pk).body) == (200, merged)


def test_note_save_keep_mine_after_conflict_saves_it_and_keeps_theirs_in_history(client):
    world = build_world()
    slot, mine = _conflict(client, world)

    response = client.post(
        reverse("orga:note_save", kwargs={"pk": world.round.pk, "slot": slot}), {**mine, f"{slot}-version": 2}, **HTMX
    )

    note = MeetingNote.objects.get(pk=world.note.pk)
    bodies = list(note.revisions.order_by("version").values_list("body", flat=True))
    assert (response.status_code, note.body, bodies) == (
        200,
        "Olgas Satz",
        ["Erste Fassung", "Ottos Satz", "Olgas Satz"],
    )


def test_note_save_same_person_in_two_tabs_gets_the_conflict(client):
    world = build_world()
    client.force_login(world.organiser)
    slot = f"n{world.note.pk}"
    url = reverse("orga:note_save", kwargs={"pk": world.round.pk, "slot": slot})
    base = {f"{slot}-note": world.note.pk, f"{slot}-version": 1}
    client.post(url, {**base, f"{slot}-body": "Aus Tab eins", f"{slot}-editor": "tab1"}, **HTMX)

    response = client.post(url, {**base, f"{slot}-body": "Aus Tab zwei", f"{slot}-editor": "tab2"}, **HTMX)

    assert (response.status_code, MeetingNote.objects.get(pk=world.note.pk).body) == (409, "Aus Tab eins")
    assert (
        "Sie haben diese Notiz inzwischen in einem anderen Fenster geändert (Version 2)." in response.content.decode()
    )


def test_notes_page_gives_each_page_view_its_own_editor(client):
    world = build_world()
    client.force_login(world.organiser)
    url = reverse("orga:notes", kwargs={"pk": world.round.pk})
    field = f"id_n{world.note.pk}-editor"

    first, second = (input_value(client.get(url).content.decode(), field) for _ in range(2))

    assert len(first) == 16 and first != second


def test_note_save_without_javascript_conflict_offers_the_three_choices(client):
    world = build_world()
    slot, mine = _conflict(client, world)

    response = client.post(reverse("orga:note_save", kwargs={"pk": world.round.pk, "slot": slot}), mine)
    html = response.content.decode()

    assert (response.status_code, input_value(html, f"id_{slot}-version")) == (422, "2")
    assert f'formaction="{reverse("orga:note_resolve", kwargs={"pk": world.round.pk, "slot": slot})}"' in html
    assert '<pre class="note__text" data-version="theirs">Ottos Satz</pre>' in html


def test_note_resolve_refuses_a_note_of_another_round(client):
    world = build_world()
    other = MeetingNoteFactory(round=RoundFactory(status=Round.Status.HELD), body="Fremd")
    client.force_login(world.organiser)
    slot = f"n{other.pk}"

    response = client.post(
        reverse("orga:note_resolve", kwargs={"pk": world.round.pk, "slot": slot}),
        {f"{slot}-note": other.pk, f"{slot}-version": 1, f"{slot}-body": "x", "choice": "theirs"},
    )

    assert (response.status_code, MeetingNote.objects.get(pk=other.pk).body) == (422, "Fremd")
    assert "Fremd" not in response.content.decode()
