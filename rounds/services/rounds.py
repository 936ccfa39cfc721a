"""Rounds of a series: create, record afterwards, number, edit, reschedule, cancel, duplicate and the status
workflow.

draft → scheduled (agenda set) → invited (invitations sent) → held → published; cancelled from any
step before the meeting. A round that took place before it was entered is recorded afterwards: it starts
as held, so no step that mails invitees (invitations, reminders, calendar updates) ever applies to it.
Every impossible step raises a ``DomainError`` with a message for the organiser.

Round numbers are explicit: unique in their series, by default the next free number (see
:func:`round_next_number`), and changeable while no later round depends on the round (see
:func:`round_dependants`). Lists of a series' rounds are ordered by number.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext

from clauses.selectors import revision_in_force, revisions_by_clause
from rounds.models import AgendaItem, MeetingNote, Round, Series
from rounds.services import delivery
from rounds.services.cadence import cadence_next_date, cadence_next_slot
from strategy_exchange.errors import DomainError
from strategy_exchange.fragments import rows_changed

S = Round.Status
BEFORE_MEETING = (S.DRAFT, S.SCHEDULED, S.INVITED)


def agenda_revisions_fix(*, round_: Round) -> int:
    """Record for each agenda item of a round that took place the version of its clause it discussed: the
    one in force when the round began (for a round recorded afterwards and older than every version of the
    clause, its first). Items that have one keep it. Returns how many items were fixed."""
    if round_.status not in Round.TOOK_PLACE:
        return 0
    items = list(round_.agenda_items.filter(clause_revision__isnull=True).only("id", "clause_id"))
    revisions = revisions_by_clause(clause_ids=[item.clause_id for item in items])
    by_revision: dict[int, list[int]] = defaultdict(list)
    for item in items:
        revision = revision_in_force(revisions[item.clause_id], round_.starts_at)
        if revision is not None:
            by_revision[revision.pk].append(item.pk)
    fixed = []
    for revision_id, pks in by_revision.items():
        AgendaItem.objects.filter(pk__in=pks, clause_revision__isnull=True).update(clause_revision_id=revision_id)
        fixed += pks
    if fixed:
        rows_changed(AgendaItem, fixed)
    return len(fixed)


def _check_future(starts_at: datetime.datetime, *, field: str) -> None:
    if starts_at <= timezone.now():
        raise DomainError(gettext("Der Beginn darf nicht in der Vergangenheit liegen."), field=field)


def _check_order(starts_at: datetime.datetime, ends_at: datetime.datetime) -> None:
    if ends_at <= starts_at:
        raise DomainError(gettext("Das Ende muss nach dem Beginn liegen."), field="end_time")


def round_next_number(*, series: Series, starts_at: datetime.datetime | None = None) -> int:
    """The next free number: one more than the highest number of the series' rounds that begin before
    ``starts_at`` (of all its rounds without it), passing over numbers already taken. A kick-off recorded
    before every other round gets 1 when 1 is free; a new round after the others gets the highest plus one."""
    rounds = series.rounds.all()
    earlier = rounds.filter(starts_at__lt=starts_at) if starts_at is not None else rounds
    number = (earlier.aggregate(n=Max("number"))["n"] or 0) + 1
    taken = set(rounds.filter(number__gte=number).values_list("number", flat=True))
    while number in taken:
        number += 1
    return number


MAX_NUMBER = 32767  # the column's range


def _check_number(series: Series, number: int, *, exclude: Round | None = None) -> None:
    if not 1 <= number <= MAX_NUMBER:
        raise DomainError(
            gettext("Bitte geben Sie eine Nummer zwischen 1 und %(max)d an.") % {"max": MAX_NUMBER}, field="number"
        )
    others = series.rounds.filter(number=number)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    if others.exists():
        raise DomainError(
            gettext("Runde %(number)s gibt es in dieser Reihe bereits. Bitte wählen Sie eine andere Nummer.")
            % {"number": number},
            field="number",
        )


def round_dependants(*, round_: Round) -> list[Round]:
    """The later rounds that depend on ``round_``: rounds of the series with a higher number that take up one
    of its open questions (an agenda item carried over from one of its notes, "Wiedervorlage aus Runde N").
    They refer to it by its number, so while there is one, the number stays as it is."""
    return list(
        Round.objects.filter(
            series_id=round_.series_id, number__gt=round_.number, agenda_items__carried_from__round=round_
        )
        .distinct()
        .order_by("number")
    )


def round_number_editable(*, round_: Round) -> bool:
    return not round_dependants(round_=round_)


@transaction.atomic
def round_renumber(*, round_: Round, number: int) -> Round:
    """Give a round another number: a free one, and only while no later round depends on it."""
    Series.objects.select_for_update().filter(pk=round_.series_id).first()
    round_ = Round.objects.select_related("series").get(pk=round_.pk)
    if number == round_.number:
        return round_
    dependants = round_dependants(round_=round_)
    if dependants:
        raise DomainError(
            gettext(
                "Die Nummer kann nicht mehr geändert werden: Runde %(later)s greift offene Fragen dieser Runde auf."
            )
            % {"later": dependants[0].number},
            field="number",
        )
    _check_number(round_.series, number, exclude=round_)
    round_.number = number
    round_.save(update_fields=["number", "updated_at"])  # a new version: every cached page showing it renders anew
    return round_


def _calendar_changed(round_: Round) -> None:
    """Raise the calendar SEQUENCE; invitees who already have the entry get the update or cancellation."""
    delivery.round_calendar_changed(round_=round_)


def _carry_over(round_: Round, notes: Iterable[MeetingNote]) -> None:
    """Put the clauses of open questions on the agenda ("Wiedervorlage"), each clause once."""
    order = (round_.agenda_items.aggregate(o=Max("order"))["o"] or 0) + 1
    present = set(round_.agenda_items.values_list("clause_id", flat=True))
    for note in notes:
        if note.agenda_item_id is None:
            continue
        clause_id = note.agenda_item.clause_id
        if clause_id in present:
            AgendaItem.objects.filter(round=round_, clause_id=clause_id, carried_from__isnull=True).update(
                carried_from=note
            )
            rows_changed(AgendaItem, round_.agenda_items.filter(clause_id=clause_id).values("pk"))
            continue
        AgendaItem.objects.create(round=round_, clause_id=clause_id, order=order, carried_from=note)
        present.add(clause_id)
        order += 1


@transaction.atomic
def round_create(
    *,
    series: Series,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    title: str = "",
    online_link: str = "",
    venue: str = "",
    carry_over: Iterable[MeetingNote] = (),
    number: int | None = None,
) -> Round:
    """A new draft round, numbered ``number`` or the next free number; open questions chosen for carry-over
    go on its agenda."""
    _check_future(starts_at, field="date")
    _check_order(starts_at, ends_at)
    Series.objects.select_for_update().filter(pk=series.pk).first()
    if number is None:
        number = round_next_number(series=series, starts_at=starts_at)
    _check_number(series, number)
    round_ = Round.objects.create(
        series=series,
        number=number,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        online_link=online_link,
        venue=venue,
    )
    _carry_over(round_, carry_over)
    return round_


@transaction.atomic
def round_record_past(
    *,
    series: Series,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    number: int | None = None,
    title: str = "",
    online_link: str = "",
    venue: str = "",
) -> Round:
    """A round that already took place, recorded afterwards. It is held from the start: invitations,
    reminders and calendar mail go out only for rounds that are planned, so none is ever sent for it. Its
    agenda, participants (with attendance), notes and report are filled in afterwards."""
    if starts_at > timezone.now():
        raise DomainError(
            gettext("Diese Runde liegt in der Zukunft. Bitte legen Sie sie als neue Runde an."), field="date"
        )
    _check_order(starts_at, ends_at)
    Series.objects.select_for_update().filter(pk=series.pk).first()
    if number is None:
        number = round_next_number(series=series, starts_at=starts_at)
    _check_number(series, number)
    return Round.objects.create(
        series=series,
        number=number,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        online_link=online_link,
        venue=venue,
        status=S.HELD,
        recorded_afterwards=True,
    )


def round_completes_afterwards(*, round_: Round) -> bool:
    """A round recorded afterwards takes its agenda and participants until its report is published."""
    return round_.recorded_afterwards and round_.status == S.HELD


@transaction.atomic
def round_update(*, round_: Round, title: str, online_link: str, venue: str) -> Round:
    """Change title, link and venue. Invitees who already have the calendar entry get the new link or venue."""
    if round_.status not in BEFORE_MEETING:
        raise DomainError(
            gettext("Eine Runde, die stattgefunden hat oder abgesagt ist, kann nicht mehr geändert werden.")
        )
    place_changed = (online_link, venue) != (round_.online_link, round_.venue)
    round_.title, round_.online_link, round_.venue = title, online_link, venue
    round_.save(update_fields=["title", "online_link", "venue", "updated_at"])
    if place_changed:
        _calendar_changed(round_)
    return round_


@transaction.atomic
def round_reschedule(*, round_: Round, starts_at: datetime.datetime, ends_at: datetime.datetime) -> Round:
    """Move a round that has not taken place; invitees' calendars update (same UID, higher SEQUENCE)."""
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if round_.status == S.CANCELLED:
        raise DomainError(gettext("Eine abgesagte Runde kann nicht verschoben werden."))
    if round_.status not in BEFORE_MEETING:
        raise DomainError(
            gettext("Eine Runde, die bereits stattgefunden hat, kann nicht verschoben werden."), field="date"
        )
    _check_future(starts_at, field="date")
    _check_order(starts_at, ends_at)
    if (starts_at, ends_at) == (round_.starts_at, round_.ends_at):
        return round_
    round_.starts_at, round_.ends_at = starts_at, ends_at
    round_.save(update_fields=["starts_at", "ends_at", "updated_at"])
    _calendar_changed(round_)
    return round_


