"""Read queries of the pages for invitees: my rounds, the round page, a clause's history across rounds."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from clauses.models import Clause
from participants.models import Organisation, User
from rounds import permissions
from rounds.models import AgendaItem, Invitation, MeetingNote, Round
from rounds.selectors.discussion import Access, CommentView, threads_by_item


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


def agenda_item_for(*, round_: Round, number: int) -> AgendaItem | None:
    return (
        AgendaItem.objects.select_related("clause", "round__series").filter(round=round_, clause__number=number).first()
    )


@dataclass
class ClauseRound:
    """One round that discussed a clause, as a viewer sees it."""

    item: AgendaItem
    key_findings: list[MeetingNote] = field(default_factory=list)
    threads: list[CommentView] = field(default_factory=list)
    mode: str | None = None
    may_read: bool = False
    may_open: bool = False


def clause_get(*, number: int) -> Clause | None:
    return Clause.objects.filter(number=number).first()


def _discussed_items(clause: Clause) -> QuerySet[AgendaItem]:
    return (
        AgendaItem.objects.filter(clause=clause)
        .exclude(round__status__in=[Round.Status.DRAFT, Round.Status.CANCELLED])
        .select_related("round__series", "clause")
        .order_by("round__starts_at")
    )


def clause_history(*, clause: Clause, user: User) -> list[ClauseRound]:
    """Every round that discussed the clause, its published key findings and the comments ``user`` may see.

    A fixed number of queries however many rounds and comments there are.
    """
    items = list(_discussed_items(clause))
    rounds = {item.round_id: item.round for item in items}
    visibility = permissions.comment_visibility_for_rounds(user, list(rounds.values()))
    moderated = permissions.moderated_series_ids(user)
    access = {
        round_id: Access(mode=visibility[round_id], moderator=rounds[round_id].series_id in moderated, can_post=False)
        for round_id in rounds
    }
    threads = threads_by_item(items=items, user=user, access_by_round=access)
    readable = [round_id for round_id, mode in visibility.items() if mode is not None]
    findings: dict[int, list[MeetingNote]] = defaultdict(list)
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
            threads=threads.get(item.pk, []),
            mode=visibility[item.round_id],
            may_read=visibility[item.round_id] is not None,
            may_open=visibility[item.round_id] == "full",
        )
        for item in items
    ]
