"""Search across the floors: one page of what a reader may find, best first.

A search costs the same number of queries for any number of hits: one reads the page's rows (ranked across
the sources) with the number of hits of every source, then one per source loads the page's rows of it with
their snippets. The sources are in ``rounds.selectors.search_sources``; the machinery of the match
(PostgreSQL ``german`` full text, a simpler match on SQLite) in ``strategy_exchange.search``.

Its cost does not grow with the number of hits: of each source only the first ``SEARCH_CANDIDATES`` matches
the reader may see (in the order the GIN index of the search vector yields them) are ranked, counted and
paged through. A source with more matches says so (``capped``): the page then shows "mehr als 1.000
Treffer", and more words or a filter narrow the search down.
"""

import math
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.postgres.search import SearchHeadline
from django.db import connection
from django.db.models import Model, Q, QuerySet
from django.utils.safestring import SafeString

from clauses.models import Clause
from participants.models import User
from rounds import permissions
from rounds.models import Round, Series
from rounds.selectors.search_sources import FILTERS, KINDS, SOURCES, Reader, Source
from strategy_exchange import search as fulltext

__all__ = ["KINDS", "MAX_PAGE", "PER_PAGE", "Criteria", "Reader", "SearchPage", "filter_choices", "search"]

PER_PAGE = 20
MAX_PAGE = 50  # deeper pages are refused: nobody reads them, and they cost the most


@dataclass(frozen=True)
class Criteria:
    """What is searched: the words (see ``strategy_exchange.search.query_words``) and the filters."""

    words: list[str]
    kind: str = ""
    series: Series | None = None
    round: Round | None = None
    clause: Clause | None = None
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


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _matching(source: Source, visible: QuerySet, *, criteria: Criteria) -> list[QuerySet]:
    """The rows of the source that match, in parts that together hold each match once. On PostgreSQL the rows
    with the words' stems themselves come first, then those with longer words only ("beteiligt" for
    "Beteiligung"): GIN finds the stems several times faster than the prefixes, and when the stems alone
    fill the candidates the second part is never run."""
    queryset = visible
    for name, value in criteria.filters().items():
        queryset = queryset.filter(source.filters[name](value))
    if not _postgres():
        return [queryset.filter(fulltext.sqlite_match("search_vector", criteria.words)).order_by()]
    stems = fulltext.postgres_query(criteria.words, prefix=False)
    prefixes = fulltext.postgres_query(criteria.words)
    return [
        queryset.filter(search_vector=stems).order_by(),
        queryset.filter(search_vector=prefixes).exclude(search_vector=stems).order_by(),
    ]


def sources_for(criteria: Criteria) -> list[Source]:
    """The sources the kind filter asks for that every given filter applies to."""
    given = set(criteria.filters())
    return [
        source
        for source in SOURCES
        if (not criteria.kind or source.kind == criteria.kind) and given <= set(source.filters)
    ]


def _snippet(source: Source, criteria: Criteria):
    return SearchHeadline(
        fulltext.joined(source.snippet_fields),
        fulltext.postgres_query(criteria.words),
        config=fulltext.CONFIG,
        start_sel=fulltext.START,
        stop_sel=fulltext.STOP,
        max_words=35,
        min_words=12,
        max_fragments=2,
        fragment_delimiter=" … ",
    )


def _snippet_text(source: Source, row: Model, criteria: Criteria) -> str:
    if _postgres():
        return row.search_snippet
    text = " · ".join(filter(None, (getattr(row, name) for name in source.snippet_fields)))
    return fulltext.mark_hits(text, criteria.words)


def _candidates(parts: list[QuerySet], *, index: int, criteria: Criteria, cap: int) -> tuple[str, list]:
    """SQL of the first ``cap + 1`` matches of one source with their rank and their number among them: the
    subquery with its LIMIT and without an order stops once it has them (no row beyond is read or ranked)."""
    columns = ("pk", "search_vector") if _postgres() else ("pk",)
    first, *rest = (part.values_list(*columns) for part in parts)
    matches = first.union(*rest, all=True) if rest else first
    sql, params = matches[: cap + 1].query.get_compiler(using=first.db).as_sql()
    rank, rank_params = (
        fulltext.postgres_rank_sql("found.search_vector", criteria.words) if _postgres() else ("0.0", [])
    )
    statement = (
        f"SELECT {rank} AS hit_rank, {index} AS hit_source, found.pk AS hit_id, "  # noqa: S608 - our own SQL
        f"ROW_NUMBER() OVER () AS hit_n FROM ({sql}) found"
    )
    return statement, [*rank_params, *params]


