"""What the cached fragments of the round pages are keyed on, and which writes move those keys on.

- A discussion thread (a page of it) is keyed on its **agenda item's** version.
- The round page's agenda (items, comment counts, key findings) and participating organisations are
  keyed on the **round's** version.
- The clause page's list of rounds is keyed on the versions of the agenda items and rounds it shows; its
  history of versions, which names the rounds that discussed each version, on the **clause's** version:
  agenda items, rounds and series move on the versions of their clauses.

Saving a versioned row moves its own version on (``strategy_exchange.fragments.Versioned``). The
dependencies below move on the versions of the rows whose fragments show another row; they run for
every save and delete, the admin's included, and for ``fragments.rows_changed`` after a
``QuerySet.update()``. Connected once, in ``rounds.apps``.
"""

from django.db.models import Q, QuerySet

from clauses.models import Clause
from participants.models import Organisation, User
from rounds.models import AgendaItem, Comment, FollowUpReport, Invitation, MeetingNote, Round, Series
from strategy_exchange.fragments import bump, depends_on


def _items(condition: Q) -> None:
    bump(AgendaItem.objects.filter(condition))


def _rounds(condition: Q) -> None:
    bump(Round.objects.filter(condition))


def comments_changed(rows: QuerySet) -> None:
    """A comment's thread and its round's comment counts."""
    _items(Q(pk__in=rows.values("agenda_item_id")))
    _rounds(Q(pk__in=rows.values("agenda_item__round_id")))


def _clauses(condition: Q) -> None:
    bump(Clause.objects.filter(condition))


def agenda_items_changed(rows: QuerySet) -> None:
    """The round's agenda, and the clause page's list of the rounds that discussed each version."""
    _rounds(Q(pk__in=rows.values("round_id")))
    _clauses(Q(pk__in=rows.values("clause_id")))


def rounds_changed(rows: QuerySet) -> None:
    """A round's number, date and status show in the history of the clauses it discussed."""
    _clauses(Q(agenda_items__round__in=rows))


def round_rows_changed(rows: QuerySet) -> None:
    """Invitations (the organisations taking part), meeting notes (key findings) and reports."""
    _rounds(Q(pk__in=rows.values("round_id")))


def series_changed(rows: QuerySet) -> None:
    _rounds(Q(series__in=rows))
    _clauses(Q(agenda_items__round__series__in=rows))


def clauses_changed(rows: QuerySet) -> None:
    _items(Q(clause__in=rows))
    _rounds(Q(agenda_items__clause__in=rows))


def _shown_with(comments: QuerySet, invitations: QuerySet) -> None:
    """The threads and rounds of some comments, and the rounds of some invitations. Each is looked up from the
    comments and invitations (their indexes), never by joining every round to every comment."""
    _items(Q(pk__in=comments.values("agenda_item_id")))
    _rounds(Q(pk__in=comments.values("agenda_item__round_id")) | Q(pk__in=invitations.values("round_id")))


def organisations_changed(rows: QuerySet) -> None:
    """An organisation's name shows with its people's comments and among the round's participants."""
    _shown_with(Comment.objects.filter(organisation__in=rows), Invitation.objects.filter(organisation__in=rows))


def people_changed(rows: QuerySet) -> None:
    """A person's name shows with their comments (and goes with their account)."""
    _shown_with(Comment.objects.filter(author__in=rows), Invitation.objects.filter(user__in=rows))


PERSON_FIELDS = ("full_name", "email")
ROUND_FIELDS = ("number", "starts_at", "status", "series")


def connect() -> None:
    depends_on(Comment, comments_changed)
    depends_on(AgendaItem, agenda_items_changed)
    depends_on(Round, rounds_changed, fields=ROUND_FIELDS)
    for model in (Invitation, MeetingNote, FollowUpReport):
        depends_on(model, round_rows_changed)
    depends_on(Series, series_changed)
    depends_on(Clause, clauses_changed)
    depends_on(Organisation, organisations_changed)
    depends_on(User, people_changed, fields=PERSON_FIELDS)
