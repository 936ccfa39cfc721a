"""Dates from a series' cadence, e.g. "every 3 months on the 2nd Tuesday"."""

import calendar
import datetime
from zoneinfo import ZoneInfo

from django.conf import settings

from rounds.models import LAST_ROUND_YEAR, Round, Series


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _nth_weekday(year: int, month: int, weekday: int, week: int) -> datetime.date:
    first = datetime.date(year, month, 1)
    offset = (weekday - first.weekday()) % 7
    return first + datetime.timedelta(days=offset + 7 * (week - 1))


def cadence_next_date(*, series: Series, after: datetime.date) -> datetime.date:
    """The first meeting day one cadence step after ``after``, on the series' weekday rule if it has one.
    A day past LAST_ROUND_YEAR (a round stored before the forms refused such dates) counts from today."""
    if after.year > LAST_ROUND_YEAR:
        after = datetime.date.today()
    target = _add_months(after, series.cadence_months)
    if series.cadence_weekday is None or series.cadence_week is None:
        return target
    return _nth_weekday(target.year, target.month, series.cadence_weekday, series.cadence_week)


def cadence_next_slot(*, series: Series, today: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """Start and end of the next round: one cadence step after the latest round (or from today),
    never in the past, at the series' default time and duration (Europe/Berlin)."""
    tz = ZoneInfo(settings.TIME_ZONE)
    latest = series.rounds.exclude(status=Round.Status.CANCELLED).order_by("-starts_at").first()
    base = latest.starts_at.astimezone(tz).date() if latest else today
    day = cadence_next_date(series=series, after=base)
    while day <= today:
        day = cadence_next_date(series=series, after=day)
    starts_at = datetime.datetime.combine(day, series.default_start_time, tzinfo=tz)
    return starts_at, starts_at + datetime.timedelta(minutes=series.default_duration_minutes)
