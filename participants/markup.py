"""The one place where user-written Markdown becomes HTML. Everything it returns is sanitised.

Comments store the result with the row when they are written (``Comment.body_html``); short texts such as
key findings are rendered inside the cached fragments that show them."""

import html
import threading

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "del",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}
EXTENSIONS = ["sane_lists", "nl2br"]

# Building a Markdown instance costs more than converting a comment; one per thread is reused via reset().
_local = threading.local()


def _converter() -> markdown.Markdown:
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = markdown.Markdown(extensions=EXTENSIONS, output_format="html")
    return converter


def _render(text: str) -> str:
    html = _converter().reset().convert(text)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
    )


def render_markdown(text: str | None) -> SafeString:
    """Render Markdown to sanitised HTML: no scripts, no event handlers, no images, safe link schemes only;
    every link gets ``rel="nofollow noopener noreferrer"``."""
    return mark_safe(_render(text or ""))  # noqa: S308 - nh3 has sanitised it


def plain_text(text: str | None) -> str:
    """Markdown reduced to its text, for emails and exports: plain characters, not HTML entities (a template or
    the iCalendar library escapes them where the output needs it)."""
    return html.unescape(nh3.clean(markdown.markdown(text or ""), tags=set())).strip()
