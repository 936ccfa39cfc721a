"""What search finds: one :class:`Source` per kind of row in ``SOURCES``, with which rows the reader may find
(the permission rules of each floor, from :class:`Reader`), how the filters reach it and what its results show.

Each source is written out as SQL pieces of the one statement of a search (``rounds.selectors.search``): the
table as ``t`` with only what the condition of what the reader may find needs (the matches are read from
these), one condition per filter (reaching other tables by subqueries, so that the matches need no more
joins), and the joins and values of what a result shows (read for one page of results only). Another kind
is one more entry; its model needs a ``search_vector`` (``strategy_exchange.search.search_vector_field``)
with its index.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clauses.models import Clause, Position
from participants.models import Organisation, Strategy, StrategyPage, User
from participants.permissions import can_view_strategies
from rounds.models import AgendaItem, Comment, Invitation, MeetingNote, Round, Series
from rounds.permissions import ReadableRound
from rounds.selectors.discussion import former_representative_label
from rounds.services.comments import comment_public_attribution
from strategy_exchange.search import Sql, among_sql

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
    """Who searches, with what the navigation already knows and the rounds they may read something of
    (``rounds.permissions.readable_rounds``): no query of its own."""

    user: User
    organiser: bool = False
    rounds: tuple[ReadableRound, ...] = ()

    @property
    def signed_in(self) -> bool:
        return bool(self.user.is_authenticated)

    @cached_property
    def may_view_strategies(self) -> bool:
        return can_view_strategies(self.user)

    @cached_property
    def inside(self) -> frozenset[int]:
        """Rounds opened to the reader: every comment of them, internal ones too."""
        return frozenset(each.pk for each in self.rounds if each.inside)

    @cached_property
    def published(self) -> frozenset[int]:
        """Rounds whose published report opens their quotable and anonymised comments to the reader."""
        return frozenset(each.pk for each in self.rounds if each.published)

    @cached_property
    def managed(self) -> frozenset[int]:
        """Rounds of the series the reader organises (all for staff): their notes too."""
        return frozenset(each.pk for each in self.rounds if each.managed)


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
    tables: str  # FROM: the model's table as ``t`` with what ``visible`` needs, nothing more
    snippet_fields: tuple[str, ...]  # SQL columns of the text a snippet is taken from
    visible: Callable[[Reader], Sql | None]  # the rows the reader may find; None: none at all
    filters: dict[str, str]  # the filters that apply, by name, each with one placeholder; others drop it out
    shown: dict[str, str]  # SQL values ``hit`` reads, by name
    hit: Callable[[dict, Reader], Found]
    joins: str = ""  # what ``shown`` reads beyond ``tables``


def _table(model) -> str:
    return model._meta.db_table


AGENDA, CLAUSES, COMMENTS, INVITATIONS = _table(AgendaItem), _table(Clause), _table(Comment), _table(Invitation)
NOTES, ORGANISATIONS, PAGES, POSITIONS = (
    _table(MeetingNote),
    _table(Organisation),
    _table(StrategyPage),
    _table(Position),
)
ROUNDS, SERIES, STRATEGIES, USERS = _table(Round), _table(Series), _table(Strategy), _table(User)


def _everything(reader: Reader) -> Sql:
    return "1 = 1", []


def _strategies(condition: str) -> Callable[[Reader], Sql | None]:
    """Rows the signed-in compare across organisations (as the matrix shows them)."""
    return lambda reader: (condition, []) if reader.may_view_strategies else None


def _round(doc: dict) -> Round:
    """The round a result names, as its ``__str__`` writes it."""
    return Round(pk=doc["round_id"], number=doc["round_number"], series=Series(title=doc["series_title"]))


def _clause(doc: dict) -> Clause:
    return Clause(number=doc["clause_number"], title=doc["clause_title"])


def _organisation(doc: dict) -> Organisation | None:
    if doc.get("organisation_id") is None:
        return None
    return Organisation(pk=doc["organisation_id"], name=doc["organisation_name"] or "")


ROUND_SHOWN = {"round_id": "r.id", "round_number": "r.number", "series_title": "s.title"}
CLAUSE_SHOWN = {"clause_number": "cl.number", "clause_title": "cl.title"}


# Clauses ---------------------------------------------------------------------------------------------------


def _clause_hit(doc: dict, reader: Reader) -> Found:
    return Found(title=str(_clause(doc)), url=reverse("rounds:clause_history", kwargs={"number": doc["clause_number"]}))


# Comments --------------------------------------------------------------------------------------------------


def _comments_visible(reader: Reader) -> Sql | None:
    """Neither hidden nor deleted ones; internal ones only in the reader's rounds (invitees and organisers),
    the quotable and anonymised ones also where the published report opens them to the reader."""
    readable, params = [], []
    if reader.inside:
        sql, ids = among_sql("ai.round_id", reader.inside)
        readable.append(sql)
        params += ids
    if reader.published:
        sql, ids = among_sql("ai.round_id", reader.published)
        readable.append(f"({sql} AND t.confidentiality <> %s)")
        params += [*ids, Comment.Confidentiality.INTERNAL]
    if not readable:
        return None
    condition = f"t.deleted_at IS NULL AND t.moderation = %s AND ({' OR '.join(readable)})"
    return condition, [Comment.Moderation.VISIBLE, *params]


def _comment_hit(doc: dict, reader: Reader) -> Found:
    organisation = _organisation(doc)
    comment = Comment(
        pk=doc["id"],
        author_id=doc["author_id"],
        organisation_id=doc["organisation_id"],
        confidentiality=doc["confidentiality"],
        moderation=doc["moderation"],
    )
    comment.organisation = organisation
    if doc["round_id"] not in reader.inside:
        by = comment_public_attribution(comment) or ""
    elif comment.author_id is None:
        by = former_representative_label(comment)
    else:
        author = User(full_name=doc["author_name"] or "", email=doc["author_email"] or "")
        by = ", ".join(filter(None, [author.get_full_name(), organisation.name if organisation else ""]))
    clause = _clause(doc)
    url = reverse("rounds:discussion", kwargs={"round_pk": doc["round_id"], "number": clause.number})
    return Found(
        title=_("Kommentar zu %(clause)s") % {"clause": clause},
        url=f"{url}#comment-{comment.pk}",
        context=" · ".join(filter(None, [str(_round(doc)), by])),
    )


# Notes -----------------------------------------------------------------------------------------------------


def _notes_visible(reader: Reader) -> Sql | None:
    """Only the organisers of the round's series (and staff) read its notes."""
    if not reader.managed:
        return None
    sql, params = among_sql("t.round_id", reader.managed)
    return f"{sql} AND t.body <> ''", params


