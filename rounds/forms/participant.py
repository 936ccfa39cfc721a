"""Forms of the pages for invitees: RSVP, stand-in, comments, moderation."""

from django import forms
from django.utils.translation import gettext_lazy as _

from participants.models import User
from rounds.models import Comment, Invitation
from rounds.services.rsvp import stand_in_candidates
from strategy_exchange.limits import COMMENT_MAX_LENGTH


class RsvpForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Ihre Rückmeldung"),
        choices=[("accept", _("Ich nehme teil")), ("decline", _("Ich nehme nicht teil"))],
        error_messages={
            "required": _("Bitte wählen Sie „Zusagen“ oder „Absagen“."),
            "invalid_choice": _("Bitte wählen Sie „Zusagen“ oder „Absagen“."),
        },
    )


class StandInChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.get_full_name()} ({obj.email})" if obj.full_name else obj.email


class StandInForm(forms.Form):
    stand_in = StandInChoiceField(
        label=_("Vertretung aus Ihrer Organisation"),
        queryset=User.objects.none(),
        empty_label=_("– bitte wählen –"),
        help_text=_("Die Person erhält eine eigene Einladung; Ihre Einladung gilt dann als abgesagt."),
        error_messages={
            "required": _("Bitte wählen Sie die Person, die Sie vertritt."),
            "invalid_choice": _("Bitte wählen Sie eine Person Ihrer Organisation, die noch nicht eingeladen ist."),
        },
    )

    def __init__(self, *args, invitation: Invitation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stand_in"].queryset = stand_in_candidates(invitation=invitation)


CONFIDENTIALITY_HELP = _(
    "Zitierfähig: der Nachbericht darf Ihre Organisation nennen. Anonymisiert: der Inhalt darf ohne Namen "
    "verwendet werden. Intern: nur für die Teilnehmenden dieser Runde, nicht im Nachbericht."
)


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Ihr Beitrag"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=COMMENT_MAX_LENGTH,
        help_text=_("Markdown ist möglich, z. B. **fett**, *kursiv*, Listen und Links."),
        error_messages={
            "required": _("Bitte schreiben Sie einen Beitrag."),
            "max_length": _("Ein Beitrag darf höchstens %(limit_value)d Zeichen haben (jetzt: %(show_value)d)."),
        },
    )
    confidentiality = forms.ChoiceField(
        label=_("Verwendung im Nachbericht"),
        choices=Comment.Confidentiality.choices,
        initial=Comment.Confidentiality.QUOTABLE,
        widget=forms.RadioSelect,
        help_text=CONFIDENTIALITY_HELP,
        error_messages={"required": _("Bitte wählen Sie, wie Ihr Beitrag verwendet werden darf.")},
    )

    def __init__(self, *args, agenda_item=None, prefix_id: str = "", **kwargs):
        # The prefix keeps ids unique when several reply forms are on one page.
        if prefix_id:
            kwargs.setdefault("auto_id", f"id_{prefix_id}_%s")
        super().__init__(*args, **kwargs)
        self.agenda_item = agenda_item


class ReplyForm(CommentForm):
    parent = forms.ModelChoiceField(
        queryset=Comment.objects.none(),
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("Der Beitrag, auf den Sie antworten, gibt es nicht (mehr).")},
    )

    def __init__(self, *args, agenda_item, **kwargs):
        super().__init__(*args, agenda_item=agenda_item, **kwargs)
        self.fields["body"].label = _("Ihre Antwort")
        self.fields["parent"].queryset = Comment.objects.filter(agenda_item=agenda_item, deleted_at__isnull=True)


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Grund für das Ausblenden"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Die Autorin oder der Autor sieht diesen Grund."),
        error_messages={"required": _("Bitte nennen Sie einen Grund; die Autorin oder der Autor sieht ihn.")},
    )

    def __init__(self, *args, prefix_id: str = "", **kwargs):
        if prefix_id:
            kwargs.setdefault("auto_id", f"id_{prefix_id}_%s")
        super().__init__(*args, **kwargs)
