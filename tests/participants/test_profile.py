"""Self-service where people look for it: the profile links the data download and the account deletion, the
series page its participants export, the matrix its own export; each link opens for the person who sees it."""

import re

import pytest
from django.urls import reverse

from tests.factories import round_with_roles

pytestmark = pytest.mark.django_db


def _links(html: str) -> set[str]:
    return set(re.findall(r'href="([^"#]+)"', html))


def _opens(client, url: str) -> int:
    return client.get(url).status_code


def test_profile_links_data_download_and_account_deletion(client):
    roles = round_with_roles()
    client.force_login(roles.invited)

    links = _links(client.get(reverse("participants:profile")).content.decode())
    wanted = [reverse("my_data"), reverse("my_data_download"), reverse("account_delete")]

    assert [url in links for url in wanted] == [True, True, True]
    assert [_opens(client, url) for url in wanted[:2]] == [200, 200]


def test_series_page_links_participants_csv_and_json(client):
    roles = round_with_roles()
    client.force_login(roles.organiser)
    slug = roles.series.slug

    links = _links(client.get(reverse("orga:series_detail", kwargs={"slug": slug})).content.decode())
    wanted = [
        reverse("participants_export", kwargs={"slug": slug}),
        reverse("participants_export_json", kwargs={"slug": slug}),
    ]

    assert [url in links for url in wanted] == [True, True]
    assert [_opens(client, url) for url in wanted] == [200, 200]


def test_matrix_links_its_csv_and_json(client):
    roles = round_with_roles()
    client.force_login(roles.invited)

    links = _links(client.get(reverse("clauses:matrix")).content.decode())
    wanted = [reverse("clauses:matrix_csv"), reverse("clauses:matrix_json")]

    assert [url in links for url in wanted] == [True, True]
    assert [_opens(client, url) for url in wanted] == [200, 200]
