"""The reader's own parts of a shared page of threads: from what the page knows, the same as from the comments."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rounds.selectors import discussion as selectors
from rounds.services import comments
from rounds.views.participant import threads
from strategy_exchange.pages import Slot
from tests.factories import CommentFactory, round_with_roles

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)


def _both(roles, *, access):
    """The reader's parts from the shared page alone, and the same parts read from the comments."""
    item = roles.item
    shared = threads.shared_page(item=item, access=access, page=1)
    forms = threads.OpenForms()
    ids = threads._own_ids(shared, reader=roles.invited, access=access, forms=forms)
    urls = threads.Urls(round_id=item.round_id, clause_number=item.clause.number, page=1)
    token = "token"
    with CaptureQueriesContext(connection) as plain_queries:
        plain = threads._plain_parts(shared, ids=ids, access=access, urls=urls, csrf_token=token)
    loaded = threads._loaded_parts(
        ids=ids, reader=roles.invited, access=access, forms=forms, urls=urls, csrf_token=token, item=item
    )
    defaults = {(piece.name, piece.key): piece.shared for piece in shared.pieces if isinstance(piece, Slot)}
    return plain, loaded, defaults, len(plain_queries)


@time_machine.travel(NOW, tick=False)
def test_reader_parts_without_queries_equal_parts_from_comments():
    roles = round_with_roles(starts_at=NOW + datetime.timedelta(days=3))
    author = {"agenda_item": roles.item, "author": roles.invited, "organisation": roles.invited_org}
    fresh = CommentFactory(**author, body="Gerade geschrieben")
    old = CommentFactory(**author, body="Vor einer Stunde")
    old.__class__.objects.filter(pk=old.pk).update(created_at=NOW - datetime.timedelta(hours=1))
    gone = CommentFactory(**author, body="Gelöscht")
    comments.comment_delete(comment=gone, user=roles.invited)
    CommentFactory(agenda_item=roles.item, parent=fresh, body="Antwort einer anderen Person")
    roles.item.refresh_from_db()
    access = selectors.discussion_access(user=roles.invited, round_=roles.round)

    plain, loaded, defaults, queries = _both(roles, access=access)

    assert queries == 0
    assert set(plain) == {(threads.ACTIONS, fresh.pk), (threads.ACTIONS, old.pk)}
    assert "Bearbeiten" in plain[(threads.ACTIONS, fresh.pk)]
    assert "Bearbeiten" not in plain[(threads.ACTIONS, old.pk)]
    for key, html in loaded.items():
        assert plain.get(key, defaults.get(key)) == html, key


def test_reader_parts_of_a_hidden_own_comment_are_read_from_the_comment():
    roles = round_with_roles(starts_at=timezone.now() + datetime.timedelta(days=3))
    hidden = CommentFactory(agenda_item=roles.item, author=roles.invited, organisation=roles.invited_org, body="Heikel")
    comments.comment_hide(comment=hidden, user=roles.organiser, reason="Persönliche Daten")
    roles.item.refresh_from_db()
    access = selectors.discussion_access(user=roles.invited, round_=roles.round)

    plain, loaded, _defaults, _queries = _both(roles, access=access)

    assert plain is None
    assert "Heikel" in loaded[(threads.BODY, hidden.pk)]
