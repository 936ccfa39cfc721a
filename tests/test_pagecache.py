"""Whole pages cached per reader until the next database write (strategy_exchange.pagecache)."""

import datetime

import pytest
from django.conf import settings
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.http import HttpResponse
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rounds.models import Round
from strategy_exchange import pagecache
from tests.factories import round_with_roles

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def roles():
    return round_with_roles(starts_at=timezone.now() + datetime.timedelta(days=3), title="Runde Mobilität")


def _round_url(roles):
    return reverse("rounds:round_detail", kwargs={"pk": roles.round.pk})


def _discussion_url(roles):
    return reverse("rounds:discussion", kwargs={"round_pk": roles.round.pk, "number": roles.clause.number})


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_second_request_is_served_without_a_query(roles):
    client = _signed_in(roles.invited)
    first = client.get(_round_url(roles))

    with CaptureQueriesContext(connection) as queries:
        second = client.get(_round_url(roles))

    assert (first.status_code, second.status_code) == (200, 200)
    assert "Runde Mobilität" in second.content.decode()
    assert [query["sql"] for query in queries.captured_queries] == []


def test_bulk_update_past_the_models_shows_at_once(roles):
    client = _signed_in(roles.invited)
    client.get(_round_url(roles))

    Round.objects.filter(pk=roles.round.pk).update(title="Runde Energie")
    content = client.get(_round_url(roles)).content.decode()

    assert ("Runde Energie" in content, "Runde Mobilität" in content) == (True, False)


def test_each_reader_gets_their_own_page(roles):
    invited = _signed_in(roles.invited)
    organiser = _signed_in(roles.organiser)
    invited.get(_round_url(roles))

    own = invited.get(_round_url(roles)).content.decode()
    other = organiser.get(_round_url(roles)).content.decode()

    assert (roles.invited.full_name in own, roles.invited.full_name in other) == (True, False)
    assert (roles.organiser.full_name in other, roles.organiser.full_name in own) == (True, False)


def test_a_reader_without_permission_is_not_served_anothers_page(roles):
    _signed_in(roles.invited).get(_round_url(roles))

    response = _signed_in(roles.outsider).get(_round_url(roles))

    assert response.status_code == 404


def test_signed_out_reader_is_sent_to_sign_in_not_served_the_page(roles):
    client = _signed_in(roles.invited)
    client.get(_round_url(roles))

    client.logout()
    response = client.get(_round_url(roles))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_password_change_elsewhere_ends_the_cached_page_of_an_old_session(roles):
    client = _signed_in(roles.invited)
    client.get(_round_url(roles))

    roles.invited.set_password("ein-ganz-neues-Passwort")
    roles.invited.save()
    response = client.get(_round_url(roles))

    assert response.status_code == 302  # the old session no longer signs in


def test_waiting_message_is_shown_and_used_up(roles):
    client = _signed_in(roles.invited)
    client.get(_round_url(roles))
    post = reverse("rounds:rsvp", kwargs={"pk": roles.round.pk})

    client.post(post, {"answer": "accept"})
    with_message = client.get(_round_url(roles)).content.decode()
    after = client.get(_round_url(roles)).content.decode()

    assert "Vielen Dank für Ihre Zusage" in with_message
    assert "Vielen Dank für Ihre Zusage" not in after


def test_message_added_without_a_write_is_not_hidden_by_the_cache(roles, rf):
    client = _signed_in(roles.invited)
    client.get(_round_url(roles))
    storage = CookieStorage(rf.get("/"))
    storage.add(messages.INFO, "Hinweis ohne Schreibzugriff")
    response = HttpResponse()
    storage.update(response)
    client.cookies[storage.cookie_name] = response.cookies[storage.cookie_name].value

    content = client.get(_round_url(roles)).content.decode()

    assert "Hinweis ohne Schreibzugriff" in content


