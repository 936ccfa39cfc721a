import os
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.cache import cache

from strategy_exchange.celery import app as celery_app

IN_CI = os.environ.get("CI", "").lower() == "true"


def require(condition: bool, reason: str) -> None:
    """Skip locally when a service is missing; under CI a missing service is a failure."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"required under CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _eager_celery(settings, tmp_path):
    """Tasks run in-process unless a test starts a real worker; files go to a temporary folder."""
    celery_app.conf.task_always_eager = True
    settings.MEDIA_ROOT = tmp_path / "media"
    yield
    celery_app.conf.task_always_eager = True


@pytest.fixture(autouse=True)
def _every_email_checked(settings):
    """Every email a test sends is checked afterwards (tests/mailcheck.py): plain text without HTML entities,
    and invitations, updates and cancellations with their calendar inside multipart/alternative."""
    from django.core import mail

    from tests.mailcheck import problems

    yield
    for message in getattr(mail, "outbox", []):
        found = problems(message.message().as_bytes())
        assert not found, f"{message.subject!r} to {message.to}: {found}"


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """Hashing every factory user's password with PBKDF2 costs seconds per test; tests need no strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _isolated_cache(settings):
    """Each test starts with an empty cache (rate limits live there). With Redis, tests use their own
    database number so that emptying it never touches the broker's or a developer's data; without it,
    memory instead of the files under var/ that `make run` uses. Keys carry the test process's id, and only
    those are emptied, so that two test runs on one machine do not empty each other's cache."""
    if settings.CACHE_URL:
        parts = urlsplit(settings.CACHE_URL)
        settings.CACHES = {
            "default": {
                **settings.CACHES["default"],
                "LOCATION": urlunsplit((parts.scheme, parts.netloc, "/13", "", "")),
                "KEY_PREFIX": f"test-{os.getpid()}",
            }
        }
        cache.delete_pattern("*")
    else:
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
        cache.clear()
    from strategy_exchange.fragments import fragments_memory_clear

    fragments_memory_clear()  # and what this process keeps of them in memory


@pytest.fixture
def password():
    from tests.factories import PASSWORD

    return PASSWORD