def _note_hit(doc: dict, reader: Reader) -> Found:
    where = str(_round(doc))
    if doc["agenda_item_id"] is not None:
        where = f"{where} · {_clause(doc)}"
    return Found(
        title=_("Protokollnotiz (Kernergebnis)") if doc["is_key_finding"] else _("Protokollnotiz"),
        url=reverse("orga:notes", kwargs={"pk": doc["round_id"]}),
        context=where,
    )


# Strategies, their positions and pages, organisations ------------------------------------------------------


def _position_hit(doc: dict, reader: Reader) -> Found:
    clause = _clause(doc)
    status = Position(status=doc["status"]).get_status_display()
    return Found(
        title=f"{doc['organisation_name']} – {clause}",
        url=reverse("clauses:position_quote", kwargs={"strategy_pk": doc["strategy_id"], "number": clause.number}),
        context=f"{doc['strategy_title']} · {status}",
    )


def _strategy_hit(doc: dict, reader: Reader) -> Found:
    url = reverse("participants:strategy_file", kwargs={"pk": doc["id"]}) if doc["file"] else doc["url"]
    return Found(title=doc["title"], url=url, context=doc["organisation_name"])


def _strategy_page_hit(doc: dict, reader: Reader) -> Found:
    """A page of a strategy's document: the file opened at that page (PDF viewers follow ``#page=``)."""
    url = reverse("participants:strategy_file", kwargs={"pk": doc["strategy_id"]}) + f"#page={doc['number']}"
    return Found(
        title=_("%(title)s, Seite %(page)d") % {"title": doc["strategy_title"], "page": doc["number"]},
        url=url,
        context=doc["organisation_name"],
    )


