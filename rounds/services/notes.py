"""Meeting notes with optimistic concurrency: every save names the version it started from.

A save that started from an older version than the stored one is refused unless every version in
between came from the same form (``editor``: one browser tab of one person); the refused text is kept by
the caller, who offers to keep it, take the stored one or merge both (``note_merge_text``). So a note open
in two tabs, even of the same person, never silently overwrites the other. Each saved version is kept in
the history; quick successive saves from one form are folded into one history entry.
"""

import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from participants.models import User
from rounds.models import AgendaItem, MeetingNote, MeetingNoteRevision, Round
from strategy_exchange.errors import DomainError
from strategy_exchange.fragments import rows_changed
from strategy_exchange.limits import NOTE_MAX_LENGTH

FOLD_WINDOW = datetime.timedelta(minutes=5)


class NoteConflict(DomainError):
    def __init__(self, note: MeetingNote, author: User | None, *, own: bool = False):
        if own:
            text = gettext(
                "Sie haben diese Notiz inzwischen in einem anderen Fenster geändert (Version %(version)s). "
                "Ihr Text wurde nicht gespeichert und steht weiter im Feld."
            ) % {"version": note.version}
        else:
            text = gettext(
                "%(who)s hat diese Notiz inzwischen geändert (Version %(version)s). "
                "Ihr Text wurde nicht gespeichert und steht weiter im Feld."
            ) % {"who": str(author) if author else gettext("Jemand anderes"), "version": note.version}
        super().__init__(text)
        self.note = note
        self.author = author
        self.own = own


MERGE_MARKER = "––––– Ihre Fassung –––––"


def note_merge_text(*, stored: str, mine: str) -> str:
    """Both texts in one field for merging by hand: the stored version first, then a marked copy of
    the refused one. Nothing of either is dropped; identical texts are not doubled."""
    if mine.strip() == stored.strip() or not mine.strip():
        return stored
    if not stored.strip():
        return mine
    return f"{stored.rstrip()}\n\n{MERGE_MARKER}\n{mine.strip()}"


def _check_writable(round_: Round) -> None:
    if round_.status in (Round.Status.DRAFT, Round.Status.CANCELLED):
        raise DomainError(gettext("Notizen gibt es erst, wenn die Runde geplant ist, und nicht für abgesagte Runden."))


def _record(note: MeetingNote, user: User | None, *, editor: str, fold: bool = True) -> None:
    latest = note.revisions.order_by("-version").first()
    now = timezone.now()
    same_form = latest is not None and latest.author_id == (user.pk if user else None) and latest.editor == editor
    if fold and same_form and latest.created_at > now - FOLD_WINDOW:
        MeetingNoteRevision.objects.filter(pk=latest.pk).update(version=note.version, body=note.body, created_at=now)
        return
    MeetingNoteRevision.objects.create(note=note, version=note.version, body=note.body, author=user, editor=editor)


def _check_base(current: MeetingNote, *, user: User | None, editor: str, base_version: int) -> None:
    """Refuse a save based on an older version unless every version since came from this very form."""
    if current.version == base_version:
        return
    since = current.revisions.filter(version__gt=base_version).select_related("author").order_by("-version")
    others = [
        revision for revision in since if (revision.author_id, revision.editor) != (user.pk if user else None, editor)
    ]
    if others or base_version > current.version or not since:
        other = others[0] if others else None
        author = other.author if other else None
        raise NoteConflict(current, author, own=user is not None and author is not None and author.pk == user.pk)


@transaction.atomic
def note_save(
    *,
    round_: Round,
    user: User | None,
    note: MeetingNote | None,
    agenda_item: AgendaItem | None,
    body: str,
    is_key_finding: bool,
    is_open_question: bool,
    base_version: int,
    editor: str = "",
    fold: bool = True,
) -> tuple[MeetingNote, bool]:
    """Save a note (a new one when ``note`` is None). Returns (note, changed).

    ``base_version`` is the version the form was based on, ``editor`` names the form (one browser tab);
    raises ``NoteConflict`` when another form saved since."""
    _check_writable(round_)
    if len(body or "") > NOTE_MAX_LENGTH:
        raise DomainError(
            gettext("Eine Notiz darf höchstens %(limit)d Zeichen haben.") % {"limit": NOTE_MAX_LENGTH}, field="body"
        )
    if agenda_item is not None and agenda_item.round_id != round_.pk:
        raise DomainError(gettext("Dieser Tagesordnungspunkt gehört nicht zu dieser Runde."))
    if note is None:
        note = MeetingNote.objects.create(
            round=round_,
            agenda_item=agenda_item,
            body=body,
            is_key_finding=is_key_finding,
            is_open_question=is_open_question,
            author=user,
        )
        _record(note, user, editor=editor)
        return note, True
    values = {"body": body, "is_key_finding": is_key_finding, "is_open_question": is_open_question}
    current = MeetingNote.objects.select_for_update().get(pk=note.pk)
    if all(getattr(current, name) == value for name, value in values.items()):
        return current, False
    _check_base(current, user=user, editor=editor, base_version=base_version)
    MeetingNote.objects.filter(pk=note.pk).update(**values, version=F("version") + 1, updated_at=timezone.now())
    rows_changed(MeetingNote, [note.pk])
    current.refresh_from_db()
    _record(current, user, editor=editor, fold=fold)
    return current, True


def note_add(*, round_: Round, agenda_item: AgendaItem | None, user: User | None) -> MeetingNote:
    """An empty additional note, e.g. a second finding on the same clause."""
    _check_writable(round_)
    if agenda_item is not None and agenda_item.round_id != round_.pk:
        raise DomainError(gettext("Dieser Tagesordnungspunkt gehört nicht zu dieser Runde."))
    return MeetingNote.objects.create(round=round_, agenda_item=agenda_item, author=user)


def note_restore(*, note: MeetingNote, revision: MeetingNoteRevision, user: User | None) -> MeetingNote:
    """Make an earlier version the current text (as a new version; nothing is lost)."""
    if revision.note_id != note.pk:
        raise DomainError(gettext("Diese Fassung gehört nicht zu dieser Notiz."))
    current = MeetingNote.objects.select_related("round", "agenda_item").get(pk=note.pk)
    saved, _ = note_save(
        round_=current.round,
        user=user,
        note=current,
        agenda_item=current.agenda_item,
        body=revision.body,
        is_key_finding=current.is_key_finding,
        is_open_question=current.is_open_question,
        base_version=current.version,
        fold=False,
    )
    return saved
