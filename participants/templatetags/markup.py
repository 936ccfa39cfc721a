from django import template

from participants.markup import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str | None):
    """``{{ comment.body|markdown }}``: sanitised HTML from user-written Markdown."""
    return render_markdown(text)
