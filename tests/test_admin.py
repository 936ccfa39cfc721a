"""Every admin page renders for a superuser, with a query count that does not grow with the rows."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

FACTORIES = {
    "participants.user": factories.UserFactory,
    "participants.organisation": factories.OrganisationFactory,
    "participants.membership": factories.MembershipFactory,
    "participants.strategy": factories.StrategyFactory,
    "participants.accountinvitation": factories.AccountInvitationFactory,
    "clauses.clause": factories.ClauseFactory,
    "clauses.position": factories.PositionFactory,
    "clauses.suggestion": factories.SuggestionFactory,
    "rounds.series": factories.SeriesFactory,
    "rounds.round": factories.RoundFactory,
    "rounds.agendaitem": factories.AgendaItemFactory,
    "rounds.invitation": factories.InvitationFactory,
    "rounds.reminderdelivery": factories.ReminderDeliveryFactory,
    "rounds.comment": factories.CommentFactory,
    "rounds.meetingnote": factories.MeetingNoteFactory,
    "rounds.meetingnoterevision": factories.MeetingNoteRevisionFactory,
    "rounds.followupreport": factories.FollowUpReportFactory,
    "rounds.calendarreply": factories.CalendarReplyFactory,
}

PROJECT_MODELS = sorted(
    f"{model._meta.app_label}.{model._meta.model_name}"
    for model in admin.site._registry
    if model._meta.app_label in {"participants", "clauses", "rounds"}
)

# Records the app writes; the admin shows them but offers no add or change form.
READ_ONLY = {"rounds.calendarreply"}
EDITABLE_MODELS = [label for label in PROJECT_MODELS if label not in READ_ONLY]


@pytest.fixture
def superuser_client(client):
    superuser = factories.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    return client


def _url(label: str, view: str, *args) -> str:
    app, model = label.split(".")
    return reverse(f"admin:{app}_{model}_{view}", args=args)


def test_admin_registers_every_project_model():
    assert sorted(FACTORIES) == PROJECT_MODELS


@pytest.mark.parametrize("label", PROJECT_MODELS)
def test_admin_changelist_query_count_independent_of_rows(superuser_client, label):
    FACTORIES[label].create()
    with CaptureQueriesContext(connection) as one_row:
        first = superuser_client.get(_url(label, "changelist"))
    FACTORIES[label].create_batch(19)
    with CaptureQueriesContext(connection) as twenty_rows:
        second = superuser_client.get(_url(label, "changelist"))

    assert first.status_code == 200
    assert second.status_code == 200
    assert len(twenty_rows) == len(one_row), [q["sql"] for q in twenty_rows.captured_queries]


@pytest.mark.parametrize("label", EDITABLE_MODELS)
def test_admin_add_page_renders(superuser_client, label):
    response = superuser_client.get(_url(label, "add"))

    assert response.status_code == 200
    assert b'name="_save"' in response.content


@pytest.mark.parametrize("label", EDITABLE_MODELS)
def test_admin_change_page_renders(superuser_client, label):
    obj = FACTORIES[label].create()

    response = superuser_client.get(_url(label, "change", obj.pk))

    assert response.status_code == 200
    assert b'name="_save"' in response.content


@pytest.mark.parametrize("label", sorted(READ_ONLY))
def test_admin_read_only_records_are_shown_not_edited(superuser_client, label):
    obj = FACTORIES[label].create()

    add = superuser_client.get(_url(label, "add"))
    change = superuser_client.get(_url(label, "change", obj.pk))

    assert (add.status_code, change.status_code) == (403, 200)
    assert b'name="_save"' not in change.content


def test_admin_saves_an_invitation_whose_person_deleted_their_account(superuser_client):
    from rounds.admin import InvitationAdminForm
    from rounds.models import Invitation

    kept = factories.InvitationFactory()
    Invitation.objects.filter(pk=kept.pk).update(user=None)
    kept.refresh_from_db()
    new = InvitationAdminForm(data={"round": kept.round_id, "rsvp": "open", "delivery": "pending"})
    page = superuser_client.get(_url("rounds.invitation", "change", kept.pk))
    round_page = superuser_client.get(_url("rounds.round", "change", kept.round_id))
    inline_row = round_page.context["inline_admin_formsets"][1].formset.forms[0]

    response = superuser_client.post(
        _url("rounds.invitation", "change", kept.pk),
        {
            "round": kept.round_id,
            "organisation": kept.organisation_id,
            "rsvp": "accepted",
            "delivery": "sent",
            "delivery_error": "",
            "attended_at_0": "01.03.2022",
            "attended_at_1": "10:00:00",
        },
    )

    assert "Das Konto wurde gelöscht (ehemalige:r Vertreter:in)." in page.content.decode()
    assert inline_row.instance == kept
    assert (inline_row.fields["user"].required, inline_row.fields["user"].disabled) == (False, True)
    assert response.status_code == 302, response.context["adminform"].form.errors
    kept.refresh_from_db()
    assert (kept.user, kept.rsvp, kept.attended_at is not None) == (None, "accepted", True)
    assert not new.is_valid()
    assert "user" in new.errors


def test_admin_outbox_lists_messages_and_sends_failed_ones_again(superuser_client, django_capture_on_commit_callbacks):
    from django.core import mail

    from strategy_exchange.models import OutboxMessage

    organiser = factories.UserFactory(email="orga@example.org")
    round_ = factories.RoundFactory(series=factories.SeriesFactory(organisers=[organiser]))
    message = OutboxMessage.objects.create(
        kind="round_proposal",
        key=f"round_proposal:{round_.pk}",
        object_id=round_.pk,
        state=OutboxMessage.State.FAILED,
        attempts=8,
        next_attempt_at=round_.starts_at,
        last_error="Nicht zustellbar: 550 5.1.1 User unknown",
    )

    listing = superuser_client.get(_url("strategy_exchange.outboxmessage", "changelist"))
    with django_capture_on_commit_callbacks(execute=True):
        superuser_client.post(
            _url("strategy_exchange.outboxmessage", "changelist"),
            {"action": "retry", "_selected_action": [message.pk]},
        )

    message.refresh_from_db()
    assert "Nicht zustellbar: 550 5.1.1 User unknown" in listing.content.decode()
    assert (message.state, message.attempts) == (OutboxMessage.State.SENT, 1)
    assert [m.to for m in mail.outbox] == [["orga@example.org"]]
