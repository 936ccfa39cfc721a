"""Scale data of the top floor, part one: series, rounds, agenda items and invitations."""

import datetime
import random
import secrets
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from rounds.models import AgendaItem, Invitation, Round, Series

from . import names
from .people import SCALE_DOMAIN, Ground
from .writer import reserve_ids, write_rows

BERLIN = ZoneInfo("Europe/Berlin")
ROUNDS_PER_SERIES = 25
BENCH_ROUND_TITLE = "Große Runde – Beteiligung und Governance"
BENCH_ROUND_INVITEES = 400
ORGANISERS_PER_SERIES = 2


@dataclass
class PlannedRound:
    pk: int
    series_index: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    status: str
    organiser: int
    agenda_item_ids: list[int] = field(default_factory=list)
    invitees: list[tuple[int, int]] = field(default_factory=list)  # (person, organisation)
    accepted: list[tuple[int, int]] = field(default_factory=list)
    bench: bool = False

    @property
    def discussed(self) -> bool:
        return self.status in (Round.Status.HELD, Round.Status.PUBLISHED)


@dataclass
class Top:
    rounds: list[PlannedRound] = field(default_factory=list)
    organiser_ids: list[int] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def nth_weekday(*, year: int, month: int, weekday: int, n: int) -> datetime.date:
    """The n-th given weekday of a month (``weekday`` 0 = Monday)."""
    first = datetime.date(year, month, 1)
    offset = (weekday - first.weekday()) % 7
    return first + datetime.timedelta(days=offset + 7 * (n - 1))


