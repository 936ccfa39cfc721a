from django import forms
from django.utils.translation import gettext_lazy as _

from rounds.models import MeetingNote, Round, Series
from rounds.selectors.organiser import open_questions
from strategy_exchange.forms import BoundedModelMultipleChoiceField

from .fields import DateTimeRangeMixin, url_field


class OpenQuestionChoice(BoundedModelMultipleChoiceField):
    def label_from_instance(self, note: MeetingNote) -> str:
        clause = note.agenda_item.clause
        body = note.body if len(note.body) <= 160 else note.body[:157] + "…"
        return _("Runde %(round)s, § %(number)s %(title)s: %(body)s") % {
            "round": note.round.number,
            "number": clause.number,
            "title": clause.title,
            "body": body,
        }


def number_field(**kwargs) -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Nummer"),
        min_value=1,
        max_value=32767,
        error_messages={
            "required": _("Bitte geben Sie eine Nummer an."),
            "invalid": _("Bitte geben Sie eine ganze Zahl an, z. B. 1."),
            "min_value": _("Die Nummer muss mindestens 1 sein."),
            "max_value": _("Die Nummer darf höchstens 32767 sein."),
        },
        **kwargs,
    )


class RoundCreateForm(DateTimeRangeMixin, forms.Form):
    number = number_field(
        required=False, help_text=_("In der Reihe eindeutig. Leer gelassen: die nächste freie Nummer.")
    )
    title = forms.CharField(label=_("Titel"), max_length=200, required=False, help_text=_("z. B. das Thema der Runde"))
    online_link = url_field(_("Online-Link"))
    venue = forms.CharField(label=_("Ort"), max_length=300, required=False, help_text=_("bei einem Treffen vor Ort"))
    carry_over = OpenQuestionChoice(
        label=_("Wiedervorlage: offene Fragen aus früheren Runden"),
        queryset=MeetingNote.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Die Klauseln der gewählten Fragen kommen auf die Tagesordnung der neuen Runde."),
    )

    field_order = ["number", "title", "date", "start_time", "end_time", "online_link", "venue", "carry_over"]

    def __init__(self, *args, series: Series, starts_at, ends_at, number: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("number", number)
        self.add_range_fields(starts_at=starts_at, ends_at=ends_at)
        self.order_fields(self.field_order)
        questions = open_questions(series=series)
        self.fields["carry_over"].queryset = questions
        self.initial.setdefault("online_link", series.default_online_link)
        self.initial.setdefault("carry_over", [n.pk for n in questions])
        if not questions:
            del self.fields["carry_over"]

    def clean(self):
        return self.clean_range(super().clean())


class RoundRecordForm(DateTimeRangeMixin, forms.Form):
    """A round that already took place: its number, title, date and place."""

    number = number_field(
        required=False, help_text=_("In der Reihe eindeutig. Leer gelassen: die nächste freie Nummer nach dem Datum.")
    )
    title = forms.CharField(label=_("Titel"), max_length=200, required=False, help_text=_("z. B. das Thema der Runde"))
    online_link = url_field(_("Online-Link"))
    venue = forms.CharField(label=_("Ort"), max_length=300, required=False, help_text=_("bei einem Treffen vor Ort"))

    field_order = ["number", "title", "date", "start_time", "end_time", "online_link", "venue"]

    def __init__(self, *args, series: Series, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_range_fields(starts_at=None, ends_at=None)
        self.initial.setdefault("start_time", series.default_start_time)
        self.order_fields(self.field_order)

    def clean(self):
        return self.clean_range(super().clean())


class RoundNumberForm(forms.Form):
    number = number_field()

    def __init__(self, *args, round_: Round, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("number", round_.number)


class RoundEditForm(forms.ModelForm):
    online_link = url_field(_("Online-Link"))

    class Meta:
        model = Round
        fields = ["title", "online_link", "venue"]


class RoundRescheduleForm(DateTimeRangeMixin, forms.Form):
    def __init__(self, *args, round_: Round, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_range_fields(starts_at=round_.starts_at, ends_at=round_.ends_at)

    def clean(self):
        return self.clean_range(super().clean())


class RoundCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Grund der Absage"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Die Eingeladenen erhalten den Grund mit der Absage."),
        error_messages={"required": _("Bitte geben Sie einen Grund für die Absage an.")},
    )
