"""A small run of the benchmark's strategy-document measurements (``make bench`` runs them at full size)."""

import pytest

from bench.documents import documents_measure
from bench.measure import document_results
from clauses.models import Clause
from participants.models import Organisation
from tests.factories import ClauseFactory

pytestmark = [pytest.mark.bench, pytest.mark.django_db]


def test_bench_documents_times_extraction_and_suggestions_and_leaves_nothing_behind():
    ClauseFactory(number=4, typical_wording="Für die Strategie haben wir alle relevanten Akteure beteiligt.")

    timing = documents_measure(pages=6, clauses=5)

    assert (timing.state, timing.stored_pages, timing.clauses) == ("done", 6, 5)
    assert timing.suggestions > 0
    assert 0 < timing.extraction_seconds < 60 and 0 < timing.suggestions_seconds < 60
    assert (Clause.objects.count(), Organisation.objects.filter(slug="bench-strategie-dokument").exists()) == (1, False)


def test_bench_document_results_check_the_targets(monkeypatch):
    monkeypatch.setattr("bench.measure.documents_measure", lambda: documents_measure(pages=3, clauses=2))

    extraction, suggestions = document_results()

    assert (extraction.target, suggestions.target) == ("<= 15", "<= 2")
    assert (extraction.ok, suggestions.ok) == (True, True)
