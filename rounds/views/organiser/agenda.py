from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from rounds.forms.organiser.agenda import AgendaAddForm, AgendaMoveForm, AgendaSuggestionsForm, ClauseCreateForm
from rounds.models import Round
from rounds.permissions import get_round_to_manage
from rounds.selectors import organiser as selectors
from rounds.selectors.agenda import agenda_suggestions
from rounds.services import agenda as agenda_services
from strategy_exchange.errors import DomainError

from .common import form_error

TEMPLATE = "rounds/organiser/agenda.html"


def _suggestions_form(round_: Round, data=None) -> AgendaSuggestionsForm:
    return AgendaSuggestionsForm(data, round_=round_, suggestions=agenda_suggestions(round_=round_))


def _page(
    request: HttpRequest, round_: Round, *, add_form=None, create_form=None, suggestions_form=None, status: int = 200
):
    query = request.GET.get("q", "")
    editable = agenda_services.agenda_editable(round_=round_)
    if suggestions_form is None and editable:
        suggestions_form = _suggestions_form(round_)
    context = {
        "round": round_,
        "series": round_.series,
        "active": "agenda",
        "items": selectors.agenda_items(round_=round_),
        "editable": editable,
        "add_form": add_form or AgendaAddForm(round_=round_),
        "create_form": create_form or ClauseCreateForm(),
        "suggestions_form": suggestions_form,
        "query": query,
        "results": selectors.clause_search(round_=round_, query=query),
    }
    return render(request, TEMPLATE, context, status=status)


@login_required
@require_GET
def agenda(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_round_to_manage(request.user, pk=pk)
    return _page(request, round_)


@login_required
@require_GET
def agenda_search(request: HttpRequest, pk: int) -> HttpResponse:
    """Search results while typing (htmx); without JavaScript the search form reloads the whole page."""
    round_ = get_round_to_manage(request.user, pk=pk)
    if not request.htmx:
        return _page(request, round_)
    query = request.GET.get("q", "")
    context = {"round": round_, "query": query, "results": selectors.clause_search(round_=round_, query=query)}
    return render(request, f"{TEMPLATE}#search-results", context)


@login_required
@require_POST
def agenda_add(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_round_to_manage(request.user, pk=pk)
    form = AgendaAddForm(request.POST, round_=round_)
    if form.is_valid():
        try:
            item = agenda_services.agenda_add_clause(
                round_=round_, clause=form.cleaned_data["clause"], carried_from=form.cleaned_data["carried_from"]
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("%(clause)s steht auf der Tagesordnung.") % {"clause": item.clause})
            return redirect("orga:agenda", pk=round_.pk)
    return _page(request, round_, add_form=form, status=422)


@login_required
@require_POST
def agenda_add_suggestions(request: HttpRequest, pk: int) -> HttpResponse:
    """The ticked suggestions on the agenda. htmx swaps a refused form in place (with its ticks); after
    success the page loads again, with the new agenda and what is left to suggest."""
    round_ = get_round_to_manage(request.user, pk=pk)
    form = _suggestions_form(round_, request.POST)
    if form.is_valid():
        try:
            added = agenda_services.agenda_add_suggestions(
                round_=round_,
                questions=form.cleaned_data["questions"],
                clauses=form.cleaned_data["clauses"],
                by=request.user,
            )
        except DomainError as error:
            form_error(form, error)
        else:
            if added:
                clauses = ", ".join(f"§ {item.clause.number}" for item in added)
                messages.success(request, _("Auf der Tagesordnung: %(clauses)s.") % {"clauses": clauses})
            else:
                messages.info(request, _("Die gewählten Vorschläge stehen bereits auf der Tagesordnung."))
            url = reverse("orga:agenda", kwargs={"pk": round_.pk})
            return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    if request.htmx:
        context = {"round": round_, "suggestions_form": form}
        return render(request, f"{TEMPLATE}#agenda-suggestions", context, status=422)
    return _page(request, round_, suggestions_form=form, status=422)


@login_required
@require_POST
def agenda_create_clause(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_round_to_manage(request.user, pk=pk)
    form = ClauseCreateForm(request.POST)
    if form.is_valid():
        try:
            item = agenda_services.agenda_create_clause(round_=round_, author=request.user, **form.cleaned_data)
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(
                request, _("Die neue Klausel %(clause)s steht auf der Tagesordnung.") % {"clause": item.clause}
            )
            return redirect("orga:agenda", pk=round_.pk)
    return _page(request, round_, create_form=form, status=422)


@login_required
@require_POST
def agenda_move(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    round_ = get_round_to_manage(request.user, pk=pk)
    item = get_object_or_404(round_.agenda_items, pk=item_pk)
    form = AgendaMoveForm(request.POST)
    if form.is_valid():
        try:
            agenda_services.agenda_move(item=item, direction=form.cleaned_data["direction"])
        except DomainError as error:
            messages.error(request, error.message)
    if request.htmx:
        context = {
            "round": round_,
            "items": selectors.agenda_items(round_=round_),
            "editable": agenda_services.agenda_editable(round_=round_),
        }
        return render(request, f"{TEMPLATE}#agenda-list", context)
    return redirect("orga:agenda", pk=round_.pk)


@login_required
@require_POST
def agenda_remove(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    round_ = get_round_to_manage(request.user, pk=pk)
    item = get_object_or_404(round_.agenda_items.select_related("clause", "round"), pk=item_pk)
    try:
        agenda_services.agenda_remove(item=item)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(clause)s ist nicht mehr auf der Tagesordnung.") % {"clause": item.clause})
    return redirect("orga:agenda", pk=round_.pk)
