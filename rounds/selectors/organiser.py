"""Read queries of the organiser pages. Each returns everything its page needs in a fixed number of queries."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from clauses.models import Clause, Position
from participants.models import Membership, Organisation, User
from rounds.models import AgendaItem, FollowUpReport, Invitation, MeetingNote, Round, Series
from rounds.permissions import managed_series
from rounds.selectors.clause_versions import discussed_revisions
from rounds.selectors.delivery import rounds_delivery_status
from rounds.selectors.participation import participating_organisations

S = Round.Status
D = Invitation.Delivery


def _count_of(model, *conditions: Q) -> Coalesce:
    """How many rows of ``model`` belong to the round, as a correlated subquery (no join, no row multiplication)."""
    rows = model.objects.filter(*conditions, round=OuterRef("pk")).order_by().values("round")
    return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")), 0)


def with_counts(rounds: QuerySet[Round]) -> QuerySet[Round]:
    """RSVP, delivery, agenda and note counts as annotations.

    The invitation counts come from one join grouped by round; agenda items and notes are counted
    by a subquery each, so the three relations never multiply each other's rows.
    """
    return rounds.annotate(
        invited_count=Count("invitations"),
        accepted_count=Count("invitations", filter=Q(invitations__rsvp="accepted")),
        declined_count=Count("invitations", filter=Q(invitations__rsvp="declined")),
        open_count=Count("invitations", filter=Q(invitations__rsvp="open")),
        pending_count=Count("invitations", filter=Q(invitations__delivery=D.PENDING)),
        failed_count=Count("invitations", filter=Q(invitations__delivery=D.FAILED)),
        attended_count=Count("invitations", filter=Q(invitations__attended_at__isnull=False)),
        agenda_count=_count_of(AgendaItem),
        note_count=_count_of(MeetingNote, ~Q(body="")),
    )


@dataclass
class Task:
    round: Round
    label: str
    url_name: str


def _task_for(round_: Round, now) -> Task | None:
    ended = round_.ends_at <= now
    if round_.status in (S.DRAFT, S.SCHEDULED) and not round_.agenda_count:
        return Task(round_, _("Tagesordnung fehlt"), "orga:agenda")
    if round_.status == S.DRAFT and not ended:
        return Task(round_, _("Runde planen (Tagesordnung festlegen)"), "orga:round_detail")
    if round_.status == S.SCHEDULED and not ended:
        return Task(round_, _("Einladungen noch nicht versandt"), "orga:invitations")
    if round_.status == S.INVITED and not ended and (round_.pending_count or round_.failed_count):
        return Task(round_, _("Einladungen offen oder nicht zustellbar"), "orga:invitations")
    if round_.status in (S.SCHEDULED, S.INVITED) and ended:
        return Task(round_, _("Als durchgeführt markieren"), "orga:round_detail")
    if round_.status == S.HELD and not round_.note_count:
        return Task(round_, _("Protokollnotizen fehlen"), "orga:notes")
    if round_.status == S.HELD:
        return Task(round_, _("Nachbericht noch nicht veröffentlicht"), "orga:report")
    return None


def dashboard(*, user: User) -> dict:
    now = timezone.now()
    series = managed_series(user).annotate(round_count=Count("rounds")).order_by("title")
    rounds = list(
        with_counts(Round.objects.filter(series__in=managed_series(user)))
        .exclude(status__in=[S.CANCELLED, S.PUBLISHED])
        .select_related("series")
        .order_by("starts_at")
    )
    upcoming = [r for r in rounds if r.starts_at >= now]
    tasks = [task for task in (_task_for(r, now) for r in rounds) if task]
    statuses = rounds_delivery_status([r.pk for r in rounds], now=now)
    for round_ in rounds:
        round_.delivery = statuses[round_.pk]
    waiting = [r for r in rounds if r.delivery.waiting_long or r.delivery.failed]
    return {"series_list": list(series), "upcoming": upcoming, "tasks": tasks, "delivery_problems": waiting}


def series_rounds(*, series: Series) -> list[Round]:
    """Every round of the series with its clauses and participating organisations, in three queries."""
    rounds = list(
        with_counts(series.rounds.all())
        .prefetch_related(
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.select_related("clause")
                .only("round_id", "order", "clause__number", "clause__title")
                .order_by("order"),
            )
        )
        .order_by("-number")
    )
    participating = participating_organisations(rounds=series.rounds.all())
    for round_ in rounds:
        round_.participating = participating.get(round_.pk, [])
    return rounds


def round_detail(*, round_: Round) -> Round:
    return (
        with_counts(Round.objects.filter(pk=round_.pk))
        .select_related("series")
        .prefetch_related(
            Prefetch("agenda_items", queryset=AgendaItem.objects.select_related("clause").order_by("order"))
        )
        .get()
    )


def agenda_items(*, round_: Round) -> list[AgendaItem]:
    """The agenda in order; each item knows the earlier rounds of the series that discussed its clause and
    the version of the clause this round discusses (``discussed_revisions``)."""
    items = list(
        round_.agenda_items.select_related("clause", "carried_from__round")
        .annotate(comment_count=Count("comments", distinct=True))
        .order_by("order", "clause__number")
    )
    earlier = (
        AgendaItem.objects.filter(round__series_id=round_.series_id, clause__in=[i.clause_id for i in items])
        .exclude(round=round_)
        .exclude(round__status=S.CANCELLED)
        .select_related("round")
        .order_by("round__number")
    )
    by_clause: dict[int, list[Round]] = {}
    for item in earlier:
        by_clause.setdefault(item.clause_id, []).append(item.round)
    discussed_revisions(items=items, round_=round_)
    for item in items:
        item.earlier_rounds = by_clause.get(item.clause_id, [])
    return items


def clause_search(*, round_: Round, query: str, limit: int = 20) -> QuerySet[Clause]:
    """Library clauses by number ("4", "§ 4") or title, not already on the agenda."""
    query = query.strip().lstrip("§").strip()
    clauses = Clause.objects.exclude(agenda_items__round=round_)
    if not query:
        return clauses.none()
    condition = Q(title__icontains=query)
    if query.isdigit():
        condition |= Q(number=int(query))
    return clauses.filter(condition).order_by("number")[:limit]


def open_questions(*, series: Series, exclude_round: Round | None = None) -> QuerySet[MeetingNote]:
    """Open questions of the series that no round has taken up yet ("Wiedervorlage")."""
    notes = (
        MeetingNote.objects.filter(round__series=series, is_open_question=True, agenda_item__isnull=False)
        .exclude(round__status=S.CANCELLED)
        .filter(~Exists(AgendaItem.objects.filter(carried_from=OuterRef("pk")).exclude(round__status=S.CANCELLED)))
        .select_related("round", "agenda_item__clause")
        .order_by("round__number", "agenda_item__order", "pk")
    )
    if exclude_round is not None:
        notes = notes.exclude(round=exclude_round)
    return notes


def invitation_rows(*, round_: Round) -> list[Invitation]:
    return list(
        round_.invitations.select_related(
            "user", "organisation", "stand_in_for__user", "user__account_invitation", "message"
        ).order_by("organisation__name", "user__full_name", "user__email")
    )


def invitation_table_state(*, round_: Round) -> tuple:
    """What the invitation table shows, as stored (one query): it changes whenever the table would."""
    rows = round_.invitations.order_by("pk").values_list(
        "pk", "rsvp", "delivery", "message__state", "message__attempts", "message__last_error", "sent_sequence", "sent_at",
        "responded_at", "attended_at", "stand_in_for", "user__full_name", "user__email", "organisation__name",
    )  # fmt: skip
    return (round_.pk, round_.version, round_.status, round_.calendar_sequence, list(rows))


def invitation_summary(rows: list[Invitation]) -> dict[str, int]:
    summary = {"total": len(rows), "accepted": 0, "declined": 0, "open": 0, "pending": 0, "in_flight": 0, "failed": 0}
    for row in rows:
        summary[row.rsvp] += 1
        if row.delivery == D.PENDING:
            summary["pending"] += 1
        elif row.delivery == D.QUEUED:
            summary["in_flight"] += 1
        elif row.delivery == D.FAILED:
            summary["failed"] += 1
    return summary


def invitable_organisations() -> QuerySet[Organisation]:
    return (
        Organisation.objects.annotate(member_count=Count("memberships", filter=Q(memberships__user__is_active=True)))
        .filter(member_count__gt=0)
        .order_by("name")
    )


def people_search(*, round_: Round, query: str, limit: int = 20) -> QuerySet[User]:
    """Active people by name, email or organisation, not yet invited to the round."""
    query = query.strip()
    if len(query) < 2:
        return User.objects.none()
    return (
        User.objects.filter(is_active=True)
        .filter(Q(full_name__icontains=query) | Q(email__icontains=query) | Q(organisations__name__icontains=query))
        .exclude(invitations__round=round_)
        .prefetch_related("organisations")
        .distinct()
        .order_by("full_name", "email")[:limit]
    )


def stand_in_candidates(*, invitation: Invitation) -> QuerySet[User]:
    return (
        User.objects.filter(is_active=True, memberships__organisation_id=invitation.organisation_id)
        .exclude(invitations__round_id=invitation.round_id)
        .order_by("full_name", "email")
    )


def notes_by_item(*, round_: Round) -> tuple[list[AgendaItem], list[MeetingNote]]:
    """The agenda items with their notes, and the general notes (without agenda item)."""
    notes = MeetingNote.objects.select_related("author").order_by("created_at", "pk")
    items = list(
        round_.agenda_items.select_related("clause")
        .prefetch_related(Prefetch("notes", queryset=notes))
        .order_by("order", "clause__number")
    )
    general = list(notes.filter(round=round_, agenda_item__isnull=True))
    return items, general


def reports(*, round_: Round) -> list[FollowUpReport]:
    return list(round_.reports.select_related("requested_by").order_by("-version"))


ORGANISATION_ROUNDS_PER_PAGE = 20


def organisation_history(*, organisation: Organisation, user: User, page: int = 1) -> dict:
    """Members, one page of the rounds of the series the user runs to which the organisation was invited
    (newest first, with its people), and the positions of its strategies. A fixed number of queries,
    whose cost follows the page, not the organisation's history."""
    members = list(organisation.memberships.select_related("user").order_by("user__full_name", "user__email"))
    rounds_invited = Round.objects.filter(
        series__in=managed_series(user), invitations__organisation=organisation
    ).distinct()
    total = rounds_invited.count()
    num_pages = max(1, -(-total // ORGANISATION_ROUNDS_PER_PAGE))
    number = min(max(page, 1), num_pages)
    start = (number - 1) * ORGANISATION_ROUNDS_PER_PAGE
    round_ids = list(
        rounds_invited.order_by("-starts_at", "-pk").values_list("pk", flat=True)[
            start : start + ORGANISATION_ROUNDS_PER_PAGE
        ]
    )
    invitations = list(
        Invitation.objects.filter(organisation=organisation, round_id__in=round_ids)
        .select_related("round__series", "user")
        .order_by("-round__starts_at", "-round_id", "user__full_name")
    )
    positions = list(
        Position.objects.filter(strategy__organisation=organisation)
        .select_related("clause", "strategy")
        .order_by("clause__number")
    )
    rounds: dict[int, dict] = {}
    for invitation in invitations:
        entry = rounds.setdefault(invitation.round_id, {"round": invitation.round, "people": [], "attended": False})
        entry["people"].append(invitation)
        entry["attended"] = entry["attended"] or invitation.attended_at is not None
    return {
        "members": members,
        "rounds": list(rounds.values()),
        "rounds_page": {"number": number, "num_pages": num_pages, "total": total},
        "positions": positions,
        "strategies": list(organisation.strategies.order_by("-adopted_on")),
    }


def membership_for(*, organisation: Organisation, pk: int) -> Membership | None:
    return organisation.memberships.select_related("user").filter(pk=pk).first()


def series_invitations(*, series: Series) -> QuerySet[Invitation]:
    """Everyone invited to a round of the series, for the organisers' participant list (one query)."""
    return (
        Invitation.objects.filter(round__series=series)
        .select_related("round", "user", "organisation")
        .order_by("round__number", "organisation__name", "user__full_name")
    )
