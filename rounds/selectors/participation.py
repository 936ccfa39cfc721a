"""Who took part in a round: the one rule every page that lists participating organisations follows.

An organisation takes part in a round when any of its people accepted the invitation or attended. One
person's "no" does not take the organisation off the list while a stand-in (or a colleague) from the same
organisation accepted or came.
"""

from collections.abc import Iterable
from typing import NamedTuple

from django.db.models import Q, QuerySet

from rounds.models import Invitation, Round

TAKES_PART = Q(rsvp=Invitation.Rsvp.ACCEPTED) | Q(attended_at__isnull=False)


class Participant(NamedTuple):
    """An organisation as the lists show it (a model instance per name would cost more than the query)."""

    pk: int
    name: str
    place: str


def participating_organisations(*, rounds: QuerySet[Round] | Iterable[int]) -> dict[int, list[Participant]]:
    """round id → the organisations taking part in it, by name, in one query."""
    ids = rounds.values("pk") if isinstance(rounds, QuerySet) else list(rounds)
    rows = (
        Invitation.objects.filter(TAKES_PART, round_id__in=ids, organisation__isnull=False)
        .values_list("round_id", "organisation_id", "organisation__name", "organisation__place")
        .distinct()
        .order_by("round_id", "organisation__name", "organisation_id")
    )
    result: dict[int, list[Participant]] = {}
    for round_id, organisation_id, name, place in rows:
        result.setdefault(round_id, []).append(Participant(organisation_id, name, place))
    return result


def round_participating_organisations(*, round_: Round) -> list[Participant]:
    return participating_organisations(rounds=[round_.pk]).get(round_.pk, [])
