"""Full-text search machinery that knows nothing of the domain: the stored search vector of a row, its index,
the query built from what someone typed, and highlighted snippets as safe HTML.

PostgreSQL: the vector is a stored generated column, ``to_tsvector('german', …)`` of the row's own text
columns with weights, so that every write keeps it current (services, the admin's saves, ``QuerySet.update``,
COPY); a GIN index answers ``@@``. Each word of a query is stemmed by the ``german`` configuration and
matched as a prefix (``beteilig:*``), so "Beteiligung" finds "beteiligt" and "Stadt" finds
"Stadtentwicklung"; all words must occur.

SQLite (the embedded default): the same column holds the row's text in lower case, and each word matches
as a substring after a light German suffix stripping (:func:`light_stem`: "Beteiligung" and "beteiligt"
both become "beteilig"). There is no ranking on SQLite; results keep a fixed order.
"""

import re
from collections.abc import Iterable

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchQuery, SearchVector, SearchVectorField
from django.db import models
from django.db.models import F, Func, Q, Value
from django.db.models.functions import Coalesce, Concat, Lower
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

CONFIG = "german"
MAX_WORDS = 8
WORD = re.compile(r"\w+", re.UNICODE)
# Around the hits of a snippet until it is escaped (private-use characters nobody types).
START, STOP = "\ue000", "\ue001"


class DocumentVector(Func):
    """The search vector of some text columns of the row, each with a weight ("A" highest … "D")."""

    output_field = SearchVectorField()

    def __init__(self, *weighted: tuple[str, str]):
        self.weights = [weight for _, weight in weighted]
        super().__init__(*[F(name) for name, _ in weighted])

    def as_postgresql(self, compiler, connection, **extra_context):
        vector = None
        for expression, weight in zip(self.get_source_expressions(), self.weights, strict=True):
            part = SearchVector(expression, config=CONFIG, weight=weight)
            vector = part if vector is None else vector + part
        return compiler.compile(vector)

    def as_sql(self, compiler, connection, **extra_context):
        parts: list = []
        for expression in self.get_source_expressions():
            parts += [Value(" "), expression] if parts else [expression]
        text = Concat(*parts, output_field=models.TextField()) if len(parts) > 1 else Coalesce(parts[0], Value(""))
        return compiler.compile(Lower(text))


def search_vector_field(*weighted: tuple[str, str]) -> models.GeneratedField:
    """A stored, generated search vector of the row's columns ``(name, weight)``."""
    return models.GeneratedField(
        expression=DocumentVector(*weighted), output_field=SearchVectorField(), db_persist=True, editable=False
    )


# GIN collects new entries in a pending list that every search reads through in full, until the list
# outgrows this many kB (PostgreSQL's default is 4 MB: some ten thousand rows, tens of milliseconds per search).
# A short list keeps searches cheap while a bulk load still merges its rows in batches.
PENDING_LIST_KB = 64


class SearchIndex(GinIndex):
    """A GIN index of a search vector on PostgreSQL, with a short pending list (``PENDING_LIST_KB``);
    elsewhere a plain index (SQLite knows no GIN)."""

    def get_with_params(self) -> list[str]:
        params = super().get_with_params()
        if self.gin_pending_list_limit is None:
            params.append(f"gin_pending_list_limit = {PENDING_LIST_KB}")
        return params

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor == "postgresql":
            return super().create_sql(model, schema_editor, using=using, **kwargs)
        return models.Index.create_sql(self, model, schema_editor, using="", **kwargs)


def query_words(text: str) -> list[str]:
    """The words of what someone typed (letters and digits), at most ``MAX_WORDS``, each once."""
    return list(dict.fromkeys(word.casefold() for word in WORD.findall(text or "")))[:MAX_WORDS]


GERMAN_SUFFIXES = (
    "ungen", "heiten", "keiten", "lichen", "ischen", "ung", "heit", "keit", "lich", "isch",
    "ern", "en", "er", "es", "em", "e", "s", "n", "t",
)  # fmt: skip
MIN_STEM = 4


