"""The discussion pages: permissions for every action, htmx and no-JavaScript paths, bad input."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from rounds.models import Comment, FollowUpReport, Round, Series
from rounds.services import comments
from tests.factories import CommentFactory, InvitationFactory, RoundFactory, round_with_roles

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def roles():
    return round_with_roles(starts_at=timezone.now() + datetime.timedelta(days=3))


@pytest.fixture
def comment(roles):
    return CommentFactory(agenda_item=roles.item, author=roles.invited, organisation=roles.invited_org, body="Erster")


def _login(client, roles, role):
    user = roles.user(role)
    if user is not None:
        client.force_login(user)
    return client


def _discussion_url(roles):
    return reverse("rounds:discussion", kwargs={"round_pk": roles.round.pk, "number": roles.clause.number})


def _post_url(roles):
    return reverse("rounds:comment_post", kwargs={"round_pk": roles.round.pk, "number": roles.clause.number})


@pytest.mark.parametrize(
    ("role", "expected"),
    [("organiser", 200), ("invited", 200), ("outsider", 404), ("anonymous", 302), ("admin", 200)],
)
def test_discussion_page_access_by_role(client, roles, comment, role, expected):
    response = _login(client, roles, role).get(_discussion_url(roles))

    assert response.status_code == expected
    if expected == 200:
        assert "Erster" in response.content.decode()


def test_discussion_page_shows_person_organisation_and_window(client, roles, comment):
    client.force_login(roles.organiser)

    content = client.get(_discussion_url(roles)).content.decode()

    assert "Ina Eingeladen" in content
    assert "Stadt Jena" in content
    assert "Beiträge sind vom" in content
    assert "geöffnet" in content


@pytest.mark.parametrize(
    ("role", "expected"),
    [("organiser", 302), ("invited", 302), ("outsider", 404), ("anonymous", 404), ("admin", 302)],
)
def test_comment_post_by_role(client, roles, role, expected):
    response = _login(client, roles, role).post(_post_url(roles), {"body": "Neu", "confidentiality": "quotable"})

    assert response.status_code == expected
    assert Comment.objects.filter(body="Neu").count() == (1 if expected == 302 else 0)


def test_comment_post_without_javascript_redirects_to_comment(client, roles):
    client.force_login(roles.invited)

    response = client.post(_post_url(roles), {"body": "Ohne JS", "confidentiality": "anonymised"})

    comment = Comment.objects.get(body="Ohne JS")
    assert response.url == f"{_discussion_url(roles)}#comment-{comment.pk}"
    assert comment.confidentiality == "anonymised"


def test_comment_post_with_htmx_returns_discussion_section(client, roles):
    client.force_login(roles.invited)

    response = client.post(_post_url(roles), {"body": "Mit htmx", "confidentiality": "quotable"}, **HTMX)

    content = response.content.decode()
    assert response["HX-Retarget"] == "#discussion"
    assert response["HX-Reswap"] == "outerHTML"
    assert content.startswith('<section id="discussion"')
    assert "Mit htmx" in content


def test_comment_post_empty_shows_german_error_next_to_field(client, roles):
    client.force_login(roles.invited)

    response = client.post(_post_url(roles), {"body": "", "confidentiality": "internal"})

    content = response.content.decode()
    assert response.status_code == 200
    assert "Bitte schreiben Sie einen Beitrag." in content
    assert 'value="internal" id="id_new_confidentiality_2" required checked' in content


def test_comment_post_outside_window_keeps_typed_text(client, roles):
    closes = comments.comment_window(round_=roles.round).closes_at

    with time_machine.travel(closes + datetime.timedelta(hours=1)):
        client.force_login(roles.invited)
        response = client.post(_post_url(roles), {"body": "Mein langer Text", "confidentiality": "quotable"})

    content = response.content.decode()
    assert "Die Diskussion ist seit" in content
    assert "Mein langer Text</textarea>" in content
    assert not Comment.objects.filter(body="Mein langer Text").exists()


def test_comment_post_outside_window_with_htmx_returns_form_with_text(client, roles):
    closes = comments.comment_window(round_=roles.round).closes_at

    with time_machine.travel(closes + datetime.timedelta(hours=1)):
        client.force_login(roles.invited)
        response = client.post(_post_url(roles), {"body": "Getippt", "confidentiality": "quotable"}, **HTMX)

    content = response.content.decode()
    assert content.startswith('<form id="comment-form"')
    assert "Getippt</textarea>" in content
    assert "Die Diskussion ist seit" in content


def test_comment_reply_without_javascript(client, roles, comment):
    client.force_login(roles.organiser)

    response = client.post(_post_url(roles), {"body": "Antwort", "confidentiality": "quotable", "parent": comment.pk})

    reply = Comment.objects.get(body="Antwort")
    assert reply.parent == comment
    assert response.url.endswith(f"#comment-{reply.pk}")


def test_comment_reply_to_reply_renders_nested(client, roles, comment):
    reply = CommentFactory(agenda_item=roles.item, parent=comment, body="Ebene 2")
    CommentFactory(agenda_item=roles.item, parent=reply, body="Ebene 3")
    client.force_login(roles.invited)

    content = client.get(_discussion_url(roles)).content.decode()

    assert content.index("Erster") < content.index("Ebene 2") < content.index("Ebene 3")
    assert content.count('class="comment__replies"') == 2


def test_comment_reply_form_fragment_for_htmx(client, roles, comment):
    client.force_login(roles.invited)

    response = client.get(reverse("rounds:comment_reply", kwargs={"pk": comment.pk}), **HTMX)

    content = response.content.decode()
    assert content.startswith(f'<form id="reply-{comment.pk}"')
    assert f'name="parent" value="{comment.pk}"' in content


def test_comment_reply_link_without_javascript_opens_form_on_page(client, roles, comment):
    client.force_login(roles.invited)

    response = client.get(reverse("rounds:comment_reply", kwargs={"pk": comment.pk}), follow=True)

    assert f'<form id="reply-{comment.pk}"' in response.content.decode()


def test_comment_reply_empty_keeps_reply_form_open(client, roles, comment):
    client.force_login(roles.invited)

    response = client.post(_post_url(roles), {"body": " ", "confidentiality": "quotable", "parent": comment.pk})

    content = response.content.decode()
    assert f'<form id="reply-{comment.pk}"' in content
    assert "Bitte schreiben Sie einen Beitrag." in content


@pytest.mark.parametrize(
    ("role", "expected"), [("organiser", 403), ("invited", 302), ("outsider", 404), ("anonymous", 404), ("admin", 403)]
)
def test_comment_edit_by_role(client, roles, comment, role, expected):
    response = _login(client, roles, role).post(
        reverse("rounds:comment_edit", kwargs={"pk": comment.pk}), {"body": "Geändert", "confidentiality": "quotable"}
    )

    comment.refresh_from_db()
    assert response.status_code == expected
    assert comment.body == ("Geändert" if expected == 302 else "Erster")


def test_comment_edit_after_window_shows_german_error_and_keeps_text(client, roles, comment):
    with time_machine.travel(comment.created_at + datetime.timedelta(minutes=45)):
        client.force_login(roles.invited)
        response = client.post(
            reverse("rounds:comment_edit", kwargs={"pk": comment.pk}),
            {"body": "Zu spät", "confidentiality": "quotable"},
        )

    content = response.content.decode()
    assert "nur in den ersten 30 Minuten" in content
    assert "Zu spät</textarea>" in content


@pytest.mark.parametrize(
    ("role", "expected"), [("organiser", 302), ("invited", 302), ("outsider", 404), ("anonymous", 404), ("admin", 302)]
)
def test_comment_delete_by_role(client, roles, comment, role, expected):
    response = _login(client, roles, role).post(reverse("rounds:comment_delete", kwargs={"pk": comment.pk}))

    comment.refresh_from_db()
    assert response.status_code == expected
    assert (comment.deleted_at is not None) == (expected == 302)


def test_comment_delete_by_other_invitee_forbidden(client, roles, comment):
    colleague = InvitationFactory(round=roles.round).user
    client.force_login(colleague)

    response = client.post(reverse("rounds:comment_delete", kwargs={"pk": comment.pk}))

    comment.refresh_from_db()
    assert response.status_code == 403
    assert comment.deleted_at is None


def test_comment_deleted_shows_placeholder_and_keeps_replies(client, roles, comment):
    CommentFactory(agenda_item=roles.item, parent=comment, body="Antwort bleibt")
    comments.comment_delete(comment=comment, user=roles.invited)
    client.force_login(roles.organiser)

    content = client.get(_discussion_url(roles)).content.decode()

    assert "Beitrag gelöscht" in content
    assert "Antwort bleibt" in content


@pytest.mark.parametrize(
    ("role", "expected"), [("organiser", 302), ("invited", 403), ("outsider", 404), ("anonymous", 404), ("admin", 302)]
)
def test_comment_hide_by_role(client, roles, comment, role, expected):
    response = _login(client, roles, role).post(
        reverse("rounds:comment_hide", kwargs={"pk": comment.pk}), {"reason": "Bitte sachlich bleiben"}
    )

    comment.refresh_from_db()
    assert response.status_code == expected
    assert comment.moderation == ("hidden" if expected == 302 else "visible")


def test_comment_hide_without_reason_shows_german_error(client, roles, comment):
    client.force_login(roles.organiser)

    response = client.post(reverse("rounds:comment_hide", kwargs={"pk": comment.pk}), {"reason": ""})

    assert "Bitte nennen Sie einen Grund" in response.content.decode()


def test_comment_hidden_author_sees_reason_others_placeholder(client, roles, comment):
    comments.comment_hide(comment=comment, user=roles.organiser, reason="Persönliche Daten")
    other = InvitationFactory(round=roles.round).user

    client.force_login(roles.invited)
    own = client.get(_discussion_url(roles)).content.decode()
    client.force_login(other)
    foreign = client.get(_discussion_url(roles)).content.decode()

    assert "Persönliche Daten" in own
    assert "Erster" in own
    assert "von der Moderation ausgeblendet" in foreign
    assert "Erster" not in foreign
    assert "Persönliche Daten" not in foreign


def test_comment_unhide_by_organiser(client, roles, comment):
    comments.comment_hide(comment=comment, user=roles.organiser, reason="Prüfen")
    client.force_login(roles.organiser)

    client.post(reverse("rounds:comment_unhide", kwargs={"pk": comment.pk}))

    comment.refresh_from_db()
    assert (comment.moderation, comment.hidden_reason) == ("visible", "")


@pytest.mark.parametrize(
    ("role", "expected"), [("organiser", 302), ("invited", 403), ("outsider", 404), ("anonymous", 404), ("admin", 302)]
)
def test_comment_highlight_by_role(client, roles, comment, role, expected):
    response = _login(client, roles, role).post(
        reverse("rounds:comment_highlight", kwargs={"pk": comment.pk}), {"highlighted": "1"}
    )

    comment.refresh_from_db()
    assert response.status_code == expected
    assert comment.highlighted == (expected == 302)


def test_comment_highlight_with_htmx_returns_section(client, roles, comment):
    client.force_login(roles.organiser)

    response = client.post(reverse("rounds:comment_highlight", kwargs={"pk": comment.pk}), {"highlighted": "1"}, **HTMX)

    assert "comment--highlighted" in response.content.decode()


@pytest.mark.parametrize(
    ("visibility", "outsider_invited_elsewhere", "expected"),
    [("public", False, 200), ("participants", True, 200), ("participants", False, 404)],
)
def test_discussion_after_report_published_follows_series_visibility(
    client, roles, visibility, outsider_invited_elsewhere, expected
):
    Series.objects.filter(pk=roles.series.pk).update(report_visibility=visibility)
    FollowUpReport.objects.create(round=roles.round, version=1, status=FollowUpReport.Status.PUBLISHED)
    if outsider_invited_elsewhere:
        InvitationFactory(round=RoundFactory(series=roles.series, status=Round.Status.INVITED), user=roles.outsider)
    CommentFactory(agenda_item=roles.item, organisation=roles.invited_org, body="Zitierbar", confidentiality="quotable")
    CommentFactory(agenda_item=roles.item, organisation=roles.invited_org, body="Anonym", confidentiality="anonymised")
    CommentFactory(agenda_item=roles.item, organisation=roles.invited_org, body="Geheim", confidentiality="internal")
    client.force_login(roles.outsider)

    response = client.get(_discussion_url(roles))

    assert response.status_code == expected
    if expected == 200:
        content = response.content.decode()
        assert "Zitierbar" in content
        assert "Anonym" in content
        assert "eine teilnehmende Organisation" in content
        assert "Geheim" not in content
        assert "Ina Eingeladen" not in content
        assert 'name="body"' not in content


def test_discussion_before_report_published_hidden_from_outsider(client, roles, comment):
    Series.objects.filter(pk=roles.series.pk).update(report_visibility="public")
    client.force_login(roles.outsider)

    response = client.get(_discussion_url(roles))

    assert response.status_code == 404


def test_discussion_public_after_publication_readable_without_account(client, roles):
    Series.objects.filter(pk=roles.series.pk).update(report_visibility="public")
    FollowUpReport.objects.create(round=roles.round, version=1, status=FollowUpReport.Status.PUBLISHED)
    CommentFactory(agenda_item=roles.item, organisation=roles.invited_org, body="Zitierbar", confidentiality="quotable")
    CommentFactory(agenda_item=roles.item, organisation=roles.invited_org, body="Geheim", confidentiality="internal")

    response = client.get(_discussion_url(roles))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Zitierbar" in content
    assert "Geheim" not in content


def test_discussion_not_public_sends_anonymous_visitor_to_sign_in(client, roles):
    response = client.get(_discussion_url(roles))

    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("account_login"))