def _organisation_hit(doc: dict, reader: Reader) -> Found:
    organisation = Organisation(kind=doc["kind"], state=doc["state"])
    if reader.organiser:
        url = reverse("orga:organisation_detail", kwargs={"slug": doc["slug"]})
    else:
        url = reverse("clauses:matrix") + f"?kind={doc['kind']}"
    parts = [organisation.get_kind_display(), organisation.get_state_display(), doc["place"]]
    return Found(title=doc["name"], url=url, context=" · ".join(filter(None, parts)))


def _of_series(round_id: str) -> str:
    return f"{round_id} IN (SELECT sr.id FROM {ROUNDS} sr WHERE sr.series_id = %s)"  # noqa: S608


def _of_clause(clause_id: str) -> str:
    return f"{clause_id} IN (SELECT sc.id FROM {CLAUSES} sc WHERE sc.number = %s)"  # noqa: S608


def _of_organisation(organisation_id: str) -> dict[str, str]:
    """The organisation filters of a row with an organisation."""
    return {
        name: f"{organisation_id} IN (SELECT so.id FROM {ORGANISATIONS} so WHERE so.{column} = %s)"  # noqa: S608
        for name, column in (("organisation_kind", "kind"), ("state", "state"))
    }


def _of_organisation_strategy(strategy_id: str) -> dict[str, str]:
    """The organisation filters of a row of a strategy."""
    return {
        name: f"{strategy_id} IN (SELECT ss.id FROM {STRATEGIES} ss WHERE {condition})"  # noqa: S608
        for name, condition in _of_organisation("ss.organisation_id").items()
    }


