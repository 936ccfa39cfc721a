"""The clause library for organisers: add a clause, edit it (each change a stored version), its versions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from strategy_exchange.errors import DomainError

from . import selectors, services
from .forms import ClauseForm
from .permissions import can_edit_library


def _require_editor(request: HttpRequest) -> None:
    if not can_edit_library(request.user):
        raise PermissionDenied


def _form_error(form: ClauseForm, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@login_required
@require_http_methods(["GET", "POST"])
def clause_create(request: HttpRequest) -> HttpResponse:
    _require_editor(request)
    form = ClauseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            clause = services.clause_create(**form.cleaned_data, author=request.user)
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("%(clause)s ist in der Bibliothek.") % {"clause": clause})
            return redirect("clauses:clause_edit", number=clause.number)
    return render(request, "clauses/clause_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def clause_edit(request: HttpRequest, number: int) -> HttpResponse:
    """Edit a clause; below the form, every stored version with who changed what and when."""
    _require_editor(request)
    clause = selectors.clause_get(number=number)
    if clause is None:
        raise Http404
    initial = {name: getattr(clause, name) for name in selectors.REVISED_FIELDS}
    form = ClauseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            clause = services.clause_update(clause=clause, author=request.user, **form.cleaned_data)
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Die Änderungen an %(clause)s sind gespeichert.") % {"clause": clause})
            return redirect("clauses:clause_edit", number=clause.number)
    context = {"form": form, "clause": clause, "revisions": selectors.clause_revisions(clause=clause)}
    return render(request, "clauses/clause_form.html", context)
