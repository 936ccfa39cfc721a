"""The search form: the words and the filters, scoped to what the reader may see."""

from django import forms
from django.utils.translation import gettext_lazy as _

from clauses.models import Clause
from participants.models import Organisation, User
from rounds.models import Round, Series
from rounds.selectors import search as selectors
from strategy_exchange.forms import QuickSelect
from strategy_exchange.search import query_words

QUERY_MAX_LENGTH = 200


class RoundChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Round) -> str:
        return str(_("%(series)s – Runde %(number)s") % {"series": obj.series.title, "number": obj.number})


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Suchbegriffe"),
        max_length=QUERY_MAX_LENGTH,
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
        error_messages={"max_length": _("Bitte fassen Sie die Suche in höchstens %(limit_value)d Zeichen.")},
    )
    kind = forms.ChoiceField(
        widget=QuickSelect,
        label=_("Art der Treffer"),
        required=False,
        error_messages={"invalid_choice": _("Bitte wählen Sie eine Art aus der Liste.")},
    )
    series = forms.ModelChoiceField(
        widget=QuickSelect,
        label=_("Austauschreihe"),
        queryset=Series.objects.none(),
        required=False,
        empty_label=_("alle Reihen"),
        error_messages={"invalid_choice": _("Bitte wählen Sie eine Reihe aus der Liste.")},
    )
    round = RoundChoiceField(
        widget=QuickSelect,
        label=_("Runde"),
        queryset=Round.objects.none(),
        required=False,
        empty_label=_("alle Runden"),
        error_messages={"invalid_choice": _("Bitte wählen Sie eine Runde aus der Liste.")},
    )
    clause = forms.ModelChoiceField(
        widget=QuickSelect,
        label=_("Klausel"),
        queryset=Clause.objects.none(),
        required=False,
        to_field_name="number",
        empty_label=_("alle Klauseln"),
        error_messages={"invalid_choice": _("Bitte wählen Sie eine Klausel aus der Liste.")},
    )
    organisation_kind = forms.ChoiceField(
        widget=QuickSelect,
        label=_("Art der Organisation"),
        required=False,
        error_messages={"invalid_choice": _("Bitte wählen Sie eine Art aus der Liste.")},
    )
    state = forms.ChoiceField(
        widget=QuickSelect,
        label=_("Bundesland"),
        required=False,
        error_messages={"invalid_choice": _("Bitte wählen Sie ein Bundesland aus der Liste.")},
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        choices = selectors.filter_choices(user=user)
        self.fields["series"].queryset = choices["series"]
        self.fields["round"].queryset = choices["round"]
        self.fields["clause"].queryset = choices["clause"]
        self.fields["kind"].choices = [("", _("alles")), *selectors.KINDS.items()]
        self.fields["organisation_kind"].choices = [("", _("alle Arten")), *Organisation.Kind.choices]
        self.fields["state"].choices = [("", _("alle Bundesländer")), *Organisation.State.choices]

    def clean_q(self) -> str:
        text = self.cleaned_data["q"].strip()
        if text and not query_words(text):
            raise forms.ValidationError(_("Bitte geben Sie mindestens ein Wort aus Buchstaben oder Ziffern ein."))
        return text

    def criteria(self) -> selectors.Criteria:
        data = self.cleaned_data
        return selectors.Criteria(
            words=query_words(data["q"]),
            kind=data["kind"],
            series=data["series"],
            round=data["round"],
            clause=data["clause"],
            organisation_kind=data["organisation_kind"],
            state=data["state"],
        )
