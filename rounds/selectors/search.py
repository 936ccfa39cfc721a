"""Search across the floors: one page of what a reader may find, best first.

A search is one statement, written out: of each source (``rounds.selectors.search_sources``) the matches the
reader may find, ranked across the sources, counted per source, one page of them, and what that page shows
with its snippets. It costs the same for any number of hits, and (with the rounds the reader may read,
``rounds.permissions.readable_rounds``, which the filters offer too) one query. The machinery of the match
(PostgreSQL ``german`` full text, a simpler match on SQLite) is in ``strategy_exchange.search``.

Its cost does not grow with the number of hits: of each source only the first ``SEARCH_CANDIDATES`` matches
the reader may see (in the order the GIN index of the search vector yields them) are ranked, counted and
paged through. A source with more matches says so (``capped``): the page then shows "mehr als 1.000
Treffer", and more words or a filter narrow the search down.
"""

import math
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.utils.safestring import SafeString

from clauses.models import Clause
from rounds.permissions import ReadableRound
from rounds.selectors.search_sources import FILTERS, KINDS, SOURCES, Reader, Source
from strategy_exchange import search as fulltext
from strategy_exchange.search import Sql

__all__ = ["KINDS", "MAX_PAGE", "PER_PAGE", "Criteria", "Reader", "SearchPage", "filter_choices", "search"]

PER_PAGE = 20
MAX_PAGE = 50  # deeper pages are refused: nobody reads them, and they cost the most


@dataclass(frozen=True)
class Criteria:
    """What is searched: the words (see ``strategy_exchange.search.query_words``) and the filters: the ids of
    a series and a round, a clause's number, an organisation kind and a Bundesland."""

    words: list[str]
    kind: str = ""
    series: int | None = None
    round: int | None = None
    clause: int | None = None
    organisation_kind: str = ""
    state: str = ""

    def filters(self) -> dict[str, object]:
        values = {name: getattr(self, name) for name in FILTERS}
        return {name: value for name, value in values.items() if value not in (None, "")}


@dataclass
class Hit:
    kind: str
    kind_label: str
    title: str
    url: str
    context: str
    snippet: SafeString


@dataclass
class SearchPage:
    hits: list[Hit]
    number: int
    num_pages: int
    total: int  # the hits ranked; with ``capped`` only the first of more
    counts: list[tuple[str, str, int, bool]] = field(default_factory=list)  # kind, label, hits, capped
    capped: bool = False  # some kind has more matches than were ranked: the total is a lower bound
    cap: int = 0  # the matches ranked of each kind

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def first(self) -> int:
        return (self.number - 1) * PER_PAGE + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.total, self.number * PER_PAGE)


# The search ----------------------------------------------------------------------------------------------


def sources_for(criteria: Criteria) -> list[Source]:
    """The sources the kind filter asks for that every given filter applies to."""
    given = set(criteria.filters())
    return [
        source
        for source in SOURCES
        if (not criteria.kind or source.kind == criteria.kind) and given <= set(source.filters)
    ]


def _where(source: Source, visible: Sql, criteria: Criteria) -> Sql:
    """What the reader may find of the source, narrowed by the filters."""
    conditions, params = [visible[0]], list(visible[1])
    for name, value in criteria.filters().items():
        conditions.append(source.filters[name])
        params.append(value)
    return " AND ".join(f"({condition})" for condition in conditions), params


def _candidates(source: Source, where: Sql, *, index: int, criteria: Criteria, cap: int) -> Sql:
    """The first ``cap + 1`` matches of one source with their rank and their number among them: the
    subquery with its LIMIT and without an order stops once it has them (no row beyond is read or ranked).
    On PostgreSQL the rows with the words' stems themselves come first, then those with longer words only
    ("beteiligt" for "Beteiligung"): GIN finds the stems several times faster than the prefixes, and when the
    stems alone fill the candidates the second part is never run."""
    words, (condition, params) = criteria.words, where
    if fulltext.postgres():
        stems, stem_params = fulltext.match_sql("t.search_vector", words, prefix=False)
        prefixes, prefix_params = fulltext.match_sql("t.search_vector", words)
        select = f"SELECT t.id AS pk, t.search_vector AS vector FROM {source.tables} WHERE {condition}"  # noqa: S608
        matches = (
            f"{select} AND {stems} UNION ALL {select} AND {prefixes} AND NOT ({stems})",
            [*params, *stem_params, *params, *prefix_params, *stem_params],
        )
    else:
        match, match_params = fulltext.match_sql("t.search_vector", words)
        matches = f"SELECT t.id AS pk FROM {source.tables} WHERE {condition} AND {match}", [*params, *match_params]  # noqa: S608
    rank, rank_params = fulltext.rank_sql("found.vector", words)
    return (
        f"SELECT {rank} AS hit_rank, {index} AS hit_source, found.pk AS hit_id, "  # noqa: S608 - our own SQL
        f"ROW_NUMBER() OVER () AS hit_n FROM ({matches[0]} LIMIT {cap + 1}) found",
        [*rank_params, *matches[1]],
    )