def _month_shift(day: datetime.date, months: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 + months
    return index // 12, index % 12 + 1


def generate_series(
    *, rng: random.Random, ground: Ground, rounds: int, today: datetime.date, now: datetime.datetime
) -> Top:
    top = Top()
    series_count = max(1, min(len(names.SERIES), rounds // ROUNDS_PER_SERIES))
    organisers = ground.person_ids[: series_count * ORGANISERS_PER_SERIES]
    top.organiser_ids = organisers
    all_series = _series(rng=rng, count=series_count, organisers=organisers)
    top.counts["series"] = len(all_series)
    sizes = [rounds // series_count + (1 if i < rounds % series_count else 0) for i in range(series_count)]
    first_round = reserve_ids(model=Round, count=rounds)
    rows = []
    for index, (series, size) in enumerate(zip(all_series, sizes, strict=True)):
        future = min(2, size - 1)
        organiser = organisers[index * ORGANISERS_PER_SERIES] if organisers else None
        for number in range(1, size + 1):
            months = (number - (size - future)) * series.cadence_months - 1
            year, month = _month_shift(today, months)
            day = nth_weekday(year=year, month=month, weekday=series.cadence_weekday, n=series.cadence_week)
            starts_at = datetime.datetime.combine(day, series.default_start_time, tzinfo=BERLIN)
            ends_at = starts_at + datetime.timedelta(minutes=series.default_duration_minutes)
            bench = index == 0 and number == size - future
            status = _status(rng=rng, future=number - (size - future), bench=bench)
            title = BENCH_ROUND_TITLE if bench else rng.choice(names.ROUND_TITLES)
            planned = PlannedRound(first_round + len(rows), index, starts_at, ends_at, status, organiser, bench=bench)
            top.rounds.append(planned)
            rows.append(
                (planned.pk, series.pk, number, title, starts_at, ends_at, series.default_online_link, "", status,
                 "Terminkonflikt mit der Fachkonferenz." if status == Round.Status.CANCELLED else "", 0, now, now)
            )  # fmt: skip
    fields = ["id", "series", "number", "title", "starts_at", "ends_at", "online_link", "venue", "status"]
    fields += ["cancel_reason", "calendar_sequence", "created_at", "updated_at"]
    top.counts["rounds"] = write_rows(model=Round, fields=fields, rows=rows)
    _agenda(top, rng=rng, ground=ground)
    _invitations(top, rng=rng, ground=ground)
    return top


def _series(*, rng: random.Random, count: int, organisers: list[int]) -> list[Series]:
    taken = set(Series.objects.values_list("slug", flat=True))
    created = []
    for index, (title, slug) in enumerate(names.SERIES[:count]):
        candidate, n = slug, 2
        while candidate in taken:
            candidate, n = f"{slug}-{n}", n + 1
        series = Series.objects.create(
            title=title,
            slug=candidate,
            description=f"{title}: regelmäßiger Austausch über Klauseln der Smart-City-Strategien.",
            cadence_months=rng.choice([2, 3, 3, 4]),
            cadence_weekday=rng.choice([1, 2, 3]),
            cadence_week=rng.randint(1, 4),
            default_start_time=datetime.time(rng.choice([9, 10, 14])),
            default_duration_minutes=rng.choice([90, 120]),
            default_online_link=f"https://konferenz.{SCALE_DOMAIN}/{candidate}",
            report_visibility=rng.choice(list(Series.ReportVisibility.values)),
        )
        series.organisers.set(organisers[index * ORGANISERS_PER_SERIES : (index + 1) * ORGANISERS_PER_SERIES])
        created.append(series)
    return created


def _status(*, rng: random.Random, future: int, bench: bool) -> str:
    if bench:
        return Round.Status.HELD
    if future >= 2:
        return Round.Status.DRAFT if rng.random() < 0.5 else Round.Status.SCHEDULED
    if future == 1:
        return Round.Status.INVITED
    return rng.choices([Round.Status.PUBLISHED, Round.Status.HELD, Round.Status.CANCELLED], [85, 10, 5])[0]


def _agenda(top: Top, *, rng: random.Random, ground: Ground) -> None:
    clauses = ground.clause_ids
    first = reserve_ids(model=AgendaItem, count=3 * len(top.rounds))
    rows = []
    for position, planned in enumerate(top.rounds):
        if planned.series_index == 0:
            start = (3 * position) % len(clauses)
            chosen = [clauses[(start + k) % len(clauses)] for k in range(3)]
        else:
            chosen = rng.sample(clauses, 3)
        for order, clause in enumerate(chosen, start=1):
            pk = first + len(rows)
            rows.append((pk, planned.pk, clause, order))
            planned.agenda_item_ids.append(pk)
    top.counts["agenda_items"] = write_rows(model=AgendaItem, fields=["id", "round", "clause", "order"], rows=rows)


def _invitations(top: Top, *, rng: random.Random, ground: Ground) -> None:
    organisers = set(top.organiser_ids)
    people = [(p, o) for p, o in zip(ground.person_ids, ground.person_org, strict=True) if p not in organisers]
    primary_org = dict(zip(ground.person_ids, ground.person_org, strict=True))
    rows = []
    for planned in top.rounds:
        if planned.status == Round.Status.DRAFT or not people:
            continue
        if planned.bench:
            size = BENCH_ROUND_INVITEES
        elif rng.random() < 0.1:
            size = rng.randint(150, 500)
        else:
            size = rng.randint(12, 60)
        chosen = rng.sample(people, min(size, len(people)))
        if planned.bench and ground.strategy_person_ids:
            # The bench logs in as the first invitee: a representative whose organisation has a strategy.
            person = ground.strategy_person_ids[0]
            others = [pair for pair in chosen if pair[0] != person]
            chosen = [(person, primary_org[person]), *others[: size - 1]]
        for k, (person, organisation) in enumerate(chosen):
            lead = planned.bench and k == 0
            rows.append(_invitation(planned, rng=rng, person=person, organisation=organisation, lead=lead))
    first = reserve_ids(model=Invitation, count=len(rows))
    rows = [(first + i, *row) for i, row in enumerate(rows)]
    fields = ["id", "round", "user", "organisation", "token", "rsvp", "delivery"]
    fields += ["sent_sequence", "invited_by", "created_at", "sent_at"]
    fields += ["responded_at", "attended_at", "withdrawn_email"]
    top.counts["invitations"] = write_rows(model=Invitation, fields=fields, rows=rows)


def _invitation(planned: PlannedRound, *, rng: random.Random, person: int, organisation: int, lead: bool) -> tuple:
    created = planned.starts_at - datetime.timedelta(days=28)
    if planned.status == Round.Status.SCHEDULED:
        rsvp, delivery, sent_at, sequence = "open", "pending", None, None
    else:
        delivery, sent_at, sequence = "sent", created + datetime.timedelta(days=7), 0
        weights = [40, 10, 50] if planned.status == Round.Status.INVITED else [70, 15, 15]
        rsvp = "accepted" if lead else rng.choices(["accepted", "declined", "open"], weights)[0]
    responded = sent_at + datetime.timedelta(days=rng.randint(1, 10)) if rsvp != "open" and sent_at else None
    attended = planned.starts_at if planned.discussed and rsvp == "accepted" and rng.random() < 0.85 else None
    if rsvp == "accepted":
        planned.accepted.append((person, organisation))
    planned.invitees.append((person, organisation))
    token = secrets.token_urlsafe(32)
    return (planned.pk, person, organisation, token, rsvp, delivery, sequence, planned.organiser,
            created, sent_at, responded, attended, "")  # fmt: skip
