import os

import pytest

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
def _fast_password_hasher(settings):
    """Hashing every factory user's password with PBKDF2 costs seconds per test; tests need no strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def password():
    from tests.factories import PASSWORD

    return PASSWORD
