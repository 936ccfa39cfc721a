"""Client addresses behind the reverse proxy: allauth's failed-login limit counts each client, not the proxy."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from participants.adapters import AccountAdapter, client_ip
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.1"
REFUSED = "Zu viele gescheiterte Anmeldeversuche"


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]


def _sign_in(client, *, email: str, password: str, remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(reverse("account_login"), {"login": email, "password": password}, **extra)


def _ip(remote: str, forwarded: str | None = None, *, trusted=("10.0.0.0/24",)) -> str | None:
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **extra), trusted_proxies=trusted)


def test_client_ip_from_a_trusted_proxy_is_the_right_most_untrusted_forwarded_address():
    assert _ip(PROXY, "6.6.6.6, 203.0.113.9, 10.0.0.2") == "203.0.113.9"


def test_client_ip_from_an_untrusted_peer_ignores_forwarded_for():
    assert _ip("198.51.100.7", "203.0.113.9") == "198.51.100.7"


def test_client_ip_without_trusted_proxies_is_remote_addr():
    assert _ip(PROXY, "203.0.113.9", trusted=()) == PROXY


def test_client_ip_from_a_trusted_proxy_without_header_is_the_proxy():
    assert _ip(PROXY) == PROXY


def test_client_ip_stops_at_a_malformed_hop_with_the_last_trusted_one():
    assert _ip(PROXY, "203.0.113.9, nonsense") == PROXY


def test_client_ip_ipv6_client_behind_ipv6_proxy():
    assert _ip("2001:db8::1", "2001:db8:1::5", trusted=("2001:db8::/64",)) == "2001:db8:1::5"


def test_adapter_client_ip_reads_the_setting(behind_proxy):
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.9")

    assert AccountAdapter().get_client_ip(request) == "203.0.113.9"


def test_failures_of_one_client_behind_the_proxy_do_not_lock_out_another(client, behind_proxy):
    other = UserFactory(email="bamberg@example.org")

    failures = [
        _sign_in(client, email=f"niemand{n}@example.org", password="falsch", remote=PROXY, forwarded="203.0.113.1")
        for n in range(10)
    ]
    refused_a = _sign_in(client, email="niemand@example.org", password="falsch", remote=PROXY, forwarded="203.0.113.1")
    signed_in_b = _sign_in(client, email=other.email, password=PASSWORD, remote=PROXY, forwarded="203.0.113.2")

    assert [REFUSED in response.content.decode() for response in failures] == [False] * 10
    assert REFUSED in refused_a.content.decode()
    assert (signed_in_b.status_code, signed_in_b.url) == (302, reverse("rounds:my_rounds"))


def test_forged_forwarded_for_from_an_untrusted_address_is_ignored(client, behind_proxy):
    user = UserFactory(email="jena@example.org")
    attacker = "198.51.100.7"

    for n in range(10):
        _sign_in(
            client, email=f"niemand{n}@example.org", password="falsch", remote=attacker, forwarded=f"203.0.113.{n}"
        )
    refused = _sign_in(client, email=user.email, password=PASSWORD, remote=attacker, forwarded="203.0.113.99")

    assert refused.status_code == 200
    assert REFUSED in refused.content.decode()
    assert "_auth_user_id" not in client.session


def test_per_account_limit_holds_across_clients_behind_the_proxy(client, behind_proxy):
    user = UserFactory(email="muenster@example.org")

    for n in range(5):
        _sign_in(client, email=user.email, password="falsch", remote=PROXY, forwarded=f"203.0.113.{n}")
    refused = _sign_in(client, email=user.email, password=PASSWORD, remote=PROXY, forwarded="203.0.113.50")

    assert refused.status_code == 200
    assert REFUSED in refused.content.decode()
    assert "_auth_user_id" not in client.session
