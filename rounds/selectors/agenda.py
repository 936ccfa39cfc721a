"""What the series' history suggests for a round's agenda: open questions to follow up and clauses not yet discussed.

The organiser ticks the suggestions on the agenda page (``AgendaSuggestionsForm``); the next-round proposal mail
lists them. Three queries, whatever the size of the series or the library.
"""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, QuerySet

from clauses.models import Clause
from clauses.selectors import clause_list
from rounds.models import AgendaItem, MeetingNote, Round

S = Round.Status


@dataclass(frozen=True)
class QuestionSuggestion:
    """An open question of an earlier round, to be taken up again under its clause."""

    note: MeetingNote

    @property
    def clause(self) -> Clause:
        return self.note.agenda_item.clause

    @property
    def round(self) -> Round:
        return self.note.round


@dataclass
class AgendaSuggestions:
    questions: list[QuestionSuggestion]
    clauses: list[Clause]
    # What the round's agenda already holds: ticking it again (a second submit) changes nothing and is no error.
    taken_questions: set[int] = field(default_factory=set)
    taken_clauses: set[int] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.questions or self.clauses)


def follow_up_questions(*, round_: Round) -> QuerySet[MeetingNote]:
    """Open questions ("offene Frage (Wiedervorlage)") of the series' earlier rounds that no round has taken up
    yet, and whose clause is not on this round's agenda with another question already."""
    taken_up = AgendaItem.objects.filter(carried_from=OuterRef("pk")).exclude(round__status=S.CANCELLED)
    occupied = AgendaItem.objects.filter(
        round=round_, clause=OuterRef("agenda_item__clause"), carried_from__isnull=False
    )
    return (
        MeetingNote.objects.filter(
            round__series_id=round_.series_id,
            round__number__lt=round_.number,
            is_open_question=True,
            agenda_item__isnull=False,
        )
        .exclude(round__status=S.CANCELLED)
        .exclude(body="")
        .filter(~Exists(taken_up), ~Exists(occupied))
        .select_related("round", "agenda_item__clause")
        .order_by("round__number", "agenda_item__order", "pk")
    )


def agenda_suggestions(*, round_: Round) -> AgendaSuggestions:
    """For a round of a series: (a) the open questions of earlier rounds marked for follow-up, each with its
    clause and round; (b) the library's clauses that no held round of the series had on its agenda, without
    those on this round's agenda or suggested with a question already."""
    on_agenda = list(round_.agenda_items.values_list("clause_id", "carried_from_id"))
    taken_clauses = {clause_id for clause_id, _note in on_agenda}
    taken_questions = {note_id for _clause, note_id in on_agenda if note_id is not None}
    questions = [QuestionSuggestion(note) for note in follow_up_questions(round_=round_)]
    suggested = taken_clauses | {question.clause.pk for question in questions}
    # Discussed: on the agenda of a round that took place (a round recorded afterwards is held from the start).
    discussed = AgendaItem.objects.filter(
        clause=OuterRef("pk"), round__series_id=round_.series_id, round__status__in=Round.TOOK_PLACE
    )
    clauses = [clause for clause in clause_list().filter(~Exists(discussed)) if clause.pk not in suggested]
    return AgendaSuggestions(
        questions=questions, clauses=clauses, taken_questions=taken_questions, taken_clauses=taken_clauses
    )
