"""Rendered parts of the participant pages kept in the cache.

Keys carry the versions from ``strategy_exchange.fragments`` (bumped by the services that change what a
fragment shows) and the language; a fragment never holds a CSRF token of its own: forms in it are rendered
with a placeholder that is replaced by the viewer's token on the way out.
"""

from django.http import HttpRequest
from django.middleware.csrf import get_token

from rounds.fragments import FINDINGS, PARTICIPANTS, ROUND, THREAD
from strategy_exchange.fragments import cached_fragment, fragment_key

CSRF_PLACEHOLDER = "csrf-token-of-the-viewer"

__all__ = ["FINDINGS", "PARTICIPANTS", "ROUND", "THREAD", "cached_fragment", "fragment_key", "with_csrf"]


def with_csrf(request: HttpRequest, html: str) -> str:
    """A fragment rendered with ``csrf_token=CSRF_PLACEHOLDER``, with the viewer's token put in."""
    return html.replace(CSRF_PLACEHOLDER, get_token(request)) if CSRF_PLACEHOLDER in html else html