def light_stem(word: str) -> str:
    """A word without its most common German inflection or derivation ending (SQLite only)."""
    word = word.casefold()
    for suffix in GERMAN_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
            return word[: -len(suffix)]
    return word


def raw_query(words: list[str], *, prefix: bool = True) -> str:
    """The text of the ``tsquery``: all words, each matched as a prefix (``to_tsquery`` stems each)."""
    return " & ".join(f"{word}:*" if prefix else word for word in words)


def postgres_query(words: list[str], *, prefix: bool = True) -> SearchQuery:
    """All words, each stemmed by the ``german`` configuration and matched as a prefix (or, with
    ``prefix=False``, as the stem itself: a subset of the matches that GIN finds several times faster)."""
    return SearchQuery(raw_query(words, prefix=prefix), config=CONFIG, search_type="raw")


def postgres_rank_sql(vector: str, words: list[str]) -> tuple[str, list[str]]:
    """SQL (with its parameters) of the rank of the search vector ``vector`` (a column reference) for the
    words: the same as ``SearchRank(vector, postgres_query(words))``."""
    return f"ts_rank({vector}, to_tsquery(%s::regconfig, %s))", [CONFIG, raw_query(words)]


def sqlite_match(field: str, words: list[str]) -> Q:
    """Every word's stem somewhere in the lower-cased text of ``field``. SQLite's LIKE ignores the case of
    ASCII letters only, so a stem that starts with an umlaut is tried capitalised too."""
    condition = Q()
    for stem in (light_stem(word) for word in words):
        either = Q(**{f"{field}__contains": stem})
        if not stem[:1].isascii():
            either |= Q(**{f"{field}__contains": stem.capitalize()})
        condition &= either
    return condition


def mark_hits(text: str, words: list[str], *, around: int = 18) -> str:
    """A snippet of ``text`` around its first hit, the hits between START and STOP (SQLite's headline)."""
    stems = [light_stem(word) for word in words]
    tokens = re.split(r"(\w+)", text or "")
    hits = [i for i, token in enumerate(tokens) if i % 2 and any(stem in token.casefold() for stem in stems)]
    first = hits[0] if hits else 1
    start, end = max(0, first - 2 * around), min(len(tokens), first + 2 * around)
    marked = [
        f"{START}{token}{STOP}" if i in hits else token.replace(START, "").replace(STOP, "")
        for i, token in enumerate(tokens[start:end], start=start)
    ]
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(tokens) else ""
    return prefix + "".join(marked).strip() + suffix


HIT = re.compile(f"{START}([^{START}{STOP}]*){STOP}")


def highlight_html(marked: str) -> SafeString:
    """The snippet escaped as a whole; only the hits between START and STOP become ``<mark>``."""
    escaped = escape(marked or "")
    html = HIT.sub(r"<mark>\1</mark>", escaped).replace(START, "").replace(STOP, "")
    return mark_safe(html)  # noqa: S308 - escaped above, only our own tags added


def joined(fields: Iterable[str]) -> models.Expression:
    """The text of some columns, one after the other (for snippets over several fields)."""
    names = list(fields)
    if len(names) == 1:
        return F(names[0])
    parts: list = []
    for name in names:
        parts += [F(name), Value(" · ")]
    return Concat(*parts[:-1], output_field=models.TextField())


def pending_lists_shorten(schema_editor, *, index_names: Iterable[str]) -> None:
    """For a migration: give existing search indexes the short pending list of :class:`SearchIndex` and
    merge what waits in their lists now (PostgreSQL only; elsewhere there is nothing to do)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in index_names:
        quoted = schema_editor.quote_name(name)
        schema_editor.execute(f"ALTER INDEX {quoted} SET (gin_pending_list_limit = {PENDING_LIST_KB})")
        schema_editor.execute("SELECT gin_clean_pending_list(%s::regclass)", [quoted])
