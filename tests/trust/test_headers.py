"""Security headers, cookies and two-factor enforcement."""

import pytest
from django.urls import reverse

from demo.data import load_demo_data

pytestmark = pytest.mark.django_db


def _directives(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in policy.split(";")) if part}


def test_csp_forbids_inline_and_eval_code(client):
    response = client.get(reverse("home"))

    directives = _directives(response)
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response.headers["Content-Security-Policy"]


def test_csp_set_on_login_and_admin_pages(client):
    for url in (reverse("account_login"), reverse("admin:login")):
        response = client.get(url)

        assert _directives(response)["frame-ancestors"] == ["'none'"]


def test_basic_security_headers_present(client):
    response = client.get(reverse("home"))

    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_no_third_party_origin_in_pages(client):
    load_demo_data()

    content = client.get(reverse("home")).content.decode()

    assert "https://cdn" not in content
    assert "fonts.googleapis" not in content
    assert 'src="http' not in content
    assert 'href="http' not in content.replace('href="http://testserver', "")


def test_session_cookie_httponly_and_samesite(client, password):
    from tests.factories import UserFactory

    user = UserFactory()
    response = client.post(reverse("account_login"), {"login": user.email, "password": password})

    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_session_expires_with_browser_and_after_eight_hours(settings):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60


def test_login_rate_limited_after_repeated_failures(client):
    from tests.factories import UserFactory

    user = UserFactory()
    responses = [client.post(reverse("account_login"), {"login": user.email, "password": "falsch"}) for _ in range(6)]
    right_password = client.post(reverse("account_login"), {"login": user.email, "password": "austausch"})

    assert "Zu viele gescheiterte Anmeldeversuche" not in responses[0].content.decode()
    assert "Zu viele gescheiterte Anmeldeversuche" in responses[-1].content.decode()
    assert "Zu viele gescheiterte Anmeldeversuche" in right_password.content.decode()
    assert "_auth_user_id" not in client.session


def test_organiser_without_two_factor_redirected_when_required(client, settings):
    settings.MFA_REQUIRED_FOR_ORGANISERS = True
    load_demo_data()
    client.login(username="orga@example.org", password="austausch")

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response.headers["Location"] == reverse("mfa_activate_totp")


def test_representative_not_asked_for_two_factor_when_required_for_organisers(client, settings):
    settings.MFA_REQUIRED_FOR_ORGANISERS = True
    load_demo_data()
    client.login(username="jena@example.org", password="austausch")

    response = client.get(reverse("home"))

    assert response.status_code == 200
