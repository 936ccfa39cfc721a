from django import forms
from django.utils.translation import gettext_lazy as _

from participants.models import Membership

from .fields import email_field


class RepresentativeForm(forms.Form):
    email = email_field()
    full_name = forms.CharField(label=_("Name"), max_length=200, required=False)
    role = forms.ChoiceField(label=_("Rolle"), choices=Membership.Role.choices, initial=Membership.Role.REPRESENTATIVE)
