"""The PDF engine in a process of its own: the complete HTML document on stdin, the PDF on stdout.

Run as ``python -m rounds.services.report_pdf_engine --static-dir DIR --fonts-dir DIR [--ready-fd N]``
by :func:`rounds.services.report_pdf.engine_start`. It needs neither Django nor the database, and whatever
happens to it (a crash of the layout engine, a timeout, an exhausted memory) ends only this process.

It is started before its document is ready: it loads WeasyPrint and its fonts first, says so by writing
one byte to the file descriptor ``--ready-fd`` (if given), and only then reads the document. Without a
document (stdin closed at once: the worker no longer needs it) it ends without output.

The engine sees no system fonts: fontconfig is pointed at a configuration that lists only the fonts
directory, and the fonts are declared by ``@font-face`` in that directory's ``dejavu.css``. Without
the fonts the process refuses with a readable message (exit status 3) instead of rendering boxes or
crashing. It fetches nothing but files below the static and the fonts directory.
"""

import argparse
import gc
import os
import sys
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.sax.saxutils import escape

FONTS_CSS = "dejavu.css"
FONT_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf", "DejaVuSans-BoldOblique.ttf")
EXIT_REFUSED = 3

# A build creates hundreds of thousands of short-lived objects (most in the PDF layout); with Python's
# default thresholds the cyclic garbage collector runs thousands of times per report and takes about a
# fifth of the build's time. The process ends after one document, so its garbage never needs collecting:
# the collector is off while the document is laid out (what it would free is little against the fonts and
# boxes that live until the end).
BUILD_GC_THRESHOLD = (50_000, 50, 100)

FONTCONFIG = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <dir>{fonts_dir}</dir>
  <cachedir>{cache_dir}</cachedir>
</fontconfig>
"""


def missing_fonts(fonts_dir: Path) -> list[str]:
    """The font files (and their stylesheet) that ``fonts_dir`` lacks."""
    return [name for name in (*FONT_FILES, FONTS_CSS) if not (fonts_dir / name).is_file()]


def _fetcher(allowed: list[Path]):
    from weasyprint.urls import URLFetcher, URLFetchingError

    roots = [root.resolve() for root in allowed]

    class LocalOnlyFetcher(URLFetcher):
        """Fetches only files below the allowed directories: never the network, never other files."""

        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            path = Path(unquote(parts.path)).resolve()
            if parts.scheme != "file" or not any(path.is_relative_to(root) for root in roots):
                raise URLFetchingError(f"Not fetched: {url}")
            return super().fetch(url, headers)

    return LocalOnlyFetcher(allowed_protocols={"file"})


def _page_references_once() -> None:
    """Let the PDF writer (pydyf) compute the list of its pages' references once per page count.

    WeasyPrint asks for a page's reference for every element of the tag tree (thousands per report), and
    pydyf rebuilds the whole list of references each time: a tenth of the PDF writing for a report of
    fifty pages. The list only changes when a page is added, so it is kept until the count changes."""
    import pydyf

    if getattr(pydyf.PDF, "_page_references_once", False):
        return
    build = pydyf.PDF.page_references.fget

    def page_references(pdf):
        count = pdf.pages["Count"]
        cached = pdf.__dict__.get("_page_references")
        if cached is None or cached[0] != count:
            cached = pdf.__dict__["_page_references"] = (count, build(pdf))
        return cached[1]

    pydyf.PDF.page_references = property(page_references)
    pydyf.PDF._page_references_once = True


class Renderer:
    """WeasyPrint loaded, its fonts declared and the fetcher set up: everything but the document."""

    def __init__(self, *, static_dir: Path, fonts_dir: Path) -> None:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        _page_references_once()
        self.static_dir = static_dir
        self.fetcher = _fetcher([static_dir, fonts_dir])
        self.font_config = FontConfiguration()
        self.fonts = CSS(filename=str(fonts_dir / FONTS_CSS), font_config=self.font_config, url_fetcher=self.fetcher)

    def render(self, document: str) -> bytes:
        from weasyprint import HTML

        html = HTML(string=document, base_url=self.static_dir.as_uri() + "/", url_fetcher=self.fetcher)
        return html.write_pdf(
            stylesheets=[self.fonts], font_config=self.font_config, custom_metadata=True, pdf_tags=True
        )


def render(*, document: str, static_dir: Path, fonts_dir: Path) -> bytes:
    """The PDF of ``document``; fontconfig must already be limited to ``fonts_dir`` (see :func:`main`)."""
    return Renderer(static_dir=static_dir, fonts_dir=fonts_dir).render(document)


def _signal_ready(fd: int | None) -> None:
    if fd is None:
        return
    try:
        os.write(fd, b"1")
    except OSError:
        pass  # nobody waits for it any more; the document (or the end of stdin) tells the rest
    finally:
        os.close(fd)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--static-dir", type=Path, required=True)
    parser.add_argument("--fonts-dir", type=Path, required=True)
    parser.add_argument("--ready-fd", type=int, default=None, help="file descriptor to write one byte to when ready")
    args = parser.parse_args(argv)
    fonts_dir = args.fonts_dir.resolve()
    missing = missing_fonts(fonts_dir)
    if missing:
        print(f"Schriftdateien fehlen in {fonts_dir}: {', '.join(missing)}", file=sys.stderr)
        return EXIT_REFUSED
    with tempfile.TemporaryDirectory(prefix="report-fonts-") as workdir:
        config = Path(workdir) / "fonts.conf"
        config.write_text(FONTCONFIG.format(fonts_dir=escape(str(fonts_dir)), cache_dir=escape(workdir)))
        os.environ["FONTCONFIG_FILE"] = str(config)  # before the engine is imported: no system fonts
        gc.set_threshold(*BUILD_GC_THRESHOLD)
        renderer = Renderer(static_dir=args.static_dir.resolve(), fonts_dir=fonts_dir)
        _signal_ready(args.ready_fd)
        document = sys.stdin.buffer.read().decode("utf-8")
        if not document:
            return 0
        gc.disable()
        pdf = renderer.render(document)
    sys.stdout.buffer.write(pdf)
    sys.stdout.buffer.flush()
    return 0


def exit_now(status: int) -> None:
    """End the process without the interpreter's teardown: freeing the objects of a laid-out document one
    by one takes a fifth of a second, and the worker waits for the end of the output until the process
    has ended. The output is flushed first; the temporary fontconfig directory is gone already."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


if __name__ == "__main__":
    exit_now(main())
