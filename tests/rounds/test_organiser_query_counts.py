"""Every organiser page needs the same number of queries with 1 and with 50 rows of its main data."""

import pytest
from django.urls import reverse

from rounds.models import FollowUpReport, Invitation, Round
from rounds.selectors.calendar_feed import feed_token
from tests.factories import (
    AgendaItemFactory,
    ClauseFactory,
    FollowUpReportFactory,
    InvitationFactory,
    MeetingNoteFactory,
    MeetingNoteRevisionFactory,
    MembershipFactory,
    OrganisationFactory,
    PositionFactory,
    RoundFactory,
    StrategyFactory,
    UserFactory,
)
from tests.rounds.organiser_world import build_world, fast_passwords, query_count  # noqa: F401

pytestmark = pytest.mark.django_db


def add_rounds(w, n):
    for _ in range(n):
        round_ = RoundFactory(series=w.series, status=Round.Status.SCHEDULED)
        AgendaItemFactory(round=round_, clause=ClauseFactory())
        InvitationFactory(round=round_, organisation=OrganisationFactory())


def add_invitations(w, n):
    for _ in range(n):
        InvitationFactory(round=w.round, organisation=OrganisationFactory())


def add_agenda(w, n):
    for _ in range(n):
        clause = ClauseFactory()
        AgendaItemFactory(round=w.round, clause=clause)
        earlier = RoundFactory(series=w.series, status=Round.Status.HELD)
        AgendaItemFactory(round=earlier, clause=clause)


def add_clauses(w, n):
    for index in range(n):
        ClauseFactory(title=f"Datenklausel {index}")


def add_notes(w, n):
    for _ in range(n):
        item = AgendaItemFactory(round=w.round, clause=ClauseFactory())
        MeetingNoteFactory(round=w.round, agenda_item=item, author=w.organiser, is_open_question=True)


def add_open_questions(w, n):
    Round.objects.filter(pk=w.round.pk).update(number=10**6)  # after every round the factory numbers
    held = RoundFactory(series=w.series, status=Round.Status.HELD)
    for _ in range(n):
        item = AgendaItemFactory(round=held, clause=ClauseFactory())
        MeetingNoteFactory(round=held, agenda_item=item, is_open_question=True)


def add_agenda_suggestions(w, n):
    """Open questions of an earlier held round and clauses the series has not discussed."""
    Round.objects.filter(pk=w.round.pk).update(number=10**6)  # after every round the factory numbers
    held = RoundFactory(series=w.series, status=Round.Status.HELD)
    for _ in range(n):
        item = AgendaItemFactory(round=held, clause=ClauseFactory())
        MeetingNoteFactory(round=held, agenda_item=item, is_open_question=True)
        ClauseFactory()


def add_revisions(w, n):
    for _ in range(n):
        MeetingNoteRevisionFactory(note=w.note, author=w.organiser)


def add_reports(w, n):
    for _ in range(n):
        FollowUpReportFactory(round=w.round, status=FollowUpReport.Status.BUILT, requested_by=w.organiser)


def add_organisations(w, n):
    for _ in range(n):
        MembershipFactory(organisation=OrganisationFactory())


def add_organisation_history(w, n):
    strategy = StrategyFactory(organisation=w.invited_org)
    for _ in range(n):
        member = UserFactory()
        MembershipFactory(user=member, organisation=w.invited_org)
        round_ = RoundFactory(series=w.series, status=Round.Status.HELD)
        InvitationFactory(round=round_, user=member, organisation=w.invited_org)
        PositionFactory(strategy=strategy, clause=ClauseFactory())


def add_members(w, n):
    for _ in range(n):
        MembershipFactory(organisation=w.invited_org)


def add_organisers(w, n):
    w.series.organisers.add(*[UserFactory() for _ in range(n)])


