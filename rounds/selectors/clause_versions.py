"""Which version of a clause a round discussed: stored with the agenda item once the round took place
(``rounds.services.rounds.agenda_revisions_fix``), the one in force at the round's start before that."""

from collections import defaultdict
from dataclasses import dataclass

from clauses.models import Clause
from clauses.selectors import RevisionEntry, clause_revisions, revision_in_force, revisions_by_clause
from rounds.models import AgendaItem, Round


def discussed_revisions(*, items: list[AgendaItem], round_: Round | None = None) -> None:
    """Set ``item.discussed`` (the version of its clause an agenda item's round discussed, or discusses) and
    ``item.revision_count`` on each item (one query). Once the round took place the version is stored with
    the item; before that (and for rows written past the services) it is the one in force at the round's
    start: for a round ahead, the current wording. ``round_`` is every item's round, or None when each
    item's round is loaded with it."""
    by_clause = revisions_by_clause(clause_ids=[item.clause_id for item in items])
    for item in items:
        revisions = by_clause[item.clause_id]
        starts_at = (round_ or item.round).starts_at
        stored = next((r for r in revisions if r.pk == item.clause_revision_id), None)
        item.discussed = stored or revision_in_force(revisions, starts_at)
        item.revision_count = len(revisions)


@dataclass
class VersionHistory:
    """One version of a clause (with its changes) and the rounds that discussed it, in the order they
    took place."""

    entry: RevisionEntry
    items: list[AgendaItem]


def clause_version_history(*, clause: Clause) -> list[VersionHistory]:
    """Every version of the clause, newest first, each with the rounds that took place and discussed it
    (three queries). The page showing it is keyed on the clause's version: the agenda items, rounds and
    series it names move it on (``rounds.freshness``)."""
    entries = clause_revisions(clause=clause)
    items = list(
        AgendaItem.objects.filter(clause=clause, round__status__in=Round.TOOK_PLACE)
        .select_related("round__series")
        .order_by("round__starts_at", "pk")
    )
    discussed_revisions(items=items)
    by_revision: dict[int, list[AgendaItem]] = defaultdict(list)
    for item in items:
        if item.discussed is not None:
            by_revision[item.discussed.pk].append(item)
    return [VersionHistory(entry=entry, items=by_revision[entry.revision.pk]) for entry in entries]
