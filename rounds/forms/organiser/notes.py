from django import forms
from django.utils.translation import gettext_lazy as _

from rounds.models import AgendaItem, MeetingNote, Round
from strategy_exchange.limits import NOTE_MAX_LENGTH


class NoteForm(forms.Form):
    """One note; ``slot`` names the form on the page (``n<pk>`` for a note, ``i<pk>`` or ``allg`` for a new one)."""

    note = forms.ModelChoiceField(queryset=MeetingNote.objects.none(), required=False, widget=forms.HiddenInput)
    agenda_item = forms.ModelChoiceField(queryset=AgendaItem.objects.none(), required=False, widget=forms.HiddenInput)
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    editor = forms.CharField(max_length=32, required=False, widget=forms.HiddenInput)
    body = forms.CharField(
        label=_("Notiz (Markdown)"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        error_messages={
            "max_length": _("Eine Notiz darf höchstens %(limit_value)d Zeichen haben (jetzt: %(show_value)d)."),
        },
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Wird beim Tippen und beim Verlassen des Feldes automatisch gespeichert."),
    )
    is_key_finding = forms.BooleanField(label=_("Kernergebnis (für den Nachbericht)"), required=False)
    is_open_question = forms.BooleanField(label=_("offene Frage (Wiedervorlage in der nächsten Runde)"), required=False)

    def __init__(self, *args, round_: Round, slot: str, save_url: str, general: bool = False, **kwargs):
        super().__init__(*args, prefix=slot, **kwargs)
        self.slot = slot
        self.fields["note"].queryset = round_.notes.all()
        self.fields["agenda_item"].queryset = round_.agenda_items.all()
        if general:
            del self.fields["is_open_question"]
        htmx = {
            "hx-post": save_url,
            "hx-include": "closest form",
            "hx-target": f"#{slot}-status",
            "hx-swap": "innerHTML",
            "hx-sync": "closest form:queue last",
        }
        self.fields["body"].widget.attrs.update(
            htmx, **{"hx-trigger": "keyup changed delay:1500ms, blur", "data-autosave": "true"}
        )
        for name in ("is_key_finding", "is_open_question"):
            if name in self.fields:
                self.fields[name].widget.attrs.update(htmx, **{"hx-trigger": "change"})

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "note": data["note"],
            "agenda_item": data["agenda_item"],
            "body": data["body"],
            "is_key_finding": data["is_key_finding"],
            "is_open_question": data.get("is_open_question", False),
            "base_version": data["version"],
            "editor": data["editor"],
        }


class NoteResolveForm(forms.Form):
    """The organiser's choice after a conflict: take the stored version, or merge both by hand."""

    choice = forms.ChoiceField(choices=[("theirs", "theirs"), ("merge", "merge")])


class NoteAddForm(forms.Form):
    """Which note to start: one on an agenda item of the round, or (empty) a general one."""

    agenda_item = forms.ModelChoiceField(queryset=AgendaItem.objects.none(), required=False)

    def __init__(self, *args, round_: Round, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = round_.agenda_items.all()
