"""Scale data of the ground floors: organisations, people, memberships, strategies and positions."""

import datetime
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password

from clauses.models import Clause, Position
from demo.data import CLAUSES as DEMO_CLAUSES
from demo.data import DEMO_PASSWORD
from participants.models import Membership, Organisation, Strategy, User

from . import names
from .writer import reserve_ids, write_rows

SCALE_DOMAIN = "scale.example"
CLAUSE_LIBRARY_SIZE = len(DEMO_CLAUSES) + len(names.CLAUSE_TITLES)

# Share of each kind among 11,000 organisations: 294 districts and 106 district-free cities as in Germany.
KIND_SHARES = [
    ("district", 294),
    ("free_city", 106),
    ("city", 1950),
    ("region", 20),
    ("municipal_company", 60),
    ("company", 80),
    ("research", 40),
    ("network", 30),
    ("funder", 20),
]
MEMBER_WEIGHT = {"free_city": 20, "district": 10, "city": 4, "municipality": 1}
STRATEGY_TITLES = {
    "district": "Digitalstrategie {}",
    "region": "Smarte Region {} – Strategie",
    "municipal_company": "Smart-City-Ansatz {}",
}


@dataclass
class Ground:
    """What the upper floor needs to know about the generated ground floor."""

    org_ids: list[int] = field(default_factory=list)
    org_kinds: list[str] = field(default_factory=list)
    org_names: list[str] = field(default_factory=list)
    org_slugs: list[str] = field(default_factory=list)
    person_ids: list[int] = field(default_factory=list)
    person_org: list[int] = field(default_factory=list)  # primary organisation id per person
    strategy_person_ids: list[int] = field(default_factory=list)  # contacts of organisations with a strategy
    clause_ids: list[int] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def kind_counts(*, total: int) -> dict[str, int]:
    """How many organisations of each kind; municipalities take the rest."""
    counts = {kind: round(total * share / 11_000) for kind, share in KIND_SHARES}
    if total >= 30:
        counts = {kind: max(1, count) for kind, count in counts.items()}
    while sum(counts.values()) > total:
        largest = max(counts, key=lambda kind: counts[kind])
        counts[largest] -= 1
    counts["municipality"] = total - sum(counts.values())
    return counts


class AgsAllocator:
    """Unique 8-digit AGS: state (2) + district key (3) + municipality number (3)."""

    def __init__(self, *, taken: set[str]) -> None:
        self.taken_prefixes = {ags[:5] for ags in taken}
        self.next_slot: dict[str, int] = {}
        self.open_districts: dict[str, list[list]] = {}

    def _district_key(self, state: str, *, free_city: bool) -> str:
        code = {s: c for s, c, _ in names.STATES}[state]
        while True:
            slot = self.next_slot.get(state, 0)
            self.next_slot[state] = slot + 1
            region, number = divmod(slot, 49)
            key = f"{code:02d}{region % 10}{number + (1 if free_city else 51):02d}"
            if region >= 10:  # pragma: no cover - far beyond the 400 districts of Germany
                raise ValueError("AGS space of the state exhausted")
            if key not in self.taken_prefixes:
                self.taken_prefixes.add(key)
                return key

    def district(self, state: str, *, free_city: bool = False) -> str:
        key = self._district_key(state, free_city=free_city)
        if not free_city:
            self.open_districts.setdefault(state, []).append([key, 100])
        return f"{key}000"

    def municipality(self, state: str, rng: random.Random) -> str:
        districts = self.open_districts.setdefault(state, [])
        if not districts or rng.random() < 0.02:
            self.district(state)
        entry = rng.choice(districts)
        entry[1] += 1
        if entry[1] >= 999:
            districts.remove(entry)
        return f"{entry[0]}{entry[1]:03d}"


def generate_ground(
    *, rng: random.Random, organisations: int, people: int, strategies: int, now: datetime.datetime
) -> Ground:
    ground = Ground()
    _clauses(ground)
    _organisations(ground, rng=rng, total=organisations, now=now)
    _people(ground, rng=rng, total=people, now=now)
    _strategies(ground, rng=rng, total=strategies, now=now)
    return ground


