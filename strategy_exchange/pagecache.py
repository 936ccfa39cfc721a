"""Whole pages cached per reader until anything in the database changes.

A page that shows only what is stored (and the time, to the minute) is rendered once per reader and
kept until the next write: every INSERT, UPDATE or DELETE, from a view, a Celery task, the admin or a
bulk ``QuerySet.update()``, moves the *generation* on, and an entry of an older generation is never
served. The generation changes at the write (so that the writer's own next page is fresh) and again
after the commit (so that a reader who rendered between the two cannot keep the old state).

A cached entry belongs to one signed-in person (the user id and the session's authentication hash
from the session, so the user row is not even loaded on a hit) and one language, path and htmx target.
A change of password, of the account or of a permission is a write, so it ends every entry at once.
Pages are not served from the cache while a message waits to be shown, and CSRF tokens are never
stored: the page is rendered with a placeholder that each response fills with the reader's token.

Only pages that do not write when shown and render the same for the same reader and data may be
decorated with :func:`cached_page`; forms with errors are POST responses and never cached.
"""

import hashlib
import uuid
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.session import SessionStorage
from django.core.cache import cache
from django.db import transaction
from django.db.backends.signals import connection_created
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

GENERATION_KEY = "pagecache:generation"
CSRF_PLACEHOLDER = "csrf-token-of-the-viewer"
# Writes that change no page: sessions (every sign-in) and the scheduler's own bookkeeping.
UNSEEN_TABLES = ("django_session", "django_celery_beat_")
WRITES = frozenset({"INSERT", "UPDATE", "DELETE", "TRUNCATE", "COPY", "ALTER", "DROP", "CREATE"})
_RENDERING = "_pagecache_rendering"


# The generation ---------------------------------------------------------------------------------


def generation() -> str:
    current = cache.get(GENERATION_KEY)
    return current if current is not None else _generation_start()


def _generation_start() -> str:
    cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    return cache.get(GENERATION_KEY)


def generation_bump() -> None:
    """Every cached page is out of date (called for each write; scripts that write past Django call it too).

    A generation is a random token, not a counter: a page only asks whether it is still current, and
    a token that was never used before cannot match a page of an earlier generation, even after the
    cache lost it."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def _is_seen_write(sql: str) -> bool:
    words = sql[:20].split(None, 1)
    if not words or words[0].upper() not in WRITES:
        return False
    quoted = sql.split('"', 2)
    return not (len(quoted) == 3 and quoted[1].startswith(UNSEEN_TABLES))


def _bump_on_write(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if isinstance(sql, str) and _is_seen_write(sql):
        connection = context["connection"]
        generation_bump()
        if connection.in_atomic_block and not any(
            callback is generation_bump for _savepoints, callback, _robust in connection.run_on_commit
        ):
            transaction.on_commit(generation_bump, using=connection.alias)
    return result


def _watch_connection(sender, connection, **kwargs) -> None:
    if _bump_on_write not in connection.execute_wrappers:
        connection.execute_wrappers.append(_bump_on_write)


def watch_writes() -> None:
    """Move the generation on with every write of every database connection of this process."""
    connection_created.connect(_watch_connection, dispatch_uid="pagecache-watch-writes")


# CSRF tokens --------------------------------------------------------------------------------------


def csrf_placeholder(request: HttpRequest) -> dict:
    """Context processor: while a page is rendered for the cache, forms get the placeholder."""
    return {"csrf_token": CSRF_PLACEHOLDER} if getattr(request, _RENDERING, False) else {}


def with_csrf(request: HttpRequest, html: str) -> str:
    """HTML rendered with ``csrf_token=CSRF_PLACEHOLDER``, with the reader's token put in (left as it is
    while the whole page is rendered for the cache: the page gets the token on its way out)."""
    if getattr(request, _RENDERING, False) or CSRF_PLACEHOLDER not in html:
        return html
    return html.replace(CSRF_PLACEHOLDER, get_token(request))


# Pages ---------------------------------------------------------------------------------------------


def _cacheable(request: HttpRequest) -> bool:
    if request.method != "GET" or not settings.PAGE_CACHE_SECONDS:
        return False
    # A message waiting to be shown is part of the next page and must be used up by it.
    return CookieStorage.cookie_name not in request.COOKIES and SessionStorage.session_key not in request.session


def page_key(request: HttpRequest) -> str:
    session = request.session
    reader = (session.get(SESSION_KEY), session.get(HASH_SESSION_KEY))
    htmx = (request.headers.get("HX-Request"), request.headers.get("HX-Target"))
    parts = (request.get_full_path(), get_language(), reader, htmx)
    return "page:" + hashlib.blake2b(repr(parts).encode(), digest_size=20).hexdigest()


def _fill_csrf(request: HttpRequest, content: bytes) -> bytes:
    placeholder = CSRF_PLACEHOLDER.encode()
    return content.replace(placeholder, get_token(request).encode()) if placeholder in content else content


def _respond(request: HttpRequest, status: int, headers: dict, content: bytes) -> HttpResponse:
    response = HttpResponse(_fill_csrf(request, content), status=status)
    for name, value in headers.items():
        response.headers[name] = value
    return response


def cached_page(view: Callable) -> Callable:
    """Serve the view's page from the cache while no write happened since it was rendered for this reader."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        key = page_key(request)
        found = cache.get_many([GENERATION_KEY, key])
        current = found.get(GENERATION_KEY)
        entry = found.get(key)
        if current is not None and entry is not None and entry[0] == current:
            return _respond(request, *entry[1:])
        if current is None:
            current = _generation_start()
        setattr(request, _RENDERING, True)
        try:
            response = view(request, *args, **kwargs)
        finally:
            setattr(request, _RENDERING, False)
        if response.streaming:
            return response
        if response.status_code != 200 or response.cookies or request.session.modified:
            response.content = _fill_csrf(request, response.content)
            return response
        entry = (current, response.status_code, dict(response.headers), response.content)
        cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
        return _respond(request, *entry[1:])

    return wrapper
