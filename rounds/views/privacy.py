"""Data protection pages: download one's data, delete one's account, organisers' participant lists."""

import json

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from rounds import permissions
from rounds.forms.privacy import AccountDeleteForm
from rounds.selectors import organiser as organiser_selectors
from rounds.services import privacy
from strategy_exchange import exports


@login_required
@require_GET
def my_data(request: HttpRequest) -> HttpResponse:
    return render(request, "rounds/privacy/my_data.html")


@login_required
@require_GET
def my_data_download(request: HttpRequest) -> HttpResponse:
    data = privacy.personal_data_export(user=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="meine-daten.json"'
    return response


@login_required
@reauthentication_required
@require_http_methods(["GET", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    """Only after the person has just confirmed it is them (password or second factor, allauth's
    reauthentication), and with their email address typed once more."""
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        privacy.account_delete(user=user)
        messages.success(request, _("Ihr Konto wurde gelöscht."))
        return redirect("home")
    return render(request, "rounds/privacy/account_delete.html", {"form": form})


@login_required
@require_GET
def participants_export(request: HttpRequest, slug: str, format: exports.Format = "csv") -> HttpResponse:
    """The people invited to the rounds of one series, as CSV or JSON – only for its organisers."""
    series = permissions.get_managed_series_or_404(request.user, slug=slug)
    invitations = organiser_selectors.series_invitations(series=series)
    header = [_("Runde"), _("Organisation"), _("Name"), _("E-Mail"), _("Rückmeldung"), _("teilgenommen")]
    rows = [
        [
            invitation.round.number,
            invitation.organisation.name if invitation.organisation else "",
            invitation.person_label,
            invitation.user.email if invitation.user else "",
            invitation.get_rsvp_display(),
            _("ja") if invitation.attended_at else _("nein"),
        ]
        for invitation in invitations
    ]
    return exports.export_response(format=format, filename=f"teilnehmende-{series.slug}", header=header, rows=rows)
