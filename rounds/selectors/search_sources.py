"""What search finds: one :class:`Source` per kind of row in ``SOURCES``, with which rows the reader may find
(the permission predicates of each floor), how the filters reach it and what its results show.

Another kind is one more entry; its model needs a ``search_vector``
(``strategy_exchange.search.search_vector_field``) with its index.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Exists, Model, OuterRef, Q, QuerySet, Value
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clauses.models import Clause, Position
from participants.models import Organisation, Strategy, StrategyPage, User
from participants.permissions import can_view_strategies
from rounds import permissions
from rounds.models import AgendaItem, Comment, Invitation, MeetingNote
from rounds.selectors.discussion import former_representative_label
from rounds.services.comments import comment_public_attribution

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


# The sources ----------------------------------------------------------------------------------------------


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


def _strategy_page_hit(page: StrategyPage, reader: Reader) -> Found:
    """A page of a strategy's document: the file opened at that page (PDF viewers follow ``#page=``)."""
    strategy = page.strategy
    url = reverse("participants:strategy_file", kwargs={"pk": strategy.pk}) + f"#page={page.number}"
    return Found(
        title=_("%(title)s, Seite %(page)d") % {"title": strategy.title, "page": page.number},
        url=url,
        context=strategy.organisation.name,
    )


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
        key="strategy_page",
        kind="strategy",
        model=StrategyPage,
        snippet_fields=("text",),
        visible=_strategies(StrategyPage.objects.all()),
        filters={
            "organisation_kind": lambda kind: Q(strategy__organisation__kind=kind),
            "state": lambda state: Q(strategy__organisation__state=state),
        },
        load=lambda queryset, reader: queryset.select_related("strategy__organisation"),
        hit=_strategy_page_hit,
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
