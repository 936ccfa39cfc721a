from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from rounds.forms.organiser.invitations import AttendanceForm
from rounds.permissions import get_round_to_manage
from rounds.services import invitations as invitation_services
from strategy_exchange.errors import DomainError

from .common import form_error


@login_required
@require_http_methods(["GET", "POST"])
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_round_to_manage(request.user, pk=pk)
    form = AttendanceForm(request.POST or None, round_=round_)
    if request.method == "POST" and form.is_valid():
        try:
            count = invitation_services.attendance_set(round_=round_, present=form.cleaned_data["present"])
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "Anwesenheit gespeichert: %(count)d Person.", "Anwesenheit gespeichert: %(count)d Personen.", count
                )
                % {"count": count},
            )
            return redirect("orga:attendance", pk=round_.pk)
    started = invitation_services.attendance_open(round_=round_)
    context = {"round": round_, "series": round_.series, "form": form, "active": "attendance", "started": started}
    return render(request, "rounds/organiser/attendance.html", context)
