"""What belongs to an organisation, for merging two of them and for deleting one without history.

The ground floor knows only its own rows (memberships, strategies, pending accounts and proposals, the
membership log). The floors above register a :class:`Mover` for each kind of row of theirs that points at an
organisation (``clauses.apps``, ``rounds.apps``), so that the merge service here moves rows of every floor
while imports still run only downwards.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise

from .models import Organisation


@dataclass(frozen=True)
class Moved:
    """What a mover did: rows moved, and rows combined with a row the target already had."""

    moved: int = 0
    combined: int = 0


@dataclass(frozen=True)
class Mover:
    """One kind of row that belongs to an organisation.

    ``count(organisation)`` counts the rows (for the preview, the audit entry and the history check);
    ``move(source, target)`` moves them from source to target (in the merge's transaction), resolving any
    unique constraint deterministically without losing data. A mover without ``move`` only counts rows that
    travel with another kind (the positions of a strategy, the attendance of an invitation).
    ``conflicts(source, target)`` counts the rows that will be combined rather than moved."""

    key: str
    label: Promise | str
    order: int
    count: Callable[[Organisation], int]
    move: Callable[[Organisation, Organisation], Moved] | None = None
    conflicts: Callable[[Organisation, Organisation], int] | None = None
    conflict_label: Promise | str = ""


_movers: dict[str, Mover] = {}


def mover_register(mover: Mover) -> None:
    """Register (or replace, by key) one kind of row; called once per kind from an app's ``ready()``."""
    _movers[mover.key] = mover


def movers() -> list[Mover]:
    return sorted(_movers.values(), key=lambda mover: (mover.order, mover.key))


# The ground floor's own rows -------------------------------------------------------------------------


def move_rows(queryset, target: Organisation) -> Moved:
    """Point the rows of ``queryset`` at ``target`` (one UPDATE) and tell the cached pages about it."""
    from strategy_exchange.fragments import rows_changed

    pks = list(queryset.values_list("pk", flat=True))
    if pks:
        queryset.model._base_manager.filter(pk__in=pks).update(organisation=target)
        rows_changed(queryset.model, pks)
    return Moved(moved=len(pks))


def _shared_members(source: Organisation, target: Organisation):
    from .models import Membership

    return Membership.objects.filter(organisation=source, user__memberships__organisation=target)


def _move_memberships(source: Organisation, target: Organisation) -> Moved:
    """A person who belongs to both keeps one membership in the target: the main contact role wins over
    representative, and the earlier start is kept. Everyone else's membership moves."""
    from .models import Membership

    combined = 0
    for duplicate in _shared_members(source, target).order_by("pk"):
        kept = Membership.objects.get(organisation=target, user_id=duplicate.user_id)
        changed = []
        if duplicate.role == Membership.Role.CONTACT and kept.role != Membership.Role.CONTACT:
            kept.role, changed = Membership.Role.CONTACT, [*changed, "role"]
        if duplicate.created_at < kept.created_at:
            Membership.objects.filter(pk=kept.pk).update(created_at=duplicate.created_at)
        if changed:
            kept.save(update_fields=changed)
        duplicate.delete()
        combined += 1
    moved = move_rows(Membership.objects.filter(organisation=source), target)
    return Moved(moved=moved.moved, combined=combined)


def connect() -> None:
    from django.utils.translation import gettext_lazy as _

    from .models import AccountInvitation, Membership, MembershipChange, MembershipProposal, Strategy

    mover_register(
        Mover(
            key="memberships",
            label=_("Mitgliedschaften (Vertreter:innen)"),
            order=10,
            count=lambda organisation: Membership.objects.filter(organisation=organisation).count(),
            move=_move_memberships,
            conflicts=lambda source, target: _shared_members(source, target).count(),
            conflict_label=_("Personen gehören beiden an: ihre Mitgliedschaften werden zu einer zusammengefasst"),
        )
    )
    mover_register(
        Mover(
            key="strategies",
            label=_("Strategien"),
            order=30,
            count=lambda organisation: Strategy.objects.filter(organisation=organisation).count(),
            move=lambda source, target: move_rows(Strategy.objects.filter(organisation=source), target),
        )
    )
    mover_register(
        Mover(
            key="membership_proposals",
            label=_("Vorschläge als Vertreter:in"),
            order=70,
            count=lambda organisation: MembershipProposal.objects.filter(organisation=organisation).count(),
            move=lambda source, target: move_rows(MembershipProposal.objects.filter(organisation=source), target),
        )
    )
    mover_register(
        Mover(
            key="account_invitations",
            label=_("Konto-Einladungen"),
            order=71,
            count=lambda organisation: AccountInvitation.objects.filter(organisation=organisation).count(),
            move=lambda source, target: move_rows(AccountInvitation.objects.filter(organisation=source), target),
        )
    )
    mover_register(
        Mover(
            key="membership_changes",
            label=_("Einträge im Protokoll der Mitgliedschaften"),
            order=72,
            count=lambda organisation: MembershipChange.objects.filter(organisation=organisation).count(),
            move=lambda source, target: move_rows(MembershipChange.objects.filter(organisation=source), target),
        )
    )
