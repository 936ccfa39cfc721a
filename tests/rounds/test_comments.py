"""Comment services: window, posting, editing, soft delete, moderation, reply email, public attribution."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from rounds.models import Comment
from rounds.services import comments
from strategy_exchange.errors import DomainError
from strategy_exchange.models import OutboxMessage
from strategy_exchange.outbox import outbox_deliver
from tests import mailbackends
from tests.factories import CommentFactory, OrganisationFactory, UserFactory, round_with_roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def roles():
    return round_with_roles(starts_at=timezone.now() + datetime.timedelta(days=3))


def _post(roles, body="Wir haben Bürgerwerkstätten genutzt.", **kwargs):
    kwargs.setdefault("author", roles.invited)
    kwargs.setdefault("confidentiality", Comment.Confidentiality.QUOTABLE)
    return comments.comment_post(agenda_item=roles.item, body=body, **kwargs)


def test_comment_post_attributes_invitation_organisation(roles):
    comment = _post(roles)

    assert comment.organisation == roles.invited_org
    assert comment.author == roles.invited


def test_comment_post_empty_refused(roles):
    with pytest.raises(DomainError) as error:
        _post(roles, body="   ")

    assert error.value.message == "Bitte schreiben Sie einen Beitrag."
    assert error.value.field == "body"


def test_comment_post_outsider_refused(roles):
    with pytest.raises(DomainError):
        _post(roles, author=roles.outsider)

    assert Comment.objects.count() == 0


def test_comment_window_from_series_days(roles):
    roles.series.comment_days_before = 14
    roles.series.comment_days_after = 7

    window = comments.comment_window(round_=roles.round)

    assert window.opens_at == roles.round.starts_at - datetime.timedelta(days=14)
    assert window.closes_at == roles.round.starts_at + datetime.timedelta(days=7)


def test_comment_post_before_window_refused_with_opening_date(roles):
    roles.series.comment_days_before = 1
    roles.series.save()

    with pytest.raises(DomainError) as error:
        _post(roles)

    assert error.value.message.startswith("Die Diskussion ist noch nicht geöffnet. Beiträge sind ab ")


def test_comment_post_after_window_refused(roles):
    closes = comments.comment_window(round_=roles.round).closes_at

    with time_machine.travel(closes), pytest.raises(DomainError) as error:
        _post(roles)

    assert "Die Diskussion ist seit" in error.value.message
    assert "Ihr Beitrag wurde nicht gespeichert." in error.value.message


def test_comment_post_last_second_of_window_accepted(roles):
    closes = comments.comment_window(round_=roles.round).closes_at

    with time_machine.travel(closes - datetime.timedelta(seconds=1)):
        comment = _post(roles)

    assert comment.pk is not None


def test_comment_post_reply_to_other_clause_refused(roles):
    foreign = CommentFactory()

    with pytest.raises(DomainError):
        _post(roles, parent=foreign)


def test_comment_reply_emails_parent_author_once(roles, django_capture_on_commit_callbacks, mailoutbox):
    parent = _post(roles, author=roles.organiser)

    with django_capture_on_commit_callbacks(execute=True):
        reply = _post(roles, body="Antwort mit **Fett**", parent=parent)
    again = comments.comment_reply_notify(comment_id=reply.pk)

    reply.refresh_from_db()
    assert [m.to for m in mailoutbox] == [[roles.organiser.email]]
    assert mailoutbox[0].subject == f"Neue Antwort auf Ihren Beitrag zu § 4 (Runde {roles.round.number})"
    assert "Antwort mit Fett" in mailoutbox[0].body
    assert f"#comment-{reply.pk}" in mailoutbox[0].body
    assert reply.reply_notified_at is not None
    assert again is False


def test_comment_reply_to_own_comment_sends_no_email(roles, django_capture_on_commit_callbacks, mailoutbox):
    parent = _post(roles)

    with django_capture_on_commit_callbacks(execute=True):
        _post(roles, parent=parent)

    assert mailoutbox == []


def test_comment_reply_notify_send_failure_keeps_the_notification_queued(
    roles, settings, monkeypatch, django_capture_on_commit_callbacks, mailoutbox
):
    settings.EMAIL_BACKEND = "tests.mailbackends.FailingBackend"
    monkeypatch.setitem(mailbackends.FAILURES, roles.organiser.email, [OSError("SMTP nicht erreichbar")])
    parent = _post(roles, author=roles.organiser)

    with django_capture_on_commit_callbacks(execute=True):
        reply = _post(roles, parent=parent)

    notification = OutboxMessage.objects.get(kind="comment_reply", object_id=reply.pk)
    assert (notification.state, notification.attempts) == (OutboxMessage.State.QUEUED, 1)
    assert "nicht erreichbar" in notification.last_error
    assert mailoutbox == []
    with time_machine.travel(notification.next_attempt_at, tick=False):
        attempt = outbox_deliver(message_id=notification.pk)
    assert attempt.state == OutboxMessage.State.SENT
    assert [m.to for m in mailoutbox] == [[roles.organiser.email]]


def test_comment_edit_within_30_minutes(roles):
    comment = _post(roles)

    with time_machine.travel(comment.created_at + datetime.timedelta(minutes=29)):
        comments.comment_edit(comment=comment, user=roles.invited, body="Neu", confidentiality="anonymised")

    comment.refresh_from_db()
    assert (comment.body, comment.confidentiality) == ("Neu", "anonymised")
    assert comment.edited_at is not None


def test_comment_edit_after_30_minutes_refused(roles):
    comment = _post(roles)

    with time_machine.travel(comment.created_at + datetime.timedelta(minutes=31)), pytest.raises(DomainError) as error:
        comments.comment_edit(comment=comment, user=roles.invited, body="Neu", confidentiality="quotable")

    assert error.value.message == "Beiträge können nur in den ersten 30 Minuten nach dem Schreiben bearbeitet werden."


def test_comment_edit_by_other_person_refused(roles):
    comment = _post(roles)

    with pytest.raises(DomainError):
        comments.comment_edit(comment=comment, user=roles.organiser, body="Neu", confidentiality="quotable")


def test_comment_delete_keeps_row_as_placeholder_with_replies(roles):
    parent = _post(roles)
    reply = _post(roles, author=roles.organiser, parent=parent)

    comments.comment_delete(comment=parent, user=roles.invited)

    parent.refresh_from_db()
    assert parent.deleted_at is not None
    assert parent.body == ""
    assert list(parent.replies.all()) == [reply]


def test_comment_delete_by_outsider_refused(roles):
    comment = _post(roles)

    with pytest.raises(DomainError):
        comments.comment_delete(comment=comment, user=roles.outsider)


def test_comment_hide_needs_reason(roles):
    comment = _post(roles)

    with pytest.raises(DomainError) as error:
        comments.comment_hide(comment=comment, user=roles.organiser, reason=" ")

    assert error.value.field == "reason"


def test_comment_hide_by_organiser_sets_reason(roles):
    comment = _post(roles)

    comments.comment_hide(comment=comment, user=roles.organiser, reason="Persönliche Daten")

    comment.refresh_from_db()
    assert (comment.moderation, comment.hidden_reason) == ("hidden", "Persönliche Daten")


def test_comment_hide_by_representative_refused(roles):
    comment = _post(roles)

    with pytest.raises(DomainError):
        comments.comment_hide(comment=comment, user=roles.invited, reason="Nein")


def test_comment_highlight_toggles(roles):
    comment = _post(roles)

    comments.comment_highlight(comment=comment, user=roles.admin, highlighted=True)
    highlighted = Comment.objects.get(pk=comment.pk).highlighted
    comments.comment_highlight(comment=comment, user=roles.admin, highlighted=False)

    assert (highlighted, Comment.objects.get(pk=comment.pk).highlighted) == (True, False)


@pytest.mark.parametrize(
    ("confidentiality", "expected"),
    [("quotable", "Stadt Jena"), ("anonymised", "eine teilnehmende Organisation"), ("internal", None)],
)
def test_comment_public_attribution_by_level(confidentiality, expected):
    comment = CommentFactory(organisation=OrganisationFactory(name="Stadt Jena"), confidentiality=confidentiality)

    assert comments.comment_public_attribution(comment) == expected


def test_comment_public_attribution_deleted_or_hidden_left_out():
    deleted = CommentFactory(deleted_at=timezone.now())
    hidden = CommentFactory(moderation=Comment.Moderation.HIDDEN)

    assert [comments.comment_public_attribution(deleted), comments.comment_public_attribution(hidden)] == [None, None]


def test_comment_public_attribution_without_organisation_never_names_person():
    comment = CommentFactory(organisation=None, author=UserFactory(full_name="Maria Muster"))

    assert comments.comment_public_attribution(comment) == "eine teilnehmende Organisation"
