"""The discussion of a clause in a round: threaded comments, with htmx and without JavaScript."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import push_url, reswap, retarget, trigger_client_event

from rounds.context_processors import nav_of
from rounds.forms.participant import CommentForm, HideForm, ReplyForm
from rounds.models import AgendaItem, Comment
from rounds.selectors import discussion as selectors
from rounds.selectors import participant as participant_selectors
from rounds.selectors.participant import agenda_item_for
from rounds.services import comments
from strategy_exchange import pages
from strategy_exchange.errors import DomainError

from . import add_domain_error, shared_pages
from .threads import PAGE_PARAMETER, OpenForms, threads_for_reader

PAGE = "rounds/participant/discussion.html"
SECTION = "rounds/participant/_discussion.html"


def _item_and_access(request: HttpRequest, round_pk: int, number: int) -> tuple[AgendaItem, selectors.Access]:
    item = agenda_item_for(round_=round_pk, number=number)  # with its round: one query for both
    if item is None:
        raise Http404
    access = selectors.discussion_access(user=request.user, round_=item.round)
    if access.mode is None:
        raise Http404
    return item, access


def _page_number(request: HttpRequest) -> int:
    return pages.page_number(request.GET.get(PAGE_PARAMETER))


def _discussion_url(item: AgendaItem, anchor: str = "", page: int = 1, **params: int) -> str:
    """The discussion page (``page`` of its threads), with query parameters and an anchor."""
    url = reverse("rounds:discussion", kwargs={"round_pk": item.round_id, "number": item.clause.number})
    query = {PAGE_PARAMETER: page} if page > 1 else {}
    query.update(params)
    if query:
        url = f"{url}?{urlencode(query)}"
    return f"{url}#{anchor}" if anchor else url


def _page_of(item: AgendaItem, comment_id: int | None) -> int:
    if comment_id is None:
        return 1
    return selectors.discussion_page_of(comment_id=comment_id, agenda_item_id=item.pk)


def _context(request: HttpRequest, item: AgendaItem, access: selectors.Access, page: int = 1, **extra) -> dict:
    forms = OpenForms(**{name: extra.pop(name) for name in list(extra) if name in OpenForms.__dataclass_fields__})
    context = {
        "round": item.round,
        "item": item,
        "clause": item.clause,
        "access": access,
        "window": comments.comment_window(round_=item.round),
        "form": CommentForm(agenda_item=item, prefix_id="new"),
    }
    context.update(extra)
    threads = threads_for_reader(request=request, item=item, access=access, page=page, forms=forms)
    context.update(threads=threads, comment_total=threads.total, page_number=threads.number)
    return context


def _refresh(request: HttpRequest, item: AgendaItem, access: selectors.Access, anchor: str) -> HttpResponse:
    """After an action: htmx gets the updated discussion section, everyone else a redirect to the page."""
    comment_id = int(anchor.removeprefix("comment-"))
    page = _page_of(item, comment_id)
    if request.htmx:
        # The action moved the thread's version on in the database: the page is keyed on the new one.
        item.refresh_from_db(fields=["version"])
        response = render(request, SECTION, _context(request, item, access, page=page))
        trigger_client_event(response, "commentChanged", {"id": comment_id}, after="settle")
        push_url(response, _discussion_url(item, page=page))
        return reswap(retarget(response, "#discussion"), "outerHTML")
    return redirect(_discussion_url(item, anchor, page))


def _shared_discussion(request: HttpRequest, round_pk: int, number: int) -> HttpResponse:
    """A plain read: the page shared by every reader of the same access level, with the reader's parts."""
    head = participant_selectors.discussion_head(round_id=round_pk, number=number, user=request.user)
    access, organiser = shared_pages.head_access(head, request.user) if head else (None, False)
    if access is None or access.mode is None:
        if request.user.is_authenticated:
            raise Http404
        return redirect_to_login(request.get_full_path())  # perhaps theirs after signing in
    nav = nav_of(request)
    nav.know(organiser=organiser, member=head.member)
    page = _page_number(request)
    return shared_pages.discussion_response(request, head=head, access=access, page=page, nav=nav.state())


