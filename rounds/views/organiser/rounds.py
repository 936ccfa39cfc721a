from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rounds.forms.organiser.rounds import (
    RoundCancelForm,
    RoundCreateForm,
    RoundEditForm,
    RoundNumberForm,
    RoundRecordForm,
    RoundRescheduleForm,
)
from rounds.models import Round
from rounds.permissions import get_round_to_manage, get_series_to_manage
from rounds.selectors import delivery as delivery_selectors
from rounds.selectors import organiser as selectors
from rounds.services import rounds as round_services
from strategy_exchange.errors import DomainError

from .common import form_error


def _when(round_: Round) -> str:
    return date_format(localtime(round_.starts_at), "DATETIME_FORMAT")


@login_required
@require_http_methods(["GET", "POST"])
def round_create(request: HttpRequest, slug: str) -> HttpResponse:
    series = get_series_to_manage(request.user, slug=slug)
    starts_at, ends_at = round_services.round_proposed_slot(series=series)
    number = round_services.round_next_number(series=series, starts_at=starts_at)
    form = RoundCreateForm(request.POST or None, series=series, starts_at=starts_at, ends_at=ends_at, number=number)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round_ = round_services.round_create(
                series=series,
                number=data["number"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                title=data["title"],
                online_link=data["online_link"],
                venue=data["venue"],
                carry_over=data.get("carry_over") or (),
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Runde %(number)s ist angelegt.") % {"number": round_.number})
            return redirect("orga:agenda", pk=round_.pk)
    return render(
        request,
        "rounds/organiser/round_form.html",
        {"form": form, "series": series, "heading": _("Neue Runde"), "submit": _("Runde anlegen")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_record(request: HttpRequest, slug: str) -> HttpResponse:
    """Record a round that already took place: no invitations, reminders or calendar mail go out for it."""
    series = get_series_to_manage(request.user, slug=slug)
    form = RoundRecordForm(request.POST or None, series=series)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round_ = round_services.round_record_past(
                series=series,
                number=data["number"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                title=data["title"],
                online_link=data["online_link"],
                venue=data["venue"],
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                _("Runde %(number)s ist nachträglich erfasst. Legen Sie jetzt die Tagesordnung fest.")
                % {"number": round_.number},
            )
            return redirect("orga:agenda", pk=round_.pk)
    context = {"form": form, "series": series, "heading": _("Vergangene Runde erfassen"), "recording": True}
    return render(request, "rounds/organiser/round_form.html", {**context, "submit": _("Runde erfassen")})


@login_required
@require_http_methods(["GET", "POST"])
def round_number(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_round_to_manage(request.user, pk=pk)
    form = RoundNumberForm(request.POST or None, round_=round_)
    if request.method == "POST" and form.is_valid():
        try:
            round_ = round_services.round_renumber(round_=round_, number=form.cleaned_data["number"])
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Die Runde hat jetzt die Nummer %(number)s.") % {"number": round_.number})
            return redirect("orga:round_detail", pk=round_.pk)
    dependants = round_services.round_dependants(round_=round_)
    context = {"form": form, "round": round_, "series": round_.series, "heading": _("Nummer ändern")}
    return render(
        request,
        "rounds/organiser/round_form.html",
        {**context, "dependants": dependants, "submit": _("Nummer speichern")},
    )


@login_required
@require_GET
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_round_to_manage(request.user, pk=pk)
    context = {
        "round": selectors.round_detail(round_=round_),
        "series": round_.series,
        "active": "overview",
        "delivery": delivery_selectors.round_delivery_status(round_),
        "number_editable": round_services.round_number_editable(round_=round_),
    }
    return render(request, "rounds/organiser/round_detail.html", context)


@login_required
@require_GET
def round_delivery_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The round's delivery status, polled by the round page."""
    round_ = get_round_to_manage(request.user, pk=pk)
    context = {"round": round_, "delivery": delivery_selectors.round_delivery_status(round_)}
    return render(request, "rounds/organiser/_delivery_status.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def round_edit(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_round_to_manage(request.user, pk=pk)
    form = RoundEditForm(request.POST or None, instance=round_)
    if request.method == "POST" and form.is_valid():
        try:
            round_services.round_update(round_=round_, **form.cleaned_data)
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Die Änderungen sind gespeichert."))
            return redirect("orga:round_detail", pk=round_.pk)
    context = {"form": form, "round": round_, "series": round_.series, "heading": _("Runde bearbeiten")}
    return render(request, "rounds/organiser/round_form.html", {**context, "submit": _("Speichern")})


@login_required
@require_http_methods(["GET", "POST"])
def round_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_round_to_manage(request.user, pk=pk)
    form = RoundRescheduleForm(request.POST or None, round_=round_)
    if request.method == "POST" and form.is_valid():
        try:
            round_services.round_reschedule(
                round_=round_, starts_at=form.cleaned_data["starts_at"], ends_at=form.cleaned_data["ends_at"]
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Die Runde ist verschoben auf %(when)s.") % {"when": _when(round_)})
            return redirect("orga:round_detail", pk=round_.pk)
    context = {"form": form, "round": round_, "series": round_.series, "heading": _("Runde verschieben")}
    return render(request, "rounds/organiser/round_form.html", {**context, "submit": _("Verschieben")})


@login_required
@require_http_methods(["GET", "POST"])
def round_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_round_to_manage(request.user, pk=pk)
    form = RoundCancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            round_services.round_cancel(round_=round_, reason=form.cleaned_data["reason"])
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Die Runde ist abgesagt; die Eingeladenen werden benachrichtigt."))
            return redirect("orga:round_detail", pk=round_.pk)
    context = {"form": form, "round": round_, "series": round_.series, "heading": _("Runde absagen")}
    return render(request, "rounds/organiser/round_form.html", {**context, "submit": _("Runde absagen")})


@login_required
@require_POST
def round_duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_round_to_manage(request.user, pk=pk)
    try:
        round_ = round_services.round_duplicate(source=source)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("orga:round_detail", pk=source.pk)
    messages.success(
        request,
        _("Runde %(number)s ist als Kopie von Runde %(source)s angelegt, am %(when)s. Bitte prüfen Sie den Termin.")
        % {"number": round_.number, "source": source.number, "when": _when(round_)},
    )
    return redirect("orga:round_detail", pk=round_.pk)


def _transition(request: HttpRequest, pk: int, service: Callable[..., Round], success: str) -> HttpResponse:
    round_ = get_round_to_manage(request.user, pk=pk)
    try:
        service(round_=round_)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect("orga:round_detail", pk=round_.pk)


@login_required
@require_POST
def round_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(
        request, pk, round_services.round_schedule, _("Die Runde ist geplant. Jetzt können Sie einladen.")
    )


@login_required
@require_POST
def round_unschedule(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, round_services.round_unschedule, _("Die Runde ist wieder im Entwurf."))


@login_required
@require_POST
def round_mark_held(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(
        request,
        pk,
        round_services.round_mark_held,
        _("Die Runde ist als durchgeführt markiert. Erfassen Sie jetzt Anwesenheit und Notizen."),
    )
