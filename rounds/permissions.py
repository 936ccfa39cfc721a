"""Who may do what with series, rounds and their discussion. The one place for these decisions.

Views, templates and admin call these predicates. Convention: an object the user may not see
answers 404 (``get_*_or_404`` helpers below); an object they may see but not act on answers 403.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from participants.models import Membership, Organisation, User

from .models import FollowUpReport, Invitation, Round, Series

AnyUser = User | AnonymousUser


def is_staff(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def is_organiser(user: AnyUser) -> bool:
    """Organises at least one series (or is staff)."""
    if not user.is_authenticated:
        return False
    return is_staff(user) or _organises_any(user.pk)


@cache
def _organises_sql() -> str:
    table = connection.ops.quote_name(Series.organisers.through._meta.db_table)
    return f"SELECT 1 FROM {table} WHERE user_id = %s LIMIT 1"  # noqa: S608  # nosec B608


def _organises_any(user_id: int) -> bool:
    """Whether the person organises any series: asked on most pages (the navigation), so written out once."""
    with connection.cursor() as cursor:
        cursor.execute(_organises_sql(), [user_id])
        return cursor.fetchone() is not None


@cache
def _reader_roles_sql() -> str:
    organisers = connection.ops.quote_name(Series.organisers.through._meta.db_table)
    memberships = connection.ops.quote_name(Membership._meta.db_table)
    return (
        f"SELECT EXISTS(SELECT 1 FROM {organisers} WHERE user_id = %s),"  # noqa: S608  # nosec B608
        f" EXISTS(SELECT 1 FROM {memberships} WHERE user_id = %s)"
    )


def reader_roles(user: AnyUser) -> tuple[bool, bool]:
    """(organises a series, represents an organisation), in one query: what the navigation offers. Asked on
    nearly every page, so written out once (like :func:`_organises_any`)."""
    if not user.is_authenticated:
        return False, False
    with connection.cursor() as cursor:
        cursor.execute(_reader_roles_sql(), [user.pk, user.pk])
        organising, member = cursor.fetchone()
    return bool(organising), bool(member)


def is_organiser_of(user: AnyUser, series: Series) -> bool:
    if not user.is_authenticated:
        return False
    if is_staff(user):
        return True
    return series.organisers.filter(pk=user.pk).exists()


def can_remove_representative(user: AnyUser, organisation: Organisation) -> bool:
    """Ending someone's membership: admins, and organisers of a series the organisation takes part in
    (invited to one of its rounds). Organisers of other series may only propose people."""
    if not user.is_authenticated or not user.is_active:
        return False
    if is_staff(user):
        return True
    return Series.objects.filter(organisers=user, rounds__invitations__organisation=organisation).exists()


def can_manage_round(user: AnyUser, round_: Round) -> bool:
    return is_organiser_of(user, round_.series)


def admitting_invitations(user: AnyUser) -> QuerySet[Invitation]:
    """The person's invitations that open a round (and its series) to them: all but those they declined to a
    round that took place; after such a round they see only what the public sees. A withdrawn invitation no
    longer names its person, so it is never among them. A draft round is its organisers' alone: an
    invitation to it (not yet sent) opens nothing."""
    return (
        Invitation.objects.filter(user=user)
        .exclude(round__status=Round.Status.DRAFT)
        .exclude(rsvp=Invitation.Rsvp.DECLINED, round__status__in=Round.TOOK_PLACE)
    )


def listed_rounds(rounds: Iterable[Round], *, managed_series_ids: set[int]) -> list[Round]:
    """The rounds a list shows its reader: drafts only to the organisers of their series (and staff, who
    manage every series); anonymous visitors and representatives never see a draft."""
    return [r for r in rounds if r.status != Round.Status.DRAFT or r.series_id in managed_series_ids]


def invitation_for(user: AnyUser, round_: Round) -> Invitation | None:
    if not user.is_authenticated:
        return None
    return Invitation.objects.filter(round=round_, user=user).first()


def is_invited(user: AnyUser, round_: Round) -> bool:
    return user.is_authenticated and admitting_invitations(user).filter(round=round_).exists()


def can_view_round(user: AnyUser, round_: Round) -> bool:
    """Invitees and organisers see a round and its discussion."""
    return can_manage_round(user, round_) or is_invited(user, round_)


def can_comment(user: AnyUser, round_: Round) -> bool:
    """Invitees and organisers take part in a round's discussion (the comment window is checked by the service)."""
    return bool(user.is_authenticated and user.is_active) and can_view_round(user, round_)


def can_moderate(user: AnyUser, round_: Round) -> bool:
    """Hide, show again and highlight comments: the series' organisers (and staff)."""
    return can_manage_round(user, round_)


def is_series_participant(user: AnyUser, series: Series) -> bool:
    return user.is_authenticated and admitting_invitations(user).filter(round__series=series).exists()


