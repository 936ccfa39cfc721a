"""The services the suite runs against: PostgreSQL and Redis under CI."""

import os
import subprocess
import sys

import pytest
import redis
from django.conf import settings
from django.db import connection

from tests.conftest import IN_CI, require


@pytest.mark.django_db
def test_database_vendor_is_postgresql_under_ci():
    require(IN_CI or "DATABASE_URL" in os.environ, "DATABASE_URL not set")

    assert connection.vendor == "postgresql"


def test_redis_answers_under_ci():
    require(bool(settings.REDIS_URL), "REDIS_URL not set")

    assert redis.Redis.from_url(settings.REDIS_URL).ping() is True


def test_check_deploy_reports_no_issue_with_production_settings():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "0",
        "SECRET_KEY": "a-long-production-secret-key-with-enough-entropy-0123456789abcdefghijklmnop",
        "ALLOWED_HOSTS": "austausch.example.org",
        "CSRF_TRUSTED_ORIGINS": "https://austausch.example.org",
    }

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        env=env,
        cwd=settings.BASE_DIR,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
