"""The one place where user-written Markdown becomes HTML. Everything it returns is sanitised."""

import hashlib
import threading
from collections.abc import Iterable

import markdown
import nh3
from django.core.cache import cache
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

# Rendered HTML is cached by a digest of the text and of these rules: a change of either is a new key.
_RULES = repr((sorted(ALLOWED_TAGS), sorted((k, sorted(v)) for k, v in ALLOWED_ATTRIBUTES.items())))
_RULES += repr((sorted(URL_SCHEMES), EXTENSIONS, markdown.__version__, nh3.__version__))
_RULES_DIGEST = hashlib.blake2b(_RULES.encode(), digest_size=6).hexdigest()
CACHE_TIMEOUT = 7 * 24 * 60 * 60

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


def _cache_key(text: str) -> str:
    digest = hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
    return f"md:{_RULES_DIGEST}:{digest}"


def render_markdown_many(texts: Iterable[str | None]) -> dict[str, SafeString]:
    """``render_markdown`` for many texts with one cache round trip; maps each text to its HTML.

    The cache key is a digest of the text itself, so an edited text is simply a new entry.
    """
    wanted = {text or "" for text in texts}
    keys = {_cache_key(text): text for text in wanted if text}
    found = cache.get_many(list(keys)) if keys else {}
    rendered = {"": mark_safe("")}
    missing = {}
    for key, text in keys.items():
        if key in found:
            rendered[text] = mark_safe(found[key])  # noqa: S308 - cached output of _render
        else:
            html = missing[key] = _render(text)
            rendered[text] = mark_safe(html)  # noqa: S308 - nh3 has sanitised it
    if missing:
        cache.set_many(missing, timeout=CACHE_TIMEOUT)
    return rendered


def plain_text(text: str | None) -> str:
    """Markdown reduced to its text, for emails and exports."""
    return nh3.clean(markdown.markdown(text or ""), tags=set()).strip()