def publishes_open_data(series: Series) -> bool:
    """A public series (its reports are public) publishes its participants' positions as open data, for anyone."""
    return series.report_visibility == Series.ReportVisibility.PUBLIC


def report_is_published(round_: Round) -> bool:
    return FollowUpReport.objects.filter(round=round_, status=FollowUpReport.Status.PUBLISHED).exists()


def can_view_comments(user: AnyUser, round_: Round) -> bool:
    """The full discussion (all levels, with person and organisation): invitees and organisers."""
    return can_view_round(user, round_)


def can_view_published_comments(user: AnyUser, round_: Round) -> bool:
    """After the report is published, people outside the round see the comments that may be quoted or used
    anonymised, as the series' report visibility says: everyone (public) or the series' participants."""
    if not report_is_published(round_):
        return False
    if round_.series.report_visibility == Series.ReportVisibility.PUBLIC:
        return True
    return is_series_participant(user, round_.series)


def visible_rounds(user: AnyUser) -> QuerySet[Round]:
    """Rounds the user may open: invited to, or organiser of the series (all for staff)."""
    if not user.is_authenticated:
        return Round.objects.none()
    if is_staff(user):
        return Round.objects.all()
    invited = admitting_invitations(user).filter(round=OuterRef("pk"))
    organising = Series.organisers.through.objects.filter(series=OuterRef("series_id"), user=user)
    return Round.objects.filter(Exists(invited) | Exists(organising))


def published_comment_rounds(user: AnyUser) -> QuerySet[Round]:
    """Rounds whose quotable and anonymised comments the user may read as outsiders (as
    :func:`can_view_published_comments` says): the report is published, and the series publishes its reports
    or the user takes part in it."""
    published = Round.objects.filter(reports__status=FollowUpReport.Status.PUBLISHED).values("pk")
    public = Q(series__report_visibility=Series.ReportVisibility.PUBLIC)
    if user.is_authenticated:
        public |= Q(series__in=admitting_invitations(user).values("round__series"))
    return Round.objects.filter(public, pk__in=published)


@dataclass(frozen=True)
class ReadableRound:
    """A round the person may read something of, with what a list of rounds shows of it."""

    pk: int
    series_id: int
    number: int
    series_title: str
    inside: bool  # opens to them (:func:`visible_rounds`): every comment, internal ones too
    published: bool  # its published report opens its comments (:func:`published_comment_rounds`)
    managed: bool  # they organise its series, or are staff (:func:`managed_series`): its notes too


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


@cache
def _readable_rounds_sql() -> str:
    """The rules of :func:`visible_rounds`, :func:`published_comment_rounds` and :func:`managed_series` for
    every round at once, written out (tests hold both forms to the same answers)."""
    rounds, series, invitations = _table(Round), _table(Series), _table(Invitation)
    organisers, reports = _table(Series.organisers.through), _table(FollowUpReport)
    admitting = (
        f"SELECT 1 FROM {invitations} i JOIN {rounds} ir ON ir.id = i.round_id WHERE i.user_id = %(user)s"  # noqa: S608  # nosec B608
        " AND ir.status <> %(draft)s AND NOT (i.rsvp = %(declined)s AND ir.status IN (%(held)s, %(published)s))"
    )
    managing = (
        f"(%(staff)s OR EXISTS(SELECT 1 FROM {organisers} o"  # noqa: S608  # nosec B608
        " WHERE o.series_id = r.series_id AND o.user_id = %(user)s))"
    )
    inside = f"({managing} OR EXISTS({admitting} AND i.round_id = r.id))"
    published = (
        f"(EXISTS(SELECT 1 FROM {reports} f WHERE f.round_id = r.id AND f.status = %(report_published)s)"  # noqa: S608  # nosec B608
        f" AND (s.report_visibility = %(public)s OR EXISTS({admitting} AND ir.series_id = r.series_id)))"
    )
    return (
        "SELECT pk, series_id, number, series_title, inside, published, managed FROM ("  # noqa: S608  # nosec B608
        f"SELECT r.id AS pk, r.series_id, r.number, s.title AS series_title, {inside} AS inside,"
        f" {published} AS published, {managing} AS managed"
        f" FROM {rounds} r JOIN {series} s ON s.id = r.series_id) readable"
        " WHERE inside OR published ORDER BY series_title, series_id, number, pk"
    )


def readable_rounds(user: AnyUser) -> list[ReadableRound]:
    """Every round the person may read something of (opened to them, or its published report opens its
    comments to them), in one query: what search looks through and offers as filters."""
    params = {
        "user": user.pk if user.is_authenticated else None,
        "staff": is_staff(user),
        "draft": Round.Status.DRAFT,
        "declined": Invitation.Rsvp.DECLINED,
        "held": Round.Status.HELD,
        "published": Round.Status.PUBLISHED,
        "report_published": FollowUpReport.Status.PUBLISHED,
        "public": Series.ReportVisibility.PUBLIC,
    }
    with connection.cursor() as cursor:
        cursor.execute(_readable_rounds_sql(), params)
        rows = cursor.fetchall()
    return [
        ReadableRound(pk, series_id, number, title, bool(inside), bool(published), bool(managed))
        for pk, series_id, number, title, inside, published, managed in rows
    ]


