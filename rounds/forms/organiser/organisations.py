from django import forms
from django.utils.translation import gettext_lazy as _

from participants.models import Membership, Organisation

from .fields import email_field, url_field


class OrganisationForm(forms.ModelForm):
    website = url_field(_("Website"))

    class Meta:
        model = Organisation
        fields = ["name", "kind", "state", "place", "ags", "website"]
        error_messages = {
            "ags": {
                "unique": _("Dieser Amtliche Gemeindeschlüssel ist bereits einer anderen Organisation zugeordnet.")
            },
            "name": {"required": _("Bitte geben Sie den Namen der Organisation an.")},
            "kind": {"required": _("Bitte wählen Sie die Art der Organisation.")},
        }

    def clean_ags(self) -> str | None:
        return self.cleaned_data.get("ags") or None


class RepresentativeForm(forms.Form):
    email = email_field()
    full_name = forms.CharField(label=_("Name"), max_length=200, required=False)
    role = forms.ChoiceField(label=_("Rolle"), choices=Membership.Role.choices, initial=Membership.Role.REPRESENTATIVE)


class OrganisationSearchForm(forms.Form):
    q = forms.CharField(label=_("Name oder Ort"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Art"), choices=[("", _("alle Arten")), *Organisation.Kind.choices], required=False
    )