@require_GET
def discussion(request: HttpRequest, round_pk: int, number: int) -> HttpResponse:
    if pages.can_share(request) and not ({"antwort", "bearbeiten"} & set(request.GET)):
        return _shared_discussion(request, round_pk, number)
    try:
        item, access = _item_and_access(request, round_pk, number)
    except Http404:
        if request.user.is_authenticated:
            raise
        return redirect_to_login(request.get_full_path())  # perhaps theirs after signing in
    extra = {"page": _page_number(request)}
    if access.can_post and request.GET.get("antwort", "").isdigit():
        parent_id = int(request.GET["antwort"])
        extra |= {
            "reply_to": parent_id,
            "reply_form": ReplyForm(agenda_item=item, initial={"parent": parent_id}, prefix_id=f"r{parent_id}"),
        }
    elif request.GET.get("bearbeiten", "").isdigit():
        comment = Comment.objects.filter(pk=int(request.GET["bearbeiten"]), agenda_item=item).first()
        if comment is not None and comments.comment_can_edit(comment=comment, user=request.user):
            extra |= {"edit_id": comment.pk, "edit_form": _edit_form(comment)}
    # htmx asks for another page of threads: the section is enough.
    return render(request, SECTION if request.htmx else PAGE, _context(request, item, access, **extra))


def _require_poster(request: HttpRequest, round_pk: int, number: int) -> tuple[AgendaItem, selectors.Access]:
    if not request.user.is_authenticated:
        raise Http404
    item, access = _item_and_access(request, round_pk, number)
    if not access.can_post:
        raise PermissionDenied(_("Sie können in dieser Runde keine Beiträge schreiben."))
    return item, access


