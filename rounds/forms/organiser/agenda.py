from django import forms
from django.utils.translation import gettext_lazy as _

from clauses.models import Clause
from rounds.models import MeetingNote, Round
from rounds.selectors.agenda import AgendaSuggestions, QuestionSuggestion
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


def _shortened(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def question_label(suggestion: QuestionSuggestion) -> str:
    return _("§ %(number)s %(title)s – aus Runde %(round)s: „%(body)s“") % {
        "number": suggestion.clause.number,
        "title": suggestion.clause.title,
        "round": suggestion.round.number,
        "body": _shortened(suggestion.note.body),
    }


class SuggestionChoiceField(forms.TypedMultipleChoiceField):
    """Checkboxes of suggestions; a value the round's agenda holds already is accepted too (and dropped), so a
    second submit of the same ticks is no error."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, *args, **kwargs):
        stale = _("Dieser Vorschlag gilt für diese Runde nicht (mehr). Bitte laden Sie die Seite neu.")
        super().__init__(*args, coerce=int, required=False, error_messages={"invalid_choice": stale}, **kwargs)
        self.taken: set[str] = set()

    def valid_value(self, value) -> bool:
        return str(value) in self.taken or super().valid_value(value)


class AgendaSuggestionsForm(forms.Form):
    """The suggestions of the series' history for a round's agenda, to tick (``rounds.selectors.agenda``).

    ``cleaned_data`` holds the ticked ``questions`` (meeting notes) and ``clauses`` that are not on the agenda
    yet. Both fields exist even without choices, so that ticks sent twice are accepted the second time too."""

    questions = SuggestionChoiceField(
        label=_("Offene Fragen zur Nachverfolgung"),
        help_text=_("Die Klausel kommt mit der Frage als Wiedervorlage auf die Tagesordnung."),
    )
    clauses = SuggestionChoiceField(label=_("Noch nicht besprochene Klauseln"))

    def __init__(self, *args, round_: Round, suggestions: AgendaSuggestions, **kwargs):
        kwargs.setdefault("prefix", "vorschlag")
        super().__init__(*args, **kwargs)
        self.round = round_
        self.suggestions = suggestions
        self._questions = {str(s.note.pk): s for s in suggestions.questions}
        self._clauses = {str(c.pk): c for c in suggestions.clauses}
        questions, clauses = self.fields["questions"], self.fields["clauses"]
        questions.choices = [(pk, question_label(s)) for pk, s in self._questions.items()]
        questions.taken = {str(pk) for pk in suggestions.taken_questions}
        clauses.choices = [(pk, str(clause)) for pk, clause in self._clauses.items()]
        clauses.taken = {str(pk) for pk in suggestions.taken_clauses}

    def clean_questions(self) -> list[MeetingNote]:
        chosen = [self._questions[str(pk)] for pk in self.cleaned_data["questions"] if str(pk) in self._questions]
        first: dict[int, QuestionSuggestion] = {}
        for suggestion in chosen:
            earlier = first.setdefault(suggestion.clause.pk, suggestion)
            if earlier is not suggestion:
                raise forms.ValidationError(
                    _(
                        "Zu § %(number)s kann nur eine offene Frage auf die Tagesordnung (Runde %(first)s oder %(second)s)."
                    ),
                    code="one_per_clause",
                    params={
                        "number": suggestion.clause.number,
                        "first": earlier.round.number,
                        "second": suggestion.round.number,
                    },
                )
        return [suggestion.note for suggestion in chosen]

    def clean_clauses(self) -> list[Clause]:
        return [self._clauses[str(pk)] for pk in self.cleaned_data["clauses"] if str(pk) in self._clauses]

    def clean(self):
        data = super().clean()
        ticked = any(self[name].data for name in self.fields)
        if not ticked and not self.errors:
            raise forms.ValidationError(_("Bitte kreuzen Sie mindestens einen Vorschlag an."), code="required")
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
