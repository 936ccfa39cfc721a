"""Pages whose HTML is shared by every reader of a kind: cached once, with each reader's bits put in.

A shared page is a list of *pieces*: HTML, and :class:`Slot` s – named spots for what belongs to one
reader (the CSRF token, the path, the reader's name, their own comments, their invitation). The pieces
are rendered from the same templates as every other page (``shell.html`` for the frame) and cached as a
fragment under the versions of the rows they show (see :mod:`strategy_exchange.fragments`), together
with everything else the HTML depends on: the language, what the navigation offers the reader (signed
in, organiser, staff), the reader's access level, the page number.

Per request only the slots are filled: the frame's bits by :func:`reader_parts`, a page's own by its
view. A slot nobody fills shows its ``shared`` default. Nothing is ever searched or replaced in rendered
HTML: the spots are known by construction.

Requests that are not plain reads of the page (POSTs with errors, open forms, a message waiting to be
shown) are rendered the ordinary way, through ``base.html``, from the same parts.
"""

from collections.abc import Callable, Iterable
from typing import NamedTuple

from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.session import SessionStorage
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.html import conditional_escape, format_html

SHELL = "shell.html"


class Slot(NamedTuple):
    name: str
    key: object = None
    shared: str = ""  # for every reader who has nothing of their own here


CSRF_INPUT = Slot("csrf_input")
CSRF_VALUE = Slot("csrf_value")
NEXT_PATH = Slot("next_path")
USER_NAME = Slot("user_name")

Pieces = list  # of str and Slot
Parts = dict[tuple[str, object], str]


MAX_PAGE = 100_000


def page_number(value: str | None) -> int:
    """A requested page number (``?seite=``): anything that is not a plain number from 1 to MAX_PAGE is 1."""
    value = (value or "").strip()
    if value.isascii() and value.isdigit() and len(value) <= len(str(MAX_PAGE)):
        return min(max(int(value), 1), MAX_PAGE)
    return 1


def part(template: str, name: str, context: dict | None = None) -> str:
    """One partial of a template (``template#name``) as HTML."""
    return render_to_string(f"{template}#{name}", context or {})


def joined(pieces: Iterable) -> Pieces:
    """Consecutive HTML as one plain string: fewer objects to store and load."""
    result: Pieces = []
    run: list[str] = []
    for piece in pieces:
        if isinstance(piece, Slot):
            if run:
                result.append("".join(run))
                run = []
            result.append(Slot(piece.name, piece.key, str(piece.shared)))
        else:
            run.append(str(piece))
    if run:
        result.append("".join(run))
    return result


def frame(*, title: str, nav, content: Iterable) -> Pieces:
    """The page around ``content``, as base.html renders it, for a reader whose navigation is ``nav``."""
    context = {"nav": nav}
    pieces: Pieces = [
        part(SHELL, "doc_start"),
        conditional_escape(title),
        part(SHELL, "title_end"),
        CSRF_VALUE,
        part(SHELL, "header_start"),
        CSRF_INPUT,
        "\n        ",
        NEXT_PATH,
        part(SHELL, "language_buttons"),
        part(SHELL, "nav_items", context),
    ]
    if nav.signed_in:
        pieces += [part(SHELL, "nav_reader_start", context), USER_NAME, part(SHELL, "nav_logout_start"), CSRF_INPUT]
        pieces.append(part(SHELL, "nav_logout_end"))
    else:
        pieces.append(part(SHELL, "nav_login"))
    pieces += [part(SHELL, "main_start"), *content, part(SHELL, "footer")]
    return pieces


def csrf_input(token: str) -> str:
    """What ``{% csrf_token %}`` renders."""
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)


def next_path(path: str) -> str:
    """What ``shell.html#next_path`` renders (the language switch returns to the page)."""
    return format_html('<input name="next" type="hidden" value="{}">', path)


def reader_parts(request: HttpRequest) -> Parts:
    """The frame's bits for this reader."""
    token = get_token(request)
    user = request.user
    return {
        (CSRF_INPUT.name, None): csrf_input(token),
        (CSRF_VALUE.name, None): conditional_escape(token),
        (NEXT_PATH.name, None): next_path(request.get_full_path()),
        (USER_NAME.name, None): conditional_escape(user.get_full_name()) if user.is_authenticated else "",
    }


def fill(pieces: Pieces, parts: Parts) -> str:
    return "".join(
        piece if piece.__class__ is str else parts.get((piece.name, piece.key), piece.shared) for piece in pieces
    )


def encoded(pieces: Pieces) -> Pieces:
    """A whole page's pieces with its HTML as UTF-8 bytes, the way a response sends it: encoded once when
    the page is stored instead of for every reader."""
    return [piece.encode() if piece.__class__ is str else piece for piece in joined(pieces)]


def _fill_bytes(pieces: Pieces, parts: Parts) -> bytes:
    return b"".join(
        piece if piece.__class__ is bytes else str(parts.get((piece.name, piece.key), piece.shared)).encode()
        for piece in pieces
    )


def can_share(request: HttpRequest) -> bool:
    """A plain read of the page, with no message waiting to be shown (the ordinary rendering shows it)."""
    if request.method not in ("GET", "HEAD"):
        return False
    return CookieStorage.cookie_name not in request.COOKIES and SessionStorage.session_key not in request.session


def shared_response(request: HttpRequest, pieces: Pieces, *parts: Parts | Callable[[], Parts]) -> HttpResponse:
    """The page for this reader: the frame's bits and the view's own parts put into the shared pieces
    (made by :func:`encoded`)."""
    filled = reader_parts(request)
    for more in parts:
        filled.update(more() if callable(more) else more)
    return HttpResponse(_fill_bytes(pieces, filled))
