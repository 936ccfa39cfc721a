"""Forms of the clauses app."""

from django import forms
from django.utils.translation import gettext_lazy as _

from participants.models import Organisation

from .models import Position


class PositionForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Enthält Ihre Strategie diese Klausel?"),
        choices=Position.Status.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Bitte wählen Sie, ob die Strategie die Klausel enthält.")},
    )
    quote = forms.CharField(
        label=_("Zitat aus der Strategie"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Die Textstelle, wörtlich. Markdown ist möglich."),
        error_messages={"max_length": _("Das Zitat darf höchstens %(limit_value)d Zeichen haben.")},
    )
    page = forms.IntegerField(
        label=_("Seite"),
        required=False,
        min_value=1,
        max_value=10000,
        error_messages={
            "invalid": _("Bitte geben Sie die Seitenzahl als Zahl an."),
            "min_value": _("Die Seitenzahl beginnt bei 1."),
            "max_value": _("Bitte prüfen Sie die Seitenzahl."),
        },
    )


class MatrixFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Art der Organisation"),
        required=False,
        error_messages={"invalid_choice": _("Bitte wählen Sie eine Art aus der Liste.")},
    )
    state = forms.ChoiceField(
        label=_("Bundesland"),
        required=False,
        error_messages={"invalid_choice": _("Bitte wählen Sie ein Bundesland aus der Liste.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("alle Arten")), *Organisation.Kind.choices]
        self.fields["state"].choices = [("", _("alle Bundesländer")), *Organisation.State.choices]

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {"kind": "", "state": ""}
        return {"kind": self.cleaned_data["kind"], "state": self.cleaned_data["state"]}


class ClauseForm(forms.Form):
    """A clause of the library, as organisers add and edit it (every change is stored as a version)."""

    number = forms.IntegerField(
        label=_("Nummer"),
        min_value=1,
        max_value=32767,
        help_text=_("Die Klausel heißt dann „§ Nummer“."),
        error_messages={
            "required": _("Bitte geben Sie die Nummer der Klausel an."),
            "invalid": _("Bitte geben Sie die Nummer als ganze Zahl an."),
            "min_value": _("Die Nummer ist eine ganze Zahl ab 1."),
            "max_value": _("Bitte wählen Sie eine kleinere Nummer."),
        },
    )
    title = forms.CharField(
        label=_("Titel"),
        max_length=300,
        error_messages={
            "required": _("Bitte geben Sie den Titel der Klausel an."),
            "max_length": _("Der Titel darf höchstens %(limit_value)d Zeichen haben."),
        },
    )
    typical_wording = forms.CharField(
        label=_("typische Formulierung"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Wie die Klausel in Strategien typischerweise lautet, als Zitat."),
        error_messages={"max_length": _("Die Formulierung darf höchstens %(limit_value)d Zeichen haben.")},
    )
    explanation = forms.CharField(
        label=_("Erläuterung"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": _("Die Erläuterung darf höchstens %(limit_value)d Zeichen haben.")},
    )
    keywords = forms.CharField(
        label=_("Schlagwörter"),
        required=False,
        max_length=1000,
        help_text=_("Durch Komma getrennt, z. B. „Beteiligung, Governance“."),
        error_messages={"max_length": _("Die Schlagwörter dürfen höchstens %(limit_value)d Zeichen haben.")},
    )

    def clean_keywords(self) -> str:
        words = [word.strip() for word in self.cleaned_data["keywords"].replace(";", ",").split(",")]
        return ", ".join(word for word in words if word)
