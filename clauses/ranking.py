"""Which pages of a strategy speak about a clause: full-text ranking of ``StrategyPage`` rows.

The query of a clause is made of the significant words of its typical wording and its keywords (the
title when both are empty), joined by OR. Up to :data:`MAX_SUGGESTIONS` pages are proposed per clause,
best first, each with the passage of the page that holds most of the query's words.

- PostgreSQL: ``SearchQuery`` with the ``german`` configuration (one plain query per word, OR-ed)
  against the stored, GIN-indexed ``search_vector``; the score is ``SearchRank`` normalised by the
  page's length (``1 + log(length)``), so a long page does not win by size alone. One query per clause.
- SQLite (the embedded default): the pages are read one at a time and scored in Python by stemmed word
  overlap (``strategy_exchange.fulltext.stem``): for each query stem found on the page ``1 + ln(n)``
  (``n`` its occurrences), summed and divided by the number of query stems. Ties go to the earlier page.

Both stay within bounded memory: PostgreSQL returns three pages per clause; SQLite holds one page's
word counts and three candidates per clause at a time.
"""

import heapq
import math
import operator
import re
from collections import Counter
from dataclasses import dataclass
from functools import reduce

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import F

from participants.models import StrategyPage
from strategy_exchange.fulltext import CONFIG, is_postgresql, significant_terms, stem, stems

from .models import Clause

MAX_SUGGESTIONS = 3
PASSAGE_CHARS = 600
KEYWORD_SEPARATORS = re.compile(r"[,;\n]+")
SENTENCE_END = re.compile(r"(?<=[.!?:])\s+(?=[A-ZÄÖÜ0-9„\"(])|\n{2,}")


@dataclass(frozen=True)
class Candidate:
    page_id: int
    page_number: int
    score: float
    passage: str


def clause_terms(clause: Clause) -> list[str]:
    """The words a clause is searched by."""
    keywords = " ".join(KEYWORD_SEPARATORS.split(clause.keywords or ""))
    terms = significant_terms(f"{clause.typical_wording}\n{keywords}")
    return terms or significant_terms(clause.title)


def best_passage(text: str, query_stems: set[str]) -> str:
    """The one or two consecutive sentences of ``text`` with the most distinct query words, shortened to
    about ``PASSAGE_CHARS`` characters at a word boundary."""
    sentences = [" ".join(part.split()) for part in SENTENCE_END.split(text) if part.strip()]
    if not sentences:
        return ""
    hits = [len(query_stems.intersection(stems(sentence))) for sentence in sentences]
    best, best_hits = 0, -1
    for index in range(len(sentences)):
        window = hits[index] + (hits[index + 1] if index + 1 < len(sentences) else 0)
        if window > best_hits:
            best, best_hits = index, window
    passage = sentences[best]
    if best + 1 < len(sentences) and hits[best + 1] and len(passage) + len(sentences[best + 1]) < PASSAGE_CHARS:
        passage = f"{passage} {sentences[best + 1]}"
    if len(passage) > PASSAGE_CHARS:
        passage = passage[:PASSAGE_CHARS].rsplit(" ", 1)[0] + " …"
    return passage


def suggestion_candidates(*, strategy_id: int, clauses: list[Clause]) -> dict[int, list[Candidate]]:
    """clause id → up to three candidate passages of the strategy's pages, best first."""
    queries = {clause.pk: clause_terms(clause) for clause in clauses}
    queries = {pk: terms for pk, terms in queries.items() if terms}
    if not queries:
        return {}
    if is_postgresql():
        return _rank_postgresql(strategy_id=strategy_id, queries=queries)
    return _rank_overlap(strategy_id=strategy_id, queries=queries)


def _rank_postgresql(*, strategy_id: int, queries: dict[int, list[str]]) -> dict[int, list[Candidate]]:
    found: dict[int, list[Candidate]] = {}
    for clause_id, terms in queries.items():
        query = reduce(operator.or_, (SearchQuery(term, config=CONFIG) for term in terms))
        rows = (
            StrategyPage.objects.filter(strategy_id=strategy_id, search_vector=query)
            .annotate(score=SearchRank(F("search_vector"), query, normalization=1))
            .order_by("-score", "number")
            .values_list("pk", "number", "text", "score")[:MAX_SUGGESTIONS]
        )
        query_stems = {stem(term) for term in terms}
        found[clause_id] = [
            Candidate(page_id=pk, page_number=number, score=float(score), passage=best_passage(text, query_stems))
            for pk, number, text, score in rows
        ]
    return found


def _rank_overlap(*, strategy_id: int, queries: dict[int, list[str]]) -> dict[int, list[Candidate]]:
    query_stems = {clause_id: {stem(term) for term in terms} for clause_id, terms in queries.items()}
    best: dict[int, list[tuple[float, int, int]]] = {clause_id: [] for clause_id in queries}  # (score, -number, pk)
    pages = StrategyPage.objects.filter(strategy_id=strategy_id).order_by("number").values_list("pk", "number", "text")
    for pk, number, text in pages.iterator(chunk_size=100):
        counts = Counter(stems(text))
        for clause_id, wanted in query_stems.items():
            found = [counts[word] for word in wanted if counts[word]]
            if not found:
                continue
            entry = (sum(1 + math.log(n) for n in found) / len(wanted), -number, pk)
            heap = best[clause_id]
            if len(heap) < MAX_SUGGESTIONS:
                heapq.heappush(heap, entry)
            elif entry > heap[0]:
                heapq.heapreplace(heap, entry)
    chosen = {pk for heap in best.values() for _score, _number, pk in heap}
    texts = dict(StrategyPage.objects.filter(pk__in=chosen).values_list("pk", "text"))
    return {
        clause_id: [
            Candidate(
                page_id=pk,
                page_number=-negative_number,
                score=round(score, 4),
                passage=best_passage(texts[pk], query_stems[clause_id]),
            )
            for score, negative_number, pk in sorted(heap, reverse=True)
        ]
        for clause_id, heap in best.items()
        if heap
    }
