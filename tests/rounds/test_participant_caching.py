"""Cached fragments of the round, discussion and clause pages: a change is visible at once; long
discussions are paged (without JavaScript too); the clause page shows only the latest comments per round."""

import datetime

import pytest
from django.conf import settings
from django.middleware.csrf import _unmask_cipher_token
from django.urls import reverse
from django.utils import timezone

from rounds.models import Comment, FollowUpReport, Invitation, Round
from rounds.selectors.discussion import THREADS_PER_PAGE
from rounds.selectors.participant import CLAUSE_LATEST_COMMENTS
from rounds.services import comments, reports, rsvp
from tests.factories import (
    AgendaItemFactory,
    CommentFactory,
    InvitationFactory,
    MeetingNoteFactory,
    RoundFactory,
    round_with_roles,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def roles():
    return round_with_roles(starts_at=timezone.now() + datetime.timedelta(days=3))


def _discussion_url(roles, page=None):
    url = reverse("rounds:discussion", kwargs={"round_pk": roles.round.pk, "number": roles.clause.number})
    return f"{url}?seite={page}" if page else url


def _comment(roles, body):
    return comments.comment_post(agenda_item=roles.item, author=roles.invited, body=body, confidentiality="quotable")


def test_discussion_cached_thread_shows_new_comment_at_once(client, roles):
    _comment(roles, "Erster Beitrag")
    client.force_login(roles.organiser)
    client.get(_discussion_url(roles))  # fills the cache

    _comment(roles, "Zweiter Beitrag")
    content = client.get(_discussion_url(roles)).content.decode()

    assert ("Erster Beitrag" in content, "Zweiter Beitrag" in content) == (True, True)


def test_discussion_cached_thread_shows_own_comment_posted_through_page(client, roles):
    client.force_login(roles.invited)
    client.get(_discussion_url(roles))

    post_url = reverse("rounds:comment_post", kwargs={"round_pk": roles.round.pk, "number": roles.clause.number})
    response = client.post(post_url, {"body": "Mein neuer Beitrag", "confidentiality": "quotable"})
    content = client.get(_discussion_url(roles)).content.decode()

    assert response.status_code == 302
    assert "Mein neuer Beitrag" in content


def test_discussion_cached_thread_shows_edit_at_once(client, roles):
    comment = _comment(roles, "Urfassung")
    client.force_login(roles.organiser)
    client.get(_discussion_url(roles))

    comments.comment_edit(comment=comment, user=roles.invited, body="Neufassung", confidentiality="quotable")
    content = client.get(_discussion_url(roles)).content.decode()

    assert ("Urfassung" in content, "Neufassung" in content) == (False, True)


def test_discussion_cached_thread_shows_hiding_at_once(client, roles):
    comment = _comment(roles, "Unpassender Beitrag")
    client.force_login(roles.invited)
    other = InvitationFactory(round=roles.round).user
    client.force_login(other)
    client.get(_discussion_url(roles))

    comments.comment_hide(comment=Comment.objects.get(pk=comment.pk), user=roles.organiser, reason="Ton")
    content = client.get(_discussion_url(roles)).content.decode()

    assert "Unpassender Beitrag" not in content
    assert "Dieser Beitrag wurde von der Moderation ausgeblendet." in content


def test_discussion_cached_thread_is_per_viewer(client, roles):
    comment = _comment(roles, "Meiner")
    client.force_login(roles.invited)
    own = client.get(_discussion_url(roles)).content.decode()
    client.force_login(roles.organiser)
    organiser = client.get(_discussion_url(roles)).content.decode()

    edit_url = reverse("rounds:comment_edit", kwargs={"pk": comment.pk})
    hide_url = reverse("rounds:comment_hide", kwargs={"pk": comment.pk})
    assert (edit_url in own, hide_url in own) == (True, False)
    assert (edit_url in organiser, hide_url in organiser) == (False, True)


def test_discussion_cached_thread_carries_the_viewers_csrf_token(client, roles):
    comment = _comment(roles, "Beitrag")
    client.force_login(roles.organiser)
    client.get(_discussion_url(roles))
    client.logout()
    client.force_login(roles.organiser)

    response = client.get(_discussion_url(roles))

    delete_form = response.content.decode().split(reverse("rounds:comment_delete", kwargs={"pk": comment.pk}))[-1]
    token = delete_form.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    assert _unmask_cipher_token(token) == client.cookies[settings.CSRF_COOKIE_NAME].value


def _threads(roles, count):
    start = timezone.now() - datetime.timedelta(hours=count)
    roots = []
    for index in range(count):
        root = CommentFactory(agenda_item=roles.item, body=f"Faden {index:03d}")
        Comment.objects.filter(pk=root.pk).update(created_at=start + datetime.timedelta(minutes=index))
        roots.append(root)
    return roots


def test_discussion_paginates_threads_without_javascript(client, roles):
    roots = _threads(roles, THREADS_PER_PAGE + 2)
    CommentFactory(agenda_item=roles.item, parent=roots[-1], body="Antwort im letzten Faden")
    client.force_login(roles.invited)

    first = client.get(_discussion_url(roles)).content.decode()
    second = client.get(_discussion_url(roles, 2)).content.decode()

    assert [f"Faden {i:03d}" in first for i in (0, THREADS_PER_PAGE - 1, THREADS_PER_PAGE)] == [True, True, False]
    assert [f"Faden {i:03d}" in second for i in (0, THREADS_PER_PAGE, THREADS_PER_PAGE + 1)] == [False, True, True]
    assert "Antwort im letzten Faden" in second
    assert f'href="{_discussion_url(roles, 2)}#discussion"' in first
    assert "Diskussion (33 Beiträge)" in second


def test_discussion_next_page_with_htmx_returns_section(client, roles):
    _threads(roles, THREADS_PER_PAGE + 1)
    client.force_login(roles.invited)

    response = client.get(_discussion_url(roles, 2), **HTMX)
    content = response.content.decode()

    assert content.startswith('<section id="discussion"')
    assert f"Faden {THREADS_PER_PAGE:03d}" in content


def test_discussion_reply_redirects_to_page_of_thread(client, roles):
    roots = _threads(roles, THREADS_PER_PAGE + 1)
    client.force_login(roles.invited)
    post_url = reverse("rounds:comment_post", kwargs={"round_pk": roles.round.pk, "number": roles.clause.number})
    parent = roots[-1]

    response = client.post(post_url, {"parent": parent.pk, "body": "Antwort", "confidentiality": "quotable"})

    reply = Comment.objects.get(parent=parent)
    assert response["Location"] == f"{_discussion_url(roles, 2)}#comment-{reply.pk}"


def test_clause_history_shows_latest_comments_per_round_with_link(client, roles):
    roots = _threads(roles, CLAUSE_LATEST_COMMENTS + 3)
    client.force_login(roles.invited)

    content = client.get(reverse("rounds:clause_history", kwargs={"number": roles.clause.number})).content.decode()

    shown = [f"Faden {i:03d}" in content for i in range(len(roots))]
    assert shown == [False] * 3 + [True] * CLAUSE_LATEST_COMMENTS
    assert f"Alle {len(roots)} Beiträge in der Diskussion dieser Runde" in content
    assert f'href="{_discussion_url(roles)}"' in content


def test_clause_history_cached_shows_new_comment_at_once(client, roles):
    client.force_login(roles.invited)
    url = reverse("rounds:clause_history", kwargs={"number": roles.clause.number})
    client.get(url)

    _comment(roles, "Ganz neu")

    assert "Ganz neu" in client.get(url).content.decode()


def test_clause_history_comment_in_one_round_renders_only_that_rounds_section_again(client, roles, monkeypatch):
    from rounds.views.participant import clause_history as view

    other_round = RoundFactory(series=roles.series, status=Round.Status.INVITED, starts_at=roles.round.starts_at)
    AgendaItemFactory(round=other_round, clause=roles.clause, order=1)
    rendered = []
    selector = view.selectors.clause_history

    def recording(*, rounds_page, user):
        rendered.append(sorted(item.round_id for item in rounds_page.items))
        return selector(rounds_page=rounds_page, user=user)

    monkeypatch.setattr(view.selectors, "clause_history", recording)
    client.force_login(roles.invited)
    url = reverse("rounds:clause_history", kwargs={"number": roles.clause.number})
    client.get(url)

    _comment(roles, "Nur diese Runde")
    content = client.get(url).content.decode()

    assert rendered == [sorted([roles.round.pk, other_round.pk]), [roles.round.pk]]
    assert "Nur diese Runde" in content
    assert content.count('class="kern-card clause-round"') == 2


def test_round_page_cached_comment_count_and_organisations_follow_changes(client, roles):
    url = reverse("rounds:round_detail", kwargs={"pk": roles.round.pk})
    client.force_login(roles.invited)
    client.get(url)

    _comment(roles, "Beitrag")
    late = InvitationFactory(round=roles.round)
    late.organisation.name = "Landkreis Spät"
    late.organisation.save()
    rsvp.rsvp_answer(invitation=Invitation.objects.get(pk=late.pk), answer="accept")
    content = client.get(url).content.decode()

    assert "Zur Diskussion (1 Beitrag)" in content
    assert "Landkreis Spät" in content


def test_round_page_cached_key_findings_appear_after_publishing(client, roles):
    MeetingNoteFactory(round=roles.round, agenda_item=roles.item, is_key_finding=True, body="Kernsatz")
    report = FollowUpReport.objects.create(round=roles.round, version=1, status=FollowUpReport.Status.BUILT)
    url = reverse("rounds:round_detail", kwargs={"pk": roles.round.pk})
    client.force_login(roles.invited)
    before = client.get(url).content.decode()

    reports.report_publish(report=report, user=roles.organiser)
    after = client.get(url).content.decode()

    assert ("Kernsatz" in before, "Kernsatz" in after) == (False, True)


def test_renamed_names_show_at_once_on_round_clause_and_discussion_pages(client, roles):
    comments.comment_post(agenda_item=roles.item, author=roles.invited, body="Beitrag", confidentiality="quotable")
    rsvp.rsvp_answer(invitation=roles.invitation, answer="accept")
    pages = [
        reverse("rounds:round_detail", kwargs={"pk": roles.round.pk}),
        reverse("rounds:clause_history", kwargs={"number": roles.clause.number}),
        _discussion_url(roles),
    ]
    client.force_login(roles.invited)
    for url in pages:
        client.get(url)

    # As the admin and the services do it: through the model, not past it.
    roles.clause.title = "Offene Daten als Grundsatz"
    roles.clause.save()
    roles.invited_org.name = "Wissenschaftsstadt Jena"
    roles.invited_org.save()
    roles.series.title = "Reihe Mitteldeutschland"
    roles.series.save()
    round_page, clause_page, discussion = (client.get(url).content.decode() for url in pages)

    assert ("Offene Daten als Grundsatz" in round_page, "Wissenschaftsstadt Jena" in round_page) == (True, True)
    assert "Reihe Mitteldeutschland" in clause_page
    assert "Wissenschaftsstadt Jena" in discussion
