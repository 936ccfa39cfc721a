"""Every write that changes what a page shows is visible at the next request of a reader who had the page
(with its fragments) cached: through services, model saves and deletes as the admin does them, the
``QuerySet.update()`` hook, a renamed person and a deleted account. Also: eviction never brings back
older HTML, and text that looks like a token is shown as written."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from clauses.models import Position, Suggestion
from clauses.services import (
    clause_update,
    position_save,
    suggestion_accept,
    suggestion_dismiss,
    suggestions_refresh,
)
from participants.directory import organisation_merge
from participants.models import Organisation
from rounds.models import Comment, Invitation, Round
from rounds.services import comments, rsvp
from rounds.services import invitations as invitation_services
from rounds.services import rounds as round_services
from rounds.services.agenda import agenda_add_suggestions
from rounds.services.privacy import account_delete
from strategy_exchange.fragments import rows_changed
from tests.factories import (
    AgendaItemFactory,
    ClauseFactory,
    InvitationFactory,
    MeetingNoteFactory,
    MembershipFactory,
    OrganisationFactory,
    PositionFactory,
    RoundFactory,
    StrategyFactory,
    SuggestionFactory,
    UserFactory,
    round_with_roles,
)

pytestmark = pytest.mark.django_db


@dataclass
class World:
    roles: object
    reader: object  # an invited representative of another organisation, who reads every page
    comment: Comment
    position: Position
    suggestion: Suggestion  # an open passage of the strategy's PDF proposed for the clause


@pytest.fixture
def world():
    roles = round_with_roles(starts_at=timezone.now() + datetime.timedelta(days=3))
    rsvp.rsvp_answer(invitation=roles.invitation, answer="accept")
    reader_org = OrganisationFactory(name="Stadt Bamberg")
    reader = UserFactory(full_name="Rita Leserin")
    MembershipFactory(user=reader, organisation=reader_org)
    InvitationFactory(round=roles.round, user=reader, organisation=reader_org, rsvp=Invitation.Rsvp.ACCEPTED)
    comment = comments.comment_post(
        agenda_item=roles.item, author=roles.invited, body="Erster Beitrag", confidentiality="quotable"
    )
    strategy = StrategyFactory(organisation=roles.invited_org, title="Smart City Jena 2030")
    position = PositionFactory(strategy=strategy, clause=roles.clause, status=Position.Status.CONTAINS)
    suggestion = SuggestionFactory(strategy=strategy, clause=roles.clause)
    return World(
        roles=roles, reader=reader, comment=Comment.objects.get(pk=comment.pk), position=position, suggestion=suggestion
    )


# The pages, and who reads them -----------------------------------------------------------------------


def _round_page(w: World):
    return reverse("rounds:round_detail", kwargs={"pk": w.roles.round.pk}), w.reader


def _discussion(w: World):
    kwargs = {"round_pk": w.roles.round.pk, "number": w.roles.clause.number}
    return reverse("rounds:discussion", kwargs=kwargs), w.reader


def _clause_page(w: World):
    return reverse("rounds:clause_history", kwargs={"number": w.roles.clause.number}), w.reader


def _matrix(w: World):
    return reverse("clauses:matrix"), w.reader


def _series_page(w: World):
    return reverse("orga:series_detail", kwargs={"slug": w.roles.series.slug}), w.roles.organiser


def _dashboard(w: World):
    return reverse("orga:dashboard"), w.roles.organiser


def _organisation_page(w: World):
    slug = Organisation.objects.get(pk=w.roles.invited_org.pk).slug
    return reverse("orga:organisation_detail", kwargs={"slug": slug}), w.roles.organiser


# The writes: each returns the text the page shows afterwards and the text it no longer shows ----------


def comment_posted(w: World):
    comments.comment_post(
        agenda_item=w.roles.item, author=w.roles.invited, body="Zweiter Beitrag", confidentiality="quotable"
    )
    return "Zweiter Beitrag", None


def comment_posted_counts(w: World):
    comment_posted(w)
    return "Zur Diskussion (2 Beiträge)", "Zur Diskussion (1 Beitrag)"


def comment_saved_as_admin(w: World):
    w.comment.body = "Korrigiert im Admin"
    w.comment.save()
    return "Korrigiert im Admin", "Erster Beitrag"


def comment_deleted_as_admin(w: World):
    w.comment.delete()
    return "Noch keine Beiträge.", "Erster Beitrag"


def comment_deleted_counts(w: World):
    w.comment.delete()
    return "Zur Diskussion (0 Beiträge)", "Zur Diskussion (1 Beitrag)"


def comment_updated_with_hook(w: World):
    rows = Comment.objects.filter(pk=w.comment.pk)
    rows.update(body="Per Update", body_html="<p>Per Update</p>", highlighted=True)
    rows_changed(Comment, [w.comment.pk])
    return "Per Update", "Erster Beitrag"


def comment_moderated(w: World):
    comments.comment_hide(comment=w.comment, user=w.roles.organiser, reason="Ton")
    return "Dieser Beitrag wurde von der Moderation ausgeblendet.", "Erster Beitrag"


def person_renamed(w: World):
    w.roles.invited.full_name = "Ina Umbenannt"
    w.roles.invited.save()
    return "Ina Umbenannt", "Ina Eingeladen"


def account_deleted(w: World):
    account_delete(user=w.roles.invited)
    return "ehemalige:r Vertreter:in", "Ina Eingeladen"


def organisation_renamed(w: World):
    organisation = Organisation.objects.get(pk=w.roles.invited_org.pk)
    organisation.name = "Wissenschaftsstadt Jena"
    organisation.save()
    return "Wissenschaftsstadt Jena", None


def organisation_deleted_as_admin(w: World):
    OrganisationFactory(name="Gemeinde Leer")  # stays
    Organisation.objects.get(pk=w.roles.invited_org.pk).delete()
    return 'aria-labelledby="matrix-heading"', "Stadt Jena, § 4"


def clause_renamed(w: World):
    w.roles.clause.title = "Offene Daten als Grundsatz"
    w.roles.clause.save()
    return "Offene Daten als Grundsatz", "Beteiligung aller relevanten Akteure"


def clause_edited_in_library(w: World):
    clause_update(clause=w.roles.clause, author=w.roles.organiser, title="Offene Daten als Grundsatz")
    return "Offene Daten als Grundsatz", "Beteiligung aller relevanten Akteure"


def organisations_merged(w: World):
    target = OrganisationFactory(name="Kommune Jena")
    organisation_merge(source=w.roles.invited_org, target=target, merged_by=w.roles.organiser)
    return "Kommune Jena", "Stadt Jena"


def series_renamed(w: World):
    w.roles.series.title = "Reihe Mitteldeutschland"
    w.roles.series.save()
    return "Reihe Mitteldeutschland", None


def position_saved(w: World):
    position_save(
        strategy=w.position.strategy, clause=w.roles.clause, user=w.roles.invited, status=Position.Status.ABSENT
    )
    return "§ 4: nicht enthalten", "§ 4: enthalten"


def position_saved_as_admin(w: World):
    w.position.status = Position.Status.PARTLY
    w.position.save()
    return "§ 4: teilweise", "§ 4: enthalten"


def position_updated_with_hook(w: World):
    rows = Position.objects.filter(pk=w.position.pk)
    rows.update(status=Position.Status.ABSENT)
    rows_changed(Position, rows.values("pk"))
    return "§ 4: nicht enthalten", "§ 4: enthalten"


def position_deleted_as_admin(w: World):
    w.position.delete()
    return "position position--none", "§ 4: enthalten"


OPEN_SUGGESTION = "1 Vorschlag aus hochgeladenen Strategien ist noch nicht geprüft"


def suggestion_dismissed(w: World):
    suggestion_dismiss(suggestion=w.suggestion, user=w.roles.invited)
    return 'aria-labelledby="chart-heading"', OPEN_SUGGESTION


def suggestion_accepted(w: World):
    suggestion_accept(suggestion=w.suggestion, user=w.roles.invited, status=Position.Status.PARTLY, quote="Zitat")
    return "§ 4: teilweise", OPEN_SUGGESTION


def suggestions_refreshed(w: World):
    suggestions_refresh(strategy_id=w.position.strategy_id)  # § 4 is answered: nothing is proposed for it
    return 'aria-labelledby="chart-heading"', OPEN_SUGGESTION


def position_saved_on_organisation_page(w: World):
    position_saved(w)
    return "<strong>nicht enthalten</strong>", "<strong>enthalten</strong>"


def invitation_answered(w: World):
    late_org = OrganisationFactory(name="Landkreis Spät")
    late = InvitationFactory(round=w.roles.round, organisation=late_org)
    rsvp.rsvp_answer(invitation=late, answer="accept")
    return "Landkreis Spät", None


def invitation_declined_with_update(w: World):
    rows = Invitation.objects.filter(round=w.roles.round, organisation=w.roles.invited_org)
    rows.update(rsvp=Invitation.Rsvp.DECLINED)
    rows_changed(Invitation, rows.values("pk"))
    return "Stadt Bamberg", "Stadt Jena"


def attendance_recorded(w: World):
    late_org = OrganisationFactory(name="Landkreis Anwesend")
    person = UserFactory(full_name="Anna Anwesend")
    Invitation.objects.bulk_create([Invitation(round=w.roles.round, user=person, organisation=late_org)])  # no signal
    Round.objects.filter(pk=w.roles.round.pk).update(starts_at=timezone.now() - datetime.timedelta(hours=1))
    present = Invitation.objects.filter(round=w.roles.round, user=person)
    invitation_services.attendance_set(round_=Round.objects.get(pk=w.roles.round.pk), present=present)
    return "Landkreis Anwesend", None


def round_renumbered(w: World):
    round_services.round_renumber(round_=w.roles.round, number=97)
    return "Runde 97", None


def agenda_suggestion_ticked(w: World):
    clause = ClauseFactory(number=8, title="Offene Schnittstellen")
    agenda_add_suggestions(round_=w.roles.round, clauses=[clause], by=w.roles.organiser)
    return "Offene Schnittstellen", None


def agenda_question_ticked(w: World):
    earlier = RoundFactory(series=w.roles.series, status=Round.Status.HELD)
    item = AgendaItemFactory(round=earlier, clause=ClauseFactory(number=9, title="Datenräume der Region"))
    question = MeetingNoteFactory(round=earlier, agenda_item=item, body="Wer betreibt sie?", is_open_question=True)
    agenda_add_suggestions(round_=w.roles.round, questions=[question], by=w.roles.organiser)
    return "Datenräume der Region", None


CASES: list[tuple[Callable, Callable]] = [
    (_discussion, comment_posted),
    (_discussion, comment_saved_as_admin),
    (_discussion, comment_deleted_as_admin),
    (_discussion, comment_updated_with_hook),
    (_discussion, comment_moderated),
    (_discussion, person_renamed),
    (_discussion, account_deleted),
    (_discussion, organisation_renamed),
    (_round_page, comment_posted_counts),
    (_round_page, comment_deleted_counts),
    (_round_page, clause_renamed),
    (_round_page, organisation_renamed),
    (_round_page, invitation_answered),
    (_round_page, invitation_declined_with_update),
    (_round_page, attendance_recorded),
    (_round_page, round_renumbered),
    (_round_page, agenda_suggestion_ticked),
    (_round_page, agenda_question_ticked),
    (_series_page, agenda_suggestion_ticked),
    (_clause_page, comment_posted),
    (_clause_page, comment_saved_as_admin),
    (_clause_page, comment_updated_with_hook),
    (_clause_page, person_renamed),
    (_clause_page, account_deleted),
    (_clause_page, organisation_renamed),
    (_clause_page, series_renamed),
    (_clause_page, round_renumbered),
    (_matrix, position_saved),
    (_matrix, position_saved_as_admin),
    (_matrix, position_updated_with_hook),
    (_matrix, position_deleted_as_admin),
    (_matrix, organisation_renamed),
    (_matrix, organisation_deleted_as_admin),
    (_round_page, clause_edited_in_library),
    (_clause_page, clause_edited_in_library),
    (_discussion, clause_edited_in_library),
    (_round_page, organisations_merged),
    (_discussion, organisations_merged),
    (_clause_page, organisations_merged),
    (_matrix, organisations_merged),
    (_matrix, suggestion_dismissed),
    (_matrix, suggestion_accepted),
    (_matrix, suggestions_refreshed),
    (_series_page, organisation_renamed),
    (_series_page, invitation_answered),
    (_series_page, series_renamed),
    (_series_page, attendance_recorded),
    (_series_page, round_renumbered),
    (_organisation_page, round_renumbered),
    (_dashboard, series_renamed),
    (_organisation_page, person_renamed),
    (_organisation_page, organisation_renamed),
    (_organisation_page, position_saved_on_organisation_page),
]


def _ids(case) -> str:
    page, write = case
    return f"{page.__name__.strip('_')}-{write.__name__}"


@pytest.mark.parametrize("case", CASES, ids=[_ids(case) for case in CASES])
def test_write_shows_at_the_next_request_of_a_reader_with_the_page_cached(client, world, case):
    page, write = case
    url, reader = page(world)
    client.force_login(reader)
    first = client.get(url)
    assert first.status_code == 200
    client.get(url)  # served from the fragments now

    shown, gone = write(world)
    content = client.get(url).content.decode()

    assert shown in content
    if gone is not None:
        assert gone not in content


def test_write_after_the_cache_lost_every_key_never_brings_back_older_html(client, world):
    url, reader = _discussion(world)
    client.force_login(reader)
    client.get(url)
    comment_saved_as_admin(world)
    cache.clear()  # eviction: every key, fragments and all, is gone between the write and the read

    after_eviction = client.get(url).content.decode()
    comment_updated_with_hook(world)
    after_next_write = client.get(url).content.decode()

    assert ("Korrigiert im Admin" in after_eviction, "Erster Beitrag" in after_eviction) == (True, False)
    assert ("Per Update" in after_next_write, "Korrigiert im Admin" in after_next_write) == (True, False)


def test_stale_instance_saved_later_cannot_write_an_older_version_back(client, world):
    url, reader = _round_page(world)
    stale = type(world.roles.round).objects.get(pk=world.roles.round.pk)  # loaded before the comment below
    client.force_login(reader)
    comment_posted(world)
    client.get(url)  # caches the page with two comments

    stale.title = "Neuer Titel"
    stale.save()
    comments.comment_post(
        agenda_item=world.roles.item, author=world.roles.invited, body="Dritter", confidentiality="quotable"
    )
    content = client.get(url).content.decode()

    assert "Zur Diskussion (3 Beiträge)" in content


def test_comment_that_looks_like_a_token_is_shown_exactly_as_written(client, world):
    body = "Siehe https://evil.example/?t=csrf-token-of-the-viewer und csrfmiddlewaretoken"
    comments.comment_post(
        agenda_item=world.roles.item, author=world.roles.invited, body=body, confidentiality="quotable"
    )
    url, _reader = _discussion(world)
    client.force_login(world.roles.organiser)
    client.get(url)

    response = client.get(url)
    content = response.content.decode()

    assert "https://evil.example/?t=csrf-token-of-the-viewer" in content
    assert response.cookies.get("csrftoken") is None or response.cookies["csrftoken"].value not in content


def test_discussion_thread_is_cached_once_for_all_readers_of_a_level(client, world):
    url, reader = _discussion(world)
    other = UserFactory(full_name="Otto Zweitleser")
    InvitationFactory(round=world.roles.round, user=other, organisation=world.roles.outsider_org)
    client.force_login(reader)
    client.get(url)
    keys_after_first = _fragment_keys()

    client.force_login(other)
    client.get(url)

    assert _fragment_keys() == keys_after_first


def _fragment_keys() -> set[str]:
    backend = cache._cache if hasattr(cache, "_cache") else None
    if isinstance(backend, dict):  # locmem
        return {key for key in backend if "fragment:threads" in key}
    return set(cache.keys("*fragment:threads*"))  # django-redis


def test_own_edit_link_and_moderation_controls_are_per_reader(client, world):
    url, reader = _discussion(world)
    edit_url = reverse("rounds:comment_edit", kwargs={"pk": world.comment.pk})
    hide_url = reverse("rounds:comment_hide", kwargs={"pk": world.comment.pk})

    views = {}
    for person in (reader, world.roles.invited, world.roles.organiser):
        client.force_login(person)
        views[person.full_name] = client.get(url).content.decode()

    assert (edit_url in views["Rita Leserin"], hide_url in views["Rita Leserin"]) == (False, False)
    assert (edit_url in views["Ina Eingeladen"], hide_url in views["Ina Eingeladen"]) == (True, False)
    assert (edit_url in views["Olga Organisatorin"], hide_url in views["Olga Organisatorin"]) == (False, True)


def test_edit_link_ends_after_thirty_minutes_without_a_write(client, world, time_machine):
    url, _reader = _discussion(world)
    edit_url = reverse("rounds:comment_edit", kwargs={"pk": world.comment.pk})
    client.force_login(world.roles.invited)
    before = client.get(url).content.decode()

    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=31))
    after = client.get(url).content.decode()

    assert (edit_url in before, edit_url in after) == (True, False)


def test_own_hidden_comment_shows_its_text_to_the_author_only(client, world):
    comments.comment_hide(comment=world.comment, user=world.roles.organiser, reason="Ton")
    url, reader = _discussion(world)

    client.force_login(reader)
    others = client.get(url).content.decode()
    client.force_login(world.roles.invited)
    own = client.get(url).content.decode()

    assert ("Erster Beitrag" in others, "Erster Beitrag" in own) == (False, True)
    assert "Grund: Ton" in own


def _normalised(html: str) -> str:
    """Without CSRF tokens (masked anew for every use) and differences of whitespace."""
    import re

    html = re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]+', r"\1", html)
    html = re.sub(r'("X-CSRFToken": ")[^"]+', r"\1", html)
    return re.sub(r"\s+", " ", html).replace("> <", "><").strip()


@pytest.mark.parametrize("who", ["reader", "author", "organiser"])
@pytest.mark.parametrize("htmx", [False, True])
def test_shared_discussion_page_equals_the_ordinary_rendering(client, world, monkeypatch, who, htmx):
    from rounds.views.participant import discussion

    comments.comment_hide(comment=world.comment, user=world.roles.organiser, reason="Ton")
    comments.comment_post(
        agenda_item=world.roles.item, author=world.reader, body="Antwort", confidentiality="internal", parent=None
    )
    person = {"reader": world.reader, "author": world.roles.invited, "organiser": world.roles.organiser}[who]
    url, _reader = _discussion(world)
    headers = {"HX-Request": "true"} if htmx else {}
    client.force_login(person)

    shared = client.get(url, headers=headers).content.decode()
    monkeypatch.setattr(discussion.pages, "can_share", lambda request: False)
    ordinary = client.get(url, headers=headers).content.decode()

    assert _normalised(shared) == _normalised(ordinary)


@pytest.mark.parametrize("status", ["invited", "held"])
@pytest.mark.parametrize("who", ["reader", "author", "organiser", "admin"])
def test_shared_round_page_equals_the_ordinary_rendering(client, world, monkeypatch, who, status):
    from rounds.models import Round
    from rounds.views.participant import rounds as round_views

    Round.objects.filter(pk=world.roles.round.pk).update(status=status)
    rows_changed(Round, [world.roles.round.pk])
    if who == "author" and status == "held":  # a stand-in relation: the box is the reader's own
        InvitationFactory(
            round=world.roles.round, organisation=world.roles.invited_org, stand_in_for=world.roles.invitation
        )

    colleague = UserFactory(full_name="Kai Kollege")
    MembershipFactory(user=colleague, organisation=world.roles.invited_org)
    person = {"reader": world.reader, "author": world.roles.invited, "organiser": world.roles.organiser,
              "admin": world.roles.admin}[who]  # fmt: skip
    url, _reader = _round_page(world)
    client.force_login(person)

    shared = client.get(url).content.decode()
    monkeypatch.setattr(round_views.pages, "can_share", lambda request: False)
    ordinary = client.get(url).content.decode()

    assert _normalised(shared) == _normalised(ordinary)


@pytest.mark.parametrize("who", ["reader", "outsider", "organiser", "anonymous"])
def test_shared_clause_page_equals_the_ordinary_rendering(client, world, monkeypatch, who):
    from rounds.models import FollowUpReport
    from rounds.views.participant import clause_history

    FollowUpReport.objects.create(round=world.roles.round, version=1, status=FollowUpReport.Status.PUBLISHED)
    world.roles.series.report_visibility = "public"
    world.roles.series.save()
    url, _reader = _clause_page(world)
    person = {"reader": world.reader, "outsider": world.roles.outsider, "organiser": world.roles.organiser}.get(who)
    if person is not None:
        client.force_login(person)

    shared = client.get(url).content.decode()
    monkeypatch.setattr(clause_history.pages_, "can_share", lambda request: False)
    ordinary = client.get(url).content.decode()

    assert _normalised(shared) == _normalised(ordinary)
    assert "Erster Beitrag" in shared


@pytest.mark.parametrize("query", ["", "?page=2", "?kind=city", "?state=XX"])
def test_shared_matrix_page_equals_the_ordinary_rendering(client, world, monkeypatch, query):
    from clauses import views as clause_views

    url, _reader = _matrix(world)
    client.force_login(world.roles.organiser)

    shared = client.get(url + query).content.decode()
    monkeypatch.setattr(clause_views.pages, "can_share", lambda request: False)
    ordinary = client.get(url + query).content.decode()

    assert _normalised(shared) == _normalised(ordinary)


@pytest.mark.parametrize("page", ["0", "-1", "abc", "²", "9" * 5000, "99999999999", " 2"])
def test_odd_page_numbers_answer_a_page(client, world, page):
    client.force_login(world.reader)

    for page_of in (_discussion, _clause_page):
        url, _reader = page_of(world)
        response = client.get(url, {"seite": page})

        assert (response.status_code, "Erster Beitrag" in response.content.decode()) == (200, True)


@pytest.mark.parametrize("action", ["post", "edit", "hide"])
def test_htmx_answer_to_an_action_shows_it_although_the_page_was_cached(client, world, action):
    url, _reader = _discussion(world)
    author = world.roles.organiser if action == "hide" else world.roles.invited
    client.force_login(author)
    client.get(url)  # fills the cache with the thread as it was
    htmx = {"HX-Request": "true"}
    kwargs = {"pk": world.comment.pk}
    if action == "post":
        post_url = reverse(
            "rounds:comment_post", kwargs={"round_pk": world.roles.round.pk, "number": world.roles.clause.number}
        )
        response = client.post(
            post_url,
            {
                "new-body": "Per htmx",
                "new-confidentiality": "quotable",
                "body": "Per htmx",
                "confidentiality": "quotable",
            },
            headers=htmx,
        )
        expected = "Per htmx"
    elif action == "edit":
        response = client.post(
            reverse("rounds:comment_edit", kwargs=kwargs),
            {"body": "Neu per htmx", "confidentiality": "quotable"},
            headers=htmx,
        )
        expected = "Neu per htmx"
    else:
        response = client.post(reverse("rounds:comment_hide", kwargs=kwargs), {"reason": "Ton"}, headers=htmx)
        expected = "Von der Moderation ausgeblendet"

    assert expected in response.content.decode()
