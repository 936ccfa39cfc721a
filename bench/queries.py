"""Database queries per page, counted in-process through Django's test client."""

from dataclasses import dataclass

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.pages import BARE, PAGES, Page, Targets


@dataclass(frozen=True)
class PageQueries:
    name: str
    path: str | None
    status: int | None
    queries: int | None


def logged_in_client(*, user_id: int | None) -> Client:
    from participants.models import User

    client = Client()
    if user_id is not None:
        client.force_login(User.objects.get(pk=user_id))
    return client


def page_queries(*, page: Page, targets: Targets) -> PageQueries:
    """Queries of the second request (the first one warms the fragment caches), and its status."""
    path = page.url(targets)
    if path is None:
        return PageQueries(page.name, None, None, None)
    client = logged_in_client(user_id=targets.user_id(page.role))
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    return PageQueries(page.name, path, response.status_code, len(captured.captured_queries))


def queries_measure(*, targets: Targets, pages: list[Page] | None = None) -> list[PageQueries]:
    return [page_queries(page=page, targets=targets) for page in [*(pages or PAGES), BARE]]
