from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from participants.models import Organisation, User
from rounds.models import Invitation, Round
from rounds.selectors.organiser import invitable_organisations
from strategy_exchange.forms import BoundedModelMultipleChoiceField

from .fields import email_field


class OrganisationChoice(BoundedModelMultipleChoiceField):
    def __init__(self, *args, invited_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.invited_ids = set(invited_ids)

    def label_from_instance(self, organisation: Organisation) -> str:
        people = ngettext("%(count)d Person", "%(count)d Personen", organisation.member_count) % {
            "count": organisation.member_count
        }
        label = f"{organisation.name} ({people})"
        if organisation.pk in self.invited_ids:
            label += " – " + str(_("bereits eingeladen"))
        return label


class InviteOrganisationsForm(forms.Form):
    organisations = OrganisationChoice(
        label=_("Organisationen einladen (alle ihre Vertreter:innen)"),
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Bitte wählen Sie mindestens eine Organisation.")},
    )

    def __init__(self, *args, round_: Round, **kwargs):
        super().__init__(*args, prefix="org", **kwargs)
        field = self.fields["organisations"]
        field.queryset = invitable_organisations()
        field.invited_ids = set(round_.invitations.exclude(organisation=None).values_list("organisation_id", flat=True))


class PersonChoice(BoundedModelMultipleChoiceField):
    def label_from_instance(self, user: User) -> str:
        organisations = ", ".join(o.name for o in user.organisations.all())
        label = f"{user.full_name or user.email} <{user.email}>"
        return f"{label} – {organisations}" if organisations else label


class InvitePeopleForm(forms.Form):
    people = PersonChoice(
        label=_("Gefundene Personen"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Bitte wählen Sie mindestens eine Person.")},
    )

    def __init__(self, *args, round_: Round, shown: QuerySet[User] | None = None, **kwargs):
        super().__init__(*args, prefix="person", **kwargs)
        if shown is not None:
            self.fields["people"].queryset = shown
        else:
            self.fields["people"].queryset = User.objects.filter(is_active=True).exclude(invitations__round=round_)


class InviteEmailForm(forms.Form):
    email = email_field()
    full_name = forms.CharField(label=_("Name"), max_length=200, required=False)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("– keine –"),
        help_text=_("Die Person wird nach der Registrierung Vertreter:in dieser Organisation."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="email", **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.order_by("name")


class StandInForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("Vertretung"),
        queryset=User.objects.none(),
        empty_label=_("– bitte wählen –"),
        error_messages={"required": _("Bitte wählen Sie eine Person aus derselben Organisation.")},
    )

    def __init__(self, *args, candidates: QuerySet[User], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = candidates


class AttendanceChoice(BoundedModelMultipleChoiceField):
    def label_from_instance(self, invitation: Invitation) -> str:
        label = invitation.person_label
        if invitation.organisation:
            label += f" – {invitation.organisation.name}"
        return f"{label} ({invitation.get_rsvp_display()})"


class AttendanceForm(forms.Form):
    present = AttendanceChoice(
        label=_("Anwesend"),
        queryset=Invitation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, round_: Round, **kwargs):
        super().__init__(*args, **kwargs)
        invitations = round_.invitations.select_related("user", "organisation").order_by(
            "organisation__name", "user__full_name"
        )
        self.fields["present"].queryset = invitations
        self.initial.setdefault("present", [i.pk for i in invitations if i.attended_at])
