"""Search across the floors: one page of what a reader may find, best first.

A search costs the same number of queries for any number of hits: one reads the page's rows (ranked across
the sources) with the number of hits of every source, then one per source loads the page's rows of it with
their snippets (a page beyond the last costs one count more). The sources are in ``rounds.selectors.search_sources``; the machinery of the match
(PostgreSQL ``german`` full text, a simpler match on SQLite) in ``strategy_exchange.search``.
"""

import math
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchHeadline, SearchRank
from django.db import connection
from django.db.models import Count, F, FloatField, IntegerField, Model, Q, QuerySet, Value
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
    total: int
    counts: list[tuple[str, str, int]] = field(default_factory=list)  # kind, label, hits of the kind

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


def _matching(source: Source, visible: QuerySet, *, criteria: Criteria) -> QuerySet:
    queryset = visible
    for name, value in criteria.filters().items():
        queryset = queryset.filter(source.filters[name](value))
    if _postgres():
        return queryset.filter(search_vector=fulltext.postgres_query(criteria.words)).order_by()
    return queryset.filter(fulltext.sqlite_match("search_vector", criteria.words)).order_by()


def _rank(criteria: Criteria):
    if _postgres():
        return SearchRank(F("search_vector"), fulltext.postgres_query(criteria.words))
    return Value(0.0, output_field=FloatField())  # SQLite: no ranking, a fixed order


def _union(querysets: list[QuerySet]) -> QuerySet:
    return querysets[0].union(*querysets[1:], all=True) if len(querysets) > 1 else querysets[0]


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


def _counts(matching: list[QuerySet]) -> dict[int, int]:
    """The hits of each source (one query)."""
    counted = _union(
        [
            queryset.annotate(hit_source=Value(i, output_field=IntegerField()))
            .values("hit_source")
            .annotate(hit_count=Count("pk"))
            .values_list("hit_source", "hit_count")
            for i, queryset in enumerate(matching)
        ]
    )
    counts = dict.fromkeys(range(len(matching)), 0)
    for i, count in counted:
        counts[i] += count
    return counts


def _ranked_page(ranked: QuerySet, *, sources: int, number: int) -> tuple[list[tuple], dict[int, int]]:
    """One page of the hits, best first, and the hits of each source, in one pass over the hits: the counts
    are window sums that every row of the page carries."""
    sql, params = ranked.query.get_compiler(using=ranked.db).as_sql()
    per_source = ", ".join(f"SUM(CASE WHEN hit_source = {i} THEN 1 ELSE 0 END) OVER ()" for i in range(sources))
    statement = (
        f"SELECT hit_rank, hit_source, hit_id, {per_source} FROM ({sql}) hits "  # noqa: S608 - our own SQL
        "ORDER BY hit_rank DESC, hit_source, hit_id DESC LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [*params, PER_PAGE, (number - 1) * PER_PAGE])
        fetched = cursor.fetchall()
    if not fetched:
        return [], dict.fromkeys(range(sources), 0)
    return [tuple(row[:3]) for row in fetched], {i: int(fetched[0][3 + i]) for i in range(sources)}


def search(*, reader: Reader, criteria: Criteria, page: int = 1) -> SearchPage:
    """One page of what ``reader`` may find, best first (on PostgreSQL), in one query for the page and the
    counts, and one per source the reader may find rows of."""
    visible = [(source, source.visible(reader)) for source in sources_for(criteria)]
    # A kind the reader may not find at all costs nothing.
    visible = [(source, queryset) for source, queryset in visible if not queryset.query.is_empty()]
    if not criteria.words or not visible:
        return SearchPage(hits=[], number=1, num_pages=1, total=0)
    sources = [source for source, _ in visible]
    matching = [_matching(source, queryset, criteria=criteria) for source, queryset in visible]
    ranked = _union(
        [
            queryset.annotate(
                hit_rank=_rank(criteria), hit_source=Value(i, output_field=IntegerField()), hit_id=F("pk")
            ).values_list("hit_rank", "hit_source", "hit_id")
            for i, queryset in enumerate(matching)
        ]
    )
    number = max(page, 1)
    rows, counts = _ranked_page(ranked, sources=len(sources), number=number)
    if not rows and number > 1:  # beyond the last page: the last page instead (one query more, only here)
        total = sum(_counts(matching).values())
        number = max(1, min(MAX_PAGE, math.ceil(total / PER_PAGE)))
        rows, counts = _ranked_page(ranked, sources=len(sources), number=number)
    total = sum(counts.values())
    num_pages = max(1, min(MAX_PAGE, math.ceil(total / PER_PAGE)))
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
        found = source.hit(row, reader)
        snippet = fulltext.highlight_html(_snippet_text(source, row, criteria))
        hits.append(Hit(source.kind, str(KINDS[source.kind]), found.title, found.url, found.context, snippet))
    by_kind: dict[str, int] = {}
    for i, source in enumerate(sources):
        by_kind[source.kind] = by_kind.get(source.kind, 0) + counts[i]
    summary = [(kind, str(KINDS[kind]), count) for kind, count in by_kind.items() if count]
    return SearchPage(hits=hits, number=number, num_pages=num_pages, total=total, counts=summary)


def filter_choices(*, user: User) -> dict[str, QuerySet]:
    """The series, rounds and clauses the search form offers the reader: rounds they may open or whose
    published report opens their comments to them, and the series of those."""
    rounds = Round.objects.filter(
        Q(pk__in=permissions.visible_rounds(user).values("pk"))
        | Q(pk__in=permissions.published_comment_rounds(user).values("pk"))
    )
    return {
        "series": Series.objects.filter(pk__in=rounds.values("series")).order_by("title"),
        "round": rounds.select_related("series").order_by("series__title", "number"),
        "clause": Clause.objects.order_by("number"),
    }
