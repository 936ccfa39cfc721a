"""Read queries of the pages for invitees: my rounds, the round page, a clause's history across rounds."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from typing import NamedTuple

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from clauses.models import Clause, ClauseRevision
from participants.models import Membership, User
from rounds import permissions
from rounds.models import AgendaItem, FollowUpReport, Invitation, MeetingNote, Round, Series
from rounds.selectors.clause_versions import discussed_revisions
from rounds.selectors.discussion import CommentView, latest_by_item
from rounds.selectors.participation import Participant, round_participating_organisations


def my_invitations(*, user: User) -> tuple[list[Invitation], list[Invitation]]:
    """The user's invitations, split into upcoming (soonest first) and past (latest first); not those declined
    to a round that took place (the person no longer sees it)."""
    invitations = list(
        permissions.admitting_invitations(user)
        .select_related("round__series", "organisation", "stand_in_for__user")
        .order_by("round__starts_at")
    )
    now = timezone.now()
    upcoming = [i for i in invitations if i.round.ends_at > now]
    past = [i for i in reversed(invitations) if i.round.ends_at <= now]
    return upcoming, past


def round_agenda(*, round_: Round) -> tuple[list[AgendaItem], list[MeetingNote]]:
    """Agenda items with their clause, the number of (not deleted) comments, the version of the clause the
    round discusses (``item.discussed``, see :func:`discussed_revisions`) and how many versions the clause
    has (``item.revision_count``) and, once the report is published, their key findings
    (``item.key_findings``); plus the general key findings."""
    items = list(
        round_.agenda_items.select_related("clause")
        .annotate(comment_count=Count("comments", filter=Q(comments__deleted_at__isnull=True)))
        .order_by("order", "clause__number")
    )
    findings = round_key_findings(round_=round_)
    discussed_revisions(items=items, round_=round_)
    for item in items:
        item.key_findings = findings.get(item.pk, [])
    return items, findings.get(None, [])


def round_organisations(*, round_: Round) -> list[Participant]:
    """Organisations taking part (``rounds.selectors.participation``: any of their people accepted or attended)."""
    return round_participating_organisations(round_=round_)


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
    round_id = round_ if isinstance(round_, int) else round_.pk
    if not (0 < round_id <= MAX_ID and 0 < number <= MAX_ID):
        return None  # ids past the database's integers (SQLite raises OverflowError for them)
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
    revision: ClauseRevision | None = None  # the version of the clause the round discussed

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
    discussed_revisions(items=items)
    return [
        ClauseRound(
            item=item,
            key_findings=findings[item.pk],
            latest=latest.get(item.pk, []),
            comment_count=counts.get(item.pk, 0),
            mode=visibility[item.round_id],
            may_read=visibility[item.round_id] is not None,
            may_open=visibility[item.round_id] == "full",
            revision=item.discussed,
        )
        for item in items
    ]


class DiscussionHead(NamedTuple):
    """What a shared discussion page is keyed on, and what the reader is to its round: one small query
    that runs for every reader, before anything else of the page is read (``shared_pages``)."""

    item_id: int
    item_version: int
    round_id: int
    round_version: int
    round_status: str
    starts_at: datetime.datetime
    series_id: int
    comment_days_before: int
    comment_days_after: int
    report_visibility: str
    clause_number: int
    clause_version: int
    invited: bool
    organises_series: bool
    organises_any: bool
    series_participant: bool
    report_published: bool
    member: bool


MAX_ID = 2**63 - 1


def _tables() -> dict[str, str]:
    return {
        "item": AgendaItem._meta.db_table,
        "round": Round._meta.db_table,
        "series": Series._meta.db_table,
        "clause": Clause._meta.db_table,
        "invitation": Invitation._meta.db_table,
        "report": FollowUpReport._meta.db_table,
        "organisers": Series.organisers.through._meta.db_table,
        "membership": Membership._meta.db_table,
        "published": FollowUpReport.Status.PUBLISHED.value,
        "draft": Round.Status.DRAFT.value,
        "cancelled": Round.Status.CANCELLED.value,
        "held": Round.Status.HELD.value,
        "round_published": Round.Status.PUBLISHED.value,
        "declined": Invitation.Rsvp.DECLINED.value,
    }


# What the reader (the five parameters) is to round r of series s: invited, organises the series, organises
# any series, takes part in the series, whether the round's report is published, and whether the reader
# represents an organisation (for the navigation, which asks nothing more then).
# An invitation declined to a round that took place no longer counts, nor one to a draft round
# (rounds.permissions.admitting_invitations).
_READER_FLAGS = """
    EXISTS(SELECT 1 FROM {invitation} v WHERE v.round_id = r.id AND v.user_id = %s AND r.status <> '{draft}'
           AND NOT (v.rsvp = '{declined}' AND r.status IN ('{held}', '{round_published}'))) AS f_invited,
    EXISTS(SELECT 1 FROM {organisers} o WHERE o.series_id = s.id AND o.user_id = %s) AS f_organises_series,
    EXISTS(SELECT 1 FROM {organisers} o WHERE o.user_id = %s) AS f_organises_any,
    EXISTS(SELECT 1 FROM {invitation} v JOIN {round} vr ON vr.id = v.round_id
           WHERE vr.series_id = s.id AND v.user_id = %s AND vr.status <> '{draft}'
           AND NOT (v.rsvp = '{declined}' AND vr.status IN ('{held}', '{round_published}'))) AS f_series_participant,
    EXISTS(SELECT 1 FROM {report} f WHERE f.round_id = r.id AND f.status = '{published}') AS f_report_published,
    EXISTS(SELECT 1 FROM {membership} m WHERE m.user_id = %s) AS f_member