@transaction.atomic
def round_cancel(*, round_: Round, reason: str) -> Round:
    """Cancel a round before it takes place; invitees receive a calendar cancellation."""
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if round_.status == S.CANCELLED:
        raise DomainError(gettext("Die Runde ist bereits abgesagt."))
    if round_.status not in BEFORE_MEETING:
        raise DomainError(gettext("Eine Runde, die bereits stattgefunden hat, kann nicht abgesagt werden."))
    if not reason.strip():
        raise DomainError(gettext("Bitte geben Sie einen Grund für die Absage an."), field="reason")
    round_.status, round_.cancel_reason = S.CANCELLED, reason.strip()
    round_.save(update_fields=["status", "cancel_reason", "updated_at"])
    _calendar_changed(round_)
    return round_


def round_schedule(*, round_: Round) -> Round:
    """draft → scheduled: the agenda is set and the date lies ahead."""
    if round_.status != S.DRAFT:
        raise DomainError(gettext("Nur eine Runde im Entwurf kann geplant werden."))
    if not round_.agenda_items.exists():
        raise DomainError(gettext("Bitte setzen Sie zuerst mindestens eine Klausel auf die Tagesordnung."))
    if round_.starts_at <= timezone.now():
        raise DomainError(gettext("Der Termin liegt in der Vergangenheit. Bitte verschieben Sie die Runde zuerst."))
    if not Round.objects.filter(pk=round_.pk, status=S.DRAFT).update(status=S.SCHEDULED):
        raise DomainError(gettext("Der Status der Runde hat sich inzwischen geändert. Bitte laden Sie die Seite neu."))
    rows_changed(Round, [round_.pk])
    round_.status = S.SCHEDULED
    return round_


