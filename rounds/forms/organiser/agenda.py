from django import forms
from django.utils.translation import gettext_lazy as _

from clauses.models import Clause
from rounds.models import MeetingNote, Round
from rounds.selectors.organiser import open_questions


class AgendaAddForm(forms.Form):
    clause = forms.ModelChoiceField(
        label=_("Klausel aus der Bibliothek"),
        queryset=Clause.objects.none(),
        empty_label=_("– bitte wählen –"),
        error_messages={
            "required": _("Bitte wählen Sie eine Klausel."),
            "invalid_choice": _("Diese Klausel steht bereits auf der Tagesordnung oder gibt es nicht."),
        },
    )
    carried_from = forms.ModelChoiceField(queryset=MeetingNote.objects.none(), required=False, widget=forms.HiddenInput)

    def __init__(self, *args, round_: Round, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clause"].queryset = Clause.objects.exclude(agenda_items__round=round_).order_by("number")
        self.fields["carried_from"].queryset = open_questions(series=round_.series, exclude_round=round_)

    def clean(self):
        data = super().clean()
        note, clause = data.get("carried_from"), data.get("clause")
        if note and clause and note.agenda_item.clause_id != clause.pk:
            raise forms.ValidationError(_("Die offene Frage gehört zu einer anderen Klausel."))
        return data


class ClauseCreateForm(forms.Form):
    number = forms.IntegerField(
        label=_("Nummer (§)"),
        min_value=1,
        max_value=32767,
        error_messages={"required": _("Bitte geben Sie die Nummer der Klausel an.")},
    )
    title = forms.CharField(
        label=_("Titel"), max_length=300, error_messages={"required": _("Bitte geben Sie einen Titel an.")}
    )
    typical_wording = forms.CharField(
        label=_("typische Formulierung"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    explanation = forms.CharField(label=_("Erläuterung"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "neu")
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            last = Clause.objects.order_by("-number").values_list("number", flat=True).first()
            self.initial.setdefault("number", (last or 0) + 1)

    def clean_number(self) -> int:
        number = self.cleaned_data["number"]
        if Clause.objects.filter(number=number).exists():
            raise forms.ValidationError(
                _("Es gibt bereits eine Klausel § %(number)s. Bitte wählen Sie eine andere Nummer."),
                params={"number": number},
            )
        return number


class AgendaMoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", _("nach oben")), ("down", _("nach unten"))])
