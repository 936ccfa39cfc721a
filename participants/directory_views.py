"""The directory of organisations, for organisers: list, create, edit (warning about duplicates), merge, delete.

An organisation's page with its people and its history in the rounds is on the floor above
(``orga:organisation_detail``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from strategy_exchange.errors import DomainError

from . import directory, selectors
from .forms import OrganisationForm, OrganisationMergeForm, OrganisationSearchForm
from .models import Organisation
from .permissions import can_maintain_directory

PAGE_SIZE = 50
DETAIL = "orga:organisation_detail"


def _require_maintainer(request: HttpRequest) -> None:
    if not can_maintain_directory(request.user):
        raise PermissionDenied


def _organisation(request: HttpRequest, slug: str) -> Organisation:
    """Organisers get the organisation; its own members may see it but not manage it (403); others 404."""
    organisation = Organisation.objects.filter(slug=slug).first() if selectors.SLUG.fullmatch(slug) else None
    if organisation is None:
        raise Http404
    if can_maintain_directory(request.user):
        return organisation
    if organisation.memberships.filter(user=request.user).exists():
        raise PermissionDenied
    raise Http404


def _form_error(form, error: DomainError) -> None:
    if isinstance(error, directory.PossibleDuplicates):
        form.ask_to_confirm(error.message)
    else:
        form.add_error(error.field if error.field in form.fields else None, error.message)


@login_required
@require_GET
def organisation_list(request: HttpRequest) -> HttpResponse:
    _require_maintainer(request)
    form = OrganisationSearchForm(request.GET or None)
    query, kind = "", ""
    if form.is_valid():
        query, kind = form.cleaned_data["q"], form.cleaned_data["kind"]
    page = Paginator(selectors.organisation_search(query=query, kind=kind), PAGE_SIZE).get_page(
        request.GET.get("seite")
    )
    context = {"form": form, "page": page, "query": query, "kind": kind}
    if request.htmx:
        return render(request, "participants/organisation_list.html#results", context)
    return render(request, "participants/organisation_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def organisation_create(request: HttpRequest) -> HttpResponse:
    _require_maintainer(request)
    form = OrganisationForm(request.POST or None)
    duplicates: list[Organisation] = []
    if request.method == "POST" and form.is_valid():
        try:
            organisation = directory.organisation_create(
                **form.service_values(), confirmed=form.cleaned_data["confirmed"]
            )
        except DomainError as error:
            duplicates = getattr(error, "duplicates", [])
            _form_error(form, error)
        else:
            messages.success(
                request, _("%(name)s ist angelegt. Fügen Sie jetzt Vertreter:innen hinzu.") % {"name": organisation}
            )
            return redirect(DETAIL, slug=organisation.slug)
    return render(request, "participants/organisation_form.html", {"form": form, "duplicates": duplicates})


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(request, slug)
    stored = Organisation.objects.get(pk=organisation.pk)  # the form writes its values into ``organisation``
    form = OrganisationForm(request.POST or None, instance=organisation)
    duplicates: list[Organisation] = []
    if request.method == "POST" and form.is_valid():
        try:
            directory.organisation_update(
                organisation=stored, **form.service_values(), confirmed=form.cleaned_data["confirmed"]
            )
        except DomainError as error:
            duplicates = getattr(error, "duplicates", [])
            _form_error(form, error)
        else:
            messages.success(request, _("Die Änderungen sind gespeichert."))
            return redirect(DETAIL, slug=stored.slug)
    context = {"form": form, "organisation": stored, "duplicates": duplicates}
    return render(request, "participants/organisation_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def organisation_merge(request: HttpRequest, slug: str) -> HttpResponse:
    """Choose the organisation to merge into (GET, with a preview of what moves), then merge (POST)."""
    source = _organisation(request, slug)
    data = request.POST if request.method == "POST" else (request.GET if "target" in request.GET else None)
    form = OrganisationMergeForm(data, source=source)
    preview = None
    if form.is_valid():
        target = form.cleaned_data["target"]
        try:
            if request.method == "POST":
                directory.organisation_merge(source=source, target=target, merged_by=request.user)
                messages.success(
                    request,
                    _("%(source)s ist mit %(target)s zusammengeführt.") % {"source": source.name, "target": target},
                )
                return redirect(DETAIL, slug=target.slug)
            preview = directory.organisation_merge_preview(source=source, target=target)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
    status = 422 if request.method == "POST" else 200
    context = {"organisation": source, "form": form, "preview": preview}
    return render(request, "participants/organisation_merge.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def organisation_delete(request: HttpRequest, slug: str) -> HttpResponse:
    """Delete an organisation without history; one with history is refused (merge it instead)."""
    organisation = _organisation(request, slug)
    error = None
    if request.method == "POST":
        try:
            directory.organisation_delete(organisation=organisation)
        except DomainError as refused:
            error = refused.message
        else:
            messages.success(request, _("%(name)s ist gelöscht.") % {"name": organisation.name})
            return redirect("participants:organisation_list")
    history = [line for line in directory.organisation_history(organisation=organisation) if line.count]
    context = {"organisation": organisation, "history": history, "error": error}
    return render(request, "participants/organisation_delete.html", context, status=409 if error else 200)
