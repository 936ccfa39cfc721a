"""Versioned cache keys for rendered fragments.

A service that changes what a fragment shows calls ``bump(namespace, key)``; readers put
``version(namespace, key)`` into their cache key, so a change makes every old entry unreachable
at once (they expire on their own). Works with any Django cache backend.
"""

import hashlib
from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import get_language

from strategy_exchange.pagecache import generation_bump


def _key(namespace: str, key: object) -> str:
    return f"fragver:{namespace}:{key}"


def version(namespace: str, key: object) -> int:
    """The current version of ``namespace``/``key`` (1 until the first bump)."""
    return cache.get_or_set(_key(namespace, key), 1, timeout=None)


def versions_of(pairs: list[tuple[str, object]]) -> list[int]:
    """Current versions of ``(namespace, key)`` pairs of several namespaces, in order, in one round trip."""
    found = cache.get_many([_key(namespace, key) for namespace, key in pairs])
    return [found.get(_key(namespace, key), 1) for namespace, key in pairs]


def _incr(namespace: str, key: object) -> None:
    generation_bump()  # whole pages hold the fragment too
    try:
        cache.incr(_key(namespace, key))
    except ValueError:
        cache.set(_key(namespace, key), 2, timeout=None)


def bump(namespace: str, key: object) -> None:
    """Invalidate every fragment that depends on ``namespace``/``key``: at once, and again after the
    surrounding transaction commits, so that a reader between the write and the commit cannot keep the
    old state cached."""
    _incr(namespace, key)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _incr(namespace, key))


def fragment_key(name: str, *parts: object) -> str:
    """A cache key for a rendered fragment from everything its content depends on (and the language)."""
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
