"""Arrange steps shared by the browser tests: the demo data adjusted to a round that lies ahead."""

import datetime

from django.utils import timezone

from clauses.models import Clause
from demo.data import load_demo_data
from participants.models import User
from rounds.models import AgendaItem, Invitation, Round


def demo_with_round_three_ahead(*, days_ahead: int = 5) -> Invitation:
    """The demo data with round 3 invited, ``days_ahead`` days from now (its comment window open), with
    §§ 1–3 on the agenda and an open invitation for Jena's representative; returns that invitation."""
    load_demo_data()
    round_ = Round.objects.get(number=3)
    round_.starts_at = timezone.now() + datetime.timedelta(days=days_ahead)
    round_.ends_at = round_.starts_at + datetime.timedelta(hours=2)
    round_.status = Round.Status.INVITED
    round_.save(update_fields=["starts_at", "ends_at", "status"])
    for order, number in enumerate((1, 2, 3), start=1):
        AgendaItem.objects.get_or_create(
            round=round_, clause=Clause.objects.get(number=number), defaults={"order": order}
        )
    jena = User.objects.get(email="jena@example.org")
    invitation, _ = Invitation.objects.get_or_create(
        round=round_, user=jena, defaults={"organisation": jena.organisations.first()}
    )
    return invitation
