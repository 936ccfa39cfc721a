"""Read queries of the pages for invitees: my rounds, the round page, a clause's history across rounds."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from clauses.models import Clause
from participants.models import Organisation, User
from rounds import permissions
from rounds.models import AgendaItem, Invitation, MeetingNote, Round
from rounds.selectors.discussion import CommentView, latest_by_item


def my_invitations(*, user: User) -> tuple[list[Invitation], list[Invitation]]:
    """The user's invitations, split into upcoming (soonest first) and past (latest first)."""
    invitations = list(
        Invitation.objects.filter(user=user)
        .select_related("round__series", "organisation", "stand_in_for__user")
        .order_by("round__starts_at")
    )
    now = timezone.now()
    upcoming = [i for i in invitations if i.round.ends_at > now]
    past = [i for i in reversed(invitations) if i.round.ends_at <= now]
    return upcoming, past


def round_agenda(*, round_: Round) -> tuple[list[AgendaItem], list[MeetingNote]]:
    """Agenda items with their clause, the number of (not deleted) comments and, once the report is
    published, their key findings (``item.key_findings``); plus the general key findings."""
    items = list(
        round_.agenda_items.select_related("clause")
        .annotate(comment_count=Count("comments", filter=Q(comments__deleted_at__isnull=True)))
        .order_by("order", "clause__number")
    )
    findings = round_key_findings(round_=round_)
    for item in items:
        item.key_findings = findings.get(item.pk, [])
    return items, findings.get(None, [])


def round_organisations(*, round_: Round) -> list[Organisation]:
    """Organisations taking part: those with an invitation that is not declined."""
    return list(
        Organisation.objects.filter(invitations__round=round_)
        .exclude(invitations__rsvp=Invitation.Rsvp.DECLINED, invitations__round=round_)
        .distinct()
        .order_by("name")
    )


def round_key_findings(*, round_: Round) -> dict[int | None, list[MeetingNote]]:
    """Key findings by agenda item (``None``: general), only once the report is published."""
    if not permissions.report_is_published(round_):
        return {}
    grouped: dict[int | None, list[MeetingNote]] = defaultdict(list)
    for note in MeetingNote.objects.filter(round=round_, is_key_finding=True).order_by("created_at", "id"):
        grouped[note.agenda_item_id].append(note)
    return dict(grouped)


def invitation_stand_ins(*, invitation: Invitation | None) -> list[Invitation]:
    if invitation is None:
        return []
    return list(invitation.stand_ins.select_related("user").order_by("created_at"))


def agenda_item_for(*, round_: Round | int, number: int) -> AgendaItem | None:
    """The agenda item of clause ``number`` in a round (given as object or id), with round, series and clause."""
    return (
        AgendaItem.objects.select_related("clause", "round__series").filter(round=round_, clause__number=number).first()
    )


@dataclass
class ClauseRound:
    """One round that discussed a clause, as a viewer sees it."""

    item: AgendaItem
    key_findings: list[MeetingNote] = field(default_factory=list)
    latest: list[CommentView] = field(default_factory=list)  # newest first, at most CLAUSE_LATEST_COMMENTS
    comment_count: int = 0  # comments the viewer may read
    mode: str | None = None
    may_read: bool = False
    may_open: bool = False

    @property
    def more(self) -> bool:
        return self.comment_count > len(self.latest)


CLAUSE_LATEST_COMMENTS = 5
CLAUSE_ROUNDS_PER_PAGE = 20


def clause_get(*, number: int) -> Clause | None:
    return Clause.objects.filter(number=number).first()


def _discussed_items(clause: Clause) -> QuerySet[AgendaItem]:
    return (
        AgendaItem.objects.filter(clause=clause)
        .exclude(round__status__in=[Round.Status.DRAFT, Round.Status.CANCELLED])
        .select_related("round__series", "clause")
        .order_by("round__starts_at", "pk")
    )


@dataclass
class ClauseRoundsPage:
    """The rounds that discussed a clause, one page of them; ``modes`` says what the viewer may read."""

    items: list[AgendaItem]
    modes: dict[int, str | None]  # by round id: "full", "published" or None
    number: int
    num_pages: int

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def clause_rounds_page(*, clause: Clause, user: User, page: int = 1) -> ClauseRoundsPage:
    """One page of the rounds that discussed the clause, in the order they took place, and what ``user``
    may read in each (a fixed number of queries)."""
    total = _discussed_items(clause).count()
    num_pages = max(1, -(-total // CLAUSE_ROUNDS_PER_PAGE))
    number = min(max(page, 1), num_pages)
    start = (number - 1) * CLAUSE_ROUNDS_PER_PAGE
    items = list(_discussed_items(clause)[start : start + CLAUSE_ROUNDS_PER_PAGE])
    modes = permissions.comment_visibility_for_rounds(user, [item.round for item in items]) if items else {}
    return ClauseRoundsPage(items=items, modes=modes, number=number, num_pages=num_pages)


def clause_history(*, rounds_page: ClauseRoundsPage, user: User) -> list[ClauseRound]:
    """For each round on the page: its published key findings, how many comments ``user`` may read and the
    latest few of them. A fixed number of queries however many rounds and comments there are."""
    items, visibility = rounds_page.items, rounds_page.modes
    counts, latest = latest_by_item(items=items, user=user, mode_by_round=visibility, limit=CLAUSE_LATEST_COMMENTS)
    readable = [round_id for round_id, mode in visibility.items() if mode is not None]
    findings: dict[int, list[MeetingNote]] = defaultdict(list)
    if readable:
        notes = MeetingNote.objects.filter(
            agenda_item__in=[item.pk for item in items],
            is_key_finding=True,
            round_id__in=readable,
            round__reports__status="published",
        ).order_by("created_at", "id")
        for note in notes.distinct():
            findings[note.agenda_item_id].append(note)
    return [
        ClauseRound(
            item=item,
            key_findings=findings[item.pk],
            latest=latest.get(item.pk, []),
            comment_count=counts.get(item.pk, 0),
            mode=visibility[item.round_id],
            may_read=visibility[item.round_id] is not None,
            may_open=visibility[item.round_id] == "full",
        )
        for item in items
    ]
