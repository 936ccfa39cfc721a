import datetime
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from clauses.models import Position
from demo.data import load_demo_data
from demo.scale import BENCH_ROUND_TITLE, ScaleParams, scale_data_generate
from demo.scale.people import kind_counts
from participants.markup import render_markdown
from participants.models import Membership, Organisation, Strategy, User
from rounds.models import Comment, Invitation, Round

pytestmark = pytest.mark.django_db

TINY = {"organisations": 60, "people": 150, "rounds": 6, "comments": 500, "strategies": 20, "round_comments": 120}
TODAY = datetime.date(2026, 3, 10)


def _generate(seed: int = 7, **overrides):
    return scale_data_generate(params=ScaleParams(**{**TINY, "seed": seed, "today": TODAY, **overrides}))


def _fingerprint() -> tuple:
    """Everything that must repeat with the same seed, without primary keys (sequences move on)."""
    return (
        list(Organisation.objects.order_by("slug").values_list("slug", "name", "kind", "state", "ags", "place")),
        list(User.objects.order_by("email").values_list("email", "full_name")),
        list(Membership.objects.order_by("user__email", "organisation__slug").values_list("user__email", "role")),
        list(Position.objects.order_by("strategy__title", "clause__number").values_list("status", "quote", "page")),
        list(Round.objects.order_by("series__slug", "number").values_list("title", "starts_at", "status")),
        list(Invitation.objects.order_by("round__starts_at", "user__email").values_list("user__email", "rsvp")),
        list(
            Comment.objects.order_by("created_at", "body").values_list(
                "body", "confidentiality", "author__email", "parent__body", "agenda_item__clause__number", "created_at"
            )
        ),
    )


def _fingerprint_of_run(seed: int) -> tuple:
    with transaction.atomic():
        _generate(seed=seed)
        fingerprint = _fingerprint()
        transaction.set_rollback(True)
    return fingerprint


def _thread_start(comments: dict[int, dict], pk: int) -> int:
    """The comment a thread starts with, found by following the parents up."""
    while comments[pk]["parent_id"]:
        pk = comments[pk]["parent_id"]
    return pk


def test_generate_scale_data_creates_the_requested_row_counts():
    call_command(
        "generate_scale_data",
        "--organisations=60",
        "--people=150",
        "--rounds=6",
        "--comments=500",
        "--strategies=20",
        "--round-comments=120",
        "--seed=3",
        stdout=io.StringIO(),
    )

    assert Organisation.objects.count() == 60
    assert User.objects.count() == 150
    assert Round.objects.count() == 6
    assert Comment.objects.count() == 500
    assert Strategy.objects.count() == 20
    comments = {c["pk"]: c for c in Comment.objects.values("pk", "parent_id", "root_id", "body", "body_html")}
    replies = [c for c in comments.values() if c["parent_id"]]
    assert len(replies) > 100
    assert any(comments[reply["parent_id"]]["parent_id"] for reply in replies)  # replies to replies too
    assert all(c["root_id"] is None for c in comments.values() if not c["parent_id"])
    assert all(reply["root_id"] == _thread_start(comments, reply["pk"]) for reply in replies)
    assert all(c["body_html"] == render_markdown(c["body"]) != "" for c in comments.values())


def test_generate_scale_data_same_seed_gives_same_data():
    first = _fingerprint_of_run(seed=11)

    second = _fingerprint_of_run(seed=11)

    assert first == second


def test_generate_scale_data_other_seed_gives_other_data():
    assert _fingerprint_of_run(seed=11) != _fingerprint_of_run(seed=12)


def test_generate_scale_data_on_top_of_demo_data_keeps_demo_logins(client):
    load_demo_data()
    before = Organisation.objects.count()

    _generate()

    assert Organisation.objects.count() == before + TINY["organisations"]
    assert client.login(email="orga@example.org", password="austausch") is True
    assert Round.objects.filter(series__slug="klauseln-smart-city-strategien").count() == 3


def test_generate_scale_data_twice_is_refused():
    arguments = ["--organisations=5", "--people=5", "--rounds=1", "--comments=5"]
    call_command("generate_scale_data", *arguments, stdout=io.StringIO())

    with pytest.raises(CommandError, match="bereits vorhanden"):
        call_command("generate_scale_data", *arguments, stdout=io.StringIO())


def test_generate_scale_data_gives_every_municipality_a_unique_ags():
    _generate(organisations=400, people=400)

    codes = list(Organisation.objects.exclude(ags=None).values_list("ags", flat=True))
    kinds = set(Organisation.objects.exclude(ags=None).values_list("kind", flat=True))
    assert len(codes) == len(set(codes)) > 350
    assert all(re.fullmatch(r"\d{8}", code) for code in codes)
    assert kinds == {Organisation.Kind.CITY, Organisation.Kind.MUNICIPALITY, Organisation.Kind.DISTRICT}


def test_generate_scale_data_bench_round_has_its_comments_and_an_accepted_lead():
    result = _generate()

    bench_round = Round.objects.get(pk=result.bench_round_id)
    first_item = bench_round.agenda_items.order_by("order").first()
    lead = bench_round.invitations.order_by("pk").first()
    assert bench_round.title == BENCH_ROUND_TITLE
    assert bench_round.status == Round.Status.HELD
    assert first_item.comments.count() == TINY["round_comments"]
    assert lead.rsvp == Invitation.Rsvp.ACCEPTED
    assert Strategy.objects.filter(organisation=lead.organisation).exists()


def test_generate_scale_data_replies_point_to_earlier_comments_of_the_same_clause():
    _generate()

    replies = Comment.objects.filter(parent__isnull=False).select_related("parent")
    assert replies.exists()
    assert all(r.parent.agenda_item_id == r.agenda_item_id and r.parent.created_at < r.created_at for r in replies)


@pytest.mark.parametrize("total", [1, 29, 60, 11_000])
def test_kind_counts_add_up_to_the_total(total):
    counts = kind_counts(total=total)

    assert sum(counts.values()) == total
    assert min(counts.values()) >= 0
