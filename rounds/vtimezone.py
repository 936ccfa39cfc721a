"""VTIMEZONE components computed from the time zone database (``zoneinfo``).

RFC 5545 gives an observance's onset (DTSTART, RDATE) in the local time *before* the change, i.e. in
TZOFFSETFROM: in Europe/Berlin summer time begins at 02:00 CET and ends at 03:00 CEST. (The icalendar
package's ``Timezone.from_tzinfo`` writes the first local time after the change, 03:00 for spring, which
moves the change by an hour in every client that follows the RFC.)

The transitions of a window of whole years are found in UTC. Changes that recur every year on the same
weekday of the same month at the same local time become an RRULE (as Outlook and Google Calendar write
them, and as Outlook needs them to map the zone); any other changes are listed as RDATEs.
"""

import calendar
import datetime
import functools
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

UTC = datetime.UTC
# Where a scan looks for changes of offset, then narrows them down to the second.
_SCAN_STEP = datetime.timedelta(hours=12)
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class _State:
    offset: datetime.timedelta
    dst: bool
    name: str


@dataclass(frozen=True)
class _Observance:
    state: _State
    offset_from: datetime.timedelta
    onsets: tuple[datetime.datetime, ...]  # local times in ``offset_from``, naive
    rrule: dict | None


def _state(tz: ZoneInfo, instant: datetime.datetime) -> _State:
    local = instant.astimezone(tz)
    return _State(offset=local.utcoffset(), dst=bool(local.dst()), name=local.tzname() or str(local.utcoffset()))


def _transitions(tz: ZoneInfo, start: datetime.datetime, end: datetime.datetime):
    """``(instant, before, after)`` for every change of offset, DST flag or name in ``[start, end)``, in UTC."""
    before = _state(tz, start)
    instant = start
    while instant < end:
        following = min(instant + _SCAN_STEP, end)
        after = _state(tz, following)
        if after != before:
            low, high = instant, following  # ``low`` has ``before``'s state, ``high`` not
            while high - low > datetime.timedelta(seconds=1):
                middle = low + (high - low) / 2
                middle = middle.replace(microsecond=0)
                if middle <= low:
                    break
                if _state(tz, middle) == before:
                    low = middle
                else:
                    high = middle
            changed = _state(tz, high)
            yield high, before, changed
            before = changed
            if high < following:
                instant = high
                continue
        instant = following


def _weekday_in_month(day: datetime.date) -> tuple[int, bool]:
    """The week (1–5) of ``day``'s weekday in its month, and whether it is the month's last such weekday."""
    last_day = calendar.monthrange(day.year, day.month)[1]
    return (day.day - 1) // 7 + 1, day.day + 7 > last_day


def _yearly_rule(onsets: list[datetime.datetime]) -> dict | None:
    """The RRULE that yields exactly ``onsets`` (two or more, one a year in consecutive years), or None."""
    if len(onsets) < 2:
        return None
    first = onsets[0]
    if any(b.year != a.year + 1 for a, b in itertools.pairwise(onsets)):
        return None
    if any((o.month, o.weekday(), o.time()) != (first.month, first.weekday(), first.time()) for o in onsets):
        return None
    positions = [_weekday_in_month(o.date()) for o in onsets]
    weekday = _WEEKDAYS[first.weekday()]
    if all(is_last for _week, is_last in positions):
        byday = f"-1{weekday}"
    elif len({week for week, _is_last in positions}) == 1 and positions[0][0] < 5:
        byday = f"{positions[0][0]}{weekday}"
    else:
        return None
    return {"freq": "yearly", "bymonth": first.month, "byday": byday}


