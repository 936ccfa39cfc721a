"""Rendered parts of the participant pages kept in the cache.

Keys carry the versions from ``strategy_exchange.fragments`` (bumped by the services that change what a
fragment shows) and the language; a fragment never holds a CSRF token of its own: forms in it are rendered
with a placeholder that is replaced by the viewer's token on the way out (``strategy_exchange.pagecache``).
"""

from rounds.fragments import ALL, FINDINGS, NAMES, PARTICIPANTS, ROUND, THREAD
from strategy_exchange.fragments import cached_fragment, fragment_key
from strategy_exchange.pagecache import CSRF_PLACEHOLDER, with_csrf

__all__ = [
    "ALL",
    "CSRF_PLACEHOLDER",
    "FINDINGS",
    "NAMES",
    "PARTICIPANTS",
    "ROUND",
    "THREAD",
    "cached_fragment",
    "fragment_key",
    "with_csrf",
]