"""


_HEAD = """
    SELECT i.id, i.version, r.id, r.version, r.status, r.starts_at, s.id, s.comment_days_before,
           s.comment_days_after, s.report_visibility, c.number, c.version, {flags}
    FROM {item} i JOIN {round} r ON r.id = i.round_id JOIN {series} s ON s.id = r.series_id
         JOIN {clause} c ON c.id = i.clause_id
    WHERE i.round_id = %s AND c.number = %s
"""
_ROUND_HEAD = """
    SELECT r.id, r.version, r.status, r.starts_at, s.id, s.comment_days_before, s.comment_days_after,
           s.report_visibility, {flags},
           v.id, v.rsvp, v.stand_in_for_id,
           EXISTS(SELECT 1 FROM {invitation} w WHERE w.stand_in_for_id = v.id) AS f_has_stand_ins
    FROM {round} r JOIN {series} s ON s.id = r.series_id
         LEFT JOIN {invitation} v ON v.round_id = r.id AND v.user_id = %s
    WHERE r.id = %s
"""


_CLAUSE_HEAD = """
    SELECT c.id, c.version, x.item_id, x.item_version, x.round_id, x.round_version, x.round_status,
           x.report_visibility, x.total, x.f_invited, x.f_organises_series, x.f_organises_any,
           x.f_series_participant, x.f_report_published, x.f_member
    FROM {clause} c LEFT JOIN (
        SELECT i.id AS item_id, i.version AS item_version, r.id AS round_id, r.version AS round_version,
               r.status AS round_status, s.report_visibility AS report_visibility, COUNT(*) OVER () AS total,
               {flags}
        FROM {item} i JOIN {round} r ON r.id = i.round_id JOIN {series} s ON s.id = r.series_id
        WHERE i.clause_id = (SELECT id FROM {clause} WHERE number = %s) AND r.status NOT IN ('{draft}', '{cancelled}')
        ORDER BY r.starts_at, i.id LIMIT %s OFFSET %s
    ) x ON 1 = 1
    WHERE c.number = %s
