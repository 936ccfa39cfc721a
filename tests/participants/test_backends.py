"""The person of a session, read on every request: the same as the ORM reads them, in one query."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test.utils import CaptureQueriesContext

from participants.backends import AuthenticationBackend
from participants.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _fields(user: User) -> dict:
    return {field.attname: getattr(user, field.attname) for field in User._meta.concrete_fields}


def test_backend_get_user_reads_every_field_as_the_orm_in_one_query():
    person = UserFactory(full_name="Jörg „Jo“ Müller-Lüdenscheidt", is_staff=True)
    User.objects.filter(pk=person.pk).update(last_login=person.date_joined)

    with CaptureQueriesContext(connection) as queries:
        user = AuthenticationBackend().get_user(str(person.pk))

    assert len(queries) == 1
    assert _fields(user) == _fields(User.objects.get(pk=person.pk))
    assert user._state.adding is False
    assert user._state.db == "default"


@pytest.mark.parametrize("user_id", ["", "abc", "999999999", "-1", None])
def test_backend_get_user_without_such_person_is_none(user_id):
    assert AuthenticationBackend().get_user(user_id) is None


def test_backend_get_user_of_deactivated_person_is_none():
    person = UserFactory(is_active=False)

    assert AuthenticationBackend().get_user(str(person.pk)) is None


def test_signed_in_person_is_read_through_the_backend(client):
    person = UserFactory()
    client.force_login(person)

    response = client.get("/konto/profil/")

    assert client.session[SESSION_KEY] == str(person.pk)
    assert response.wsgi_request.user == person
    assert response.wsgi_request.session["_auth_user_backend"] == "participants.backends.AuthenticationBackend"
