"""Report review: start the build, watch its progress, try a failed build again, preview, publish."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import conditional_page, require_GET, require_POST

from rounds.forms.organiser.reports import ReportAttachForm
from rounds.models import Round
from rounds.permissions import get_round_to_manage
from rounds.selectors import organiser as selectors
from rounds.selectors.report_preview import preview_html
from rounds.services import reports as report_services
from strategy_exchange.errors import DomainError

from .common import form_error

TEMPLATE = "rounds/organiser/report.html"


@login_required
@require_GET
def report(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_round_to_manage(request.user, pk=pk)
    return _report_page(request, round_)


def _report_page(request: HttpRequest, round_: Round, *, attach_form=None, status: int = 200) -> HttpResponse:
    context = {
        "round": round_,
        "series": round_.series,
        "active": "report",
        "reports": selectors.reports(round_=round_),
        "can_build": round_.status in (Round.Status.HELD, Round.Status.PUBLISHED),
        "attach_form": attach_form or ReportAttachForm(),
    }
    return render(request, TEMPLATE, context, status=status)


@login_required
@require_POST
def report_attach(request: HttpRequest, pk: int) -> HttpResponse:
    """A report made elsewhere as the next version: an uploaded PDF or the link to the published article."""
    round_ = get_round_to_manage(request.user, pk=pk)
    form = ReportAttachForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            new = report_services.report_attach(
                round_=round_, user=request.user, pdf=form.cleaned_data["pdf"], url=form.cleaned_data["url"]
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "Version %(version)s des Nachberichts ist angelegt. Prüfen Sie die Vorschau und veröffentlichen Sie sie."
                )
                % {"version": new.version},
            )
            return redirect("orga:report", pk=round_.pk)
    return _report_page(request, round_, attach_form=form, status=422)


@login_required
@require_POST
def report_request(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_round_to_manage(request.user, pk=pk)
    try:
        new = report_services.report_request(round_=round_, user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Version %(version)s des Nachberichts wird erstellt.") % {"version": new.version})
    return redirect("orga:report", pk=round_.pk)


@login_required
@require_GET
@conditional_page  # polled by htmx: an unchanged fragment is answered with 304
def report_status(request: HttpRequest, pk: int, report_pk: int) -> HttpResponse:
    """One report's row, polled by the page while the report is being built."""
    round_ = get_round_to_manage(request.user, pk=pk)
    item = get_object_or_404(round_.reports.select_related("requested_by"), pk=report_pk)
    return render(request, f"{TEMPLATE}#report-row", {"round": round_, "report": item})


@login_required
@require_GET
def report_preview(request: HttpRequest, pk: int, report_pk: int) -> HttpResponse:
    round_ = get_round_to_manage(request.user, pk=pk)
    item = get_object_or_404(round_.reports, pk=report_pk)
    context = {"round": round_, "series": round_.series, "report": item, "html": preview_html(item.html)}
    return render(request, "rounds/organiser/report_preview.html", {**context, "active": "report"})


@login_required
@require_POST
def report_publish(request: HttpRequest, pk: int, report_pk: int) -> HttpResponse:
    round_ = get_round_to_manage(request.user, pk=pk)
    item = get_object_or_404(round_.reports.select_related("round"), pk=report_pk)
    try:
        report_services.report_publish(report=item, user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Version %(version)s des Nachberichts ist veröffentlicht.") % {"version": item.version}
        )
    return redirect("orga:report", pk=round_.pk)


@login_required
@require_POST
def report_retry(request: HttpRequest, pk: int, report_pk: int) -> HttpResponse:
    round_ = get_round_to_manage(request.user, pk=pk)
    item = get_object_or_404(round_.reports, pk=report_pk)
    try:
        report_services.report_retry(report=item, user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Version %(version)s des Nachberichts wird erneut erstellt.") % {"version": item.version}
        )
    return redirect("orga:report", pk=round_.pk)
