"""Demo data: the series on Smart City strategy clauses with its first rounds.

Every write is keyed on a natural key, so running it again changes nothing.
"""

import datetime
from zoneinfo import ZoneInfo

from django.db import transaction

from clauses.models import Clause, Position
from clauses.services import clause_create
from participants.models import Membership, Organisation, Strategy, User
from rounds.models import AgendaItem, Comment, FollowUpReport, Invitation, MeetingNote, Round, Series
from strategy_exchange.fragments import fragments_forget, rows_changed

BERLIN = ZoneInfo("Europe/Berlin")
DEMO_PASSWORD = "austausch"  # nosec B105

ORGANISATIONS = [
    # slug, name, kind, state, place, ags, website, login
    ("bamberg", "Stadt Bamberg", "city", "BY", "Bamberg", "09461000", "https://www.stadt.bamberg.de", "bamberg"),
    ("jena", "Stadt Jena", "city", "TH", "Jena", "16053000", "https://www.jena.de", "jena"),
    ("muenster", "Stadt Münster", "city", "NW", "Münster", "05515000", "https://www.stadt-muenster.de", "muenster"),
    ("edag", "EDAG Group", "company", "HE", "Wiesbaden", None, "https://www.edag.com", "edag"),
    (
        "hafencity",
        "HafenCity Hamburg GmbH",
        "municipal_company",
        "HH",
        "Hamburg",
        None,
        "https://www.hafencity.com",
        "hafencity",
    ),
]

REPRESENTATIVES = {
    "bamberg": "Vertretung Bamberg",
    "jena": "Vertretung Jena",
    "muenster": "Vertretung Münster",
    "edag": "Vertretung EDAG",
    "hafencity": "Vertretung HafenCity",
}

CLAUSES = [
    (
        1,
        "Einfügung in bestehende Stadtentwicklung",
        "Die Smart-City-Strategie knüpft an das integrierte Stadtentwicklungskonzept, den Mobilitätsplan "
        "und den Klimaschutzplan an.",
        "Die Strategie steht nicht für sich, sondern ordnet sich in bestehende Konzepte der "
        "Stadtentwicklung ein und verweist auf sie.",
    ),
    (
        2,
        "Stützung auf übergeordnete Strategiepapiere",
        "Unsere Strategie orientiert sich an der Smart City Charta des Bundes.",
        "Die Strategie beruft sich auf Leitlinien von Bund und Ländern, etwa die nationale Smart City Charta.",
    ),
    (
        3,
        "Aktualisierungszyklen der Smart City-Strategien",
        "Die Strategie wird regelmäßig überprüft und fortgeschrieben.",
        "Wie oft und auf welchem Weg eine Strategie überarbeitet wird, und wer das anstößt.",
    ),
    (
        4,
        "Beteiligung aller relevanten Akteure",
        "Für die Erstellung der Strategie haben wir alle relevanten Akteure aus Wissenschaft, Wirtschaft, "
        "Zivilgesellschaft und dem Konzern Kommune beteiligt.",
        "Vom Regieren zur Governance: Die Verwaltung moderiert und ermöglicht, statt allein zu entscheiden.",
    ),
    (5, "Titel noch offen", "", ""),
    (6, "Titel noch offen", "", ""),
]


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, 0), tzinfo=BERLIN)


def _user(email: str, full_name: str, **extra) -> User:
    user, created = User.objects.get_or_create(email=email, defaults={"full_name": full_name, **extra})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def load_demo_data() -> dict[str, str]:
    """Create the demo series; returns the demo logins (email → role)."""
    with transaction.atomic():
        logins = _load()
    # The demo often fills a new database, whose ids and versions start again: no fragment cached for
    # an earlier database may show up in this one.
    fragments_forget()
    return logins