"""


@cache
def _sql(template: str) -> str:
    """A head query written out once: the ORM would build the same query, with five subqueries, for every
    request at a multiple of its cost. Table names come from the models, values are parameters."""
    tables = _tables()
    return template.format(flags=_READER_FLAGS.format(**tables), **tables)


def _aware(value) -> datetime.datetime:
    if isinstance(value, str):  # SQLite without the column's type
        value = datetime.datetime.fromisoformat(value)
    return timezone.make_aware(value, datetime.UTC) if timezone.is_naive(value) else value


def _fetch(sql: str, params: list) -> tuple | None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)  # nosec B608
        return cursor.fetchone()


class RoundHead(NamedTuple):
    """What a shared round page is keyed on, and what the reader is to the round (one small query)."""

    round_id: int
    round_version: int
    round_status: str
    starts_at: datetime.datetime
    series_id: int
    comment_days_before: int
    comment_days_after: int
    report_visibility: str
    invited: bool
    organises_series: bool
    organises_any: bool
    series_participant: bool
    report_published: bool
    member: bool
    invitation_id: int | None
    invitation_rsvp: str | None
    stands_in_for_id: int | None
    has_stand_ins: bool


def round_head(*, round_id: int, user: User) -> RoundHead | None:
    if not 0 < round_id <= MAX_ID:
        return None
    reader = user.pk if user.is_authenticated else None
    row = _fetch(_sql(_ROUND_HEAD), [reader] * 6 + [round_id])
    if row is None:
        return None
    values = list(row)
    values[3] = _aware(values[3])
    values[8:14] = [bool(flag) for flag in values[8:14]]
    values[17] = bool(values[17])
    return RoundHead(*values)


def discussion_head(*, round_id: int, number: int, user: User) -> DiscussionHead | None:
    """The head of the discussion of clause ``number`` in a round, or None when there is none."""
    if not (0 < round_id <= MAX_ID and 0 < number <= MAX_ID):
        return None
    reader = user.pk if user.is_authenticated else None
    row = _fetch(_sql(_HEAD), [reader] * 5 + [round_id, number])
    if row is None:
        return None
    values = list(row)
    values[5] = _aware(values[5])
    values[12:] = [bool(flag) for flag in values[12:]]
    return DiscussionHead(*values)


class ClauseRoundRow(NamedTuple):
    item_id: int
    item_version: int
    round_id: int
    round_version: int
    round_status: str
    report_visibility: str
    invited: bool
    organises_series: bool
    series_participant: bool
    report_published: bool


class ClauseHead(NamedTuple):
    """What a shared clause page is keyed on: the clause's version, the page's rounds with their versions,
    and what the reader is to each of them (one small query)."""

    clause_id: int
    clause_version: int
    rows: list[ClauseRoundRow]
    total: int
    organises_any: bool
    member: bool


def clause_head(*, number: int, user: User, page: int) -> ClauseHead | None:
    """None when there is no such clause; ``rows`` empty past the last page (``total`` 0 then)."""
    if not 0 < number <= MAX_ID:
        return None
    reader = user.pk if user.is_authenticated else None
    offset = (page - 1) * CLAUSE_ROUNDS_PER_PAGE
    with connection.cursor() as cursor:
        params = [reader] * 5 + [number, CLAUSE_ROUNDS_PER_PAGE, offset, number]
        cursor.execute(_sql(_CLAUSE_HEAD), params)  # nosec B608
        found = cursor.fetchall()
    if not found:
        return None
    clause_id, clause_version = found[0][0], found[0][1]
    rows = [
        ClauseRoundRow(*row[2:8], *(bool(flag) for flag in (row[9], row[10], row[12], row[13])))
        for row in found
        if row[2] is not None
    ]
    total = found[0][8] or 0
    organises_any = bool(found[0][11]) if rows else False
    member = bool(found[0][14]) if rows else False
    return ClauseHead(clause_id, clause_version, rows, total, organises_any, member)
