"""Meeting notes: one form per note, saved automatically (htmx) while typing and on leaving the field."""

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from rounds.forms.organiser.notes import NoteAddForm, NoteForm, NoteResolveForm
from rounds.models import MeetingNote, Round
from rounds.permissions import get_round_to_manage
from rounds.selectors import organiser as selectors
from rounds.services import notes as note_services
from strategy_exchange.errors import DomainError

from .common import form_error

TEMPLATE = "rounds/organiser/notes.html"
GENERAL_SLOT = "allg"


def _editor() -> str:
    """A name for the forms of one page view (one browser tab), so two tabs never pass for one."""
    return secrets.token_hex(8)


def _form(
    round_: Round,
    slot: str,
    data=None,
    *,
    note: MeetingNote | None = None,
    item=None,
    editor: str = "",
    body: str | None = None,
) -> NoteForm:
    initial = {"version": 0, "agenda_item": item.pk if item else None, "editor": editor or _editor()}
    if note is not None:
        initial.update(
            note=note.pk,
            version=note.version,
            body=note.body,
            is_key_finding=note.is_key_finding,
            is_open_question=note.is_open_question,
            agenda_item=note.agenda_item_id,
        )
    if body is not None:
        initial["body"] = body
    save_url = reverse("orga:note_save", kwargs={"pk": round_.pk, "slot": slot})
    general = (note.agenda_item_id is None) if note is not None else item is None
    return NoteForm(data, round_=round_, slot=slot, save_url=save_url, general=general, initial=initial)


def _slots(round_: Round, bound: NoteForm | None = None) -> tuple[list, list]:
    """(agenda items with their note forms, general note forms); ``bound`` replaces the form of its slot."""

    editor = _editor()

    def pick(slot, **kwargs):
        return bound if bound is not None and bound.slot == slot else _form(round_, slot, editor=editor, **kwargs)

    items, general = selectors.notes_by_item(round_=round_)
    sections = []
    for item in items:
        notes = list(item.notes.all())
        forms = [(pick(f"n{n.pk}", note=n), n) for n in notes] or [(pick(f"i{item.pk}", item=item), None)]
        sections.append((item, forms))
    general_forms = [(pick(f"n{n.pk}", note=n), n) for n in general] or [(pick(GENERAL_SLOT), None)]
    return sections, general_forms


def _page(request: HttpRequest, round_: Round, *, bound: NoteForm | None = None, status: int = 200):
    sections, general_forms = _slots(round_, bound)
    context = {
        "round": round_,
        "series": round_.series,
        "active": "notes",
        "sections": sections,
        "general_forms": general_forms,
        "writable": round_.status not in (Round.Status.DRAFT, Round.Status.CANCELLED),
    }
    return render(request, TEMPLATE, context, status=status)


