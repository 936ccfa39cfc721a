"""Read queries of the clauses app: the library, a strategy's positions, the comparison matrix."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import QuerySet

from participants.models import Organisation, Strategy
from participants.selectors import current_strategies

from .models import Clause, Position


def clause_list() -> QuerySet[Clause]:
    return Clause.objects.order_by("number")


def clause_get(*, number: int) -> Clause | None:
    return Clause.objects.filter(number=number).first()


def strategy_positions(*, strategy: Strategy) -> dict[int, Position]:
    """clause id → position of one strategy."""
    return {p.clause_id: p for p in Position.objects.filter(strategy=strategy)}


def position_get(*, strategy: Strategy, clause: Clause) -> Position | None:
    return Position.objects.filter(strategy=strategy, clause=clause).first()


@dataclass
class MatrixRow:
    organisation: Organisation
    strategy: Strategy
    cells: list[tuple[Clause, Position | None]]


@dataclass
class ClauseCount:
    clause: Clause
    contains: int = 0
    partly: int = 0
    absent: int = 0


@dataclass
class Matrix:
    clauses: list[Clause]
    rows: list[MatrixRow] = field(default_factory=list)
    counts: list[ClauseCount] = field(default_factory=list)

    @property
    def strategy_count(self) -> int:
        return len(self.rows)


def filtered_organisations(*, kind: str = "", state: str = "") -> QuerySet[Organisation]:
    organisations = Organisation.objects.all()
    if kind:
        organisations = organisations.filter(kind=kind)
    if state:
        organisations = organisations.filter(state=state)
    return organisations


def comparison_matrix(*, kind: str = "", state: str = "") -> Matrix:
    """Clauses × organisations with a strategy; each cell the position of the organisation's current strategy.

    Three queries, however many organisations and clauses: clauses, strategies, positions.
    """
    clauses = list(clause_list())
    strategies = current_strategies(organisations=filtered_organisations(kind=kind, state=state))
    ordered = sorted(strategies.values(), key=lambda s: s.organisation.name.casefold())
    positions = {
        (p.strategy_id, p.clause_id): p
        for p in Position.objects.filter(strategy__in=[s.pk for s in ordered]).only(
            "id", "strategy_id", "clause_id", "status", "page", "quote"
        )
    }
    rows = [
        MatrixRow(organisation=s.organisation, strategy=s, cells=[(c, positions.get((s.pk, c.pk))) for c in clauses])
        for s in ordered
    ]
    tally = Counter((clause_id, p.status) for (_strategy_id, clause_id), p in positions.items())
    counts = [
        ClauseCount(
            clause=c,
            contains=tally[(c.pk, Position.Status.CONTAINS)],
            partly=tally[(c.pk, Position.Status.PARTLY)],
            absent=tally[(c.pk, Position.Status.ABSENT)],
        )
        for c in clauses
    ]
    return Matrix(clauses=clauses, rows=rows, counts=counts)


def position_for_cell(*, strategy_pk: int, number: int) -> tuple[Strategy, Clause, Position | None] | None:
    strategy = Strategy.objects.select_related("organisation").filter(pk=strategy_pk).first()
    clause = clause_get(number=number)
    if strategy is None or clause is None:
        return None
    return strategy, clause, position_get(strategy=strategy, clause=clause)
