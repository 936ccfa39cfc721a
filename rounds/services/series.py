"""Series: create and edit, with their organisers."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext

from participants.models import User
from rounds.models import CalendarFeedKey, Series, validate_reminder_days
from strategy_exchange.errors import DomainError

EDITABLE = (
    "title",
    "description",
    "cadence_months",
    "cadence_weekday",
    "cadence_week",
    "default_start_time",
    "default_duration_minutes",
    "default_online_link",
    "report_visibility",
    "reminder_days",
    "comment_days_before",
    "comment_days_after",
    "licence",
)
MAX_COMMENT_DAYS = 365
SETTINGS = ("reminder_days", "comment_days_before", "comment_days_after")  # None: left as they are


def _unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(title)[:180] or "reihe"
    slug, counter = base, 2
    while Series.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, counter = f"{base}-{counter}", counter + 1
    return slug


def _check_settings(values: dict) -> None:
    """Reminder days and the comment window, whoever calls (the form checks the same and says it first)."""
    days = values.get("reminder_days")
    if days is not None:
        try:
            validate_reminder_days(days)
        except ValidationError as error:
            raise DomainError(error.messages[0], field="reminder_days") from None
    for name in ("comment_days_before", "comment_days_after"):
        value = values.get(name)
        if value is not None and not (isinstance(value, int) and 0 <= value <= MAX_COMMENT_DAYS):
            raise DomainError(
                gettext("Bitte geben Sie eine ganze Zahl von Tagen zwischen 0 und %(max)d an.")
                % {"max": MAX_COMMENT_DAYS},
                field=name,
            )


def _check_cadence(weekday: int | None, week: int | None) -> None:
    if (weekday is None) != (week is None):
        raise DomainError(
            gettext("Bitte geben Sie Wochentag und Woche im Monat zusammen an – oder keins von beiden."),
            field="cadence_week" if week is None else "cadence_weekday",
        )


@transaction.atomic
def series_create(
    *,
    user: User,
    title: str,
    co_organisers: Iterable[User] = (),
    description: str = "",
    cadence_months: int = 3,
    cadence_weekday: int | None = None,
    cadence_week: int | None = None,
    default_start_time: datetime.time = datetime.time(10, 0),
    default_duration_minutes: int = 120,
    default_online_link: str = "",
    report_visibility: str = Series.ReportVisibility.PARTICIPANTS,
    reminder_days: list[int] | None = None,
    comment_days_before: int | None = None,
    comment_days_after: int | None = None,
    licence: str = Series.Licence.CC_BY_4_0,
) -> Series:
    """A new series; the creating person is its first organiser. Settings left out take the defaults."""
    _check_cadence(cadence_weekday, cadence_week)
    settings = {
        "reminder_days": reminder_days,
        "comment_days_before": comment_days_before,
        "comment_days_after": comment_days_after,
    }
    _check_settings(settings)
    series = Series.objects.create(
        title=title,
        slug=_unique_slug(title),
        description=description,
        cadence_months=cadence_months,
        cadence_weekday=cadence_weekday,
        cadence_week=cadence_week,
        default_start_time=default_start_time,
        default_duration_minutes=default_duration_minutes,
        default_online_link=default_online_link,
        report_visibility=report_visibility,
        **{name: value for name, value in settings.items() if value is not None},
        licence=licence,
    )
    series.organisers.add(user, *co_organisers)
    return series


@transaction.atomic
def series_update(*, series: Series, user: User, co_organisers: Iterable[User], **values) -> Series:
    """Change a series. The editing person stays an organiser, so nobody locks themselves out."""
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    _check_cadence(values.get("cadence_weekday"), values.get("cadence_week"))
    _check_settings(values)
    values = {name: value for name, value in values.items() if value is not None or name not in SETTINGS}
    for name, value in values.items():
        setattr(series, name, value)
    series.save()
    organisers = {u.pk for u in co_organisers}
    if user.is_authenticated and not user.is_staff:
        organisers.add(user.pk)
    elif not organisers:
        raise DomainError(gettext("Eine Reihe braucht mindestens eine Organisator:in."), field="co_organisers")
    series.organisers.set(organisers)
    return series


@transaction.atomic
def feed_key_renew(*, user: User, series: Series) -> str:
    """A new secret address of the series' feed for ``user``; the old one answers 404 from now on."""
    CalendarFeedKey.objects.filter(user=user, series=series).delete()
    return CalendarFeedKey.objects.create(user=user, series=series).key


def feed_keys_revoke_all(*, user: User) -> int:
    """Every feed address of ``user`` ends; each series' page shows a new one."""
    deleted, _by_model = CalendarFeedKey.objects.filter(user=user).delete()
    return deleted
