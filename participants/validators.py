"""Checks of uploaded files by their content, never by their name."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

PDF_HEADER = re.compile(rb"^%PDF-[12]\.\d")
STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
TAIL_BYTES = 2048


def _read_head_and_tail(upload: UploadedFile) -> tuple[bytes, bytes, int]:
    size = upload.size or 0
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(max(0, size - TAIL_BYTES))
    tail = upload.read(TAIL_BYTES)
    upload.seek(0)
    return head, tail, size


def _points_to_xref(upload: UploadedFile, offset: int, size: int) -> bool:
    """The cross-reference table (``xref``) or stream (``N 0 obj``) must start where ``startxref`` says."""
    if offset <= 0 or offset >= size:
        return False
    upload.seek(offset)
    start = upload.read(32)
    upload.seek(0)
    return start.startswith(b"xref") or re.match(rb"^\d+\s+\d+\s+obj", start) is not None


def validate_pdf(upload: UploadedFile) -> None:
    """A real PDF of at most ``STRATEGY_PDF_MAX_BYTES``: the ``%PDF-`` header, a trailer with ``startxref``
    and ``%%EOF``, and a cross-reference section where the trailer points. A renamed Word file or image fails."""
    limit = settings.STRATEGY_PDF_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("Die Datei ist %(size)s MB groß; erlaubt sind höchstens %(limit)s MB.")
            % {"size": f"{upload.size / 1024 / 1024:.1f}".replace(".", ","), "limit": limit // (1024 * 1024)},
            code="too_large",
        )
    head, tail, size = _read_head_and_tail(upload)
    if not PDF_HEADER.match(head):
        raise ValidationError(
            _("Die Datei ist kein PDF-Dokument. Bitte laden Sie Ihre Strategie als PDF hoch."), code="not_pdf"
        )
    match = STARTXREF.search(tail)
    if match is None or not _points_to_xref(upload, int(match.group(1)), size):
        raise ValidationError(
            _("Die PDF-Datei ist beschädigt oder unvollständig und kann nicht gelesen werden."), code="broken_pdf"
        )
