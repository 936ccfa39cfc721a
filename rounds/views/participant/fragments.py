"""Rendered parts of the participant pages kept in the cache.

Keys carry the versions from ``strategy_exchange.fragments`` (bumped by the services that change what a
fragment shows) and the language; a fragment never holds a CSRF token of its own: forms in it are rendered
with a placeholder that is replaced by the viewer's token on the way out.
"""

import hashlib
from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils.translation import get_language

from rounds.fragments import FINDINGS, PARTICIPANTS, ROUND, THREAD

CSRF_PLACEHOLDER = "csrf-token-of-the-viewer"

__all__ = ["FINDINGS", "PARTICIPANTS", "ROUND", "THREAD", "cached_fragment", "fragment_key", "with_csrf"]


def fragment_key(name: str, *parts: object) -> str:
    """A cache key for a fragment from everything its content depends on."""
    digest = hashlib.blake2b(repr((get_language(), parts)).encode(), digest_size=16).hexdigest()
    return f"fragment:{name}:{digest}"


def cached_fragment(key: str | None, render: Callable[[], object], *, timeout: int) -> object:
    """The cached value under ``key``, or ``render()`` stored there; ``key=None`` renders without the cache."""
    if key is None:
        return render()
    value = cache.get(key)
    if value is None:
        value = render()
        cache.set(key, value, timeout)
    return value


def with_csrf(request: HttpRequest, html: str) -> str:
    """A fragment rendered with ``csrf_token=CSRF_PLACEHOLDER``, with the viewer's token put in."""
    return html.replace(CSRF_PLACEHOLDER, get_token(request)) if CSRF_PLACEHOLDER in html else html
