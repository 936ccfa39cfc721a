"""National-scale data for load tests: all German municipalities, years of rounds, a million comments.

``scale_data_generate`` writes everything in one transaction with bulk writes (COPY on PostgreSQL).
The same seed on the same day gives the same data; dates are laid out around ``today`` so that some
rounds lie ahead. Generated people and websites use the reserved domain ``scale.example``; they all
log in with the demo password.
"""

import datetime
import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from django.db import transaction
from django.utils import timezone

from clauses.models import Clause, Position
from participants.models import Membership, Organisation, Strategy, User
from rounds.models import AgendaItem, Comment, FollowUpReport, Invitation, MeetingNote, Round
from strategy_exchange.errors import DomainError
from strategy_exchange.fragments import fragments_forget

from .discussion import generate_discussion
from .people import SCALE_DOMAIN, generate_ground
from .series import BENCH_ROUND_TITLE, generate_series
from .writer import analyze

__all__ = ["BENCH_ROUND_TITLE", "SCALE_DOMAIN", "ScaleParams", "ScaleResult", "scale_data_generate"]

LOADED_MODELS = [Organisation, User, Membership, Strategy, Clause, Position, Round, AgendaItem, Invitation]
LOADED_MODELS += [Comment, MeetingNote, FollowUpReport]


@dataclass(frozen=True)
class ScaleParams:
    organisations: int = 11_000
    people: int = 50_000
    rounds: int = 200
    comments: int = 1_000_000
    strategies: int = 2_000
    round_comments: int = 300
    seed: int = 2021
    today: datetime.date | None = None

    def as_dict(self) -> dict:
        values = asdict(self)
        values["today"] = self.today.isoformat() if self.today else None
        return values


@dataclass
class ScaleResult:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    bench_round_id: int | None = None


def scale_data_present() -> bool:
    return User.objects.filter(email__endswith=f"@{SCALE_DOMAIN}").exists()


def scale_data_generate(*, params: ScaleParams, log: Callable[[str], None] = lambda message: None) -> ScaleResult:
    """Generate the scale data on top of whatever is there (demo data or nothing).

    Raises :class:`DomainError` when scale data is already present: a second set would double every
    number the benchmark reports.
    """
    if min(params.organisations, params.people, params.rounds) < 1 or min(params.comments, params.strategies) < 0:
        raise DomainError("Organisationen, Personen und Runden müssen mindestens 1 sein.")
    started = time.monotonic()
    # A seeded generator: the same seed gives the same data (test data, not secrets).
    rng = random.Random(params.seed)  # noqa: S311  # nosec B311
    today = params.today or timezone.localdate()
    now = timezone.now()
    result = ScaleResult()
    with transaction.atomic():
        if scale_data_present():
            raise DomainError("Skalierungsdaten sind bereits vorhanden; bitte eine leere Datenbank verwenden.")
        ground = generate_ground(
            rng=rng, organisations=params.organisations, people=params.people, strategies=params.strategies, now=now
        )
        log(f"organisations, people, strategies: {time.monotonic() - started:.1f} s")
        top = generate_series(rng=rng, ground=ground, rounds=params.rounds, today=today, now=now)
        log(f"series, rounds, invitations: {time.monotonic() - started:.1f} s")
        counts = generate_discussion(rng=rng, top=top, total=params.comments, round_comments=params.round_comments)
        log(f"comments, notes, reports: {time.monotonic() - started:.1f} s")
    analyze(models=LOADED_MODELS)
    fragments_forget()  # a new database: ids and versions start again
    result.counts = {**ground.counts, **top.counts, **counts}
    result.bench_round_id = next((r.pk for r in top.rounds if r.bench), None)
    result.seconds = time.monotonic() - started
    return result
