"""Merging two organisations: every row of every floor moves, nothing is lost, rows the target already has
are combined deterministically, all in one transaction, with an audit entry."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from clauses.models import Position
from participants import merging
from participants.directory import organisation_merge, organisation_merge_preview
from participants.models import (
    AccountInvitation,
    Membership,
    MembershipChange,
    MembershipProposal,
    Organisation,
    OrganisationMerge,
    Strategy,
)
from rounds.models import Comment, Invitation
from strategy_exchange.errors import DomainError
from tests.factories import (
    AccountInvitationFactory,
    AgendaItemFactory,
    ClauseFactory,
    CommentFactory,
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    PositionFactory,
    RoundFactory,
    SeriesFactory,
    StrategyFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    """A duplicate "Jena" with history of every kind, and the "Stadt Jena" it belongs to."""
    organiser = UserFactory(full_name="Olga Organisatorin")
    series = SeriesFactory(organisers=[organiser])
    round_ = RoundFactory(series=series, starts_at=timezone.now() - datetime.timedelta(days=30))
    item = AgendaItemFactory(round=round_, clause=ClauseFactory(number=4))
    target = OrganisationFactory(name="Stadt Jena", ags=None, place="")
    source = OrganisationFactory(name="Jena", ags="16053000", place="Jena")
    both = UserFactory(full_name="Beate Beide")
    kept = MembershipFactory(user=both, organisation=target, role=Membership.Role.REPRESENTATIVE)
    MembershipFactory(user=both, organisation=source, role=Membership.Role.CONTACT)
    only_source = MembershipFactory(organisation=source).user
    target_person = MembershipFactory(organisation=target).user
    strategy = StrategyFactory(organisation=source, title="Jena digital 2030")
    target_strategy = StrategyFactory(organisation=target, title="Smart City Jena")
    positions = [
        PositionFactory(strategy=strategy, clause=item.clause),
        PositionFactory(strategy=target_strategy, clause=item.clause),
    ]
    # (Both strategies have a position on the same clause: they stay two strategies, so both positions stay.)
    # Two people of the two organisations in the same round: both stay invited, each with attendance.
    attended = InvitationFactory(round=round_, user=only_source, organisation=source, attended_at=timezone.now())
    InvitationFactory(round=round_, user=target_person, organisation=target, attended_at=timezone.now())
    comment = CommentFactory(agenda_item=item, author=only_source, organisation=source)
    proposal = MembershipProposal.objects.create(
        user=UserFactory(), organisation=source, token="p-token", expires_at=timezone.now() + datetime.timedelta(days=3)
    )
    pending = AccountInvitationFactory(organisation=source)
    change = MembershipChange.objects.create(
        user=UserFactory(), organisation=source, action=MembershipChange.Action.REMOVED
    )
    return locals()


def test_merge_preview_counts_what_moves_and_what_is_combined(pair):
    preview = organisation_merge_preview(source=pair["source"], target=pair["target"])

    counts = {line.key: (line.count, line.conflicts) for line in preview.lines}
    assert counts == {
        "memberships": (2, 1),
        "invitations": (1, 0),
        "strategies": (1, 0),
        "positions": (1, 0),
        "comments": (1, 0),
        "attendance": (1, 0),
        "membership_proposals": (1, 0),
        "account_invitations": (1, 0),
        "membership_changes": (1, 0),
    }
    assert preview.filled == ["place", "ags"]


def test_merge_moves_every_row_and_loses_nothing(pair):
    source, target = pair["source"], pair["target"]
    before = {
        "invitations": Invitation.objects.count(),
        "comments": Comment.objects.count(),
        "strategies": Strategy.objects.count(),
        "positions": Position.objects.count(),
    }

    organisation_merge(source=source, target=target, merged_by=pair["organiser"])

    assert Organisation.objects.filter(pk=source.pk).exists() is False
    assert sorted(Membership.objects.filter(organisation=target).values_list("user__full_name", flat=True)) == sorted(
        [pair["both"].full_name, pair["only_source"].full_name, pair["target_person"].full_name]
    )
    assert Invitation.objects.filter(organisation=target).count() == 2
    assert Invitation.objects.get(pk=pair["attended"].pk).attended_at is not None
    assert Comment.objects.get(pk=pair["comment"].pk).organisation_id == target.pk
    assert set(Strategy.objects.filter(organisation=target).values_list("title", flat=True)) == {
        "Jena digital 2030",
        "Smart City Jena",
    }
    assert Position.objects.filter(strategy__organisation=target).count() == 2
    assert MembershipProposal.objects.get(pk=pair["proposal"].pk).organisation_id == target.pk
    assert AccountInvitation.objects.get(pk=pair["pending"].pk).organisation_id == target.pk
    assert MembershipChange.objects.get(pk=pair["change"].pk).organisation_id == target.pk
    after = {
        "invitations": Invitation.objects.count(),
        "comments": Comment.objects.count(),
        "strategies": Strategy.objects.count(),
        "positions": Position.objects.count(),
    }
    assert after == before
    target.refresh_from_db()
    assert (target.name, target.ags, target.place) == ("Stadt Jena", "16053000", "Jena")


def test_merge_combines_a_shared_membership_keeping_contact_role_and_earlier_start(pair):
    source_membership = Membership.objects.get(user=pair["both"], organisation=pair["source"])
    earlier = timezone.now() - datetime.timedelta(days=400)
    Membership.objects.filter(pk=source_membership.pk).update(created_at=earlier)

    organisation_merge(source=pair["source"], target=pair["target"], merged_by=pair["organiser"])

    [membership] = Membership.objects.filter(user=pair["both"])
    assert (membership.pk, membership.organisation_id, membership.role, membership.created_at) == (
        pair["kept"].pk,
        pair["target"].pk,
        Membership.Role.CONTACT,
        earlier,
    )


def test_merge_writes_an_audit_entry(pair):
    source = pair["source"]
    source_pk, source_slug = source.pk, source.slug

    entry = organisation_merge(source=source, target=pair["target"], merged_by=pair["organiser"])

    stored = OrganisationMerge.objects.get(pk=entry.pk)
    assert (stored.target, stored.source_pk, stored.source_name, stored.source_slug, stored.source_ags) == (
        pair["target"],
        source_pk,
        "Jena",
        source_slug,
        "16053000",
    )
    assert stored.merged_by == pair["organiser"]
    assert stored.moved["memberships"] == {"count": 2, "moved": 1, "combined": 1}
    assert stored.moved["invitations"] == {"count": 1, "moved": 1, "combined": 0}
    assert stored.moved["positions"] == {"count": 1, "moved": 1, "combined": 0}


def test_merge_is_one_transaction_a_failing_mover_moves_nothing(pair, monkeypatch):
    def fail(source, target):
        raise RuntimeError("disk full")

    monkeypatch.setitem(
        merging._movers,
        "zz_failing",
        merging.Mover(key="zz_failing", label="x", order=99, count=lambda o: 0, move=fail),
    )

    with pytest.raises(RuntimeError):
        organisation_merge(source=pair["source"], target=pair["target"], merged_by=pair["organiser"])

    assert Organisation.objects.filter(pk=pair["source"].pk).exists()
    assert Invitation.objects.get(pk=pair["attended"].pk).organisation_id == pair["source"].pk
    assert Membership.objects.filter(organisation=pair["source"]).count() == 2
    assert OrganisationMerge.objects.exists() is False


def test_merge_into_itself_is_refused(pair):
    with pytest.raises(DomainError):
        organisation_merge(source=pair["source"], target=pair["source"], merged_by=pair["organiser"])


def test_merge_page_previews_then_merges(client, pair):
    client.force_login(pair["organiser"])
    url = reverse("participants:organisation_merge", kwargs={"slug": pair["source"].slug})

    preview = client.get(url, {"target": pair["target"].slug})
    merged = client.post(url, {"target": pair["target"].slug})

    lines = {line.key: line.count for line in preview.context["preview"].lines}
    assert (lines["invitations"], lines["comments"], lines["attendance"]) == (1, 1, 1)
    assert merged["Location"] == reverse("orga:organisation_detail", kwargs={"slug": pair["target"].slug})
    assert OrganisationMerge.objects.get().merged_by == pair["organiser"]
    detail = client.get(merged["Location"]).content.decode()
    assert "Zusammengeführt: Jena am " in detail


def test_merge_page_without_target_answers_a_german_error(client, pair):
    client.force_login(pair["organiser"])
    url = reverse("participants:organisation_merge", kwargs={"slug": pair["source"].slug})

    response = client.post(url, {"target": ""})

    assert response.status_code == 422
    assert response.context["form"].errors["target"] == ["Bitte wählen Sie die Organisation, die bestehen bleibt."]
    assert Organisation.objects.filter(pk=pair["source"].pk).exists()


def test_merge_page_refuses_representatives(client, pair):
    client.force_login(pair["only_source"])
    url = reverse("participants:organisation_merge", kwargs={"slug": pair["source"].slug})

    response = client.post(url, {"target": pair["target"].slug})

    assert response.status_code == 403
    assert Organisation.objects.filter(pk=pair["source"].pk).exists()
