"""The search machinery of strategy_exchange.search: words, the light stemmer, snippets as safe HTML."""

import pytest

from strategy_exchange.search import START, STOP, highlight_html, light_stem, mark_hits, query_words


def test_query_words_keeps_letters_and_digits_once_in_lower_case():
    assert query_words("Beteiligung, beteiligung & 2030 – Ämter!") == ["beteiligung", "2030", "ämter"]


def test_query_words_is_bounded():
    assert len(query_words(" ".join(f"wort{i}" for i in range(50)))) == 8


@pytest.mark.parametrize(
    ("word", "stem"),
    [("Beteiligung", "beteilig"), ("beteiligt", "beteilig"), ("Akteure", "akteur"), ("Strategien", "strategi")],
)
def test_light_stem_strips_common_german_endings(word, stem):
    assert light_stem(word) == stem


def test_light_stem_keeps_short_words():
    assert light_stem("Rat") == "rat"


def test_highlight_html_escapes_everything_but_the_marks():
    marked = f"<b>fett</b> & {START}<script>{STOP} {START}Treffer{STOP}"

    assert highlight_html(marked) == "&lt;b&gt;fett&lt;/b&gt; &amp; <mark>&lt;script&gt;</mark> <mark>Treffer</mark>"


def test_highlight_html_drops_unpaired_marks():
    assert highlight_html(f"{START}offen {STOP}{STOP}zu") == "<mark>offen </mark>zu"
    assert highlight_html(f"nur {START}Anfang") == "nur Anfang"


def test_mark_hits_marks_the_inflected_forms_around_the_first_hit():
    text = " ".join(["Vorlauf"] * 60 + ["Die", "Akteure", "wurden", "beteiligt."] + ["Nachlauf"] * 60)

    snippet = mark_hits(text, ["Beteiligung"])

    assert f"{START}beteiligt{STOP}" in snippet
    assert snippet.startswith("… ") and snippet.endswith(" …")
    assert len(snippet) < len(text) / 2


def test_mark_hits_removes_marker_characters_from_the_text():
    assert START not in mark_hits(f"a{START}b Treffer", ["Treffer"]).replace(f"{START}Treffer", "")