def _clauses(ground: Ground) -> None:
    existing = set(Clause.objects.values_list("number", flat=True))
    library = [(number, title, wording, explanation) for number, title, wording, explanation in DEMO_CLAUSES]
    library += [(len(DEMO_CLAUSES) + i, title, "", "") for i, title in enumerate(names.CLAUSE_TITLES, start=1)]
    Clause.objects.bulk_create(
        [
            Clause(number=number, title=title, typical_wording=wording, explanation=explanation)
            for number, title, wording, explanation in library
            if number not in existing
        ]
    )
    ground.clause_ids = list(
        Clause.objects.filter(number__lte=CLAUSE_LIBRARY_SIZE).order_by("number").values_list("pk", flat=True)
    )


def _organisations(ground: Ground, *, rng: random.Random, total: int, now: datetime.datetime) -> None:
    taken_slugs = set(Organisation.objects.values_list("slug", flat=True))
    taken_ags = set(Organisation.objects.exclude(ags=None).values_list("ags", flat=True))
    ags = AgsAllocator(taken=taken_ags)
    places: set[str] = set()
    district_places: set[str] = set()
    state_codes = [state for state, _, _ in names.STATES]
    state_weights = [weight for _, _, weight in names.STATES]
    first = reserve_ids(model=Organisation, count=total)
    rows = []
    for kind, count in kind_counts(total=total).items():
        for _ in range(count):
            state = rng.choices(state_codes, state_weights)[0]
            taken = district_places if kind == "district" else places
            model_kind, name, place, key = _organisation(kind, rng=rng, state=state, ags=ags, places=taken)
            slug = _unique_slug(names.ascii_slug(name), taken_slugs)
            pk = first + len(rows)
            website = f"https://{slug}.{SCALE_DOMAIN}"
            rows.append(
                (pk, name, slug, model_kind, state if key or rng.random() < 0.8 else "", place, key, website, now)
            )
            ground.org_ids.append(pk)
            ground.org_kinds.append(kind)
            ground.org_names.append(name)
            ground.org_slugs.append(slug)
    fields = ["id", "name", "slug", "kind", "state", "place", "ags", "website", "created_at"]
    ground.counts["organisations"] = write_rows(model=Organisation, fields=fields, rows=rows)


def _organisation(
    kind: str, *, rng: random.Random, state: str, ags: AgsAllocator, places: set[str]
) -> tuple[str, str, str, str | None]:
    """(model kind, name, place, AGS) of one organisation of the generator's ``kind``."""
    place = names.unique_place_name(rng=rng, state=state, taken=places)
    if kind == "district":
        prefix = "Kreis" if state in {"NW", "SH"} else "Landkreis"
        return "district", f"{prefix} {place}", place, ags.district(state)
    if kind == "free_city":
        return "city", f"Stadt {place}", place, ags.district(state, free_city=True)
    if kind == "city":
        return "city", f"Stadt {place}", place, ags.municipality(state, rng)
    if kind == "municipality":
        prefix = "Markt" if state == "BY" and rng.random() < 0.1 else "Gemeinde"
        return "municipality", f"{prefix} {place}", place, ags.municipality(state, rng)
    forms = {
        "region": names.REGION_FORMS,
        "municipal_company": names.MUNICIPAL_COMPANY_FORMS,
        "company": names.COMPANY_FORMS,
        "research": names.RESEARCH_FORMS,
        "network": names.NETWORK_FORMS,
        "funder": names.FUNDER_FORMS,
    }[kind]
    return kind, rng.choice(forms).format(place), place, None


def _unique_slug(slug: str, taken: set[str]) -> str:
    candidate, n = slug, 2
    while candidate in taken:
        candidate, n = f"{slug}-{n}", n + 1
    taken.add(candidate)
    return candidate