def _ranked_page(
    matching: list[list[QuerySet]], *, criteria: Criteria, cap: int, number: int
) -> tuple[list[tuple], dict[int, int]]:
    """One page of the hits, best first, and the matches of each source (at most ``cap + 1``), in one query:
    the counts are window sums that every row of the page carries. A page beyond the last is the last one."""
    parts = [_candidates(each, index=i, criteria=criteria, cap=cap) for i, each in enumerate(matching)]
    union = " UNION ALL ".join(sql for sql, _ in parts)
    per_source = ", ".join(
        f"SUM(CASE WHEN hit_source = {i} THEN 1 ELSE 0 END) OVER () AS hits_{i}" for i in range(len(matching))
    )
    counts = ", ".join(f"hits_{i}" for i in range(len(matching)))
    least, greatest = ("LEAST", "GREATEST") if _postgres() else ("MIN", "MAX")
    last_offset = f"{greatest}(((SELECT COUNT(*) FROM hits WHERE hit_n <= {cap}) - 1) / {PER_PAGE} * {PER_PAGE}, 0)"  # noqa: S608
    statement = (
        f"WITH hits AS (SELECT hit_rank, hit_source, hit_id, hit_n, {per_source} FROM ({union}) candidates) "  # noqa: S608
        f"SELECT hit_rank, hit_source, hit_id, {counts} FROM hits WHERE hit_n <= {cap} "
        f"ORDER BY hit_rank DESC, hit_source, hit_id DESC LIMIT {PER_PAGE} OFFSET {least}(%s, {last_offset})"
    )
    params = [param for _, part in parts for param in part]
    with connection.cursor() as cursor:
        cursor.execute(statement, [*params, (number - 1) * PER_PAGE])
        fetched = cursor.fetchall()
    if not fetched:
        return [], dict.fromkeys(range(len(matching)), 0)
    return [tuple(row[:3]) for row in fetched], {i: int(fetched[0][3 + i]) for i in range(len(matching))}


def search(*, reader: Reader, criteria: Criteria, page: int = 1, cap: int | None = None) -> SearchPage:
    """One page of what ``reader`` may find, best first (on PostgreSQL), in one query for the page and the
    counts, and one per source the reader may find rows of. Of each source the first ``cap`` matches
    (``SEARCH_CANDIDATES``) are ranked."""
    cap = cap or settings.SEARCH_CANDIDATES
    visible = [(source, source.visible(reader)) for source in sources_for(criteria)]
    # A kind the reader may not find at all costs nothing.
    visible = [(source, queryset) for source, queryset in visible if not queryset.query.is_empty()]
    if not criteria.words or not visible:
        return SearchPage(hits=[], number=1, num_pages=1, total=0)
    sources = [source for source, _ in visible]
    matching = [_matching(source, queryset, criteria=criteria) for source, queryset in visible]
    rows, found = _ranked_page(matching, criteria=criteria, cap=cap, number=max(page, 1))
    counts = {i: min(count, cap) for i, count in found.items()}
    total = sum(counts.values())
    num_pages = max(1, min(MAX_PAGE, math.ceil(total / PER_PAGE)))
    number = min(max(page, 1), max(1, math.ceil(total / PER_PAGE)))  # as the query chose it
    loaded: dict[tuple[int, int], Model] = {}
    for i, source in enumerate(sources):
        ids = [pk for _, index, pk in rows if index == i]
        # One query per source on every page, with rows of it or not: the same count for any number of hits.
        queryset = source.load(source.model.objects.filter(pk__in=ids or [0]).defer("search_vector"), reader)
        if _postgres():
            queryset = queryset.annotate(search_snippet=_snippet(source, criteria))
        loaded.update({(i, row.pk): row for row in queryset})
    hits = []
    for _score, i, pk in rows:
        row = loaded.get((i, pk))
        if row is None:  # deleted meanwhile
            continue
        source = sources[i]
        shown = source.hit(row, reader)
        snippet = fulltext.highlight_html(_snippet_text(source, row, criteria))
        hits.append(Hit(source.kind, str(KINDS[source.kind]), shown.title, shown.url, shown.context, snippet))
    by_kind: dict[str, tuple[int, bool]] = {}
    for i, source in enumerate(sources):
        count, capped = by_kind.get(source.kind, (0, False))
        by_kind[source.kind] = (count + counts[i], capped or found[i] > cap)
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


def filter_choices(*, user: User) -> dict[str, QuerySet]:
    """The series, rounds and clauses the search form offers the reader: rounds they may open or whose
    published report opens their comments to them, and the series of those."""
    rounds = Round.objects.filter(
        Q(pk__in=permissions.visible_rounds(user).values("pk"))
        | Q(pk__in=permissions.published_comment_rounds(user).values("pk"))
    )
    # Only what the options show: a reader may filter by a few hundred rounds.
    return {
        "series": Series.objects.filter(pk__in=rounds.values("series")).only("title").order_by("title"),
        "round": rounds.select_related("series").only("number", "series__title").order_by("series__title", "number"),
        "clause": Clause.objects.only("number", "title").order_by("number"),
    }
