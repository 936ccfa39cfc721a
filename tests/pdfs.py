"""PDF documents made for tests with WeasyPrint: known text on known pages, or pages without any text."""

from html import escape


def pdf_with_pages(pages: list[str]) -> bytes:
    """One PDF page per entry, each holding that text (paragraphs split at blank lines)."""
    from weasyprint import HTML

    sections = []
    for text in pages:
        paragraphs = "".join(f"<p>{escape(part)}</p>" for part in text.split("\n\n"))
        sections.append(f'<section style="break-after: page">{paragraphs}</section>')
    return HTML(string=f"<html lang='de'><body>{''.join(sections)}</body></html>").write_pdf()


def pdf_without_text(pages: int = 2) -> bytes:
    """A "scan": pages with a picture (a filled box) and no text layer."""
    from weasyprint import HTML

    box = '<section style="break-after: page"><div style="width: 12cm; height: 18cm; background: #333"></div></section>'
    return HTML(string=f"<html><body>{box * pages}</body></html>").write_pdf()
