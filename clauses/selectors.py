"""Read queries of the clauses app: the library, a strategy's positions, the comparison matrix."""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Lower

from participants.models import Organisation, Strategy
from participants.selectors import strategies_in_force

from .models import Clause, ClauseRevision, Position, Suggestion

REVISED_FIELDS = ("number", "title", "typical_wording", "explanation", "keywords")


def clause_list() -> QuerySet[Clause]:
    return Clause.objects.order_by("number")


def clause_list_with_open_suggestions() -> QuerySet[Clause]:
    """The library, each clause with ``open_suggestion_count`` (of strategies in force); one query."""
    counts = (
        open_suggestions()
        .filter(clause=OuterRef("pk"), strategy__in=strategies_in_force().values("pk"))
        .order_by()
        .values("clause")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return clause_list().annotate(open_suggestion_count=Coalesce(Subquery(counts), 0))


def clause_get(*, number: int) -> Clause | None:
    return Clause.objects.filter(number=number).first()


def strategy_positions(*, strategy: Strategy) -> dict[int, Position]:
    """clause id → position of one strategy."""
    return {p.clause_id: p for p in Position.objects.filter(strategy=strategy)}


def position_get(*, strategy: Strategy, clause: Clause) -> Position | None:
    return Position.objects.filter(strategy=strategy, clause=clause).first()


@dataclass(frozen=True)
class ClauseHead:
    """A matrix column: what the header, the chart and the CSV show of a clause."""

    pk: int
    number: int
    title: str


@dataclass(frozen=True)
class CellStatus:
    """A filled cell; one instance per status is shared by all cells with that status."""

    status: str
    label: str


@dataclass
class MatrixRow:
    organisation: Organisation
    strategy: Strategy
    cells: list[tuple[ClauseHead, CellStatus | None]]


@dataclass
class ClauseCount:
    clause: ClauseHead
    contains: int = 0
    partly: int = 0
    absent: int = 0
    open_suggestions: int = 0  # proposed passages nobody has accepted or dismissed yet


@dataclass
class MatrixSummary:
    """Columns, the chart's counts per clause and the number of strategies shown – all rows, not one page."""

    clauses: list[ClauseHead]
    counts: list[ClauseCount]
    strategy_count: int
    open_suggestions: int = 0


@dataclass
class Matrix:
    clauses: list[ClauseHead]
    rows: list[MatrixRow] = field(default_factory=list)
    counts: list[ClauseCount] = field(default_factory=list)

    @property
    def strategy_count(self) -> int:
        return len(self.rows)


def matrix_strategies(*, kind: str = "", state: str = "") -> QuerySet[Strategy]:
    """The strategy in force of each organisation of that kind and state, by organisation name."""
    strategies = strategies_in_force()
    if kind:
        strategies = strategies.filter(organisation__kind=kind)
    if state:
        strategies = strategies.filter(organisation__state=state)
    return strategies.order_by(Lower("organisation__name"), "organisation__name", "pk")


def _clause_heads() -> list[ClauseHead]:
    return [ClauseHead(*values) for values in Clause.objects.order_by("number").values_list("pk", "number", "title")]


def matrix_summary(*, kind: str = "", state: str = "") -> MatrixSummary:
    """Three queries: clauses, the strategies' count, and one aggregate of positions per clause and status."""
    clauses = _clause_heads()
    strategies = matrix_strategies(kind=kind, state=state)
    status = Position.Status
    tallies = {
        row["clause_id"]: row
        for row in Position.objects.filter(strategy__in=strategies.order_by().values("pk"))
        .order_by()
        .values("clause_id")
        .annotate(
            contains=Count("pk", filter=Q(status=status.CONTAINS)),
            partly=Count("pk", filter=Q(status=status.PARTLY)),
            absent=Count("pk", filter=Q(status=status.ABSENT)),
        )
    }
    open_counts = open_suggestion_counts(strategies=strategies)
    counts = [
        ClauseCount(
            clause=c,
            **{k: tallies.get(c.pk, {}).get(k, 0) for k in ("contains", "partly", "absent")},
            open_suggestions=open_counts.get(c.pk, 0),
        )
        for c in clauses
    ]
    return MatrixSummary(
        clauses=clauses,
        counts=counts,
        strategy_count=strategies.count(),
        open_suggestions=sum(open_counts.values()),
    )


def open_suggestions() -> QuerySet[Suggestion]:
    """Suggestions awaiting the representative's review (on a page of the strategy's current file)."""
    return Suggestion.objects.filter(status=Suggestion.Status.OPEN, page__isnull=False)


def open_suggestion_counts(*, strategies: QuerySet[Strategy] | None = None) -> dict[int, int]:
    """clause id → open suggestions, of ``strategies`` (every strategy in force when None); one query."""
    strategies = strategies if strategies is not None else strategies_in_force()
    rows = (
        open_suggestions()
        .filter(strategy__in=strategies.order_by().values("pk"))
        .order_by()
        .values("clause_id")
        .annotate(n=Count("pk"))
    )
    return {row["clause_id"]: row["n"] for row in rows}


def strategy_suggestions(*, strategy: Strategy) -> dict[int, list[Suggestion]]:
    """clause id → the strategy's open suggestions for it, best first."""
    found: dict[int, list[Suggestion]] = {}
    for suggestion in open_suggestions().filter(strategy=strategy).order_by("clause_id", "rank"):
        found.setdefault(suggestion.clause_id, []).append(suggestion)
    return found


def suggestion_get(*, strategy: Strategy, pk: int, clause: Clause | None = None) -> Suggestion | None:
    """An open suggestion of this strategy (and clause), else None."""
    rows = open_suggestions().filter(strategy=strategy, pk=pk).select_related("strategy__organisation", "clause")
    if clause is not None:
        rows = rows.filter(clause=clause)
    return rows.first()


def cell_statuses() -> dict[str, CellStatus]:
    """status → the shared cell of that status, its label translated once."""
    return {value: CellStatus(status=value, label=str(label)) for value, label in Position.Status.choices}


def matrix_rows(
    *, clauses: list[ClauseHead], kind: str = "", state: str = "", offset: int = 0, limit: int | None = None
) -> list[MatrixRow]:
    """Rows ``offset`` to ``offset + limit`` of the matrix, in two queries: strategies, then their positions."""
    strategies = matrix_strategies(kind=kind, state=state).select_related("organisation")
    strategies = strategies.only("organisation__name", "organisation__kind", "organisation__state")
    strategies = list(strategies[offset : offset + limit] if limit is not None else strategies[offset:])
    statuses = cell_statuses()
    found = {
        (strategy_id, clause_id): statuses[status]
        for strategy_id, clause_id, status in Position.objects.filter(strategy__in=[s.pk for s in strategies])
        .order_by()
        .values_list("strategy_id", "clause_id", "status")
    }
    return [
        MatrixRow(
            organisation=s.organisation,
            strategy=s,
            cells=[(c, found.get((s.pk, c.pk))) for c in clauses],
        )
        for s in strategies
    ]


def comparison_matrix(*, kind: str = "", state: str = "") -> Matrix:
    """Clauses × organisations with a strategy, all rows; each cell the position of the current strategy."""
    summary = matrix_summary(kind=kind, state=state)
    rows = matrix_rows(clauses=summary.clauses, kind=kind, state=state)
    return Matrix(clauses=summary.clauses, rows=rows, counts=summary.counts)


@dataclass(frozen=True)
class ExportRow:
    organisation: str
    kind: str
    state: str
    strategy: str
    adopted_on: datetime.date | None
    cells: list[tuple[ClauseHead, tuple[str, str, int | None] | None]]  # (status, quote, page) or none


def matrix_export(*, kind: str = "", state: str = "", batch: int = 500) -> tuple[list[ClauseHead], Iterator[ExportRow]]:
    """Every row of the matrix with quote and page, for the CSV export.

    Strategies come in one query; their positions in one query per ``batch`` strategies, so memory
    stays bounded and no row costs a query of its own.
    """
    clauses = _clause_heads()
    strategies = list(
        matrix_strategies(kind=kind, state=state).values_list(
            "pk", "organisation__name", "organisation__kind", "organisation__state", "title", "adopted_on"
        )
    )
    kinds = dict(Organisation.Kind.choices)
    states = dict(Organisation.State.choices)

    def rows() -> Iterator[ExportRow]:
        for start in range(0, len(strategies), batch):
            chunk = strategies[start : start + batch]
            found = {
                (strategy_id, clause_id): (status, quote, page)
                for strategy_id, clause_id, status, quote, page in Position.objects.filter(
                    strategy__in=[row[0] for row in chunk]
                )
                .order_by()
                .values_list("strategy_id", "clause_id", "status", "quote", "page")
            }
            for pk, name, org_kind, org_state, title, adopted_on in chunk:
                yield ExportRow(
                    organisation=name,
                    kind=str(kinds.get(org_kind, org_kind)),
                    state=str(states.get(org_state, org_state)),
                    strategy=title,
                    adopted_on=adopted_on,
                    cells=[(c, found.get((pk, c.pk))) for c in clauses],
                )

    return clauses, rows()


def position_for_cell(*, strategy_pk: int, number: int) -> tuple[Strategy, Clause, Position | None] | None:
    strategy = Strategy.objects.select_related("organisation").filter(pk=strategy_pk).first()
    clause = clause_get(number=number)
    if strategy is None or clause is None:
        return None
    return strategy, clause, position_get(strategy=strategy, clause=clause)


# The versions of a clause ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    before: object
    after: object


@dataclass
class RevisionEntry:
    """One stored version with what changed against the version before it (all fields for the first)."""

    revision: ClauseRevision
    changes: list[FieldChange]


def clause_revisions(*, clause: Clause) -> list[RevisionEntry]:
    """Every version of the clause, newest first, each with its changes (two queries)."""
    revisions = list(clause.revisions.select_related("author").order_by("revision"))
    entries, previous = [], None
    for revision in revisions:
        changes = [
            FieldChange(
                name=name,
                label=str(ClauseRevision._meta.get_field(name).verbose_name),
                before=getattr(previous, name) if previous is not None else None,
                after=getattr(revision, name),
            )
            for name in REVISED_FIELDS
            if previous is None or getattr(previous, name) != getattr(revision, name)
        ]
        entries.append(RevisionEntry(revision=revision, changes=changes))
        previous = revision
    return entries[::-1]


def revision_in_force(revisions: list[ClauseRevision], moment: datetime.datetime) -> ClauseRevision | None:
    """The version a round starting at ``moment`` discussed: the last one saved before it began; a round
    older than every stored version (recorded afterwards) discussed the first one. ``revisions`` in order."""
    chosen = None
    for revision in revisions:
        if revision.created_at <= moment or chosen is None:
            chosen = revision
        else:
            break
    return chosen


def revisions_by_clause(*, clause_ids: Iterable[int]) -> dict[int, list[ClauseRevision]]:
    """The versions of each clause, in order (one query); a clause without versions maps to []."""
    by_clause: dict[int, list[ClauseRevision]] = defaultdict(list)
    clause_ids = set(clause_ids)
    if clause_ids:
        revisions = ClauseRevision.objects.filter(clause_id__in=clause_ids)
        for revision in revisions.only("id", "clause_id", "revision", "created_at").order_by("revision"):
            by_clause[revision.clause_id].append(revision)
    return by_clause
