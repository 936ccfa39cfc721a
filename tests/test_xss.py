"""User-written text – comments, meeting notes, position quotes – renders inert wherever it appears.

Every payload goes in through the real forms (or the model for organiser notes) and comes out through
the one Markdown sanitiser; the rendered pages are parsed and searched for anything executable.
"""

import datetime
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from clauses.models import Position
from participants.markup import render_markdown
from rounds.models import Comment, FollowUpReport
from rounds.services import comments
from tests.factories import MeetingNoteFactory, StrategyFactory, round_with_roles

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    '<a href="javascript:alert(1)">klick</a>',
    "[klick](javascript:alert(1))",
    "![bild](javascript:alert(1))",
    "![x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](data:text/html,<script>alert(1)</script>)",
    '<iframe src="javascript:alert(1)"></iframe>',
    "<body onload=alert(1)>",
    '<a href="jav&#x09;ascript:alert(1)">tab</a>',
    "[x](jav&#x61;script:alert(1))",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "[x](JaVaScRiPt:alert(1))",
    '<a href="&#106;avascript:alert(1)">entity</a>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="data:text/html,<script>alert(1)</script>">',
    '"><script>alert(1)</script>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "[x](vbscript:msgbox(1))",
    '<form action="javascript:alert(1)"><button>x</button></form>',
    "<input autofocus onfocus=alert(1)>",
    "`<script>alert(1)</script>`",
    "[a](<javascript:alert(1)>)",
    '<a href=" javascript:alert(1)">space</a>',
    '![x](x" onerror="alert(1))',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<div hx-get="/konto/logout/" hx-trigger="load">htmx</div>',
    '[link](https://example.org "title" onmouseover=alert(1))',
]
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "poster", "background"}
BAD_SCHEMES = ("javascript:", "data:", "vbscript:")


class Findings(HTMLParser):
    """Collects everything executable in an HTML document."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script":
            self._in_script = True
            src = attributes.get("src") or ""
            if not src.startswith("/static/"):
                self.problems.append(f"inline or foreign script: {attrs}")
        if tag in {"iframe", "object", "embed", "style", "base", "img", "math", "noscript"}:
            self.problems.append(f"<{tag}>")
        if tag == "meta" and "http-equiv" in attributes:
            self.problems.append("meta refresh")
        for name, value in attrs:
            name = name.lower()
            if name.startswith("on") or name == "style" or name in {"hx-trigger", "hx-on"}:
                self.problems.append(f"attribute {name}={value!r} on <{tag}>")
            cleaned = "".join((value or "").split()).lower()
            if name in URL_ATTRIBUTES and cleaned.startswith(BAD_SCHEMES):
                self.problems.append(f"{name}={value!r} on <{tag}>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.problems.append(f"script content: {data[:60]!r}")


def executable_markup(html: str) -> list[str]:
    parser = Findings()
    parser.feed(html)
    parser.close()
    return parser.problems


@pytest.fixture
def roles():
    return round_with_roles(starts_at=timezone.now() + datetime.timedelta(days=2))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_xss_markdown_filter_output_inert(payload):
    html = str(render_markdown(payload))

    assert executable_markup(html) == []
    assert "<svg" not in html


def test_xss_corpus_has_at_least_twenty_payloads():
    assert len(PAYLOADS) >= 20


def test_xss_comments_render_inert_on_discussion_and_clause_pages(client, roles):
    client.force_login(roles.invited)
    post_url = reverse("rounds:comment_post", kwargs={"round_pk": roles.round.pk, "number": roles.clause.number})
    for payload in PAYLOADS:
        client.post(post_url, {"body": payload, "confidentiality": "quotable"})
    parent = Comment.objects.order_by("pk").first()
    client.post(post_url, {"body": PAYLOADS[0], "confidentiality": "quotable", "parent": parent.pk})

    discussion = client.get(reverse("rounds:discussion", kwargs={"round_pk": roles.round.pk, "number": 4}))
    history = client.get(reverse("rounds:clause_history", kwargs={"number": 4}))

    assert Comment.objects.count() == len(PAYLOADS) + 1
    assert executable_markup(discussion.content.decode()) == []
    assert executable_markup(history.content.decode()) == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in discussion.content.decode()


def test_xss_comment_reply_email_html_inert(roles, mailoutbox, django_capture_on_commit_callbacks):
    parent = comments.comment_post(
        agenda_item=roles.item, author=roles.organiser, body="Frage", confidentiality="quotable"
    )
    with django_capture_on_commit_callbacks(execute=True):
        for payload in PAYLOADS[:5]:
            comments.comment_post(
                agenda_item=roles.item, author=roles.invited, body=payload, confidentiality="quotable", parent=parent
            )

    html_parts = [message.alternatives[0][0] for message in mailoutbox]

    assert len(html_parts) == 5
    assert [executable_markup(html) for html in html_parts] == [[]] * 5


def test_xss_meeting_notes_render_inert_as_key_findings(client, roles):
    for payload in PAYLOADS:
        MeetingNoteFactory(round=roles.round, agenda_item=roles.item, body=payload, is_key_finding=True)
    MeetingNoteFactory(round=roles.round, agenda_item=None, body=PAYLOADS[1], is_key_finding=True)
    FollowUpReport.objects.create(round=roles.round, version=1, status=FollowUpReport.Status.PUBLISHED)
    client.force_login(roles.invited)

    round_page = client.get(reverse("rounds:round_detail", kwargs={"pk": roles.round.pk}))
    history = client.get(reverse("rounds:clause_history", kwargs={"number": 4}))

    assert executable_markup(round_page.content.decode()) == []
    assert executable_markup(history.content.decode()) == []
    assert round_page.content.decode().count('class="kern-list kern-list--bullet"') >= 2


def test_xss_position_quotes_render_inert_in_matrix_and_quote(client, roles):
    strategy = StrategyFactory(organisation=roles.invited_org)
    client.force_login(roles.invited)
    edit_url = reverse("clauses:position_edit", kwargs={"number": 4})
    quote_url = reverse("clauses:position_quote", kwargs={"strategy_pk": strategy.pk, "number": 4})
    pages = []
    for payload in PAYLOADS:
        client.post(edit_url, {"status": "contains", "quote": payload, "page": "3"})
        assert Position.objects.get(strategy=strategy).quote == payload.strip()
        pages.append(client.get(quote_url).content.decode())
        pages.append(client.get(quote_url, HTTP_HX_REQUEST="true").content.decode())
    pages.append(client.get(reverse("clauses:matrix")).content.decode())

    assert [executable_markup(html) for html in pages] == [[]] * len(pages)