PAGES = {
    "dashboard": (lambda w: reverse("orga:dashboard"), add_rounds),
    "series_detail": (lambda w: reverse("orga:series_detail", kwargs={"slug": w.series.slug}), add_rounds),
    "series_edit": (lambda w: reverse("orga:series_edit", kwargs={"slug": w.series.slug}), add_organisers),
    "series_create": (lambda w: reverse("orga:series_create"), add_organisers),
    "series_feed": (
        lambda w: reverse(
            "orga:series_feed", kwargs={"slug": w.series.slug, "token": feed_token(series=w.series, user=w.organiser)}
        ),
        add_rounds,
    ),
    "round_create": (lambda w: reverse("orga:round_create", kwargs={"slug": w.series.slug}), add_open_questions),
    "round_detail": (lambda w: reverse("orga:round_detail", kwargs={"pk": w.round.pk}), add_agenda),
    "round_edit": (lambda w: reverse("orga:round_edit", kwargs={"pk": w.round.pk}), add_invitations),
    "round_reschedule": (lambda w: reverse("orga:round_reschedule", kwargs={"pk": w.round.pk}), add_invitations),
    "round_cancel": (lambda w: reverse("orga:round_cancel", kwargs={"pk": w.round.pk}), add_invitations),
    "agenda": (lambda w: reverse("orga:agenda", kwargs={"pk": w.round.pk}) + "?q=Daten", add_agenda),
    "agenda_suggestions": (lambda w: reverse("orga:agenda", kwargs={"pk": w.round.pk}), add_agenda_suggestions),
    "agenda_clauses": (lambda w: reverse("orga:agenda", kwargs={"pk": w.round.pk}) + "?q=Daten", add_clauses),
    "agenda_search": (lambda w: reverse("orga:agenda_search", kwargs={"pk": w.round.pk}) + "?q=Daten", add_clauses),
    "invitations": (lambda w: reverse("orga:invitations", kwargs={"pk": w.round.pk}) + "?q=Person", add_invitations),
    "invitations_orgs": (lambda w: reverse("orga:invitations", kwargs={"pk": w.round.pk}), add_organisations),
    "invitations_table": (lambda w: reverse("orga:invitations_table", kwargs={"pk": w.round.pk}), add_invitations),
    "stand_in": (
        lambda w: reverse("orga:invitation_stand_in", kwargs={"pk": w.round.pk, "invitation_pk": w.invitation.pk}),
        add_members,
    ),
    "attendance": (lambda w: reverse("orga:attendance", kwargs={"pk": w.round.pk}), add_invitations),
    "notes": (lambda w: reverse("orga:notes", kwargs={"pk": w.round.pk}), add_notes),
    "note_history": (
        lambda w: reverse("orga:note_history", kwargs={"pk": w.round.pk, "note_pk": w.note.pk}),
        add_revisions,
    ),
    "report": (lambda w: reverse("orga:report", kwargs={"pk": w.round.pk}), add_reports),
    "report_status": (
        lambda w: reverse("orga:report_status", kwargs={"pk": w.round.pk, "report_pk": w.report.pk}),
        add_reports,
    ),
    "report_preview": (
        lambda w: reverse("orga:report_preview", kwargs={"pk": w.round.pk, "report_pk": w.report.pk}),
        add_reports,
    ),
    "organisation_list": (lambda w: reverse("participants:organisation_list"), add_organisations),
    "organisation_create": (lambda w: reverse("participants:organisation_create"), add_organisations),
    "organisation_detail": (
        lambda w: reverse("orga:organisation_detail", kwargs={"slug": w.invited_org.slug}),
        add_organisation_history,
    ),
    "organisation_edit": (
        lambda w: reverse("participants:organisation_edit", kwargs={"slug": w.invited_org.slug}),
        add_members,
    ),
}


@pytest.mark.parametrize("page", PAGES)
def test_organiser_page_query_count_same_for_1_and_50_rows(client, page):
    world = build_world()
    url_for, add_rows = PAGES[page]
    client.force_login(world.organiser)
    add_rows(world, 1)
    url = url_for(world)
    client.get(url)  # warm caches (content types, sessions)
    one = query_count(client, url)

    add_rows(world, 49)
    fifty = query_count(client, url)

    assert fifty == one


def test_agenda_page_shows_fifty_suggestions_of_each_kind(client):
    world = build_world()
    client.force_login(world.organiser)
    add_agenda_suggestions(world, 50)

    html = client.get(reverse("orga:agenda", kwargs={"pk": world.round.pk})).content.decode()

    assert (html.count('name="vorschlag-questions"'), html.count('name="vorschlag-clauses"')) == (50, 51)


def test_organiser_pages_show_fifty_rows(client):
    world = build_world()
    client.force_login(world.organiser)
    add_invitations(world, 50)

    response = client.get(reverse("orga:invitations_table", kwargs={"pk": world.round.pk}))

    rows = response.content.decode().count('<tr class="kern-table__row" id="invitation-')
    assert rows == Invitation.objects.filter(round=world.round).count() == 51
