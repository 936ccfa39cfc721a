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

import json
import re
from collections.abc import Iterable
from functools import cache

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import connection, models
from django.db.models import F, Func, Value
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


def pending_lists_shorten(schema_editor, *, index_names: Iterable[str]) -> None:
    """For a migration: give existing search indexes the short pending list of :class:`SearchIndex` and
    merge what waits in their lists now (PostgreSQL only; elsewhere there is nothing to do)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in index_names:
        quoted = schema_editor.quote_name(name)
        schema_editor.execute(f"ALTER INDEX {quoted} SET (gin_pending_list_limit = {PENDING_LIST_KB})")
        schema_editor.execute("SELECT gin_clean_pending_list(%s::regclass)", [quoted])


# SQL of a search, written out (``rounds.selectors.search``): the same statement on both databases but for
# these pieces. Each returns its SQL with the parameters of its placeholders, in their order.

Sql = tuple[str, list]
HEADLINE_OPTIONS = {
    "StartSel": START,
    "StopSel": STOP,
    "MaxWords": 35,
    "MinWords": 12,
    "MaxFragments": 2,
    "FragmentDelimiter": " … ",
}


def postgres() -> bool:
    return connection.vendor == "postgresql"


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def match_sql(column: str, words: list[str], *, prefix: bool = True) -> Sql:
    """The rows whose search vector ``column`` holds every word. PostgreSQL: each word stemmed by the
    ``german`` configuration, matched as a prefix (or, with ``prefix=False``, as the stem itself: a subset of
    the matches that GIN finds several times faster). SQLite: each word's stem (:func:`light_stem`) somewhere
    in the lower-cased text; its LIKE ignores the case of ASCII letters only, so a stem that starts with an
    umlaut is tried capitalised too."""
    if postgres():
        return f"{column} @@ to_tsquery(%s::regconfig, %s)", [CONFIG, raw_query(words, prefix=prefix)]
    parts, params = [], []
    for stem in (light_stem(word) for word in words):
        variants = [stem] if stem[:1].isascii() else [stem, stem.capitalize()]
        parts.append("(" + " OR ".join(f"{column} LIKE %s ESCAPE '\\'" for _ in variants) + ")")
        params += [_like(variant) for variant in variants]
    return " AND ".join(parts) or "1 = 1", params


def rank_sql(column: str, words: list[str]) -> Sql:
    """The rank of the search vector ``column`` for the words (SQLite: none, every row ranks the same)."""
    if postgres():
        return f"ts_rank({column}, to_tsquery(%s::regconfig, %s))", [CONFIG, raw_query(words)]
    return "0.0", []


@cache
def _headline_options() -> str:
    return ", ".join(connection.ops.compose_sql(f"{name}=%s", [value]) for name, value in HEADLINE_OPTIONS.items())


def snippet_sql(columns: Iterable[str], words: list[str]) -> dict[str, Sql]:
    """What a result shows of its text: on PostgreSQL ``snippet``, the highlighted fragments around the words
    (``ts_headline``); on SQLite the columns themselves, ``text_0`` …, for :func:`snippet_text`."""
    names = list(columns)
    if not postgres():
        return {f"text_{i}": (name, []) for i, name in enumerate(names)}
    text = names[0] if len(names) == 1 else "concat_ws(' · ', " + ", ".join(f"NULLIF({n}, '')" for n in names) + ")"
    return {
        "snippet": (
            f"ts_headline(%s::regconfig, {text}, to_tsquery(%s::regconfig, %s), %s)",
            [CONFIG, CONFIG, raw_query(words), _headline_options()],
        )
    }


def snippet_text(doc: dict, words: list[str]) -> str:
    """The snippet of a result's ``doc`` with the hits between START and STOP, on either database."""
    if "snippet" in doc:
        return doc["snippet"] or ""
    texts = [doc[key] for key in sorted(key for key in doc if key.startswith("text_"))]
    return mark_hits(" · ".join(filter(None, texts)), words)


def object_sql(values: dict[str, Sql]) -> Sql:
    """One JSON object of named SQL values (read back with :func:`object_load`)."""
    function = "json_build_object" if postgres() else "json_object"
    parts, params = [], []
    for name, (sql, sql_params) in values.items():
        parts.append(f"'{name}', {sql}")
        params += sql_params
    return f"{function}({', '.join(parts)})", params


def object_load(value) -> dict:
    return json.loads(value) if isinstance(value, str | bytes) else value


def among_sql(column: str, ids: Iterable[int]) -> Sql:
    """``column`` is one of the ids, written into the statement (they are integers): the planner knows how
    many, in a plan of its own and in one it keeps for a prepared statement alike."""
    values = ", ".join(str(int(each)) for each in sorted(ids))
    return f"{column} IN ({values})", []
