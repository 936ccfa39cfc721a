"""Search across the floors: clauses, comments, meeting notes, positions, strategies and organisations.

Each kind of row is one :class:`Source` in ``SOURCES``: which rows the reader may find (the permission
predicates of each floor), how the filters reach it, what its results show. Another kind is one more entry,
e.g. the pages of a strategy's document::

    Source(key="strategy_page", kind="strategy", model=StrategyPage, snippet_fields=("text",),
           visible=lambda reader: StrategyPage.objects.all() if reader.may_view_strategies else none,
           filters={"organisation_kind": lambda v: Q(strategy__organisation__kind=v), ...},
           load=lambda qs, reader: qs.select_related("strategy__organisation"), hit=_strategy_page_hit)

A search costs the same number of queries for any number of hits: one counts the hits of every source, one
reads the page's rows (ranked across the sources), then one per source loads the page's rows of it with
their snippets. The machinery of the match (PostgreSQL ``german`` full text, a simpler match on SQLite) is
in ``strategy_exchange.search``.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchHeadline, SearchRank
from django.db import connection
from django.db.models import Count, Exists, F, FloatField, IntegerField, Model, OuterRef, Q, QuerySet, Value
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clauses.models import Clause, Position
from participants.models import Organisation, Strategy, User
from participants.permissions import can_view_strategies
from rounds import permissions
from rounds.models import AgendaItem, Comment, Invitation, MeetingNote, Round, Series
from rounds.selectors.discussion import former_representative_label
from rounds.services.comments import comment_public_attribution
from strategy_exchange import search as fulltext

PER_PAGE = 20
MAX_PAGE = 50  # deeper pages are refused: nobody reads them, and they cost the most

KINDS = {
    "clause": gettext_lazy("Klauseln"),
    "comment": gettext_lazy("Kommentare"),
    "note": gettext_lazy("Protokollnotizen"),
    "position": gettext_lazy("Umsetzungen in Strategien"),
    "strategy": gettext_lazy("Strategien"),
    "organisation": gettext_lazy("Organisationen"),
}
FILTERS = ("series", "round", "clause", "organisation_kind", "state")


@dataclass(frozen=True)
class Reader:
    """Who searches, with what the navigation already knows (no query of its own)."""

    user: User
    organiser: bool = False

    @property
    def signed_in(self) -> bool:
        return bool(self.user.is_authenticated)

    @property
    def may_view_strategies(self) -> bool:
        return can_view_strategies(self.user)


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


@dataclass(frozen=True)
class Found:
    """What one result shows."""

    title: str
    url: str
    context: str = ""


@dataclass(frozen=True)
class Source:
    key: str  # unique among the sources
    kind: str  # one of KINDS: the kind filter and the label of its results
    model: type[Model]
    snippet_fields: tuple[str, ...]
    visible: Callable[[Reader], QuerySet]  # the rows the reader may find
    filters: dict[str, Callable[[object], Q]]  # the filters that apply, by name; a source without one drops out
    load: Callable[[QuerySet, Reader], QuerySet]  # the page's rows with what ``hit`` reads
    hit: Callable[[Model, Reader], Found]


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


# The sources ---------------------------------------------------------------------------------------------


def _agenda_of(clause_filter: Q) -> Q:
    return Q(Exists(AgendaItem.objects.filter(clause_filter, clause=OuterRef("pk"))))


def _clause_hit(clause: Clause, reader: Reader) -> Found:
    return Found(title=str(clause), url=reverse("rounds:clause_history", kwargs={"number": clause.number}))


def _comments_visible(reader: Reader) -> QuerySet:
    """Neither hidden nor deleted ones; internal ones only in the reader's rounds (invitees and organisers),
    the quotable and anonymised ones also where the published report opens them to the reader."""
    user = reader.user
    outside = Q(agenda_item__round__in=permissions.published_comment_rounds(user)) & ~Q(
        confidentiality=Comment.Confidentiality.INTERNAL
    )
    readable = outside | Q(agenda_item__round__in=permissions.visible_rounds(user)) if reader.signed_in else outside
    return Comment.objects.filter(readable, deleted_at__isnull=True, moderation=Comment.Moderation.VISIBLE)


def _comments_load(queryset: QuerySet, reader: Reader) -> QuerySet:
    queryset = queryset.select_related("agenda_item__round__series", "agenda_item__clause", "author", "organisation")
    if not reader.signed_in:
        return queryset.annotate(reader_in_round=Value(False))
    in_round = permissions.visible_rounds(reader.user).filter(pk=OuterRef("agenda_item__round_id"))
    return queryset.annotate(reader_in_round=Exists(in_round))


def _comment_hit(comment: Comment, reader: Reader) -> Found:
    item = comment.agenda_item
    if not comment.reader_in_round:
        by = comment_public_attribution(comment) or ""
    elif comment.author_id is None:
        by = former_representative_label(comment)
    else:
        by = ", ".join(filter(None, [comment.author.get_full_name(), getattr(comment.organisation, "name", "")]))
    url = reverse("rounds:discussion", kwargs={"round_pk": item.round_id, "number": item.clause.number})
    return Found(
        title=_("Kommentar zu %(clause)s") % {"clause": item.clause},
        url=f"{url}#comment-{comment.pk}",
        context=" · ".join(filter(None, [str(item.round), by])),
    )


def _notes_visible(reader: Reader) -> QuerySet:
    """Only the organisers of the round's series (and staff) read its notes."""
    if not reader.signed_in:
        return MeetingNote.objects.none()
    return MeetingNote.objects.filter(round__series__in=permissions.managed_series(reader.user)).exclude(body="")