@require_POST
def comment_post(request: HttpRequest, round_pk: int, number: int) -> HttpResponse:
    item, access = _require_poster(request, round_pk, number)
    is_reply = "parent" in request.POST
    if is_reply:
        parent_id = request.POST.get("parent", "")
        form = ReplyForm(request.POST, agenda_item=item, prefix_id=f"r{parent_id}")
    else:
        form = CommentForm(request.POST, agenda_item=item, prefix_id="new")
    if form.is_valid():
        try:
            comment = comments.comment_post(
                agenda_item=item,
                author=request.user,
                body=form.cleaned_data["body"],
                confidentiality=form.cleaned_data["confidentiality"],
                parent=form.cleaned_data.get("parent"),
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            if not request.htmx:
                messages.success(request, _("Ihr Beitrag ist veröffentlicht."))
            return _refresh(request, item, access, f"comment-{comment.pk}")
    if is_reply:
        parent_id = int(parent_id) if str(parent_id).isdigit() else None
        if request.htmx:
            return render(
                request, "rounds/participant/_reply_form.html", {"item": item, "form": form, "parent_id": parent_id}
            )
        page = _page_of(item, parent_id)
        return render(request, PAGE, _context(request, item, access, page, reply_to=parent_id, reply_form=form))
    if request.htmx:
        return render(
            request,
            "rounds/participant/_comment_form.html",
            {"item": item, "form": form, "window": comments.comment_window(round_=item.round)},
        )
    return render(request, PAGE, _context(request, item, access, form=form))


def _comment_or_404(request: HttpRequest, pk: int) -> tuple[Comment, selectors.Access]:
    comment = (
        Comment.objects.select_related("agenda_item__round__series", "agenda_item__clause", "author", "organisation")
        .filter(pk=pk)
        .first()
    )
    if comment is None or not request.user.is_authenticated:
        raise Http404
    access = selectors.discussion_access(user=request.user, round_=comment.agenda_item.round)
    if access.mode != selectors.FULL:
        raise Http404
    return comment, access


@require_GET
def comment_reply(request: HttpRequest, pk: int) -> HttpResponse:
    """The reply form under a comment: a fragment for htmx, else the page with the form opened."""
    comment, access = _comment_or_404(request, pk)
    item = comment.agenda_item
    if not access.can_post:
        raise PermissionDenied
    if not request.htmx:
        return redirect(_discussion_url(item, f"reply-{comment.pk}", _page_of(item, comment.pk), antwort=comment.pk))
    form = ReplyForm(agenda_item=item, initial={"parent": comment.pk}, prefix_id=f"r{comment.pk}")
    return render(request, "rounds/participant/_reply_form.html", {"item": item, "form": form, "parent_id": comment.pk})


def _edit_form(comment: Comment, data=None) -> CommentForm:
    initial = {"body": comment.body, "confidentiality": comment.confidentiality}
    return CommentForm(data, initial=initial, agenda_item=comment.agenda_item, prefix_id=f"e{comment.pk}")


@require_http_methods(["GET", "POST"])
def comment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    comment, access = _comment_or_404(request, pk)
    item = comment.agenda_item
    if comment.author_id != request.user.pk:
        raise PermissionDenied(_("Nur die Autorin oder der Autor kann einen Beitrag bearbeiten."))
    form = _edit_form(comment, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            comments.comment_edit(
                comment=comment,
                user=request.user,
                body=form.cleaned_data["body"],
                confidentiality=form.cleaned_data["confidentiality"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            if not request.htmx:
                messages.success(request, _("Ihr Beitrag ist geändert."))
            return _refresh(request, item, access, f"comment-{comment.pk}")
    if request.htmx:
        return render(request, "rounds/participant/_edit_form.html", {"form": form, "comment": comment})
    page = _page_of(item, comment.pk)
    return render(request, PAGE, _context(request, item, access, page, edit_id=comment.pk, edit_form=form))


@require_POST
def comment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    comment, access = _comment_or_404(request, pk)
    try:
        comments.comment_delete(comment=comment, user=request.user)
    except DomainError as error:
        raise PermissionDenied(error.message) from error
    if not request.htmx:
        messages.success(request, _("Der Beitrag ist gelöscht."))
    return _refresh(request, comment.agenda_item, access, f"comment-{comment.pk}")


@require_http_methods(["GET", "POST"])
def comment_hide(request: HttpRequest, pk: int) -> HttpResponse:
    comment, access = _comment_or_404(request, pk)
    item = comment.agenda_item
    if not access.moderator:
        raise PermissionDenied(_("Nur Organisator:innen können Beiträge ausblenden."))
    form = HideForm(request.POST or None, prefix_id=f"h{comment.pk}")
    if form.is_valid():
        try:
            comments.comment_hide(comment=comment, user=request.user, reason=form.cleaned_data["reason"])
        except DomainError as error:
            add_domain_error(form, error)
        else:
            if not request.htmx:
                messages.success(request, _("Der Beitrag ist ausgeblendet."))
            return _refresh(request, item, access, f"comment-{comment.pk}")
    if request.htmx:
        return render(request, "rounds/participant/_hide_form.html", {"form": form, "comment": comment})
    page = _page_of(item, comment.pk)
    return render(request, PAGE, _context(request, item, access, page, hide_id=comment.pk, hide_form=form))


@require_POST
def comment_unhide(request: HttpRequest, pk: int) -> HttpResponse:
    comment, access = _comment_or_404(request, pk)
    if not access.moderator:
        raise PermissionDenied(_("Nur Organisator:innen können Beiträge wieder einblenden."))
    comments.comment_unhide(comment=comment, user=request.user)
    if not request.htmx:
        messages.success(request, _("Der Beitrag ist wieder sichtbar."))
    return _refresh(request, comment.agenda_item, access, f"comment-{comment.pk}")


@require_POST
def comment_highlight(request: HttpRequest, pk: int) -> HttpResponse:
    comment, access = _comment_or_404(request, pk)
    if not access.moderator:
        raise PermissionDenied(_("Nur Organisator:innen können Beiträge hervorheben."))
    try:
        comments.comment_highlight(
            comment=comment, user=request.user, highlighted=request.POST.get("highlighted") == "1"
        )
    except DomainError as error:
        messages.error(request, error.message)
    return _refresh(request, comment.agenda_item, access, f"comment-{comment.pk}")
