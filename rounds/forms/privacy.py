from django import forms
from django.utils.translation import gettext_lazy as _


class AccountDeleteForm(forms.Form):
    confirm_email = forms.EmailField(
        label=_("Zur Bestätigung: Ihre E-Mail-Adresse"),
        help_text=_("Das Löschen kann nicht rückgängig gemacht werden."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_confirm_email(self):
        value = self.cleaned_data["confirm_email"].strip().lower()
        if value != self.user.email.lower():
            raise forms.ValidationError(_("Die E-Mail-Adresse stimmt nicht mit Ihrem Konto überein."))
        return value