def _load() -> dict[str, str]:
    logins: dict[str, str] = {}
    _user("admin@example.org", "Administration", is_staff=True, is_superuser=True)
    logins["admin@example.org"] = "Administrator:in (Django-Admin)"
    orga = _user("orga@example.org", "Organisationsteam")
    logins["orga@example.org"] = "Organisator:in der Reihe"

    organisations: dict[str, Organisation] = {}
    representatives: dict[str, User] = {}
    for slug, name, kind, state, place, ags, website, login in ORGANISATIONS:
        organisation, _ = Organisation.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "kind": kind, "state": state, "place": place, "ags": ags, "website": website},
        )
        organisations[slug] = organisation
        person = _user(f"{login}@example.org", REPRESENTATIVES[slug])
        Membership.objects.get_or_create(user=person, organisation=organisation)
        representatives[slug] = person
        logins[person.email] = f"Vertreter:in {name}"

    clauses = {}
    for number, title, wording, explanation in CLAUSES:
        clauses[number] = Clause.objects.filter(number=number).first() or clause_create(
            number=number, title=title, typical_wording=wording, explanation=explanation
        )

    series, _ = Series.objects.get_or_create(
        slug="klauseln-smart-city-strategien",
        defaults={
            "title": "Klauseln der Smart-City-Strategien",
            "description": "Regelmäßiger Austausch zwischen Kommunen über Klauseln, die in (fast) jeder "
            "Smart-City-Strategie stehen: drei Klauseln pro Runde, 90 bis 120 Minuten online.",
            "cadence_months": 3,
            "cadence_weekday": Series.Weekday.TUESDAY,
            "cadence_week": 2,
            "default_start_time": datetime.time(10, 0),
            "default_duration_minutes": 120,
            "default_online_link": "https://konferenz.example.org/strategie-austausch",
        },
    )
    series.organisers.add(orga)

    round1 = _round(series, 1, datetime.date(2021, 6, 8), Round.Status.PUBLISHED, "Auftakt")
    round2 = _round(series, 2, datetime.date(2021, 11, 9), Round.Status.HELD, "Beteiligung und Governance")
    _round(series, 3, datetime.date(2027, 1, 12), Round.Status.DRAFT, "")
    items1 = _agenda(round1, [clauses[1], clauses[2], clauses[3]])
    items2 = _agenda(round2, [clauses[4], clauses[5], clauses[6]])

    for held_round in (round1, round2):
        for slug, person in representatives.items():
            Invitation.objects.get_or_create(
                round=held_round,
                user=person,
                defaults={
                    "organisation": organisations[slug],
                    "rsvp": Invitation.Rsvp.ACCEPTED,
                    "delivery": Invitation.Delivery.SENT,
                    "sent_at": held_round.starts_at - datetime.timedelta(days=21),
                    "responded_at": held_round.starts_at - datetime.timedelta(days=14),
                    "attended_at": held_round.starts_at,
                    "sent_sequence": 0,
                    "invited_by": orga,
                },
            )

    _strategies(organisations, clauses, representatives)
    _discussion(items2, representatives, organisations)
    _notes(round1, items1, round2, items2, orga)
    FollowUpReport.objects.get_or_create(
        round=round1,
        version=1,
        defaults={
            "status": FollowUpReport.Status.PUBLISHED,
            "progress": 100,
            "html": "<h1>Nachbericht Runde 1</h1><p>Kernergebnisse siehe Protokollnotizen.</p>",
            "built_at": round1.ends_at + datetime.timedelta(days=7),
            "published_at": round1.ends_at + datetime.timedelta(days=10),
            "requested_by": orga,
        },
    )
    return logins


def _round(series: Series, number: int, day: datetime.date, status: str, title: str) -> Round:
    round_, _ = Round.objects.get_or_create(
        series=series,
        number=number,
        defaults={
            "title": title,
            "starts_at": _at(day, 10),
            "ends_at": _at(day, 12),
            "online_link": series.default_online_link,
            "status": status,
        },
    )
    return round_


def _agenda(round_: Round, clauses: list[Clause]) -> dict[int, AgendaItem]:
    items = {}
    for order, clause in enumerate(clauses, start=1):
        items[clause.number], _ = AgendaItem.objects.get_or_create(
            round=round_, clause=clause, defaults={"order": order}
        )
    return items


STRATEGIES = {
    "bamberg": ("Smart City Bamberg – Strategie", datetime.date(2021, 3, 25), 24),
    "jena": ("Digitale Agenda und Smart-City-Strategie Jena", datetime.date(2020, 11, 18), 36),
    "muenster": ("Smart City Münster – Strategie", datetime.date(2021, 6, 23), 24),
    "hafencity": ("Smart-City-Ansatz der HafenCity", datetime.date(2019, 9, 1), None),
}