def managed_series(user: AnyUser) -> QuerySet[Series]:
    if not user.is_authenticated:
        return Series.objects.none()
    if is_staff(user):
        return Series.objects.all()
    return Series.objects.filter(organisers=user)


def get_managed_series_or_404(user: AnyUser, **lookup) -> Series:
    series = managed_series(user).filter(**lookup).first()
    if series is None:
        raise Http404
    return series


def get_visible_round_or_404(user: AnyUser, **lookup) -> Round:
    round_ = visible_rounds(user).select_related("series").filter(**lookup).first()
    if round_ is None:
        raise Http404
    return round_


def comment_visibility_for_rounds(user: AnyUser, rounds: list[Round]) -> dict[int, str | None]:
    """For many rounds at once (in a fixed number of queries): ``"full"`` where the user may read the whole
    discussion, ``"published"`` where only the published, non-internal part, ``None`` where nothing."""
    round_ids = [r.pk for r in rounds]
    staff = is_staff(user)
    invited, organised, participant_series = set(), set(), set()
    if user.is_authenticated and not staff:
        invitations = admitting_invitations(user).values_list("round_id", "round__series_id")
        for round_id, series_id in invitations:
            invited.add(round_id)
            participant_series.add(series_id)
        organised = set(user.organised_series.values_list("pk", flat=True))
    published = set(
        FollowUpReport.objects.filter(round_id__in=round_ids, status=FollowUpReport.Status.PUBLISHED).values_list(
            "round_id", flat=True
        )
    )
    result: dict[int, str | None] = {}
    for round_ in rounds:
        if staff or round_.pk in invited or round_.series_id in organised:
            result[round_.pk] = "full"
        elif round_.pk in published and (
            round_.series.report_visibility == Series.ReportVisibility.PUBLIC or round_.series_id in participant_series
        ):
            result[round_.pk] = "published"
        else:
            result[round_.pk] = None
    return result


def can_view_series(user: AnyUser, series: Series) -> bool:
    """Organisers of the series and people invited to one of its rounds see that the series exists."""
    if is_organiser_of(user, series):
        return True
    return user.is_authenticated and admitting_invitations(user).filter(round__series=series).exists()


def get_round_to_manage(user: AnyUser, **lookup) -> Round:
    """A round for an organiser page or action: organisers of the series get it; an invitee, who may
    see the round but not run it, gets 403; everyone else 404."""
    round_ = Round.objects.select_related("series").filter(**lookup).first()
    if round_ is None:
        raise Http404
    if can_manage_round(user, round_):
        return round_
    if is_invited(user, round_):
        raise PermissionDenied
    raise Http404


def get_series_to_manage(user: AnyUser, **lookup) -> Series:
    """A series for an organiser page or action: organisers get it; invitees of one of its rounds 403;
    everyone else 404."""
    series = Series.objects.filter(**lookup).first()
    if series is None:
        raise Http404
    if is_organiser_of(user, series):
        return series
    if can_view_series(user, series):
        raise PermissionDenied
    raise Http404


# One reader and one round, answered by the query that loads the round -----------------------------


@dataclass(frozen=True)
class RoundReader:
    """What one reader is to one round: the answers of the predicates above, from one query."""

    signed_in: bool
    staff: bool
    invited: bool
    organises_series: bool
    organises_any: bool
    series_participant: bool
    report_published: bool
    report_public: bool

    @property
    def can_view_round(self) -> bool:
        return self.staff or self.organises_series or self.invited

    @property
    def can_moderate(self) -> bool:
        return self.staff or self.organises_series

    @property
    def can_view_published_comments(self) -> bool:
        return self.report_published and (self.report_public or self.series_participant)

    @property
    def is_organiser(self) -> bool:
        return self.staff or self.organises_any

    @property
    def comment_mode(self) -> str | None:
        """As :func:`comment_visibility_for_rounds` says it: "full", "published" or None."""
        if self.can_view_round:
            return "full"
        return "published" if self.can_view_published_comments else None


def reader_of(user: AnyUser, head) -> RoundReader:
    """The reader from a head row of ``rounds.selectors.participant`` (``invited``, ``organises_series``,
    ``series_participant``, ``report_published``, ``report_visibility`` and perhaps ``organises_any``)."""
    return RoundReader(
        signed_in=bool(user.is_authenticated),
        staff=is_staff(user),
        invited=head.invited,
        organises_series=head.organises_series,
        organises_any=getattr(head, "organises_any", False),
        series_participant=head.series_participant,
        report_published=head.report_published,
        report_public=head.report_visibility == Series.ReportVisibility.PUBLIC,
    )
