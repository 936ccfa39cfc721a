"""The allauth pages (login, password reset, password change, email, two-factor) render in German in the app's design."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "heading"),
    [
        ("account_login", "Anmelden"),
        ("account_reset_password", "Passwort zurücksetzen"),
        ("account_signup", "Registrierung nur mit Einladung"),
    ],
)
def test_account_page_anonymous_renders_german_in_layout(client, name, heading):
    response = client.get(reverse(name))

    content = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="de"' in content
    assert f'<h1 class="kern-heading-large">{heading}</h1>' in content
    assert 'class="site-header"' in content


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("account_change_password", "Passwort ändern"),
        ("account_logout", "Abmelden"),
        ("account_email", "E-Mail-Adressen"),
        ("mfa_index", "Zwei-Faktor-Authentifizierung"),
    ],
)
def test_account_page_signed_in_renders_german_in_layout(client, name, text):
    client.force_login(UserFactory())

    response = client.get(reverse(name))

    content = response.content.decode()
    assert response.status_code == 200
    assert text in content
    assert 'class="site-header"' in content


def test_password_reset_email_in_formal_german(client, mailoutbox):
    UserFactory(email="jena@example.org")

    client.post(reverse("account_reset_password"), {"email": "jena@example.org"})

    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == "[Strategie-Austausch] Ihr Passwort für den Strategie-Austausch"
    assert "Mit diesem Link wählen Sie es:" in mailoutbox[0].body
