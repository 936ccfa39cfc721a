"""Scale data of the top floor, part two: threaded comments, meeting notes and follow-up reports."""

import datetime
import random
from collections.abc import Iterator

from participants.markup import render_markdown
from rounds.models import Comment, FollowUpReport, MeetingNote, Round

from . import names
from .series import PlannedRound, Top
from .writer import reserve_ids, write_rows

REPLY_SHARE = 0.35
CONFIDENTIALITY = (["quotable", "anonymised", "internal"], [60, 25, 15])
COMMENT_FIELDS = [
    "id", "agenda_item", "author", "organisation", "parent", "root", "body", "body_html", "confidentiality",
    "moderation", "hidden_reason", "highlighted", "created_at", "edited_at", "deleted_at", "reply_notified_at",
]  # fmt: skip


def comment_plan(*, rng: random.Random, top: Top, total: int, round_comments: int) -> list[tuple[int, int]]:
    """(agenda item, number of comments) for every discussed agenda item, summing up to ``total``.

    The bench round gets ``round_comments`` on its first agenda item; the rest spreads over the other
    held rounds by their number of invitees, with some rounds far livelier than others.
    """
    discussed = [r for r in top.rounds if r.discussed and r.accepted]
    bench = next((r for r in discussed if r.bench), None)
    plan: list[tuple[int, int]] = []
    rest = total
    if bench is not None:
        share = min(round_comments, total)
        plan.append((bench.agenda_item_ids[0], share))
        rest -= share
    others = [(r, item) for r in discussed if not r.bench for item in r.agenda_item_ids]
    if not others:
        if plan and rest:
            plan[0] = (plan[0][0], plan[0][1] + rest)
        return plan
    weights = [len(r.invitees) * rng.lognormvariate(0, 0.6) for r, _ in others]
    scale = rest / sum(weights)
    counts = [int(w * scale) for w in weights]
    for i in sorted(range(len(others)), key=lambda i: counts[i] - weights[i] * scale)[: rest - sum(counts)]:
        counts[i] += 1
    plan += [(item, count) for (_, item), count in zip(others, counts, strict=True)]
    return plan


def generate_discussion(*, rng: random.Random, top: Top, total: int, round_comments: int) -> dict[str, int]:
    counts = {}
    plan = comment_plan(rng=rng, top=top, total=total, round_comments=round_comments)
    round_of_item = {item: r for r in top.rounds for item in r.agenda_item_ids}
    first = reserve_ids(model=Comment, count=sum(n for _, n in plan))
    rows = _comments(rng=rng, plan=plan, round_of_item=round_of_item, first=first)
    counts["comments"] = write_rows(model=Comment, fields=COMMENT_FIELDS, rows=rows)
    counts["meeting_notes"] = _notes(rng=rng, top=top)
    counts["reports"] = _reports(top=top)
    return counts


def _comments(
    *, rng: random.Random, plan: list[tuple[int, int]], round_of_item: dict[int, PlannedRound], first: int
) -> Iterator[tuple]:
    pk = first
    choices, random_ = rng.choices, rng.random
    levels, weights = CONFIDENTIALITY
    sentences = names.SENTENCES
    # Bodies are combinations of a few sentences and repeat a lot: each distinct one is rendered once.
    html_of: dict[str, str] = {}
    for item, count in plan:
        planned = round_of_item[item]
        speakers = planned.accepted
        start = planned.starts_at - datetime.timedelta(days=14)
        span = (planned.ends_at + datetime.timedelta(days=7) - start).total_seconds()
        authors = choices(speakers, k=count)
        confidentiality = choices(levels, weights, k=count)
        item_first = pk
        thread = []  # the first comment of each comment's thread, by its place on the agenda item
        for k in range(count):
            created = start + datetime.timedelta(seconds=span * (k + random_()) / count)
            parent = root = None
            if k and random_() < REPLY_SHARE:
                parent = item_first + k - 1 - int(random_() * min(k, 30))
                root = thread[parent - item_first]
            thread.append(root or pk)
            body = " ".join(choices(sentences, k=1 + int(random_() * 3)))
            body_html = html_of.get(body)
            if body_html is None:
                body_html = html_of[body] = str(render_markdown(body)) if body else ""
            roll = random_()
            hidden = roll < 0.01
            author, organisation = authors[k]
            yield (
                pk, item, author, organisation, parent, root, body, body_html, confidentiality[k],
                "hidden" if hidden else "visible",
                "Beitrag enthält personenbezogene Daten." if hidden else "",
                0.01 <= roll < 0.03,
                created,
                created + datetime.timedelta(hours=1) if 0.03 <= roll < 0.07 else None,
                created + datetime.timedelta(days=1) if 0.07 <= roll < 0.075 else None,
                created + datetime.timedelta(minutes=5) if parent else None,
            )  # fmt: skip
            pk += 1


def _notes(*, rng: random.Random, top: Top) -> int:
    rows = []
    for planned in top.rounds:
        if not planned.discussed:
            continue
        written = planned.ends_at + datetime.timedelta(days=1)
        rows.append((planned.pk, None, names.text(rng=rng, sentences=names.NOTE_SENTENCES, low=1, high=2), False,
                     False, planned.organiser, 1, written, written))  # fmt: skip
        for item in planned.agenda_item_ids:
            for k in range(rng.randint(1, 3)):
                body = names.text(rng=rng, sentences=names.NOTE_SENTENCES, low=1, high=3)
                question = k > 0 and rng.random() < 0.15
                rows.append((planned.pk, item, body, k == 0, question, planned.organiser, 1, written, written))
    first = reserve_ids(model=MeetingNote, count=len(rows))
    rows = [(first + i, *row) for i, row in enumerate(rows)]
    fields = ["id", "round", "agenda_item", "body", "is_key_finding", "is_open_question", "author", "version"]
    fields += ["created_at", "updated_at"]
    return write_rows(model=MeetingNote, fields=fields, rows=rows)


def _reports(*, top: Top) -> int:
    published = [r for r in top.rounds if r.status == Round.Status.PUBLISHED]
    first = reserve_ids(model=FollowUpReport, count=len(published))
    rows = []
    for i, planned in enumerate(published):
        built = planned.ends_at + datetime.timedelta(days=7)
        html = "<h1>Nachbericht</h1><p>Die Kernergebnisse stehen in den Protokollnotizen der Runde.</p>"
        rows.append((first + i, planned.pk, 1, "published", 100, 1, html, "", "", planned.organiser, built, built,
                     built + datetime.timedelta(days=3), built + datetime.timedelta(days=3)))  # fmt: skip
    fields = ["id", "round", "version", "status", "progress", "attempts", "html", "pdf", "error", "requested_by"]
    fields += ["created_at"]
    fields += ["built_at", "published_at", "notified_at"]
    return write_rows(model=FollowUpReport, fields=fields, rows=rows)
