"""The agenda of a round: clauses from the library, a new clause in place, suggestions of the series' history,
order, removal."""

import logging
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext

from clauses.models import Clause
from clauses.services import clause_create
from participants.models import User
from rounds.models import AgendaItem, MeetingNote, Round
from rounds.services.rounds import agenda_revisions_fix, round_completes_afterwards
from strategy_exchange.errors import DomainError
from strategy_exchange.fragments import rows_changed

logger = logging.getLogger(__name__)

EDITABLE = (Round.Status.DRAFT, Round.Status.SCHEDULED, Round.Status.INVITED)


def agenda_editable(*, round_: Round) -> bool:
    """Until the meeting; for a round recorded afterwards, until its report is published."""
    return round_.status in EDITABLE or round_completes_afterwards(round_=round_)


def _check_editable(round_: Round) -> None:
    if not agenda_editable(round_=round_):
        raise DomainError(
            gettext("Die Tagesordnung einer Runde, die stattgefunden hat oder abgesagt ist, ist abgeschlossen.")
        )


def _renumber(round_: Round) -> None:
    for index, item in enumerate(round_.agenda_items.order_by("order", "clause__number", "pk"), start=1):
        if item.order != index:
            AgendaItem.objects.filter(pk=item.pk).update(order=index)
            rows_changed(AgendaItem, [item.pk])


@transaction.atomic
def agenda_add_clause(*, round_: Round, clause: Clause, carried_from: MeetingNote | None = None) -> AgendaItem:
    """Put a clause at the end of the agenda. A clause is on an agenda at most once."""
    _check_editable(round_)
    if round_.agenda_items.filter(clause=clause).exists():
        raise DomainError(
            gettext("§ %(number)s steht bereits auf der Tagesordnung.") % {"number": clause.number}, field="clause"
        )
    order = (round_.agenda_items.aggregate(o=Max("order"))["o"] or 0) + 1
    try:
        with transaction.atomic():
            item = AgendaItem.objects.create(round=round_, clause=clause, order=order, carried_from=carried_from)
    except IntegrityError:
        raise DomainError(
            gettext("§ %(number)s steht bereits auf der Tagesordnung.") % {"number": clause.number}, field="clause"
        ) from None
    if agenda_revisions_fix(round_=round_):  # a round recorded afterwards: the version it discussed
        item.refresh_from_db()
    return item


@transaction.atomic
def agenda_add_suggestions(
    *,
    round_: Round,
    questions: Iterable[MeetingNote] = (),
    clauses: Iterable[Clause] = (),
    by: User,
) -> list[AgendaItem]:
    """Put the ticked suggestions at the end of the agenda: each open question's clause carrying the question
    ("Wiedervorlage aus Runde N"), then each clause. What the agenda holds already stays as it is (a clause on
    it without a question takes the question up), so submitting the same ticks twice adds nothing. All or
    nothing. Returns the items added or newly carrying a question."""
    round_ = Round.objects.select_for_update().get(pk=round_.pk)  # two submits at once: one after the other
    _check_editable(round_)
    questions, clauses = list(questions), list(clauses)
    for note in questions:
        if note.round.series_id != round_.series_id or not note.is_open_question or note.agenda_item_id is None:
            raise DomainError(gettext("Diese offene Frage gehört nicht zu dieser Reihe."), field="questions")
    elsewhere = (
        AgendaItem.objects.filter(carried_from__in=questions)
        .exclude(round=round_)
        .exclude(round__status=Round.Status.CANCELLED)
        .values_list("round__number", flat=True)
        .first()
    )
    if elsewhere is not None:
        raise DomainError(
            gettext("Eine der offenen Fragen wird bereits in Runde %(number)s aufgegriffen.") % {"number": elsewhere},
            field="questions",
        )
    items = {item.clause_id: item for item in round_.agenda_items.all()}
    changed = []
    for note in questions:
        clause = note.agenda_item.clause
        item = items.get(clause.pk)
        if item is None:
            item = items[clause.pk] = agenda_add_clause(round_=round_, clause=clause, carried_from=note)
        elif item.carried_from_id is None:
            AgendaItem.objects.filter(pk=item.pk).update(carried_from=note)
            rows_changed(AgendaItem, [item.pk])
            item.carried_from = note
        elif item.carried_from_id == note.pk:
            continue
        else:
            raise DomainError(
                gettext("Zu § %(number)s steht bereits eine offene Frage auf der Tagesordnung.")
                % {"number": clause.number},
                field="questions",
            )
        changed.append(item)
    for clause in clauses:
        if clause.pk not in items:
            items[clause.pk] = agenda_add_clause(round_=round_, clause=clause)
            changed.append(items[clause.pk])
    logger.info("Round %s: %s suggestions put on the agenda by user %s", round_.pk, len(changed), by.pk)
    return changed


@transaction.atomic
def agenda_create_clause(
    *,
    round_: Round,
    number: int,
    title: str,
    typical_wording: str = "",
    explanation: str = "",
    author: User | None = None,
) -> AgendaItem:
    """Create a new clause in the library and put it on the agenda in one step."""
    _check_editable(round_)
    clause = clause_create(
        number=number, title=title, typical_wording=typical_wording, explanation=explanation, author=author
    )
    return agenda_add_clause(round_=round_, clause=clause)


@transaction.atomic
def agenda_move(*, item: AgendaItem, direction: str) -> AgendaItem:
    """Swap an agenda item with its neighbour above (``"up"``) or below (``"down"``)."""
    if direction not in ("up", "down"):
        raise DomainError(gettext("Unbekannte Richtung."))
    round_ = Round.objects.select_for_update().get(pk=item.round_id)
    _check_editable(round_)
    _renumber(round_)
    items = list(round_.agenda_items.order_by("order"))
    index = next(i for i, candidate in enumerate(items) if candidate.pk == item.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(items):
        return items[index]
    AgendaItem.objects.filter(pk=items[index].pk).update(order=items[other].order)
    AgendaItem.objects.filter(pk=items[other].pk).update(order=items[index].order)
    rows_changed(AgendaItem, [items[index].pk, items[other].pk])
    item.refresh_from_db(fields=["order"])
    return item


@transaction.atomic
def agenda_remove(*, item: AgendaItem) -> None:
    """Take a clause off the agenda, unless the discussion or the notes already refer to it."""
    _check_editable(item.round)
    if item.comments.exists() or item.notes.exclude(body="").exists():
        raise DomainError(
            gettext("Zu § %(number)s gibt es bereits Kommentare oder Notizen; der Punkt kann nicht entfernt werden.")
            % {"number": item.clause.number}
        )
    round_ = item.round
    item.delete()
    _renumber(round_)