@login_required
@require_GET
def notes(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_round_to_manage(request.user, pk=pk)
    return _page(request, round_)


def _state(response: HttpResponse, slot: str, state: str) -> HttpResponse:
    """Tell the page whether the field's text is stored ("saved") or only in the field ("unsaved")."""
    return trigger_client_event(response, "note-state", {"slot": slot, "state": state})


@login_required
@require_POST
def note_save(request: HttpRequest, pk: int, slot: str) -> HttpResponse:
    round_ = get_round_to_manage(request.user, pk=pk)
    form = NoteForm(request.POST, round_=round_, slot=slot, save_url=request.path, general=slot == GENERAL_SLOT)
    note, conflict, own, error_text = None, None, False, ""
    if form.is_valid():
        try:
            note, _changed = note_services.note_save(round_=round_, user=request.user, **form.service_kwargs())
        except note_services.NoteConflict as error:
            conflict, own, error_text = error.note, error.own, error.message
        except DomainError as error:
            error_text = error.message
            form_error(form, error)
    else:
        error_text = " ".join(e for errors in form.errors.values() for e in errors)
    mine = form.cleaned_data.get("body", "") if conflict is not None else ""
    if request.htmx:
        context = {
            "slot": slot,
            "note": note,
            "conflict": conflict,
            "conflict_own": own,
            "mine": mine,
            "error": error_text,
            "round": round_,
        }
        status = 200 if note else 409 if conflict else 422
        response = render(request, f"{TEMPLATE}#note-status", context, status=status)
        return _state(response, slot, "saved" if note else "unsaved")
    if note is not None:
        messages.success(request, _("Die Notiz ist gespeichert."))
        return redirect(f"{reverse('orga:notes', kwargs={'pk': round_.pk})}#{slot}")
    if conflict is not None:
        # The choice is shown next to the note; saving the form again deliberately keeps the typed version.
        form.data = form.data.copy()
        form.data[form.add_prefix("version")] = conflict.version
        form.conflict, form.conflict_own, form.mine, form.conflict_error = conflict, own, mine, error_text
        messages.error(request, error_text)
    return _page(request, round_, bound=form, status=422)


@login_required
@require_POST
def note_resolve(request: HttpRequest, pk: int, slot: str) -> HttpResponse:
    """After a conflict: put the stored version into the field, or both versions to merge by hand.
    Nothing is saved here; the field is saved as usual once the organiser edits it."""
    round_ = get_round_to_manage(request.user, pk=pk)
    save_url = reverse("orga:note_save", kwargs={"pk": round_.pk, "slot": slot})
    form = NoteForm(request.POST, round_=round_, slot=slot, save_url=save_url, general=slot == GENERAL_SLOT)
    choice = NoteResolveForm(request.POST)
    if not choice.is_valid() or not form.is_valid() or form.cleaned_data["note"] is None:
        # Nothing to resolve against (no stored note of this round): the page shows the notes as stored.
        messages.error(request, _("Diese Notiz lässt sich hier nicht abgleichen. Bitte laden Sie die Seite neu."))
        return _page(request, round_, status=422)
    note, mine, editor = form.cleaned_data["note"], form.cleaned_data["body"], form.cleaned_data["editor"]
    if choice.cleaned_data["choice"] == "theirs":
        resolved = _form(round_, slot, note=note, editor=editor)
        resolved.resolution, resolved.discarded, state = "theirs", mine, "saved"
    else:
        merged = note_services.note_merge_text(stored=note.body, mine=mine)
        resolved = _form(round_, slot, note=note, editor=editor, body=merged)
        resolved.resolution, state = "merge", "unsaved"
    if request.htmx:
        response = render(
            request, "rounds/organiser/_note_form.html", {"form": resolved, "note": note, "round": round_}
        )
        return _state(response, slot, state)
    return _page(request, round_, bound=resolved)


@login_required
@require_POST
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_round_to_manage(request.user, pk=pk)
    form = NoteAddForm(request.POST, round_=round_)
    if not form.is_valid():
        raise Http404  # not an agenda item of this round
    try:
        note = note_services.note_add(round_=round_, agenda_item=form.cleaned_data["agenda_item"], user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("orga:notes", pk=round_.pk)
    return redirect(f"{reverse('orga:notes', kwargs={'pk': round_.pk})}#n{note.pk}")


@login_required
@require_GET
def note_history(request: HttpRequest, pk: int, note_pk: int) -> HttpResponse:
    round_ = get_round_to_manage(request.user, pk=pk)
    note = get_object_or_404(round_.notes.select_related("agenda_item__clause"), pk=note_pk)
    revisions = note.revisions.select_related("author").order_by("-version")
    context = {"round": round_, "series": round_.series, "note": note, "revisions": revisions, "active": "notes"}
    return render(request, "rounds/organiser/note_history.html", context)


@login_required
@require_POST
def note_restore(request: HttpRequest, pk: int, note_pk: int, revision_pk: int) -> HttpResponse:
    round_ = get_round_to_manage(request.user, pk=pk)
    note = get_object_or_404(round_.notes.select_related("round", "agenda_item"), pk=note_pk)
    revision = get_object_or_404(note.revisions, pk=revision_pk)
    try:
        note_services.note_restore(note=note, revision=revision, user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Version %(version)s ist wiederhergestellt.") % {"version": revision.version})
    return redirect("orga:note_history", pk=round_.pk, note_pk=note.pk)