def _note_hit(note: MeetingNote, reader: Reader) -> Found:
    where = str(note.round)
    if note.agenda_item_id is not None:
        where = f"{where} · {note.agenda_item.clause}"
    return Found(
        title=_("Protokollnotiz") if not note.is_key_finding else _("Protokollnotiz (Kernergebnis)"),
        url=reverse("orga:notes", kwargs={"pk": note.round_id}),
        context=where,
    )


def _strategies(queryset: QuerySet) -> Callable[[Reader], QuerySet]:
    """Rows the signed-in compare across organisations (as the matrix shows them)."""
    return lambda reader: queryset if reader.may_view_strategies else queryset.none()


def _position_hit(position: Position, reader: Reader) -> Found:
    strategy, clause = position.strategy, position.clause
    return Found(
        title=f"{strategy.organisation.name} – {clause}",
        url=reverse("clauses:position_quote", kwargs={"strategy_pk": strategy.pk, "number": clause.number}),
        context=f"{strategy.title} · {position.get_status_display()}",
    )


def _strategy_hit(strategy: Strategy, reader: Reader) -> Found:
    url = reverse("participants:strategy_file", kwargs={"pk": strategy.pk}) if strategy.file else strategy.url
    return Found(title=strategy.title, url=url, context=strategy.organisation.name)


def _organisation_hit(organisation: Organisation, reader: Reader) -> Found:
    if reader.organiser:
        url = reverse("orga:organisation_detail", kwargs={"slug": organisation.slug})
    else:
        url = reverse("clauses:matrix") + f"?kind={organisation.kind}"
    parts = [organisation.get_kind_display(), organisation.get_state_display(), organisation.place]
    return Found(title=organisation.name, url=url, context=" · ".join(filter(None, parts)))


def _invited(invitation_filter: Q) -> Q:
    return Q(Exists(Invitation.objects.filter(invitation_filter, organisation=OuterRef("pk"))))


SOURCES: list[Source] = [
    Source(
        key="clause",
        kind="clause",
        model=Clause,
        snippet_fields=("typical_wording", "explanation", "keywords"),
        visible=lambda reader: Clause.objects.all(),
        filters={
            "series": lambda series: _agenda_of(Q(round__series=series)),
            "round": lambda round_: _agenda_of(Q(round=round_)),
            "clause": lambda clause: Q(pk=clause.pk),
        },
        load=lambda queryset, reader: queryset,
        hit=_clause_hit,
    ),
    Source(
        key="comment",
        kind="comment",
        model=Comment,
        snippet_fields=("body",),
        visible=_comments_visible,
        filters={
            "series": lambda series: Q(agenda_item__round__series=series),
            "round": lambda round_: Q(agenda_item__round=round_),
            "clause": lambda clause: Q(agenda_item__clause=clause),
            "organisation_kind": lambda kind: Q(organisation__kind=kind),
            "state": lambda state: Q(organisation__state=state),
        },
        load=_comments_load,
        hit=_comment_hit,
    ),
    Source(
        key="note",
        kind="note",
        model=MeetingNote,
        snippet_fields=("body",),
        visible=_notes_visible,
        filters={
            "series": lambda series: Q(round__series=series),
            "round": lambda round_: Q(round=round_),
            "clause": lambda clause: Q(agenda_item__clause=clause),
        },
        load=lambda queryset, reader: queryset.select_related("round__series", "agenda_item__clause"),
        hit=_note_hit,
    ),
    Source(
        key="position",
        kind="position",
        model=Position,
        snippet_fields=("quote",),
        visible=_strategies(Position.objects.exclude(quote="")),
        filters={
            "clause": lambda clause: Q(clause=clause),
            "organisation_kind": lambda kind: Q(strategy__organisation__kind=kind),
            "state": lambda state: Q(strategy__organisation__state=state),
        },
        load=lambda queryset, reader: queryset.select_related("strategy__organisation", "clause"),
        hit=_position_hit,
    ),
    Source(
        key="strategy",
        kind="strategy",
        model=Strategy,
        snippet_fields=("title",),
        visible=_strategies(Strategy.objects.all()),
        filters={
            "organisation_kind": lambda kind: Q(organisation__kind=kind),
            "state": lambda state: Q(organisation__state=state),
        },
        load=lambda queryset, reader: queryset.select_related("organisation"),
        hit=_strategy_hit,
    ),
    Source(
        key="organisation",
        kind="organisation",
        model=Organisation,
        snippet_fields=("name", "place"),
        visible=_strategies(Organisation.objects.all()),
        filters={
            "series": lambda series: _invited(Q(round__series=series)),
            "round": lambda round_: _invited(Q(round=round_)),
            "organisation_kind": lambda kind: Q(kind=kind),
            "state": lambda state: Q(state=state),
        },
        load=lambda queryset, reader: queryset,
        hit=_organisation_hit,
    ),
]


# The search ----------------------------------------------------------------------------------------------


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _matching(source: Source, *, reader: Reader, criteria: Criteria) -> QuerySet:
    queryset = source.visible(reader)
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
    """One page of what ``reader`` may find, best first (on PostgreSQL), in ``2 + len(sources)`` queries."""
    sources = sources_for(criteria)
    if not criteria.words or not sources:
        return SearchPage(hits=[], number=1, num_pages=1, total=0)
    matching = [_matching(source, reader=reader, criteria=criteria) for source in sources]
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
        queryset = source.load(source.model.objects.filter(pk__in=ids or [0]), reader)
        if _postgres():
            queryset = queryset.annotate(search_snippet=_snippet(source, criteria))
        loaded.update({(i, row.pk): row for row in queryset})
    hits = []
    for _, i, pk in rows:
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