def _people(ground: Ground, *, rng: random.Random, total: int, now: datetime.datetime) -> None:
    # Everyone gets the demo password; one hash for all keeps 50,000 people fast to create.
    password = make_password(DEMO_PASSWORD, salt="scaledata")
    first = reserve_ids(model=User, count=total)
    start = now - datetime.timedelta(days=6 * 365)
    users = []
    for i in range(total):
        given, family = names.person_name(rng=rng)
        email = f"{names.ascii_slug(given)}.{names.ascii_slug(family)}.{i + 1}@{SCALE_DOMAIN}"
        joined = start + datetime.timedelta(seconds=rng.randrange(6 * 365 * 86400))
        users.append((first + i, password, False, email, f"{given} {family}", False, True, joined))
        ground.person_ids.append(first + i)
    fields = ["id", "password", "is_superuser", "email", "full_name", "is_staff", "is_active", "date_joined"]
    ground.counts["people"] = write_rows(model=User, fields=fields, rows=users)

    orgs = ground.org_ids
    weights = [MEMBER_WEIGHT.get(kind, 3) for kind in ground.org_kinds]
    order = list(range(len(orgs)))
    rng.shuffle(order)
    pairs: list[tuple[int, int, str]] = []
    seen: set[tuple[int, int]] = set()
    for i, person in enumerate(ground.person_ids):
        org = orgs[order[i]] if i < len(orgs) else rng.choices(orgs, weights)[0]
        ground.person_org.append(org)
        pairs.append((person, org, "contact" if i < len(orgs) else "representative"))
        seen.add((person, org))
        if rng.random() < 0.1:
            second = rng.choices(orgs, weights)[0]
            if (person, second) not in seen:
                seen.add((person, second))
                pairs.append((person, second, "representative"))
    first_membership = reserve_ids(model=Membership, count=len(pairs))
    rows = [(first_membership + i, user, org, role, now) for i, (user, org, role) in enumerate(pairs)]
    fields = ["id", "user", "organisation", "role", "created_at"]
    ground.counts["memberships"] = write_rows(model=Membership, fields=fields, rows=rows)


def _strategies(ground: Ground, *, rng: random.Random, total: int, now: datetime.datetime) -> None:
    """Strategies of the big players first (district-free cities, districts, regions), then cities and so on."""
    priority = {"free_city": 0, "district": 0, "region": 0, "city": 1, "municipal_company": 2, "municipality": 3}
    candidates = sorted(range(len(ground.org_ids)), key=lambda i: (priority.get(ground.org_kinds[i], 4), rng.random()))
    if not candidates:
        ground.counts["strategies"] = ground.counts["positions"] = 0
        return
    contact = {}
    for person, org in zip(ground.person_ids, ground.person_org, strict=False):
        contact.setdefault(org, person)
    first = reserve_ids(model=Strategy, count=total)
    strategies, positions = [], []
    for i in range(total):
        index = candidates[i % len(candidates)]
        org, kind = ground.org_ids[index], ground.org_kinds[index]
        title = STRATEGY_TITLES.get(kind, "Smart-City-Strategie {}").format(ground.org_names[index])
        if i >= len(candidates):
            title += " (Fortschreibung)"
        adopted = datetime.date(2017, 1, 1) + datetime.timedelta(days=rng.randrange(8 * 365))
        cycle = rng.choice([None, 12, 24, 24, 36, 60])
        url = f"https://{ground.org_slugs[index]}.{SCALE_DOMAIN}/smart-city-strategie.pdf"
        strategies.append((first + i, org, title, adopted, url, "", cycle, now, now))
        if org in contact:
            ground.strategy_person_ids.append(contact[org])
        for clause in ground.clause_ids:
            if rng.random() < 0.85:
                status = rng.choices(["contains", "partly", "absent"], [45, 30, 25])[0]
                quote = rng.choice(names.QUOTES) if status != "absent" and rng.random() < 0.5 else ""
                page = rng.randint(1, 120) if quote else None
                positions.append((first + i, clause, status, quote, page, contact.get(org), now))
    fields = ["id", "organisation", "title", "adopted_on", "url", "file", "update_cycle_months", "created_at"]
    fields.append("updated_at")
    ground.counts["strategies"] = write_rows(model=Strategy, fields=fields, rows=strategies)
    first_position = reserve_ids(model=Position, count=len(positions))
    rows = [(first_position + i, *row) for i, row in enumerate(positions)]
    fields = ["id", "strategy", "clause", "status", "quote", "page", "updated_by", "updated_at"]
    ground.counts["positions"] = write_rows(model=Position, fields=fields, rows=rows)
