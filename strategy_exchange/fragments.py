"""Rendered fragments of pages, cached under the version of the stored rows they show.

Every row that owns a cached fragment carries a ``version`` column (:class:`Versioned`): the agenda item
for its discussion thread, the round for its agenda and participants, the clause for its history, a
counter row for the comparison matrix. The version moves on in the same transaction as the change that
makes the fragment out of date:

- a ``save()`` of a versioned row writes ``version = version + 1`` (in SQL, so an instance loaded before
  another change can never write an older version back);
- a save or delete of a row that a fragment shows (a comment, an invitation, a name) moves on the
  versions of the rows that own those fragments: each app registers these dependencies with
  :func:`depends_on` (``rounds.freshness``, ``clauses.freshness``), and the models' signals call them,
  the admin included;
- a write past the models (``QuerySet.update()``, bulk or COPY loads) calls the one hook
  :func:`rows_changed` with the rows it changed.

Two orders make this safe without locks: a writer changes the data before (or in the same statement
as) it moves the version on, and a reader reads the version before (or with) the data it renders. A
reader between the two steps can only store newer data under the older version, which nobody asks for
once the version has moved on; a cached fragment never shows data older than its version. A
missing entry (evicted, cache flushed, Redis down) costs a render, never older HTML. The cache itself is
optional: any error of it is a miss.
"""

import hashlib
import logging
import pickle  # nosec B403
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Hashable, Iterable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.db.models import F, QuerySet
from django.db.models.signals import post_save, pre_delete
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

K = TypeVar("K", bound=Hashable)