POSITIONS = {
    "bamberg": {1: ("contains", "Die Strategie baut auf dem ISEK auf.", 12), 4: ("contains", "", 8)},
    "jena": {
        1: ("partly", "", None),
        2: ("contains", "Orientierung an der Smart City Charta.", 5),
        4: ("partly", "", None),
    },
    "muenster": {3: ("contains", "Fortschreibung alle zwei Jahre.", 40), 4: ("contains", "", 14)},
    "hafencity": {4: ("absent", "", None)},
}


def _strategies(organisations, clauses, representatives) -> None:
    for slug, (title, adopted_on, cycle) in STRATEGIES.items():
        strategy, _ = Strategy.objects.get_or_create(
            organisation=organisations[slug],
            title=title,
            defaults={
                "adopted_on": adopted_on,
                "url": f"{organisations[slug].website}/smart-city-strategie",
                "update_cycle_months": cycle,
            },
        )
        for number, (status, quote, page) in POSITIONS.get(slug, {}).items():
            Position.objects.get_or_create(
                strategy=strategy,
                clause=clauses[number],
                defaults={"status": status, "quote": quote, "page": page, "updated_by": representatives[slug]},
            )


COMMENTS = [
    (
        "jena",
        "quotable",
        "Wir haben Bürgerwerkstätten und eine Online-Beteiligung kombiniert; die Wirtschaft kam "
        "vor allem über die IHK dazu.",
    ),
    (
        "muenster",
        "anonymised",
        "Die Zivilgesellschaft zu erreichen war schwerer als erwartet – wir sollten "
        "Erfahrungen mit aufsuchender Beteiligung teilen.",
    ),
    ("hafencity", "internal", "Als kommunales Unternehmen sind wir eher Ermöglicher als Moderator."),
]


def _discussion(items, representatives, organisations) -> None:
    item = items[4]
    first = None
    written_at = item.round.starts_at - datetime.timedelta(days=6)
    dated = []
    for hours, (slug, confidentiality, body) in enumerate(COMMENTS):
        comment, created = Comment.objects.get_or_create(
            agenda_item=item,
            author=representatives[slug],
            body=body,
            defaults={"organisation": organisations[slug], "confidentiality": confidentiality},
        )
        if created:  # created_at is set on insert; date the demo comments before the round
            Comment.objects.filter(pk=comment.pk).update(created_at=written_at + datetime.timedelta(hours=hours))
            dated.append(comment.pk)
        first = first or comment
    reply, created = Comment.objects.get_or_create(
        agenda_item=item,
        author=representatives["bamberg"],
        parent=first,
        body="Das deckt sich mit unserer Erfahrung: ohne Kammern und Hochschulen wäre es nicht gegangen.",
        defaults={"organisation": organisations["bamberg"], "confidentiality": "quotable"},
    )
    if created:
        Comment.objects.filter(pk=reply.pk).update(created_at=written_at + datetime.timedelta(days=1))
        dated.append(reply.pk)
    if dated:  # the updates went past save(): the fragments showing these comments are keyed anew
        rows_changed(Comment, dated)


NOTES = [
    (1, 1, "Alle Strategien verweisen auf das ISEK; der Mobilitätsplan wird seltener genannt.", True, False),
    (1, 3, "Kaum eine Strategie nennt einen festen Aktualisierungszyklus.", True, False),
    (2, 4, "Beteiligung gelingt, wenn die Verwaltung moderiert statt entscheidet.", True, False),
    (2, 4, "Wie erreichen wir die Zivilgesellschaft jenseits der üblichen Beteiligten?", False, True),
    (2, None, "Fünf Organisationen nahmen teil; nächste Runde mit § 1 bis § 3 als Rückblick anbieten.", False, False),
]


def _notes(round1, items1, round2, items2, orga) -> None:
    rounds = {1: (round1, items1), 2: (round2, items2)}
    for round_number, clause_number, body, key, question in NOTES:
        round_, items = rounds[round_number]
        MeetingNote.objects.get_or_create(
            round=round_,
            agenda_item=items[clause_number] if clause_number else None,
            body=body,
            defaults={"is_key_finding": key, "is_open_question": question, "author": orga},
        )


def demo_logins_text(logins: dict[str, str]) -> str:
    width = max(len(email) for email in logins)
    lines = [f"  {email.ljust(width)}  {role}" for email, role in logins.items()]
    return "\n".join(["Demo-Zugänge (Passwort für alle: austausch):", *lines])
