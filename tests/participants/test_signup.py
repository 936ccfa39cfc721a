"""Sign-up through the invitation link: password, name, membership, verified email – once."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.urls import reverse

from participants.models import AccountInvitation, Membership
from tests.factories import AccountInvitationFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Smart-City-Bamberg-2026"


@pytest.fixture
def invitation():
    invitation = AccountInvitationFactory(user__email="neu@bamberg.example.org", user__full_name="")
    invitation.user.password = make_password(None)
    invitation.user.save()
    return invitation


def _url(invitation):
    return reverse("participants:invitation_signup", kwargs={"token": invitation.token})


def test_invitation_signup_creates_account_membership_and_verified_email(client, invitation):
    response = client.post(_url(invitation), {"full_name": "Nora Neu", "password1": PASSWORD, "password2": PASSWORD})

    user = invitation.user
    user.refresh_from_db()
    invitation.refresh_from_db()
    assert response.url == reverse("rounds:my_rounds")
    assert user.full_name == "Nora Neu"
    assert user.check_password(PASSWORD)
    assert list(Membership.objects.filter(user=user).values_list("organisation", flat=True)) == [
        invitation.organisation_id
    ]
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "verified", "primary")) == [
        ("neu@bamberg.example.org", True, True)
    ]
    assert invitation.accepted_at is not None
    assert client.session["_auth_user_id"] == str(user.pk)


def test_invitation_signup_page_shows_email_and_organisation(client, invitation):
    content = client.get(_url(invitation)).content.decode()

    assert "neu@bamberg.example.org" in content
    assert invitation.organisation.name in content


def test_invitation_signup_password_mismatch_keeps_name(client, invitation):
    response = client.post(_url(invitation), {"full_name": "Nora Neu", "password1": PASSWORD, "password2": "anders"})

    content = response.content.decode()
    assert "Die beiden Passwörter stimmen nicht überein." in content
    assert 'value="Nora Neu"' in content
    assert not AccountInvitation.objects.get(pk=invitation.pk).accepted_at


def test_invitation_signup_weak_password_german_error(client, invitation):
    response = client.post(_url(invitation), {"full_name": "Nora Neu", "password1": "123", "password2": "123"})

    assert "Dieses Passwort ist zu kurz" in response.content.decode()


def test_invitation_signup_empty_name_german_error(client, invitation):
    response = client.post(_url(invitation), {"full_name": "", "password1": PASSWORD, "password2": PASSWORD})

    assert "Bitte geben Sie Ihren Namen an." in response.content.decode()


def test_invitation_signup_link_used_twice_shows_friendly_page(client, invitation):
    client.post(_url(invitation), {"full_name": "Nora Neu", "password1": PASSWORD, "password2": PASSWORD})
    client.logout()

    response = client.post(_url(invitation), {"full_name": "Eve", "password1": PASSWORD, "password2": PASSWORD})

    invitation.user.refresh_from_db()
    assert response.status_code == 404
    assert "Diese Einladung ist nicht (mehr) gültig" in response.content.decode()
    assert invitation.user.full_name == "Nora Neu"


def test_invitation_signup_unknown_token_shows_friendly_page(client):
    response = client.get(reverse("participants:invitation_signup", kwargs={"token": "gibt-es-nicht"}))

    assert response.status_code == 404
    assert "Passwort vergessen?" in response.content.decode()


def test_invitation_signup_for_existing_account_refused(client):
    invitation = AccountInvitationFactory(user=UserFactory())

    response = client.get(_url(invitation))

    assert response.status_code == 404
    assert "Diese Einladung ist nicht (mehr) gültig" in response.content.decode()


def test_self_registration_closed(client):
    response = client.post(reverse("account_signup"), {"email": "x@example.org", "password1": PASSWORD})

    assert "Registrierung nur mit Einladung" in response.content.decode()


def test_profile_update_name(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(reverse("participants:profile"), {"full_name": "Dr. Maria Muster"})

    user.refresh_from_db()
    assert response.url == reverse("participants:profile")
    assert user.full_name == "Dr. Maria Muster"


def test_profile_empty_name_german_error(client):
    client.force_login(UserFactory())

    response = client.post(reverse("participants:profile"), {"full_name": ""})

    assert "Bitte geben Sie Ihren Namen an." in response.content.decode()


def test_profile_anonymous_redirected_to_login(client):
    response = client.get(reverse("participants:profile"))

    assert response.url.startswith(reverse("account_login"))
