from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rounds.forms.organiser.series import SeriesForm
from rounds.models import Series
from rounds.permissions import get_series_to_manage
from rounds.selectors import calendar_feed
from rounds.selectors import organiser as selectors
from rounds.services import series as series_services
from strategy_exchange.errors import DomainError

from .common import form_error, require_organiser


@login_required
@require_http_methods(["GET", "POST"])
def series_create(request: HttpRequest) -> HttpResponse:
    require_organiser(request)
    form = SeriesForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            series = series_services.series_create(user=request.user, co_organisers=data.pop("co_organisers"), **data)
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Die Reihe „%(title)s“ ist angelegt.") % {"title": series.title})
            return redirect("orga:series_detail", slug=series.slug)
    return render(request, "rounds/organiser/series_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def series_edit(request: HttpRequest, slug: str) -> HttpResponse:
    series = get_series_to_manage(request.user, slug=slug)
    form = SeriesForm(request.POST or None, instance=series, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            series_services.series_update(
                series=series, user=request.user, co_organisers=data.pop("co_organisers"), **data
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Die Änderungen sind gespeichert."))
            return redirect("orga:series_detail", slug=series.slug)
    return render(request, "rounds/organiser/series_form.html", {"form": form, "series": series})


@login_required
@require_GET
def series_detail(request: HttpRequest, slug: str) -> HttpResponse:
    series = get_series_to_manage(request.user, slug=slug)
    context = {
        "series": series,
        "rounds": selectors.series_rounds(series=series),
        "organisers": list(series.organisers.order_by("full_name", "email")),
        "feed_token": calendar_feed.feed_token(series=series, user=request.user),
    }
    return render(request, "rounds/organiser/series_detail.html", context)


@login_required
@require_POST
def series_feed_renew(request: HttpRequest, slug: str) -> HttpResponse:
    """A new secret feed address of this series for the organiser; the old one stops working."""
    series = get_series_to_manage(request.user, slug=slug)
    series_services.feed_key_renew(user=request.user, series=series)
    messages.success(request, _("Die Kalender-Adresse ist erneuert. Die bisherige Adresse funktioniert nicht mehr."))
    return redirect("orga:series_detail", slug=series.slug)


@login_required
@require_POST
def series_feeds_revoke_all(request: HttpRequest) -> HttpResponse:
    """Every feed address of the organiser ends at once; each series' page shows a new one."""
    require_organiser(request)
    series_services.feed_keys_revoke_all(user=request.user)
    messages.success(
        request, _("Alle Ihre Kalender-Adressen sind widerrufen. Auf den Seiten der Reihen finden Sie neue.")
    )
    return redirect("orga:dashboard")


@require_GET
def series_feed(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """The series as an iCalendar feed for calendar subscriptions. The secret token in the address is the
    permission (calendar programs cannot sign in); a wrong token answers 404."""
    series = get_object_or_404(Series, slug=slug)
    if calendar_feed.feed_reader(series=series, token=token) is None:
        raise Http404
    response = HttpResponse(calendar_feed.series_calendar(series=series), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{series.slug}.ics"'
    return response
