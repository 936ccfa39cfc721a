"""Pages of the participants app: sign-up through an invitation, profile, our strategy."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from strategy_exchange.errors import DomainError

from . import selectors, services
from .forms import InvitationSignupForm, MembershipProposalAnswerForm, ProfileForm, StrategyForm
from .models import Strategy


def _add_domain_error(form, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@require_http_methods(["GET", "POST"])
def invitation_signup(request: HttpRequest, token: str) -> HttpResponse:
    invitation = selectors.account_invitation_by_token(token=token)
    if invitation is None or invitation.user.has_usable_password():
        return render(request, "participants/invitation_invalid.html", status=404)
    form = InvitationSignupForm(request.POST or None, user=invitation.user)
    if form.is_valid():
        try:
            user = services.account_signup_from_invitation(
                invitation=invitation,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
            )
        except DomainError as error:
            _add_domain_error(form, error)
        else:
            login(request, user, backend="participants.backends.AuthenticationBackend")
            messages.success(request, _("Willkommen! Ihr Konto ist eingerichtet."))
            return redirect("rounds:my_rounds")
    return render(request, "participants/invitation_signup.html", {"form": form, "invitation": invitation})


@login_required
@require_http_methods(["GET", "POST"])
def membership_proposal(request: HttpRequest, token: str) -> HttpResponse:
    """The proposed person confirms or declines; the link is theirs alone (anyone else: 404)."""
    proposal = selectors.membership_proposal_for(token=token, user=request.user)
    if proposal is None:
        raise Http404
    form = MembershipProposalAnswerForm(request.POST or None)
    if proposal.is_open and form.is_valid():
        try:
            if form.cleaned_data["answer"] == "confirm":
                services.membership_proposal_confirm(proposal=proposal, user=request.user)
                messages.success(request, _("Sie vertreten jetzt %(name)s.") % {"name": proposal.organisation})
            else:
                services.membership_proposal_decline(proposal=proposal, user=request.user)
                messages.success(request, _("Sie haben den Vorschlag abgelehnt."))
        except DomainError as error:
            _add_domain_error(form, error)
        else:
            return redirect("participants:profile")
    status = 200 if request.method == "GET" else (422 if proposal.is_open else 410)
    return render(request, "participants/membership_proposal.html", {"proposal": proposal, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, initial={"full_name": request.user.full_name})
    if form.is_valid():
        try:
            services.profile_update(user=request.user, full_name=form.cleaned_data["full_name"])
        except DomainError as error:
            _add_domain_error(form, error)
        else:
            messages.success(request, _("Ihr Profil ist gespeichert."))
            return redirect("participants:profile")
    organisations = selectors.user_organisations(user=request.user)
    return render(request, "participants/profile.html", {"form": form, "organisations": organisations})


def _strategy_initial(strategy: Strategy | None) -> dict:
    if strategy is None:
        return {}
    return {
        "title": strategy.title,
        "adopted_on": strategy.adopted_on,
        "url": strategy.url,
        "update_cycle_months": strategy.update_cycle_months,
    }


@login_required
@require_http_methods(["GET", "POST"])
def strategy(request: HttpRequest) -> HttpResponse:
    """Our strategy: the current strategy of the organisation the user represents."""
    organisations = selectors.user_organisations(user=request.user)
    organisation = selectors.user_organisation(user=request.user, slug=request.GET.get("organisation"))
    if organisation is None:
        if request.GET.get("organisation"):
            raise Http404
        return render(request, "participants/no_organisation.html", status=403)
    current = selectors.current_strategy(organisation=organisation)
    has_file = bool(current and current.file)
    form = StrategyForm(
        request.POST or None, request.FILES or None, initial=_strategy_initial(current), has_file=has_file
    )
    if form.is_valid():
        try:
            services.strategy_save(
                organisation=organisation,
                user=request.user,
                strategy=current,
                title=form.cleaned_data["title"],
                adopted_on=form.cleaned_data["adopted_on"],
                url=form.cleaned_data["url"],
                file=form.cleaned_data["file"],
                remove_file=form.cleaned_data.get("remove_file", False),
                update_cycle_months=form.cleaned_data["update_cycle_months"],
            )
        except DomainError as error:
            _add_domain_error(form, error)
        else:
            messages.success(request, _("Die Strategie ist gespeichert."))
            url = request.path + (f"?organisation={organisation.slug}" if organisations.count() > 1 else "")
            return redirect(url)
    context = {"form": form, "organisation": organisation, "organisations": organisations, "strategy": current}
    return render(request, "participants/strategy.html", context)


@login_required
@require_GET
def strategy_file(request: HttpRequest, pk: int) -> FileResponse:
    """The uploaded PDF of a strategy, for signed-in participants (strategies are compared across organisations)."""
    strategy = Strategy.objects.select_related("organisation").filter(pk=pk).first()
    if strategy is None or not strategy.file:
        raise Http404
    if not request.user.is_active:
        raise PermissionDenied
    filename = f"strategie-{strategy.organisation.slug}.pdf"
    return FileResponse(
        strategy.file.open("rb"), as_attachment=False, filename=filename, content_type="application/pdf"
    )
