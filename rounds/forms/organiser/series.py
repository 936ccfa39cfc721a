from django import forms
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from participants.models import User
from rounds.models import MAX_REMINDER_DAYS, Series, default_reminder_days
from rounds.services.series import EDITABLE, MAX_COMMENT_DAYS

from .fields import time_field, url_field

WEEK_CHOICES = [("", _("– kein fester Termin im Monat –")), (1, _("1.")), (2, _("2.")), (3, _("3.")), (4, _("4."))]


class SeriesForm(forms.ModelForm):
    cadence_weekday = forms.TypedChoiceField(
        label=_("Wochentag"),
        choices=[("", _("– kein fester Wochentag –")), *Series.Weekday.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    cadence_week = forms.TypedChoiceField(
        label=_("Woche im Monat"),
        choices=WEEK_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Zusammen mit dem Wochentag, z. B. „2.“ und „Dienstag“ für „jeden 2. Dienstag“."),
    )
    default_start_time = time_field(_("übliche Uhrzeit"))
    default_online_link = url_field(_("üblicher Online-Link"))
    reminder_days = forms.CharField(
        label=_("Erinnerungen (Tage vor der Runde)"),
        required=False,
        max_length=200,
        help_text=_("Ganze Tage, durch Komma getrennt, z. B. „7, 1“. Leer: keine Erinnerungen."),
        error_messages={"max_length": _("Bitte geben Sie höchstens %(limit_value)d Zeichen an.")},
    )
    comment_days_before = forms.IntegerField(
        required=False,
        label=_("Kommentare ab … Tage vor der Runde"),
        min_value=0,
        max_value=MAX_COMMENT_DAYS,
        help_text=_("0: erst ab Beginn der Runde."),
        error_messages={
            "invalid": _("Bitte geben Sie eine ganze Zahl von Tagen an."),
            "min_value": _("Die Zahl der Tage kann nicht negativ sein."),
            "max_value": _("Bitte geben Sie höchstens %(limit_value)s Tage an."),
        },
    )
    comment_days_after = forms.IntegerField(
        required=False,
        label=_("Kommentare bis … Tage nach der Runde"),
        min_value=0,
        max_value=MAX_COMMENT_DAYS,
        help_text=_("0: bis zum Beginn der Runde."),
        error_messages={
            "invalid": _("Bitte geben Sie eine ganze Zahl von Tagen an."),
            "min_value": _("Die Zahl der Tage kann nicht negativ sein."),
            "max_value": _("Bitte geben Sie höchstens %(limit_value)s Tage an."),
        },
    )
    licence = forms.ChoiceField(
        label=_("Lizenz der offenen Daten"),
        choices=Series.Licence.choices,
        required=False,
        help_text=_(
            "Gilt für öffentliche Reihen: Die Umsetzungen ihrer Teilnehmenden stehen unter dieser Lizenz als offene Daten."
        ),
    )
    co_organisers = forms.CharField(
        label=_("Weitere Organisator:innen"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("E-Mail-Adressen vorhandener Konten, durch Komma oder Zeilenumbruch getrennt."),
    )

    class Meta:
        model = Series
        fields = list(EDITABLE)
        widgets = {"description": forms.Textarea(attrs={"rows": 4}), "report_visibility": forms.RadioSelect}
        error_messages = {
            "cadence_months": {
                "required": _("Bitte geben Sie den Rhythmus in Monaten an."),
                "invalid": _("Bitte geben Sie den Rhythmus als ganze Zahl von Monaten an."),
                "min_value": _("Der Rhythmus beträgt mindestens einen Monat."),
                "max_value": _("Der Rhythmus beträgt höchstens %(limit_value)s Monate."),
            },
            "default_duration_minutes": {
                "invalid": _("Bitte geben Sie die Dauer als ganze Zahl von Minuten an."),
                "min_value": _("Eine Runde dauert mindestens %(limit_value)s Minuten."),
                "max_value": _("Eine Runde dauert höchstens %(limit_value)s Minuten."),
            },
            "report_visibility": {"invalid_choice": _("Bitte wählen Sie, wer die Nachberichte sehen darf.")},
        }

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        days = self.instance.reminder_days if self.instance.pk else default_reminder_days()
        self.initial["reminder_days"] = ", ".join(str(day) for day in days) if isinstance(days, list) else ""
        if not self.instance.pk:
            self.initial.setdefault("comment_days_before", Series._meta.get_field("comment_days_before").default)
            self.initial.setdefault("comment_days_after", Series._meta.get_field("comment_days_after").default)
        if self.instance.pk:
            emails = self.instance.organisers.exclude(pk=user.pk).order_by("email").values_list("email", flat=True)
            self.initial.setdefault("co_organisers", "\n".join(emails))

    def _days_or_kept(self, name: str) -> int:
        """Left empty: the value so far (a new series: the default)."""
        value = self.cleaned_data.get(name)
        if value is None:
            return getattr(self.instance, name) if self.instance.pk else Series._meta.get_field(name).default
        return value

    def clean_comment_days_before(self) -> int:
        return self._days_or_kept("comment_days_before")

    def clean_comment_days_after(self) -> int:
        return self._days_or_kept("comment_days_after")

    def clean_reminder_days(self) -> list[int]:
        """ "7, 1" as [7, 1]: whole days from 1 to MAX_REMINDER_DAYS, each once, largest first."""
        days = []
        for part in self.cleaned_data["reminder_days"].replace(";", ",").split(","):
            text = part.strip()
            if not text:
                continue
            if not text.isdigit():
                raise forms.ValidationError(
                    _("„%(value)s“ ist keine ganze Zahl. Bitte geben Sie die Tage als Zahlen an, z. B. „7, 1“."),
                    params={"value": text[:20]},
                )
            day = int(text)
            if not 1 <= day <= MAX_REMINDER_DAYS:
                raise forms.ValidationError(
                    _("Erinnerungen sind 1 bis %(max)d Tage vor der Runde möglich."), params={"max": MAX_REMINDER_DAYS}
                )
            if day not in days:
                days.append(day)
        return sorted(days, reverse=True)

    def clean_licence(self) -> str:
        return self.cleaned_data["licence"] or self.instance.licence or Series.Licence.CC_BY_4_0

    def clean_co_organisers(self) -> list[User]:
        raw = self.cleaned_data["co_organisers"].replace(",", "\n").replace(";", "\n")
        emails = [e.strip().lower() for e in raw.splitlines() if e.strip()]
        for email in emails:
            try:
                validate_email(email)
            except forms.ValidationError:
                raise forms.ValidationError(
                    _("„%(email)s“ ist keine gültige E-Mail-Adresse."), params={"email": email}
                ) from None
        users = {u.email.lower(): u for u in User.objects.filter(email__in=emails, is_active=True)}
        missing = [e for e in emails if e not in users]
        if missing:
            raise forms.ValidationError(
                _("Kein Konto mit dieser Adresse: %(emails)s. Laden Sie die Person zuerst als Vertreter:in ein."),
                params={"emails": ", ".join(missing)},
            )
        return list(users.values())
