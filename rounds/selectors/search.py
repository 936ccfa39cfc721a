"""Search across the floors: one page of what a reader may find, best first.

A search costs the same number of queries for any number of hits: one counts the hits of every source, one
reads the page's rows (ranked across the sources), then one per source loads the page's rows of it with
their snippets. The sources are in ``rounds.selectors.search_sources``; the machinery of the match
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


def search(*, reader: Reader, criteria: Criteria, page: int = 1) -> SearchPage:
    """One page of what ``reader`` may find, best first (on PostgreSQL), in two queries and one per source
    the reader may find rows of."""
    visible = [(source, source.visible(reader)) for source in sources_for(criteria)]
    # A kind the reader may not find at all costs nothing.
    visible = [(source, queryset) for source, queryset in visible if not queryset.query.is_empty()]
    if not criteria.words or not visible:
        return SearchPage(hits=[], number=1, num_pages=1, total=0)
    sources = [source for source, _ in visible]
    matching = [_matching(source, queryset, criteria=criteria) for source, queryset in visible]
    counted = _union(
        [
            queryset.annotate(hit_source=Value(i, output_field=IntegerField()))
            .values("hit_source")
            .annotate(hit_count=Count("pk"))
            .values_list("hit_source", "hit_count")
            for i, queryset in enumerate(matching)
        ]
    )
    counts = dict.fromkeys(range(len(sources)), 0)
    for i, count in counted:
        counts[i] += count
    total = sum(counts.values())
    num_pages = max(1, min(MAX_PAGE, math.ceil(total / PER_PAGE)))
    number = min(max(page, 1), num_pages)
    ranked = _union(
        [
            queryset.annotate(
                hit_rank=_rank(criteria), hit_source=Value(i, output_field=IntegerField()), hit_id=F("pk")
            ).values_list("hit_rank", "hit_source", "hit_id")
            for i, queryset in enumerate(matching)
        ]
    ).order_by("-hit_rank", "hit_source", "-hit_id")
    rows = list(ranked[(number - 1) * PER_PAGE : number * PER_PAGE])
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
