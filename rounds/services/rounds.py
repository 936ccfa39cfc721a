"""Rounds of a series: create, edit, reschedule, cancel, duplicate and the status workflow.

draft → scheduled (agenda set) → invited (invitations sent) → held → published; cancelled from any
step before the meeting. Every impossible step raises a ``DomainError`` with a message for the organiser.
"""

import datetime
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext

from rounds.models import AgendaItem, MeetingNote, Round, Series
from rounds.services import delivery
from rounds.services.cadence import cadence_next_date, cadence_next_slot
from strategy_exchange.errors import DomainError
from strategy_exchange.fragments import rows_changed

S = Round.Status
BEFORE_MEETING = (S.DRAFT, S.SCHEDULED, S.INVITED)


def _check_future(starts_at: datetime.datetime, *, field: str) -> None:
    if starts_at <= timezone.now():
        raise DomainError(gettext("Der Beginn darf nicht in der Vergangenheit liegen."), field=field)


def _check_order(starts_at: datetime.datetime, ends_at: datetime.datetime) -> None:
    if ends_at <= starts_at:
        raise DomainError(gettext("Das Ende muss nach dem Beginn liegen."), field="end_time")


def _next_number(series: Series) -> int:
    return (series.rounds.aggregate(n=Max("number"))["n"] or 0) + 1


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
) -> Round:
    """A new draft round with the next free number; open questions chosen for carry-over go on its agenda."""
    _check_future(starts_at, field="date")
    _check_order(starts_at, ends_at)
    Series.objects.select_for_update().filter(pk=series.pk).first()
    round_ = Round.objects.create(
        series=series,
        number=_next_number(series),
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        online_link=online_link,
        venue=venue,
    )
    _carry_over(round_, carry_over)
    return round_


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