def _shown(source: Source, *, index: int, criteria: Criteria) -> Sql:
    """What the page shows of its rows of one source, as one JSON object a row."""
    values: dict[str, Sql] = {"id": ("t.id", [])}
    values.update({name: (sql, []) for name, sql in source.shown.items()})
    values.update(fulltext.snippet_sql(source.snippet_fields, criteria.words))
    doc, params = fulltext.object_sql(values)
    return (
        f"SELECT {index} AS shown_source, t.id AS shown_id, {doc} AS doc FROM {source.tables} {source.joins} "  # noqa: S608
        f"WHERE t.id IN (SELECT hit_id FROM page WHERE hit_source = {index})",
        params,
    )


def _statement(found: list[tuple[Source, Sql]], *, criteria: Criteria, cap: int, number: int) -> Sql:
    """One page of the hits, best first, with what they show and the matches of each source (at most
    ``cap + 1``): the counts are window sums that every row of the page carries. A page beyond the last is
    the last one."""
    candidates = [
        _candidates(source, where, index=i, criteria=criteria, cap=cap) for i, (source, where) in enumerate(found)
    ]
    shown = [_shown(source, index=i, criteria=criteria) for i, (source, _) in enumerate(found)]
    per_source = ", ".join(
        f"SUM(CASE WHEN hit_source = {i} THEN 1 ELSE 0 END) OVER () AS hits_{i}" for i in range(len(found))
    )
    counts = ", ".join(f"hits_{i}" for i in range(len(found)))
    least, greatest = ("LEAST", "GREATEST") if fulltext.postgres() else ("MIN", "MAX")
    last_offset = f"{greatest}(((SELECT COUNT(*) FROM hits WHERE hit_n <= {cap}) - 1) / {PER_PAGE} * {PER_PAGE}, 0)"  # noqa: S608
    order = "hit_rank DESC, hit_source, hit_id DESC"
    sql = (
        f"WITH hits AS (SELECT hit_rank, hit_source, hit_id, hit_n, {per_source} "  # noqa: S608
        f"FROM ({' UNION ALL '.join(sql for sql, _ in candidates)}) candidates), "
        f"page AS (SELECT hit_rank, hit_source, hit_id, {counts} FROM hits WHERE hit_n <= {cap} "
        f"ORDER BY {order} LIMIT {PER_PAGE} OFFSET {least}(%s, {last_offset})) "
        f"SELECT hit_rank, hit_source, hit_id, {counts}, doc FROM page "
        f"JOIN ({' UNION ALL '.join(sql for sql, _ in shown)}) shown "
        f"ON shown_source = hit_source AND shown_id = hit_id ORDER BY {order}"
    )
    params = [param for _, part in candidates for param in part]
    params.append((number - 1) * PER_PAGE)
    params += [param for _, part in shown for param in part]
    return sql, params


def search(*, reader: Reader, criteria: Criteria, page: int = 1, cap: int | None = None) -> SearchPage:
    """One page of what ``reader`` may find, best first (on PostgreSQL), in one query. Of each source the
    first ``cap`` matches (``SEARCH_CANDIDATES``) are ranked."""
    cap = cap or settings.SEARCH_CANDIDATES
    # A kind the reader may not find at all costs nothing.
    found = [(source, where) for source in sources_for(criteria) if (where := source.visible(reader)) is not None]
    if not criteria.words or not found:
        return SearchPage(hits=[], number=1, num_pages=1, total=0)
    sql, params = _statement(
        [(source, _where(source, where, criteria)) for source, where in found],
        criteria=criteria,
        cap=cap,
        number=max(page, 1),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    sources = [source for source, _ in found]
    width = len(sources)
    matched = {i: int(rows[0][3 + i]) for i in range(width)} if rows else dict.fromkeys(range(width), 0)
    counts = {i: min(count, cap) for i, count in matched.items()}
    total = sum(counts.values())
    num_pages = max(1, min(MAX_PAGE, math.ceil(total / PER_PAGE)))
    number = min(max(page, 1), max(1, math.ceil(total / PER_PAGE)))  # as the query chose it
    hits = []
    for row in rows:
        source, doc = sources[row[1]], fulltext.object_load(row[-1])
        shown = source.hit(doc, reader)
        snippet = fulltext.highlight_html(fulltext.snippet_text(doc, criteria.words))
        hits.append(Hit(source.kind, str(KINDS[source.kind]), shown.title, shown.url, shown.context, snippet))
    by_kind: dict[str, tuple[int, bool]] = {}
    for i, source in enumerate(sources):
        count, capped = by_kind.get(source.kind, (0, False))
        by_kind[source.kind] = (count + counts[i], capped or matched[i] > cap)
    summary = [(kind, str(KINDS[kind]), count, capped) for kind, (count, capped) in by_kind.items() if count]
    return SearchPage(
        hits=hits,
        number=number,
        num_pages=num_pages,
        total=total,
        counts=summary,
        capped=any(capped for *_, capped in summary),
        cap=cap,
    )


def filter_choices(rounds: list[ReadableRound]) -> dict[str, list]:
    """What the search form offers to filter by: the series of the rounds the reader may read something of
    (``rounds.permissions.readable_rounds``, in the order of their titles), those rounds, and every clause
    by its number."""
    clauses = Clause.objects.order_by("number").values_list("number", "title")
    return {
        "series": list({each.series_id: each.series_title for each in rounds}.items()),
        "round": list(rounds),
        "clause": [(number, str(Clause(number=number, title=title))) for number, title in clauses],
    }