def _next_onset(rule: dict, after: datetime.datetime) -> datetime.datetime:
    """The occurrence of ``rule`` in the year after ``after``."""
    year, month = after.year + 1, rule["bymonth"]
    weekday = _WEEKDAYS.index(rule["byday"][-2:])
    week = int(rule["byday"][:-2])
    days = [d for d in calendar.Calendar().itermonthdates(year, month) if d.month == month and d.weekday() == weekday]
    day = days[week - 1] if week > 0 else days[week]
    return datetime.datetime.combine(day, after.time())


def _runs(years: tuple[int, ...]) -> list[tuple[int, int]]:
    """``(first, last)`` of each run of consecutive years."""
    runs: list[tuple[int, int]] = []
    for year in years:
        if runs and runs[-1][1] == year - 1:
            runs[-1] = (runs[-1][0], year)
        else:
            runs.append((year, year))
    return runs


@functools.lru_cache(maxsize=64)
def _observances(tzid: str, years: tuple[int, ...]) -> list[_Observance]:
    """The observances of ``tzid`` in ``years`` (sorted, unique). Each run of consecutive years starts with
    an observance that states the offset at its start; gaps between runs list no changes."""
    tz = ZoneInfo(tzid)
    observances = []
    previous: _State | None = None
    for first_year, last_year in _runs(years):
        start = datetime.datetime(first_year, 1, 1, tzinfo=UTC)
        end = datetime.datetime(last_year, 12, 31, 23, 59, 59, tzinfo=UTC)
        initial = _state(tz, start)
        offset_from = initial.offset if previous is None else previous.offset
        observances.append(
            _Observance(
                state=initial,
                offset_from=offset_from,
                onsets=((start + offset_from).replace(tzinfo=None),),
                rrule=None,
            )
        )
        previous = initial
        groups: dict[tuple[_State, datetime.timedelta], list[tuple[datetime.datetime, datetime.datetime]]] = {}
        for instant, before, after in _transitions(tz, start, end):
            onset = (instant + before.offset).replace(tzinfo=None)
            groups.setdefault((after, before.offset), []).append((onset, instant))
            previous = after
        run_end = (end + initial.offset).replace(tzinfo=None)
        for (state, change_from), changes in groups.items():
            onsets = [onset for onset, _instant in changes]
            rule = _yearly_rule(onsets)
            if rule is not None and (last_year != years[-1] or _next_onset(rule, onsets[-1]) <= run_end):
                rule = {**rule, "until": changes[-1][1]}  # the rule ends inside the years, or a gap follows
            observances.append(_Observance(state=state, offset_from=change_from, onsets=tuple(onsets), rrule=rule))
    return observances


def _component(observance: _Observance):
    state = observance.state
    component = TimezoneDaylight() if state.dst else TimezoneStandard()
    component.add("tzname", state.name)
    component.add("tzoffsetfrom", observance.offset_from)
    component.add("tzoffsetto", state.offset)
    component.add("dtstart", observance.onsets[0])
    if observance.rrule is not None:
        component.add("rrule", observance.rrule)
    elif len(observance.onsets) > 1:
        component.add("rdate", list(observance.onsets[1:]))
    return component


def _bounded(year: int) -> int:
    return max(datetime.MINYEAR + 1, min(datetime.MAXYEAR - 1, year))


def vtimezone(tzid: str, *, years: Iterable[int]) -> Timezone:
    """The VTIMEZONE of ``tzid`` for the given calendar years (which its COMMENT names)."""
    covered = tuple(sorted({_bounded(year) for year in years}))
    if not covered:
        raise ValueError("no years")
    timezone = Timezone()
    timezone.add("tzid", tzid)
    spans = " ".join(str(a) if a == b else f"{a}-{b}" for a, b in _runs(covered))
    timezone.add("comment", f"{tzid} {spans}")
    for observance in _observances(tzid, covered):
        timezone.add_component(_component(observance))
    return timezone


def years_around(*days: datetime.date) -> set[int]:
    """Each day's year and the years either side: what a calendar client may look at around an event."""
    return {year for day in days for year in (day.year - 1, day.year, day.year + 1)}