def round_unschedule(*, round_: Round) -> Round:
    """scheduled → draft, e.g. to rework the agenda before anyone is invited."""
    if not Round.objects.filter(pk=round_.pk, status=S.SCHEDULED).update(status=S.DRAFT):
        raise DomainError(
            gettext("Nur eine geplante Runde, zu der noch nicht eingeladen wurde, kann zurückgestellt werden.")
        )
    rows_changed(Round, [round_.pk])
    round_.status = S.DRAFT
    return round_


def round_mark_held(*, round_: Round) -> Round:
    """scheduled or invited → held, once the meeting has begun."""
    if round_.status not in (S.SCHEDULED, S.INVITED):
        if round_.status == S.DRAFT:
            raise DomainError(gettext("Eine Runde im Entwurf kann nicht als durchgeführt markiert werden."))
        if round_.status == S.CANCELLED:
            raise DomainError(gettext("Eine abgesagte Runde kann nicht als durchgeführt markiert werden."))
        raise DomainError(gettext("Die Runde ist bereits als durchgeführt markiert."))
    if round_.starts_at > timezone.now():
        raise DomainError(
            gettext("Die Runde hat noch nicht begonnen und kann noch nicht als durchgeführt markiert werden.")
        )
    if not Round.objects.filter(pk=round_.pk, status=round_.status).update(status=S.HELD):
        raise DomainError(gettext("Der Status der Runde hat sich inzwischen geändert. Bitte laden Sie die Seite neu."))
    rows_changed(Round, [round_.pk])
    round_.status = S.HELD
    agenda_revisions_fix(round_=round_)
    return round_


def _shifted_start(source: Round, today: datetime.date) -> datetime.datetime:
    tz = ZoneInfo(settings.TIME_ZONE)
    local = source.starts_at.astimezone(tz)
    latest = source.series.rounds.exclude(status=S.CANCELLED).aggregate(m=Max("starts_at"))["m"] or source.starts_at
    day = cadence_next_date(series=source.series, after=max(local.date(), latest.astimezone(tz).date()))
    while day <= today:
        day = cadence_next_date(series=source.series, after=day)
    return datetime.datetime.combine(day, local.timetz().replace(tzinfo=None), tzinfo=tz)


@transaction.atomic
def round_duplicate(*, source: Round) -> Round:
    """A new draft round like ``source``: same agenda order, its open questions carried over, the date
    shifted by the series' cadence to the next free date."""
    starts_at = _shifted_start(source, timezone.localdate())
    round_ = round_create(
        series=source.series,
        starts_at=starts_at,
        ends_at=starts_at + (source.ends_at - source.starts_at),
        title=source.title,
        online_link=source.online_link,
        venue=source.venue,
    )
    items = source.agenda_items.order_by("order", "clause__number")
    AgendaItem.objects.bulk_create(
        AgendaItem(round=round_, clause_id=item.clause_id, order=index) for index, item in enumerate(items, start=1)
    )
    questions = MeetingNote.objects.filter(round=source, is_open_question=True).select_related("agenda_item")
    _carry_over(round_, questions)
    return round_


def round_proposed_slot(*, series: Series) -> tuple[datetime.datetime, datetime.datetime]:
    """Start and end proposed for the next round from the series' cadence."""
    return cadence_next_slot(series=series, today=timezone.localdate())
