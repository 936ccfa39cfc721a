"""The built report as HTML for the review page: sanitised, so it carries no scripts or inline styles
(the page runs under a strict Content-Security-Policy)."""

import nh3
from django.utils.safestring import SafeString, mark_safe

TAGS = {
    "article", "section", "header", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "strong", "em",
    "b", "i", "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "table", "thead", "tbody", "tr", "th", "td",
    "a", "span", "div", "small", "time", "figure", "figcaption", "code", "pre",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "time": {"datetime"}, "*": {"class", "id", "lang"}}


def preview_html(html: str) -> SafeString:
    cleaned = nh3.clean(
        html or "",
        tags=TAGS,
        generic_attribute_prefixes=set(),
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        strip_comments=True,
        clean_content_tags={"script", "style"},
    )
    return mark_safe(cleaned)  # noqa: S308 - sanitised by nh3 above
