import pytest

from rounds.models import MeetingNoteRevision, Round
from rounds.services import notes as services
from tests.factories import AgendaItemFactory, RoundFactory, UserFactory
from tests.rounds.organiser_world import fast_passwords  # noqa: F401

pytestmark = pytest.mark.django_db


def save(round_, user, note, body, version, **flags):
    return services.note_save(
        round_=round_,
        user=user,
        note=note,
        agenda_item=note.agenda_item if note else None,
        body=body,
        is_key_finding=flags.get("key", False),
        is_open_question=flags.get("question", False),
        base_version=version,
    )


def test_note_save_creates_then_updates_with_growing_version():
    round_ = RoundFactory(status=Round.Status.HELD)
    author = UserFactory()

    note, _ = save(round_, author, None, "Erster Satz", 0)
    note, changed = save(round_, author, note, "Erster Satz. Zweiter Satz.", 1, key=True)

    assert (note.version, note.body, note.is_key_finding, changed) == (2, "Erster Satz. Zweiter Satz.", True, True)


def test_note_save_unchanged_text_is_no_new_version():
    round_ = RoundFactory(status=Round.Status.HELD)
    author = UserFactory()
    note, _ = save(round_, author, None, "Text", 0)

    note, changed = save(round_, author, note, "Text", 1)

    assert (note.version, changed) == (1, False)


def test_note_save_warns_when_someone_else_saved_in_between():
    round_ = RoundFactory(status=Round.Status.HELD)
    olga, otto = UserFactory(full_name="Olga"), UserFactory(full_name="Otto")
    note, _ = save(round_, olga, None, "Anfang", 0)
    save(round_, otto, note, "Anfang, von Otto ergänzt", 1)

    with pytest.raises(services.NoteConflict) as conflict:
        save(round_, olga, note, "Anfang, von Olga ergänzt", 1)

    note.refresh_from_db()
    assert (note.body, conflict.value.note.version, str(conflict.value.author)) == (
        "Anfang, von Otto ergänzt",
        2,
        "Otto",
    )


def test_note_save_own_quick_saves_in_between_are_no_conflict_and_fold_into_one_revision():
    round_ = RoundFactory(status=Round.Status.HELD)
    olga = UserFactory()
    note, _ = save(round_, olga, None, "A", 0)
    save(round_, olga, note, "AB", 1)

    note, _ = save(round_, olga, note, "ABC", 1)

    revisions = list(MeetingNoteRevision.objects.filter(note=note).values_list("version", "body"))
    assert (note.version, revisions) == (3, [(3, "ABC")])


def test_note_restore_brings_back_an_earlier_version_as_a_new_one():
    round_ = RoundFactory(status=Round.Status.HELD)
    olga, otto = UserFactory(), UserFactory()
    item = AgendaItemFactory(round=round_)
    note, _ = services.note_save(
        round_=round_, user=olga, note=None, agenda_item=item, body="Alt", is_key_finding=False,
        is_open_question=False, base_version=0,
    )  # fmt: skip
    save(round_, otto, note, "Neu", 1)
    old = note.revisions.get(version=1)

    restored = services.note_restore(note=note, revision=old, user=olga)

    assert (restored.body, restored.version, note.revisions.count()) == ("Alt", 3, 3)


@pytest.mark.django_db(transaction=True)
def test_note_save_runs_in_its_own_transaction_outside_a_request_transaction():
    round_ = RoundFactory(status=Round.Status.HELD)
    author = UserFactory()
    note, _ = save(round_, author, None, "Erster Satz", 0)

    note, changed = save(round_, author, note, "Zweiter Satz", 1)

    assert (note.version, note.body, changed) == (2, "Zweiter Satz", True)


def test_note_save_same_person_in_another_tab_is_a_conflict():
    round_ = RoundFactory(status=Round.Status.HELD)
    olga = UserFactory(full_name="Olga")
    note, _ = services.note_save(
        round_=round_, user=olga, note=None, agenda_item=None, body="A", is_key_finding=False,
        is_open_question=False, base_version=0, editor="tab1",
    )  # fmt: skip
    services.note_save(
        round_=round_, user=olga, note=note, agenda_item=None, body="A aus Tab 1", is_key_finding=False,
        is_open_question=False, base_version=1, editor="tab1",
    )  # fmt: skip

    with pytest.raises(services.NoteConflict) as conflict:
        services.note_save(
            round_=round_, user=olga, note=note, agenda_item=None, body="A aus Tab 2", is_key_finding=False,
            is_open_question=False, base_version=1, editor="tab2",
        )  # fmt: skip

    note.refresh_from_db()
    assert (note.body, conflict.value.own, conflict.value.note.version) == ("A aus Tab 1", True, 2)


def test_note_save_saves_of_two_tabs_are_not_folded_together():
    round_ = RoundFactory(status=Round.Status.HELD)
    olga = UserFactory()
    note, _ = services.note_save(
        round_=round_, user=olga, note=None, agenda_item=None, body="A", is_key_finding=False,
        is_open_question=False, base_version=0, editor="tab1",
    )  # fmt: skip

    services.note_save(
        round_=round_, user=olga, note=note, agenda_item=None, body="B", is_key_finding=False,
        is_open_question=False, base_version=1, editor="tab2",
    )  # fmt: skip

    revisions = list(note.revisions.order_by("version").values_list("version", "body", "editor"))
    assert revisions == [(1, "A", "tab1"), (2, "B", "tab2")]


def test_note_save_base_newer_than_stored_is_a_conflict():
    round_ = RoundFactory(status=Round.Status.HELD)
    olga = UserFactory()
    note, _ = save(round_, olga, None, "A", 0)

    with pytest.raises(services.NoteConflict):
        save(round_, olga, note, "B", 7)


@pytest.mark.parametrize(
    ("stored", "mine", "merged"),
    [
        ("Alt", "Neu", "Alt\n\n––––– Ihre Fassung –––––\nNeu"),
        ("Gleich", "Gleich ", "Gleich"),
        ("", "Nur meins", "Nur meins"),
        ("Nur gespeichert", "", "Nur gespeichert"),
    ],
)
def test_note_merge_text_keeps_both_versions(stored, mine, merged):
    assert services.note_merge_text(stored=stored, mine=mine) == merged
