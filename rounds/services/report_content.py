"""What goes into a follow-up report: one snapshot of the round, read in a fixed number of queries.

Confidentiality is decided here, once, for HTML and PDF alike: a comment appears only with the
attribution :func:`rounds.services.comments.comment_public_attribution` allows (quotable: the
organisation; anonymised: a neutral label); internal, hidden and deleted comments are left out.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.safestring import SafeString

from clauses.models import Clause, Position
from participants.markup import render_markdown
from participants.models import Organisation, Strategy
from participants.selectors import strategies_in_force
from rounds.models import AgendaItem, Comment, Invitation, MeetingNote, Round
from rounds.selectors.participation import round_participating_organisations
from rounds.services.comments import comment_public_attribution


@dataclass
class ReportNote:
    note: MeetingNote
    anchor: str
    label: str
    html: SafeString


@dataclass
class ReportFinding:
    note: ReportNote
    sources: list[ReportNote]


@dataclass
class ReportComment:
    attribution: str
    html: SafeString
    is_reply: bool


@dataclass
class ReportPosition:
    organisation: Organisation
    strategy: Strategy
    position: Position | None


@dataclass
class ReportSection:
    anchor: str
    clause: Clause | None
    findings: list[ReportFinding] = field(default_factory=list)
    open_questions: list[ReportNote] = field(default_factory=list)
    notes: list[ReportNote] = field(default_factory=list)
    comments: list[ReportComment] = field(default_factory=list)
    positions: list[ReportPosition] = field(default_factory=list)


def participants_among(invitations: Iterable[Invitation]) -> list[Invitation]:
    """Who took part, of a round's ``invitations``: the recorded attendance once there is any, otherwise
    those who accepted."""
    invitations = list(invitations)
    attended = [i for i in invitations if i.attended_at is not None]
    if attended:
        return attended
    return [i for i in invitations if i.rsvp == Invitation.Rsvp.ACCEPTED]


def participating_invitations(*, round_: Round) -> list[Invitation]:
    return participants_among(round_.invitations.select_related("organisation", "user"))


def organisations_of(invitations: list[Invitation]) -> list[Organisation]:
    """The organisations of ``invitations``, once each, by name."""
    seen: dict[int, Organisation] = {}
    for invitation in invitations:
        if invitation.organisation_id and invitation.organisation_id not in seen:
            seen[invitation.organisation_id] = invitation.organisation
    return sorted(seen.values(), key=lambda o: o.name)


def report_organisations(*, round_: Round) -> list[Organisation]:
    """The organisations taking part, as every page lists them (``rounds.selectors.participation``)."""
    taking_part = round_participating_organisations(round_=round_)
    return list(Organisation.objects.filter(pk__in=[p.pk for p in taking_part]).order_by("name", "pk"))


def _strategies_in_force(organisations: list[Organisation], clause_ids: list[int]) -> dict[int, Strategy]:
    """Each organisation's strategy in force, with its positions on ``clause_ids`` (the round's clauses) only."""
    positions = Prefetch(
        "positions", queryset=Position.objects.filter(clause_id__in=clause_ids).select_related("clause")
    )
    strategies = strategies_in_force().filter(organisation__in=organisations).prefetch_related(positions).order_by()
    return {strategy.organisation_id: strategy for strategy in strategies}


def _comments(item: AgendaItem) -> list[ReportComment]:
    shown: list[ReportComment] = []
    included: set[int] = set()
    for comment in item.comments.all():
        attribution = comment_public_attribution(comment)
        if attribution is None:
            continue
        included.add(comment.pk)
        shown.append(
            ReportComment(
                attribution=attribution,
                html=render_markdown(comment.body),
                is_reply=comment.parent_id is not None and comment.parent_id in included,
            )
        )
    return shown


def report_content(*, round_: Round) -> dict:
    """The report's template context: series, round, organisations, and one section per agenda item
    (plus a general one) with findings, their source notes, open questions, discussion and positions."""
    comments = Prefetch(
        "comments",
        queryset=Comment.objects.select_related("organisation", "author").order_by("created_at", "pk"),
    )
    items = list(
        round_.agenda_items.select_related("clause").prefetch_related(comments).order_by("order", "clause__number")
    )
    notes = list(round_.notes.exclude(body="").order_by("agenda_item__order", "created_at", "pk"))
    invitations = participating_invitations(round_=round_)
    organisations = report_organisations(round_=round_)
    strategies = _strategies_in_force(organisations, [item.clause_id for item in items])

    general = ReportSection(anchor="allgemein", clause=None)
    sections = {None: general}
    for item in items:
        sections[item.pk] = ReportSection(anchor=f"klausel-{item.clause.number}", clause=item.clause)
    counters: dict[int | None, int] = {}
    for note in notes:
        section = sections.get(note.agenda_item_id, general)
        counters[note.agenda_item_id] = counters.get(note.agenda_item_id, 0) + 1
        prefix = f"§ {section.clause.number}" if section.clause else "A"
        section.notes.append(
            ReportNote(
                note=note,
                anchor=f"notiz-{note.pk}",
                label=f"{prefix}.{counters[note.agenda_item_id]}",
                html=render_markdown(note.body),
            )
        )
    for section in sections.values():
        plain = [n for n in section.notes if not n.note.is_key_finding]
        for entry in section.notes:
            if entry.note.is_key_finding:
                # A finding rests on its own full note and on the other notes taken on the same clause.
                section.findings.append(ReportFinding(note=entry, sources=[entry, *plain]))
            if entry.note.is_open_question:
                section.open_questions.append(entry)
    for item in items:
        section = sections[item.pk]
        section.comments = _comments(item)
        for organisation in organisations:
            strategy = strategies.get(organisation.pk)
            if strategy is None:
                continue
            position = next((p for p in strategy.positions.all() if p.clause_id == item.clause_id), None)
            section.positions.append(ReportPosition(organisation=organisation, strategy=strategy, position=position))

    clause_sections = [sections[item.pk] for item in items]
    return {
        "round": round_,
        "series": round_.series,
        "starts_at": timezone.localtime(round_.starts_at),
        "ends_at": timezone.localtime(round_.ends_at),
        "organisations": organisations,
        "general": general,
        "sections": clause_sections,
        "findings": [f for s in [general, *clause_sections] for f in s.findings],
        "people_count": len(invitations),
        "clause_list": "; ".join(f"§ {s.clause.number} {s.clause.title}" for s in clause_sections),
        "series_description": render_markdown(round_.series.description) if round_.series.description else "",
    }
