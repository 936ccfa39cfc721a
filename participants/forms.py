"""Forms of the participants app: sign-up from an invitation, profile, our strategy."""

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from .models import Organisation, User
from .validators import validate_pdf


class InvitationSignupForm(forms.Form):
    full_name = forms.CharField(
        label=_("Ihr Name"),
        max_length=200,
        help_text=_("So sehen andere Teilnehmende Sie in den Diskussionen, z. B. „Dr. Maria Muster“."),
        error_messages={"required": _("Bitte geben Sie Ihren Namen an.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    password1 = forms.CharField(
        label=_("Passwort"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=True),
        help_text=password_validation.password_validators_help_text_html(),
        error_messages={"required": _("Bitte wählen Sie ein Passwort.")},
    )
    password2 = forms.CharField(
        label=_("Passwort wiederholen"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=True),
        error_messages={"required": _("Bitte wiederholen Sie das Passwort.")},
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user.full_name and not self.is_bound:
            self.initial.setdefault("full_name", user.full_name)

    def clean_password1(self):
        password = self.cleaned_data["password1"]
        candidate = User(email=self.user.email, full_name=self.data.get("full_name", ""))
        password_validation.validate_password(password, candidate)
        return password

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password2") and cleaned["password1"] != cleaned["password2"]:
            self.add_error("password2", _("Die beiden Passwörter stimmen nicht überein."))
        return cleaned


class ProfileForm(forms.Form):
    full_name = forms.CharField(
        label=_("Name"), max_length=200, error_messages={"required": _("Bitte geben Sie Ihren Namen an.")}
    )


class StrategyForm(forms.Form):
    title = forms.CharField(
        label=_("Titel der Strategie"),
        max_length=300,
        error_messages={"required": _("Bitte geben Sie den Titel Ihrer Strategie an.")},
    )
    adopted_on = forms.DateField(
        label=_("beschlossen am"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Datum des Beschlusses, z. B. des Stadtrats."),
        error_messages={"invalid": _("Bitte geben Sie ein gültiges Datum an, z. B. 25.03.2021.")},
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
    )
    url = forms.URLField(
        label=_("Link zur Strategie"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("Link oder PDF-Datei – eines von beiden genügt."),
        error_messages={
            "invalid": _("Bitte geben Sie eine gültige Internetadresse an, z. B. https://www.stadt.de/strategie.")
        },
    )
    file = forms.FileField(
        label=_("PDF-Datei"),
        required=False,
        validators=[validate_pdf],
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
        help_text=_("Höchstens 20 MB. Eine neue Datei ersetzt die bisherige."),
    )
    remove_file = forms.BooleanField(label=_("Bisherige PDF-Datei entfernen"), required=False)
    update_cycle_months = forms.IntegerField(
        label=_("Aktualisierung alle … Monate"),
        required=False,
        min_value=1,
        max_value=240,
        help_text=_("Der in der Strategie versprochene Aktualisierungszyklus, z. B. 24 für alle zwei Jahre."),
        error_messages={
            "invalid": _("Bitte geben Sie eine ganze Zahl an."),
            "min_value": _("Bitte geben Sie mindestens 1 Monat an."),
            "max_value": _("Bitte geben Sie höchstens 240 Monate an."),
        },
    )

    def __init__(self, *args, has_file: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not has_file:
            del self.fields["remove_file"]

    def clean(self):
        cleaned = super().clean()
        if self.errors and self.files.get("file"):
            self.add_error(None, _("Aus Sicherheitsgründen müssen Sie die PDF-Datei erneut auswählen."))
        return cleaned


class MembershipProposalAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Ihre Antwort"),
        choices=[("confirm", _("Ja, ich vertrete diese Organisation")), ("decline", _("Nein"))],
        widget=forms.RadioSelect,
    )


# The directory of organisations (for organisers) ---------------------------------------------------------


class OrganisationForm(forms.ModelForm):
    website = forms.URLField(
        label=_("Website"),
        assume_scheme="https",
        max_length=200,
        required=False,
        error_messages={"invalid": _("Bitte geben Sie eine gültige Internetadresse ein, z. B. https://…")},
    )
    # Asked for only when the organisation looks like one already in the directory (``ask_to_confirm``).
    confirmed = forms.BooleanField(
        label=_("Ich habe die ähnlichen Organisationen geprüft: Es ist eine andere Organisation."),
        required=False,
        widget=forms.HiddenInput,
    )

    class Meta:
        model = Organisation
        fields = ["name", "kind", "state", "place", "ags", "website"]
        error_messages = {
            "ags": {
                "unique": _("Dieser Amtliche Gemeindeschlüssel ist bereits einer anderen Organisation zugeordnet.")
            },
            "name": {
                "required": _("Bitte geben Sie den Namen der Organisation an."),
                "max_length": _("Der Name darf höchstens %(limit_value)d Zeichen haben."),
            },
            "kind": {
                "required": _("Bitte wählen Sie die Art der Organisation."),
                "invalid_choice": _("Bitte wählen Sie eine Art aus der Liste."),
            },
            "state": {"invalid_choice": _("Bitte wählen Sie ein Bundesland aus der Liste.")},
        }

    def clean_ags(self) -> str | None:
        return self.cleaned_data.get("ags") or None

    def validate_unique(self) -> None:
        """The AGS is checked by the service, which also names the organisation that has it."""

    def ask_to_confirm(self, message: str) -> None:
        """Show the confirmation checkbox (unticked) with the warning next to it; everything typed stays."""
        self.fields["confirmed"].widget = forms.CheckboxInput()
        data = self.data.copy()
        data.pop(self.add_prefix("confirmed"), None)
        self.data = data
        self.add_error("confirmed", message)

    def service_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class OrganisationSearchForm(forms.Form):
    q = forms.CharField(label=_("Name oder Ort"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Art"), choices=[("", _("alle Arten")), *Organisation.Kind.choices], required=False
    )


class OrganisationMergeForm(forms.Form):
    """Which organisation the merged one goes into (it is deleted; the target keeps its name)."""

    target = forms.ModelChoiceField(
        label=_("Zusammenführen mit"),
        queryset=Organisation.objects.none(),
        to_field_name="slug",
        empty_label=_("– Organisation wählen –"),
        help_text=_("Diese Organisation bleibt bestehen und übernimmt alles; die andere wird danach gelöscht."),
        error_messages={
            "required": _("Bitte wählen Sie die Organisation, die bestehen bleibt."),
            "invalid_choice": _("Bitte wählen Sie eine Organisation aus der Liste."),
        },
    )

    def __init__(self, *args, source: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = Organisation.objects.exclude(pk=source.pk).order_by("name")