SOURCES: list[Source] = [
    Source(
        key="clause",
        kind="clause",
        tables=f"{CLAUSES} t",
        snippet_fields=("t.typical_wording", "t.explanation", "t.keywords"),
        visible=_everything,
        filters={
            "series": f"EXISTS(SELECT 1 FROM {AGENDA} a JOIN {ROUNDS} ar ON ar.id = a.round_id"  # noqa: S608
            " WHERE a.clause_id = t.id AND ar.series_id = %s)",
            "round": f"EXISTS(SELECT 1 FROM {AGENDA} a WHERE a.clause_id = t.id AND a.round_id = %s)",  # noqa: S608
            "clause": "t.number = %s",
        },
        shown={"clause_number": "t.number", "clause_title": "t.title"},
        hit=_clause_hit,
    ),
    Source(
        key="comment",
        kind="comment",
        tables=f"{COMMENTS} t JOIN {AGENDA} ai ON ai.id = t.agenda_item_id",
        joins=(
            f"LEFT JOIN {ROUNDS} r ON r.id = ai.round_id LEFT JOIN {SERIES} s ON s.id = r.series_id"
            f" LEFT JOIN {CLAUSES} cl ON cl.id = ai.clause_id LEFT JOIN {USERS} u ON u.id = t.author_id"
            f" LEFT JOIN {ORGANISATIONS} o ON o.id = t.organisation_id"
        ),
        snippet_fields=("t.body",),
        visible=_comments_visible,
        filters={
            "series": _of_series("ai.round_id"),
            "round": "ai.round_id = %s",
            "clause": _of_clause("ai.clause_id"),
            **_of_organisation("t.organisation_id"),
        },
        shown={
            **ROUND_SHOWN,
            **CLAUSE_SHOWN,
            "author_id": "t.author_id",
            "author_name": "u.full_name",
            "author_email": "u.email",
            "organisation_id": "t.organisation_id",
            "organisation_name": "o.name",
            "confidentiality": "t.confidentiality",
            "moderation": "t.moderation",
        },
        hit=_comment_hit,
    ),
    Source(
        key="note",
        kind="note",
        tables=f"{NOTES} t",
        joins=(
            f"LEFT JOIN {ROUNDS} r ON r.id = t.round_id LEFT JOIN {SERIES} s ON s.id = r.series_id"
            f" LEFT JOIN {AGENDA} ai ON ai.id = t.agenda_item_id LEFT JOIN {CLAUSES} cl ON cl.id = ai.clause_id"
        ),
        snippet_fields=("t.body",),
        visible=_notes_visible,
        filters={
            "series": _of_series("t.round_id"),
            "round": "t.round_id = %s",
            "clause": f"t.agenda_item_id IN (SELECT a.id FROM {AGENDA} a WHERE {_of_clause('a.clause_id')})",  # noqa: S608
        },
        shown={
            **ROUND_SHOWN,
            **CLAUSE_SHOWN,
            "agenda_item_id": "t.agenda_item_id",
            "is_key_finding": "t.is_key_finding",
        },
        hit=_note_hit,
    ),
    Source(
        key="position",
        kind="position",
        tables=f"{POSITIONS} t",
        joins=(
            f"JOIN {STRATEGIES} st ON st.id = t.strategy_id LEFT JOIN {ORGANISATIONS} o ON o.id = st.organisation_id"
            f" LEFT JOIN {CLAUSES} cl ON cl.id = t.clause_id"
        ),
        snippet_fields=("t.quote",),
        visible=_strategies("t.quote <> ''"),
        filters={"clause": _of_clause("t.clause_id"), **_of_organisation_strategy("t.strategy_id")},
        shown={
            **CLAUSE_SHOWN,
            "strategy_id": "t.strategy_id",
            "strategy_title": "st.title",
            "organisation_name": "o.name",
            "status": "t.status",
        },
        hit=_position_hit,
    ),
    Source(
        key="strategy",
        kind="strategy",
        tables=f"{STRATEGIES} t",
        joins=f"LEFT JOIN {ORGANISATIONS} o ON o.id = t.organisation_id",
        snippet_fields=("t.title",),
        visible=_strategies("1 = 1"),
        filters=_of_organisation("t.organisation_id"),
        shown={"title": "t.title", "file": "t.file", "url": "t.url", "organisation_name": "o.name"},
        hit=_strategy_hit,
    ),
    Source(
        key="strategy_page",
        kind="strategy",
        tables=f"{PAGES} t",
        joins=(
            f"JOIN {STRATEGIES} st ON st.id = t.strategy_id LEFT JOIN {ORGANISATIONS} o ON o.id = st.organisation_id"
        ),
        snippet_fields=("t.text",),
        visible=_strategies("1 = 1"),
        filters=_of_organisation_strategy("t.strategy_id"),
        shown={
            "strategy_id": "t.strategy_id",
            "number": "t.number",
            "strategy_title": "st.title",
            "organisation_name": "o.name",
        },
        hit=_strategy_page_hit,
    ),
    Source(
        key="organisation",
        kind="organisation",
        tables=f"{ORGANISATIONS} t",
        snippet_fields=("t.name", "t.place"),
        visible=_strategies("1 = 1"),
        filters={
            "series": f"EXISTS(SELECT 1 FROM {INVITATIONS} i JOIN {ROUNDS} ir ON ir.id = i.round_id"  # noqa: S608
            " WHERE i.organisation_id = t.id AND ir.series_id = %s)",
            "round": f"EXISTS(SELECT 1 FROM {INVITATIONS} i WHERE i.organisation_id = t.id AND i.round_id = %s)",  # noqa: S608
            "organisation_kind": "t.kind = %s",
            "state": "t.state = %s",
        },
        shown={"name": "t.name", "slug": "t.slug", "kind": "t.kind", "state": "t.state", "place": "t.place"},
        hit=_organisation_hit,
    ),
]
