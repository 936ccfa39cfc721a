"""The text of uploaded strategy PDFs, page by page (``StrategyPage``), read by pypdf (BSD licence).

An upload marks the strategy ``pending`` and removes the pages of the previous file
(``participants.services.strategy_save``); after the commit the task ``extract_strategy_text`` calls
:func:`strategy_text_extract`, which

- holds the strategy's row (``select_for_update``) while it works, so a second worker or a retry waits and
  then finds nothing left to do, and a new upload waits for the pages of the old file to be written;
- reads the PDF from its stored file, one page at a time, and writes the pages in batches of
  ``BATCH_PAGES``: the text of the whole document is never in memory, whatever its length;
- ends in one of three states the representative sees on their strategy page: ``done``, ``no_text``
  (a scanned PDF: no page has a word on it) or ``failed`` (a broken or encrypted file).

When pages were stored, :data:`strategy_text_ready` is sent after the commit; the floors above listen to it
(``clauses`` proposes passages for its clauses).
"""

import logging
import re

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from .models import Strategy, StrategyPage

logger = logging.getLogger(__name__)

BATCH_PAGES = 25
# A page counts as text when it has a word of three letters; a scan yields none (or stray marks).
HAS_WORDS = re.compile(r"[^\W\d_]{3}", re.UNICODE)
SPACES = re.compile(r"[ \t\f\v\u00a0]+")
BLANK_LINES = re.compile(r"\n\s*\n+")

# Sent with ``strategy_id`` after the commit that stored a strategy's pages.
strategy_text_ready = Signal()


def clean_text(text: str) -> str:
    """Extracted text as stored: no NUL bytes (PostgreSQL refuses them), runs of spaces and blank lines folded."""
    text = text.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")
    text = SPACES.sub(" ", text)
    text = BLANK_LINES.sub("\n\n", text)
    return "\n".join(line.strip() for line in text.split("\n")).strip()


def _pages_text(file):
    """(number, text) of each page, read one at a time from the open file."""
    from pypdf import PdfReader

    reader = PdfReader(file)
    if reader.is_encrypted:
        reader.decrypt("")  # owner-password-only PDFs open with an empty user password; others fail here
    for index in range(len(reader.pages)):
        yield index + 1, clean_text(reader.pages[index].extract_text() or "")


def _write_pages(strategy: Strategy) -> tuple[int, bool]:
    """Store every page's text in batches; (pages, whether any page has words)."""
    count, has_words, batch = 0, False, []
    with strategy.file.open("rb") as file:
        for number, text in _pages_text(file):
            batch.append(StrategyPage(strategy=strategy, number=number, text=text))
            has_words = has_words or HAS_WORDS.search(text) is not None
            count = number
            if len(batch) >= BATCH_PAGES:
                StrategyPage.objects.bulk_create(batch)
                batch = []
    if batch:
        StrategyPage.objects.bulk_create(batch)
    return count, has_words


def strategy_text_extract(*, strategy_id: int) -> str | None:
    """Read the text of the strategy's PDF into its pages; the state reached, or None when there was nothing to do
    (the strategy is gone, has no file, or its file was read already)."""
    with transaction.atomic():
        strategy = Strategy.objects.select_for_update().filter(pk=strategy_id).first()
        if strategy is None or not strategy.file or strategy.text_state != Strategy.TextState.PENDING:
            return None
        StrategyPage.objects.filter(strategy=strategy).delete()
        pages = 0
        try:
            with transaction.atomic():
                pages, has_words = _write_pages(strategy)
                if not has_words:
                    raise _NoText
        except _NoText:
            state = Strategy.TextState.NO_TEXT
        except Exception:  # pypdf raises many kinds for broken files; all of them mean "cannot be read"
            logger.warning("Text of strategy %s could not be read", strategy_id, exc_info=True)
            state = Strategy.TextState.FAILED
        else:
            state = Strategy.TextState.DONE
        Strategy.objects.filter(pk=strategy_id).update(
            text_state=state, text_page_count=pages, text_extracted_at=timezone.now()
        )
        if state == Strategy.TextState.DONE:
            transaction.on_commit(lambda: strategy_text_ready.send(sender=Strategy, strategy_id=strategy_id))
    return state


class _NoText(Exception):
    """Every page is without words: the savepoint drops the empty pages."""