class Versioned(models.Model):
    """A row whose rendered fragments are cached under its version."""

    version = models.PositiveIntegerField(default=1, db_default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            self.version = F("version") + 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        super().save(*args, **kwargs)
        # Only the database knows the new number: it is read again when it is next used.
        self.__dict__.pop("version", None)


def bump(queryset: QuerySet) -> int:
    """Move on the version of every versioned row in ``queryset`` (one UPDATE)."""
    return queryset.order_by().update(version=F("version") + 1)


# Which versions a change of a row moves on --------------------------------------------------------

Dependent = Callable[[QuerySet], None]
# model -> [(dependent, fields whose saves matter or None for every save)]
_dependents: dict[type[models.Model], list[tuple[Dependent, frozenset[str] | None]]] = defaultdict(list)


def depends_on(model: type[models.Model], dependent: Dependent, *, fields: Iterable[str] | None = None) -> None:
    """``dependent(rows)`` moves on the versions of whatever shows ``rows`` of ``model``; it runs for every
    save and delete of such a row (before the delete, while the row still exists) and for every
    :func:`rows_changed` call. With ``fields``, a save that names its ``update_fields`` runs it only when
    one of them is among ``fields`` (a sign-in that stores ``last_login`` changes no name)."""
    if not _dependents[model]:
        uid = f"fragments-{model._meta.label}"
        post_save.connect(_saved, sender=model, dispatch_uid=f"{uid}-save", weak=False)
        pre_delete.connect(_deleted, sender=model, dispatch_uid=f"{uid}-delete", weak=False)
    entry = (dependent, frozenset(fields) if fields is not None else None)
    if entry not in _dependents[model]:
        _dependents[model].append(entry)


def _notify(model: type[models.Model], rows: QuerySet, update_fields: Iterable[str] | None = None) -> None:
    for dependent, fields in _dependents.get(model, ()):
        if update_fields is None or fields is None or fields.intersection(update_fields):
            dependent(rows)


def _saved(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    if not raw:
        _notify(sender, sender._base_manager.filter(pk=instance.pk), update_fields)


def _deleted(sender, instance, **kwargs) -> None:
    _notify(sender, sender._base_manager.filter(pk=instance.pk))


def rows_changed(model: type[models.Model], pks: Iterable[int] | QuerySet | None = None) -> None:
    """The hook for writes that bypass ``save()``/``delete()``: call it in the same transaction, after a
    ``QuerySet.update()`` (or a bulk load), with the changed rows' ids (None: every row of ``model``).

    Versioned rows of ``model`` itself move on, and so does everything registered with
    :func:`depends_on`."""
    rows = model._base_manager.all()
    if pks is not None:
        rows = rows.filter(pk__in=pks if isinstance(pks, QuerySet) else list(pks))
    if issubclass(model, Versioned):
        bump(rows)
    _notify(model, rows)


# The cache -------------------------------------------------------------------------------------------


# The shape of what is cached (strings, pieces, bytes): a change of it is a new number, so that no entry of
# the old shape is read as one of the new (deploys also prefix every key with RELEASE).
FORMAT = 3


def fragment_key(name: str, *parts: object) -> str:
    """A cache key for a rendered fragment from everything its content depends on (and the language)."""
    digest = hashlib.blake2b(repr((FORMAT, get_language(), parts)).encode(), digest_size=16).hexdigest()
    return f"fragment:{name}:{digest}"


class _Recent:
    """The fragments this process used last, in front of the shared cache, up to a number of bytes.

    Safe for the same reason as the shared cache: a key holds the versions of what its fragment shows, so
    the value under a key never needs to change, and a new version is a new key. Asking this process's
    memory first saves the round trip to Redis and the unpickling for the pages many people read."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.size = 0
        self.entries: OrderedDict[str, tuple[object, int]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> object | None:
        with self.lock:
            entry = self.entries.get(key)
            if entry is None:
                return None
            self.entries.move_to_end(key)
            return entry[0]

    def put(self, key: str, value: object) -> None:
        size = len(key) + len(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        if size > self.max_bytes // 4:  # one huge fragment does not push out all the others
            return
        with self.lock:
            if key in self.entries:
                return
            self.entries[key] = (value, size)
            self.size += size
            while self.size > self.max_bytes:
                _key, (_value, dropped) = self.entries.popitem(last=False)
                self.size -= dropped

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.size = 0


_recent = _Recent(getattr(settings, "FRAGMENT_MEMORY_BYTES", 32 * 1024 * 1024))


def cached_fragment(key: str | None, render: Callable[[], object], *, timeout: int) -> object:
    """The value cached under ``key``, or ``render()`` (stored under ``key``); ``key=None`` only renders.
    One fragment of :func:`cached_fragments`."""
    if key is None:
        return render()
    return cached_fragments({key: key}, lambda missing: {key: render()}, timeout=timeout)[key]


def cached_fragments(
    keys: dict[K, str], render: Callable[[list[K]], dict[K, object]], *, timeout: int
) -> dict[K, object]:
    """Many fragments at once, each under its own key (``keys`` maps what a fragment is of to its key): those
    found in this process's recently used fragments or in the shared cache (one round trip for all), and
    ``render(missing)`` for the others in one go, which returns their values by the same identities. A change
    of one of them costs the render of that one only. The cache is a help, never a need: if it fails, the
    fragments are rendered and the page still answers."""
    found: dict[K, object] = {}
    if _recent.max_bytes:
        for ident, key in keys.items():
            value = _recent.get(key)
            if value is not None:
                found[ident] = value
    asked = {key: ident for ident, key in keys.items() if ident not in found}
    if asked:
        try:
            shared = cache.get_many(list(asked))
        except Exception:  # a cache that is down is a miss
            logger.warning("fragment cache unavailable", exc_info=True)
            shared = {}
        for key, value in shared.items():
            found[asked[key]] = value
            if _recent.max_bytes:
                _recent.put(key, value)
        missing = [ident for ident in keys if ident not in found]
        if missing:
            rendered = render(missing)
            try:
                cache.set_many({keys[ident]: rendered[ident] for ident in missing}, timeout)
            except Exception:
                logger.warning("fragment cache unavailable", exc_info=True)
            for ident in missing:
                found[ident] = rendered[ident]
                if _recent.max_bytes:
                    _recent.put(keys[ident], rendered[ident])
    return {ident: found[ident] for ident in keys}


def fragments_memory_clear() -> None:
    """Empty this process's memory of recent fragments (tests: each starts with nothing cached)."""
    _recent.clear()


def fragments_forget() -> None:
    """Drop every cached fragment: for loads that fill an empty database past the models (the ids and
    versions of a new database start again where an old one's cached fragments may still lie). Other running
    processes keep what they hold in memory: a database replaced under a running site needs a restart."""
    _recent.clear()
    try:
        cache.clear()
    except Exception:
        logger.warning("fragment cache unavailable", exc_info=True)
