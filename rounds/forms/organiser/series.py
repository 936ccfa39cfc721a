from django import forms
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from participants.models import User
from rounds.models import Series
from rounds.services.series import EDITABLE

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

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if self.instance.pk:
            emails = self.instance.organisers.exclude(pk=user.pk).order_by("email").values_list("email", flat=True)
            self.initial.setdefault("co_organisers", "\n".join(emails))

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
