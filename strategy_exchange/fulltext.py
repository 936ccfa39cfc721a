"""Full-text plumbing shared by the apps: PostgreSQL's ``german`` configuration where it runs, and a small
documented fallback for the embedded default (SQLite).

On PostgreSQL a text is searched through a stored ``tsvector`` column with a GIN index
(:class:`SearchVectorIndex`) and ranked with ``SearchRank``. SQLite has no ``tsvector``: the column
exists there but stays empty, the index is a plain one, and callers score by the overlap of
:func:`stems` (lower case, umlauts folded, common German endings cut off) instead.
"""

import re

from django.contrib.postgres.indexes import GinIndex
from django.db import connection
from django.db.models import Index

CONFIG = "german"


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


class SearchVectorIndex(GinIndex):
    """A GIN index on PostgreSQL; elsewhere an ordinary index (a no-op help on a column that stays empty)."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor == "postgresql":
            return super().create_sql(model, schema_editor, using=using, **kwargs)
        return Index.create_sql(self, model, schema_editor, using=using, **kwargs)


# Words that say nothing about a clause (articles, pronouns, auxiliaries, prepositions, conjunctions).
STOP_WORDS = frozenset(
    [
        "aber",
        "alle",
        "allem",
        "allen",
        "aller",
        "alles",
        "als",
        "also",
        "am",
        "an",
        "ander",
        "andere",
        "anderem",
        "anderen",
        "anderer",
        "anderes",
        "auch",
        "auf",
        "aus",
        "bei",
        "beim",
        "bin",
        "bis",
        "bist",
        "da",
        "damit",
        "dann",
        "das",
        "dass",
        "dem",
        "den",
        "denn",
        "der",
        "des",
        "dessen",
        "die",
        "dies",
        "diese",
        "diesem",
        "diesen",
        "dieser",
        "dieses",
        "doch",
        "dort",
        "du",
        "durch",
        "ein",
        "eine",
        "einem",
        "einen",
        "einer",
        "eines",
        "einige",
        "er",
        "es",
        "etwa",
        "euch",
        "euer",
        "für",
        "gegen",
        "habe",
        "haben",
        "hat",
        "hatte",
        "hier",
        "hin",
        "ich",
        "ihr",
        "ihre",
        "ihrem",
        "ihren",
        "ihrer",
        "im",
        "in",
        "ins",
        "ist",
        "ja",
        "jede",
        "jedem",
        "jeden",
        "jeder",
        "jedes",
        "jetzt",
        "kann",
        "kein",
        "keine",
        "können",
        "man",
        "mehr",
        "mit",
        "muss",
        "nach",
        "nicht",
        "noch",
        "nun",
        "nur",
        "ob",
        "oder",
        "ohne",
        "sehr",
        "sein",
        "seine",
        "sich",
        "sie",
        "sind",
        "so",
        "soll",
        "sollen",
        "sowie",
        "über",
        "um",
        "und",
        "uns",
        "unser",
        "unsere",
        "unter",
        "viel",
        "vom",
        "von",
        "vor",
        "wann",
        "war",
        "waren",
        "was",
        "weil",
        "wenn",
        "wer",
        "werden",
        "wie",
        "wir",
        "wird",
        "wo",
        "wurde",
        "wurden",
        "zu",
        "zum",
        "zur",
        "zwischen",
    ]
)

WORD = re.compile(r"\w+", re.UNICODE)
FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})
# Longest first; an ending is only cut when at least four letters remain.
ENDINGS = (
    "ungen",
    "heiten",
    "keiten",
    "ung",
    "heit",
    "keit",
    "isch",
    "lich",
    "ern",
    "em",
    "en",
    "er",
    "es",
    "e",
    "n",
    "s",
    "t",
)
MIN_STEM = 4


def stem(word: str) -> str:
    """A light German stem: "Beteiligung", "beteiligt" and "beteiligen" all become "beteilig"."""
    word = word.lower().translate(FOLD)
    for _pass in range(2):  # "beteiligten" -> "beteiligt" -> "beteilig"
        for ending in ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM:
                word = word[: -len(ending)]
                break
    return word


def words(text: str) -> list[str]:
    return WORD.findall(text)


def significant_terms(text: str, *, min_length: int = 4) -> list[str]:
    """The words of ``text`` that carry meaning (no stop words, no numbers, not too short), once each, in order."""
    seen: dict[str, None] = {}
    for word in words(text):
        lower = word.lower()
        if len(lower) >= min_length and lower not in STOP_WORDS and not lower.isdigit():
            seen.setdefault(lower)
    return list(seen)


def stems(text: str) -> list[str]:
    return [stem(word) for word in words(text)]