def test_cached_page_carries_a_fresh_token_of_the_readers_csrf_secret(roles):
    client = _signed_in(roles.invited)
    tokens = []
    for _ in range(2):
        content = client.get(_round_url(roles)).content.decode()
        tokens.append(content.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0])
        assert pagecache.CSRF_PLACEHOLDER not in content

    secret = client.cookies[settings.CSRF_COOKIE_NAME].value
    assert [_unmask_cipher_token(token) for token in tokens] == [secret, secret]
    assert tokens[0] != tokens[1]  # masked anew for every response


def test_language_choice_is_part_of_the_page(roles):
    client = _signed_in(roles.invited)
    german = client.get(_round_url(roles)).content.decode()

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(_round_url(roles)).content.decode()

    assert ('lang="de"' in german, 'lang="en"' in english) == (True, True)


def test_htmx_request_gets_the_section_and_a_full_load_the_page(roles):
    client = _signed_in(roles.invited)
    client.get(_discussion_url(roles))

    section = client.get(_discussion_url(roles), **HTMX).content.decode()
    page = client.get(_discussion_url(roles)).content.decode()

    assert ("<html" in section, "<html" in page) == (False, True)


def test_page_cache_off_renders_every_time(roles, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client = _signed_in(roles.invited)
    client.get(_round_url(roles))

    with CaptureQueriesContext(connection) as queries:
        client.get(_round_url(roles))

    assert len(queries.captured_queries) > 0


def test_writes_to_sessions_leave_the_generation_alone(roles):
    before = pagecache.generation()

    Client().force_login(roles.invited)  # writes a session (and the user's last sign-in)
    after_login = pagecache.generation()
    Session.objects.all().delete()

    assert after_login != before
    assert pagecache.generation() == after_login


def test_generation_moves_at_the_write(roles):
    before = pagecache.generation()

    Round.objects.filter(pk=roles.round.pk).update(title="Neu")

    assert pagecache.generation() != before


@pytest.mark.django_db(transaction=True)
def test_generation_moves_again_after_commit_once_per_transaction():
    from tests.factories import OrganisationFactory

    with transaction.atomic():
        OrganisationFactory()
        OrganisationFactory()
        inside = pagecache.generation()
        pending = [callback for _ids, callback, _robust in connection.run_on_commit]

    assert pending.count(pagecache.generation_bump) == 1
    assert pagecache.generation() != inside


@pytest.mark.django_db(transaction=True)
def test_rolled_back_write_leaves_no_pending_bump_behind():
    from tests.factories import OrganisationFactory

    with pytest.raises(RuntimeError), transaction.atomic():
        OrganisationFactory()
        raise RuntimeError
    with transaction.atomic():
        OrganisationFactory()
        inside = pagecache.generation()

    assert pagecache.generation() != inside


def test_lost_generation_never_matches_a_page_of_an_earlier_one(roles):
    from django.core.cache import cache

    client = _signed_in(roles.invited)
    client.get(_round_url(roles))
    cache.delete(pagecache.GENERATION_KEY)
    Round.objects.filter(pk=roles.round.pk).update(title="Runde Energie")  # the key is back, with a new token

    content = client.get(_round_url(roles)).content.decode()

    assert "Runde Energie" in content


def test_post_is_never_served_from_the_cache(roles):
    client = _signed_in(roles.invited)
    client.get(_round_url(roles))

    response = client.post(reverse("rounds:rsvp", kwargs={"pk": roles.round.pk}), {"answer": "nonsense"})

    assert response.status_code == 200
    assert "answer" in response.context["rsvp_form"].errors


@pytest.mark.parametrize(
    ("sql", "seen"),
    [
        ('INSERT INTO "rounds_comment" ("body") VALUES (%s)', True),
        ('  UPDATE "participants_user" SET "password" = %s', True),
        ('DELETE FROM "rounds_invitation" WHERE "id" = %s', True),
        ('DROP INDEX "x"', True),
        ('SELECT "rounds_round"."id" FROM "rounds_round"', False),
        ('UPDATE "django_session" SET "session_data" = %s', False),
        ('INSERT INTO "django_celery_beat_periodictask" ("name") VALUES (%s)', False),
        ("SAVEPOINT s1", False),
        ("", False),
    ],
)
def test_which_statements_are_writes_a_reader_could_see(sql, seen):
    assert pagecache._is_seen_write(sql) is seen
