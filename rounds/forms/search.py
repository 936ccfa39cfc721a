"""The search form: the words and the filters, scoped to what the reader may see."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from participants.models import Organisation
from rounds.permissions import ReadableRound
from rounds.selectors import search as selectors
from strategy_exchange.forms import QuickSelect
from strategy_exchange.search import query_words

QUERY_MAX_LENGTH = 200


def _round_label(round_: ReadableRound, label: str) -> str:
    return label % {"series": round_.series_title, "number": round_.number}


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
    series = forms.TypedChoiceField(
        widget=QuickSelect,
        label=_("Austauschreihe"),
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": _("Bitte wählen Sie eine Reihe aus der Liste.")},
    )
    round = forms.TypedChoiceField(
        widget=QuickSelect,
        label=_("Runde"),
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": _("Bitte wählen Sie eine Runde aus der Liste.")},
    )
    clause = forms.TypedChoiceField(
        widget=QuickSelect,
        label=_("Klausel"),
        coerce=int,
        empty_value=None,
        required=False,
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

    def __init__(self, *args, rounds: list[ReadableRound], **kwargs):
        """``rounds``: those the reader may read something of (``rounds.permissions.readable_rounds``), in the
        order of their series' titles; the series and round filters offer these."""
        super().__init__(*args, **kwargs)
        choices = selectors.filter_choices(rounds)
        label = gettext("%(series)s – Runde %(number)s")
        self.fields["series"].choices = [("", _("alle Reihen")), *choices["series"]]
        self.fields["round"].choices = [
            ("", _("alle Runden")),
            *((each.pk, _round_label(each, label)) for each in choices["round"]),
        ]
        self.fields["clause"].choices = [("", _("alle Klauseln")), *choices["clause"]]
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
