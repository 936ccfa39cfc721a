"""Strategy documents at scale: reading the text of a 100-page PDF (the extraction service, as the Celery
task runs it) and proposing passages of it for 30 clauses (``suggestions_refresh``).

The PDF is made with WeasyPrint before the clock starts: ``pages`` pages of German strategy prose, each
about 2,500 characters, every page with words of its own topic. The organisation, strategy, file and any
clauses added to reach ``clauses`` are removed again afterwards.
"""

import random
import time
from dataclasses import dataclass
from html import escape

from django.core.files.base import ContentFile

from clauses.models import Clause, Suggestion
from clauses.services import suggestions_refresh
from participants.documents import strategy_text_extract
from participants.models import Organisation, Strategy, StrategyPage

EXTRACTION_PAGES = 100
SUGGESTION_CLAUSES = 30
BENCH_SLUG = "bench-strategie-dokument"

TOPICS = [
    ("Beteiligung", "Akteure", "Zivilgesellschaft", "Werkstatt", "Bürgerinnen"),
    ("Stadtentwicklungskonzept", "Mobilitätsplan", "Klimaplan", "Quartier", "Flächen"),
    ("Aktualisierung", "Fortschreibung", "Monitoring", "Kennzahlen", "Evaluation"),
    ("Datenplattform", "Open Data", "Schnittstellen", "Datenschutz", "Sensorik"),
    ("Verwaltung", "Onlinezugang", "Formulare", "Bürgerservice", "Prozesse"),
    ("Energie", "Wärmenetz", "Photovoltaik", "Speicher", "Netze"),
    ("Bildung", "Schulen", "Medienkompetenz", "Bibliothek", "Weiterbildung"),
    ("Gesundheit", "Pflege", "Telemedizin", "Quartierszentren", "Prävention"),
    ("Wirtschaft", "Gründungen", "Handel", "Innenstadt", "Standort"),
    ("Smart City Charta", "Leitlinien", "Bund", "Länder", "Förderprogramm"),
]
FILLER = (
    "Die Stadt setzt dabei auf eine enge Zusammenarbeit der Fachbereiche und beschreibt Ziele, Maßnahmen und "
    "Zuständigkeiten für die kommenden Jahre. Jede Maßnahme erhält eine verantwortliche Stelle, einen Zeitplan "
    "und eine Beschreibung des erwarteten Nutzens für die Bürgerinnen und Bürger."
)


def strategy_pdf(*, pages: int, seed: int = 2021) -> bytes:
    from weasyprint import HTML

    rng = random.Random(seed)  # noqa: S311  # nosec B311 - made-up prose
    sections = []
    for number in range(1, pages + 1):
        topic = TOPICS[number % len(TOPICS)]
        sentences = [
            f"Kapitel {number}: {topic[0]} und {topic[1]}.",
            *(
                f"Im Handlungsfeld {rng.choice(topic)} verbinden wir {rng.choice(topic)} mit {rng.choice(topic)}. {FILLER}"
                for _ in range(6)
            ),
        ]
        paragraphs = "".join(f"<p>{escape(sentence)}</p>" for sentence in sentences)
        sections.append(f'<section style="break-after: page">{paragraphs}</section>')
    return HTML(string=f"<html lang='de'><body>{''.join(sections)}</body></html>").write_pdf()


@dataclass(frozen=True)
class DocumentTiming:
    pages: int
    pdf_bytes: int
    extraction_seconds: float
    state: str | None
    stored_pages: int
    clauses: int
    suggestions_seconds: float
    suggestions: int


def _clauses_up_to(count: int) -> list[int]:
    """Add clauses (numbers from 900) until the library has ``count``; the ids of those added."""
    added = []
    missing = count - Clause.objects.count()
    for index in range(max(0, missing)):
        topic = TOPICS[index % len(TOPICS)]
        clause = Clause.objects.create(
            number=900 + index,
            title=f"Benchmark-Klausel {topic[0]}",
            typical_wording=f"Die Strategie beschreibt {topic[0]}, {topic[1]} und {topic[2]}.",
            keywords=", ".join(topic[3:]),
        )
        added.append(clause.pk)
    return added


def documents_measure(*, pages: int = EXTRACTION_PAGES, clauses: int = SUGGESTION_CLAUSES) -> DocumentTiming:
    """Extraction of a ``pages``-page PDF, then suggestions for ``clauses`` clauses on its pages."""
    content = strategy_pdf(pages=pages)
    Organisation.objects.filter(slug=BENCH_SLUG).delete()
    organisation = Organisation.objects.create(name="Benchmark-Stadt", slug=BENCH_SLUG, kind="city")
    strategy = Strategy(organisation=organisation, title="Benchmark-Strategie", text_state=Strategy.TextState.PENDING)
    strategy.file.save("bench-strategie.pdf", ContentFile(content), save=False)
    strategy.save()
    added = _clauses_up_to(clauses)
    try:
        started = time.perf_counter()
        state = strategy_text_extract(strategy_id=strategy.pk)
        extraction_seconds = time.perf_counter() - started
        started = time.perf_counter()
        suggestions_refresh(strategy_id=strategy.pk)
        suggestions_seconds = time.perf_counter() - started
        return DocumentTiming(
            pages=pages,
            pdf_bytes=len(content),
            extraction_seconds=extraction_seconds,
            state=state,
            stored_pages=StrategyPage.objects.filter(strategy=strategy).count(),
            clauses=Clause.objects.count(),
            suggestions_seconds=suggestions_seconds,
            suggestions=Suggestion.objects.filter(strategy=strategy).count(),
        )
    finally:
        strategy.file.delete(save=False)
        organisation.delete()
        Clause.objects.filter(pk__in=added).delete()
