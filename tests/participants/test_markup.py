"""Markdown rendering: the cached path gives exactly what the direct one gives."""

from participants.markup import render_markdown

TEXTS = [
    "",
    "**fett** und _kursiv_\nneue Zeile",
    "[Link](https://example.org) und [x]: javascript:alert(1)",
    "<script>alert(1)</script><img src=x onerror=alert(1)>",
    "[a]: https://example.org/ref\n\n[a]",
    "1. eins\n3. drei\n\n- a\n- b",
]


def test_render_markdown_reused_converter_forgets_references():
    render_markdown("[a]: https://example.org/ref\n\n[a]")

    assert str(render_markdown("[a]")) == "<p>[a]</p>"
