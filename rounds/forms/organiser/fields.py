"""Shared form fields of the organiser pages: dates and times (Europe/Berlin), links and email addresses."""

import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from rounds.models import FIRST_ROUND_YEAR, LAST_ROUND_YEAR
from strategy_exchange.limits import EMAIL_MAX_LENGTH


def date_field(**kwargs) -> forms.DateField:
    return forms.DateField(
        label=_("Datum"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        error_messages={"invalid": _("Bitte geben Sie ein gültiges Datum ein, z. B. 14.04.2026.")},
        **kwargs,
    )


def time_field(label, **kwargs) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        input_formats=["%H:%M", "%H:%M:%S", "%H.%M"],
        error_messages={"invalid": _("Bitte geben Sie eine gültige Uhrzeit ein, z. B. 10:00.")},
        **kwargs,
    )


def url_field(label, **kwargs) -> forms.URLField:
    return forms.URLField(
        label=label,
        assume_scheme="https",
        max_length=500,
        required=False,
        error_messages={"invalid": _("Bitte geben Sie eine gültige Internetadresse ein, z. B. https://…")},
        **kwargs,
    )


def email_field(**kwargs) -> forms.EmailField:
    return forms.EmailField(
        label=_("E-Mail-Adresse"),
        max_length=EMAIL_MAX_LENGTH,
        error_messages={
            "required": _("Bitte geben Sie eine E-Mail-Adresse an."),
            "max_length": _("Eine E-Mail-Adresse darf höchstens %(limit_value)d Zeichen haben."),
            "invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse ein, z. B. name@stadt.de."),
        },
        **kwargs,
    )


class DateTimeRangeMixin:
    """Adds ``date``, ``start_time`` and ``end_time``; ``cleaned_data`` then holds ``starts_at`` and ``ends_at``."""

    def add_range_fields(self, *, starts_at: datetime.datetime | None, ends_at: datetime.datetime | None) -> None:
        tz = ZoneInfo(settings.TIME_ZONE)
        self.fields["date"] = date_field()
        self.fields["start_time"] = time_field(_("Beginn"))
        self.fields["end_time"] = time_field(_("Ende"))
        if starts_at and ends_at:
            self.initial.setdefault("date", starts_at.astimezone(tz).date())
            self.initial.setdefault("start_time", starts_at.astimezone(tz).time().replace(second=0, microsecond=0))
            self.initial.setdefault("end_time", ends_at.astimezone(tz).time().replace(second=0, microsecond=0))

    def clean_range(self, cleaned_data: dict) -> dict:
        """Local times in Europe/Berlin. A time in the spring gap of daylight saving time (e.g. 02:30 on
        the last Sunday of March) does not exist and is refused; a time in the repeated autumn hour means
        its first, summer-time occurrence (``fold=0``)."""
        day, start, end = cleaned_data.get("date"), cleaned_data.get("start_time"), cleaned_data.get("end_time")
        if day and not FIRST_ROUND_YEAR <= day.year <= LAST_ROUND_YEAR:
            self.add_error(
                "date",
                _("Bitte wählen Sie ein Datum zwischen %(first)d und %(last)d.")
                % {"first": FIRST_ROUND_YEAR, "last": LAST_ROUND_YEAR},
            )
            return cleaned_data
        if day and start and end:
            tz = ZoneInfo(settings.TIME_ZONE)
            starts_at = datetime.datetime.combine(day, start, tzinfo=tz)
            ends_at = datetime.datetime.combine(day, end, tzinfo=tz)
            gap = [name for name, moment in [("start_time", starts_at), ("end_time", ends_at)] if not _exists(moment)]
            for name in gap:
                self.add_error(name, _("Diese Uhrzeit gibt es an diesem Tag wegen der Zeitumstellung nicht."))
            if gap:
                return cleaned_data
            cleaned_data["starts_at"], cleaned_data["ends_at"] = starts_at, ends_at
            if ends_at <= starts_at:
                self.add_error("end_time", _("Das Ende muss nach dem Beginn liegen."))
        return cleaned_data


def _exists(moment: datetime.datetime) -> bool:
    """False for a wall-clock time skipped when the clocks go forward: it does not survive a trip through UTC."""
    back = moment.astimezone(datetime.UTC).astimezone(moment.tzinfo)
    return back.replace(tzinfo=None) == moment.replace(tzinfo=None)
