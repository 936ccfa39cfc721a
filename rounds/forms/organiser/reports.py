from django import forms
from django.utils.translation import gettext_lazy as _

from participants.validators import validate_pdf

from .fields import url_field


class ReportAttachForm(forms.Form):
    """A report made elsewhere: an uploaded PDF or the link to the published article."""

    pdf = forms.FileField(
        label=_("PDF-Datei des Nachberichts"),
        required=False,
        validators=[validate_pdf],
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
        help_text=_("Höchstens 20 MB."),
    )
    url = url_field(
        _("oder: Link zum veröffentlichten Nachbericht"), help_text=_("z. B. der Artikel auf der Website der Reihe")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="attach", **kwargs)

    def clean(self):
        cleaned = super().clean()
        if not self.errors and bool(cleaned.get("pdf")) == bool(cleaned.get("url")):
            self.add_error("pdf", _("Bitte laden Sie entweder eine PDF-Datei hoch oder geben Sie einen Link an."))
        if self.errors and self.files.get(self.add_prefix("pdf")):
            self.add_error(None, _("Aus Sicherheitsgründen müssen Sie die PDF-Datei erneut auswählen."))
        return cleaned
