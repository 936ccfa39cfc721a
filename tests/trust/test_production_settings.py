"""Production settings: HTTPS-only cookies and HSTS, checked in a fresh interpreter with DEBUG off."""

import json
import os
import subprocess
import sys

from django.conf import settings

PROBE = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({
    "SESSION_COOKIE_SECURE": s.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": s.CSRF_COOKIE_SECURE,
    "SECURE_HSTS_SECONDS": s.SECURE_HSTS_SECONDS,
    "SECURE_SSL_REDIRECT": s.SECURE_SSL_REDIRECT,
    "SESSION_COOKIE_HTTPONLY": s.SESSION_COOKIE_HTTPONLY,
}))
"""


def test_production_settings_secure_cookies_and_hsts():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "0",
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "austausch.example.org",
        "DJANGO_SETTINGS_MODULE": "strategy_exchange.settings",
    }

    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, cwd=settings.BASE_DIR, check=True
    )

    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_HTTPONLY": True,
    }
