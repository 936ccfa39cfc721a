import datetime
import json

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from participants.models import User
from rounds.models import Comment
from rounds.services import privacy
from strategy_exchange.outbox import outbox_deliver
from tests.factories import (
    PASSWORD,
    AgendaItemFactory,
    CommentFactory,
    InvitationFactory,
    MembershipFactory,
    SeriesFactory,
    UserFactory,
    invitation_with_message,
)

pytestmark = pytest.mark.django_db


def _all_text_columns() -> str:
    """Every text value in every table, to prove a person's name and email are gone."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            chunks.extend(str(value) for row in cursor.fetchall() for value in row if isinstance(value, str))
    return "\n".join(chunks)


def test_personal_data_export_contains_own_comments_and_invitations(client):
    membership = MembershipFactory(organisation__name="Stadt Jena")
    user = membership.user
    invitation = InvitationFactory(user=user, organisation=membership.organisation)
    CommentFactory(
        author=user,
        organisation=membership.organisation,
        body="Mein Beitrag",
        agenda_item=AgendaItemFactory(round=invitation.round),
    )
    client.force_login(user)

    response = client.get(reverse("my_data_download"))

    data = json.loads(response.content)
    assert response.headers["Content-Disposition"] == 'attachment; filename="meine-daten.json"'
    assert data["person"]["email"] == user.email
    assert [m["organisation"] for m in data["memberships"]] == ["Stadt Jena"]
    assert [c["body"] for c in data["comments"]] == ["Mein Beitrag"]
    assert [i["round"] for i in data["invitations"]] == [invitation.round.number]


def test_personal_data_export_excludes_other_peoples_comments():
    user = UserFactory()
    CommentFactory(body="Fremder Beitrag")

    data = privacy.personal_data_export(user=user)

    assert data["comments"] == []


def _reauthenticated(client, user) -> None:
    """Logged in and the password just entered again (allauth's reauthentication)."""
    client.force_login(user)
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302


def test_account_delete_asks_for_the_password_again_first(client):
    user = UserFactory(email="jena@example.org")
    client.force_login(user)

    response = client.post(reverse("account_delete"), {"confirm_email": "jena@example.org"})

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))
    assert User.objects.filter(pk=user.pk).exists()


def test_account_delete_after_reauthentication_deletes(client):
    user = UserFactory(email="jena@example.org")
    _reauthenticated(client, user)

    response = client.post(reverse("account_delete"), {"confirm_email": "jena@example.org"})

    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()


def test_account_delete_anonymises_the_admin_log():
    admin = UserFactory(is_staff=True, is_superuser=True)
    user = UserFactory(email="wegzug@example.org", full_name="Erika Wegzug")
    membership = MembershipFactory(user=user, organisation__name="Stadt Jena")
    about_user = LogEntry.objects.log_actions(
        user_id=admin.pk, queryset=[user], action_flag=CHANGE, change_message="Erika Wegzug: E-Mail geändert"
    )[0]
    about_membership = LogEntry.objects.log_actions(
        user_id=admin.pk, queryset=[membership], action_flag=ADDITION, change_message="Added."
    )[0]
    unrelated = LogEntry.objects.log_actions(
        user_id=admin.pk, queryset=[admin], action_flag=CHANGE, change_message="Passwort geändert"
    )[0]

    privacy.account_delete(user=user)

    about_user.refresh_from_db()
    about_membership.refresh_from_db()
    unrelated.refresh_from_db()
    assert (about_user.object_repr, about_user.change_message) == (
        "gelöschte Person",
        "gelöschte Person: E-Mail geändert",
    )
    assert about_membership.object_repr == "gelöschte Person – Stadt Jena"
    assert unrelated.object_repr == str(admin)
    everything = _all_text_columns()
    assert "wegzug@example.org" not in everything
    assert "Erika Wegzug" not in everything


def test_account_delete_wrong_email_refused_with_message(client):
    user = UserFactory(email="jena@example.org")
    _reauthenticated(client, user)

    response = client.post(reverse("account_delete"), {"confirm_email": "falsch@example.org"})

    assert "Die E-Mail-Adresse stimmt nicht mit Ihrem Konto überein." in response.content.decode()
    assert 'value="falsch@example.org"' in response.content.decode()
    assert User.objects.filter(pk=user.pk).exists()


def test_account_delete_keeps_comments_and_erases_name_and_email(client):
    membership = MembershipFactory(
        user__email="wegzug@example.org", user__full_name="Erika Wegzug", organisation__name="Stadt Jena"
    )
    user = membership.user
    item = AgendaItemFactory()
    InvitationFactory(round=item.round, user=user, organisation=membership.organisation)
    other = CommentFactory(agenda_item=item, body="Frage an alle")
    comment = CommentFactory(agenda_item=item, author=user, organisation=membership.organisation, body="Unser Weg")
    reply = CommentFactory(
        agenda_item=item, author=user, organisation=membership.organisation, parent=other, body="Antwort von uns"
    )
    _reauthenticated(client, user)

    response = client.post(reverse("account_delete"), {"confirm_email": "wegzug@example.org"})

    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    assert list(
        Comment.objects.filter(pk__in=[comment.pk, reply.pk]).values_list("body", "author", "organisation__name")
    ) == [
        ("Unser Weg", None, "Stadt Jena"),
        ("Antwort von uns", None, "Stadt Jena"),
    ]
    everything = _all_text_columns()
    assert "wegzug@example.org" not in everything
    assert "Erika Wegzug" not in everything


def test_participants_export_only_for_organisers_of_the_series(client):
    organiser = UserFactory()
    series = SeriesFactory(organisers=[organiser])
    InvitationFactory(round__series=series, user__email="teilnahme@example.org", organisation__name="Stadt Jena")
    other_organiser = UserFactory()
    SeriesFactory(organisers=[other_organiser])

    client.force_login(other_organiser)
    foreign = client.get(reverse("participants_export", args=[series.slug]))
    client.force_login(organiser)
    own = client.get(reverse("participants_export", args=[series.slug]))

    assert foreign.status_code == 404
    rows = own.content.decode("utf-8-sig").splitlines()
    assert rows[0] == "Runde;Organisation;Name;E-Mail;Rückmeldung;teilgenommen"
    assert rows[1].split(";")[1:4] == ["Stadt Jena", rows[1].split(";")[2], "teilnahme@example.org"]


def test_account_delete_thread_and_published_report_keep_text_with_former_representative_label(
    client, django_capture_on_commit_callbacks
):
    from rounds.models import FollowUpReport, MeetingNote, Round
    from rounds.services import reports
    from tests.factories import round_with_roles

    world = round_with_roles()
    Round.objects.filter(pk=world.round.pk).update(status=Round.Status.HELD)
    world.round.refresh_from_db()
    world.invited.full_name = "Ina Eingeladen"
    world.invited.save()
    question = CommentFactory(agenda_item=world.item, author=world.organiser, organisation=None, body="Wer beteiligt?")
    CommentFactory(
        agenda_item=world.item, author=world.invited, organisation=world.invited_org, body="Wir beteiligen alle."
    )
    CommentFactory(
        agenda_item=world.item,
        author=world.invited,
        organisation=world.invited_org,
        parent=question,
        body="Auch die Hochschule.",
    )
    MeetingNote.objects.create(
        round=world.round, agenda_item=world.item, body="Beteiligung gelingt.", is_key_finding=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        report = reports.report_request(round_=world.round, user=world.organiser)
    report.refresh_from_db()
    reports.report_publish(report=report, user=world.organiser)
    email = world.invited.email

    privacy.account_delete(user=world.invited)

    published = FollowUpReport.objects.get(pk=report.pk)
    assert published.status == FollowUpReport.Status.PUBLISHED
    assert "Wir beteiligen alle." in published.html
    assert "Auch die Hochschule." in published.html
    assert "Ina Eingeladen" not in published.html
    client.force_login(world.organiser)
    thread = client.get(reverse("rounds:discussion", args=[world.round.pk, world.clause.number])).content.decode()
    assert thread.count("ehemalige:r Vertreter:in (Stadt Jena)") == 2
    assert "Wir beteiligen alle." in thread
    assert "Auch die Hochschule." in thread
    assert "Ina Eingeladen" not in thread
    everything = _all_text_columns()
    assert email not in everything
    assert "Ina Eingeladen" not in everything


def _held_round_with_former_representative():
    """A held round whose invited representative from Stadt Jena took part, was also invited to an upcoming
    round, and then deleted the account."""
    from rounds.models import Invitation, Round
    from tests.factories import RoundFactory, round_with_roles

    world = round_with_roles(starts_at=timezone.now() - datetime.timedelta(days=7))
    Round.objects.filter(pk=world.round.pk).update(status=Round.Status.HELD)
    world.round.refresh_from_db()
    Invitation.objects.filter(pk=world.invitation.pk).update(
        rsvp=Invitation.Rsvp.ACCEPTED,
        sent_sequence=0,
        attended_at=timezone.now() - datetime.timedelta(days=7),
    )
    invitation_with_message(
        world.invitation, state="sent", last_error=f"4.2.2 Postfach {world.invited.email} voll", kind="invitation"
    )
    upcoming = InvitationFactory(
        round=RoundFactory(series=world.series, status=Round.Status.INVITED),
        user=world.invited,
        organisation=world.invited_org,
    )
    old_token = world.invitation.token
    email = world.invited.email
    privacy.account_delete(user=world.invited)
    return world, upcoming, old_token, email


def test_account_delete_keeps_the_attendance_of_rounds_that_took_place_without_the_person():
    from rounds.models import Invitation

    world, upcoming, old_token, email = _held_round_with_former_representative()

    assert not Invitation.objects.filter(pk=upcoming.pk).exists()
    kept = Invitation.objects.get(pk=world.invitation.pk)
    assert kept.user is None
    assert kept.organisation == world.invited_org
    assert kept.rsvp == Invitation.Rsvp.ACCEPTED
    assert kept.attended_at is not None
    assert kept.token != old_token
    assert (kept.message.last_error, kept.sent_sequence) == ("", None)
    assert kept.person_label == "ehemalige:r Vertreter:in"
    assert email not in _all_text_columns()
    assert "Ina Eingeladen" not in _all_text_columns()


def test_account_delete_stops_an_email_still_on_its_way_for_a_round_that_took_place():
    from rounds.models import Invitation, Round
    from tests.factories import RoundFactory

    user = UserFactory()
    invitation = InvitationFactory(round=RoundFactory(status=Round.Status.HELD), user=user)
    message = invitation_with_message(invitation, state="queued")

    privacy.account_delete(user=user)
    attempt = outbox_deliver(message_id=message.pk)

    invitation.refresh_from_db()
    assert (invitation.user, invitation.delivery, invitation.message) == (None, Invitation.Delivery.PENDING, None)
    assert attempt.state == "dropped"
    assert mail.outbox == []


def test_after_account_delete_the_organisation_still_took_part_in_report_and_history(client):
    from rounds.services.report_content import report_content

    world, _upcoming, _token, _email = _held_round_with_former_representative()
    client.force_login(world.organiser)

    content = report_content(round_=world.round)
    history = client.get(reverse("orga:organisation_detail", args=[world.invited_org.slug])).content.decode()
    table = client.get(reverse("orga:invitations", args=[world.round.pk])).content.decode()
    rows = client.get(reverse("participants_export", args=[world.series.slug])).content.decode("utf-8-sig")

    assert [organisation.name for organisation in content["organisations"]] == ["Stadt Jena"]
    assert "ehemalige:r Vertreter:in (zugesagt)" in history
    assert "ehemalige:r Vertreter:in" in table
    assert "noch ohne Konto" not in table
    assert f"{world.round.number};Stadt Jena;ehemalige:r Vertreter:in;;zugesagt;ja" in rows.splitlines()


def test_recording_attendance_again_keeps_the_former_representatives_attendance(client):
    from rounds.models import Invitation

    world, _upcoming, _token, _email = _held_round_with_former_representative()
    client.force_login(world.organiser)
    url = reverse("orga:attendance", args=[world.round.pk])

    page = client.get(url).content.decode()
    response = client.post(url, {"present": [world.invitation.pk]})

    assert "ehemalige:r Vertreter:in – Stadt Jena (zugesagt)" in page
    assert response.status_code == 302
    assert Invitation.objects.get(pk=world.invitation.pk).attended_at is not None


def test_report_of_a_former_representatives_round_is_announced_to_the_others_only(django_capture_on_commit_callbacks):
    from rounds.models import Invitation, ReportDelivery
    from rounds.services import reports
    from rounds.services.report_delivery import report_notify

    world, _upcoming, _token, _email = _held_round_with_former_representative()
    colleague = InvitationFactory(
        round=world.round, organisation=world.invited_org, rsvp=Invitation.Rsvp.ACCEPTED, attended_at=timezone.now()
    )
    with django_capture_on_commit_callbacks(execute=True):
        report = reports.report_request(round_=world.round, user=world.organiser)
    report.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=False):
        reports.report_publish(report=report, user=world.organiser)

    assert report_notify(report_id=report.pk) == 1
    assert list(ReportDelivery.objects.filter(report=report).values_list("user", flat=True)) == [colleague.user_id]


def test_account_delete_queries_do_not_grow_with_the_rounds_taken_part_in():
    from rounds.models import Round
    from tests.factories import RoundFactory

    def person_with_held_rounds(count):
        person = MembershipFactory().user
        for _ in range(count):
            InvitationFactory(round=RoundFactory(status=Round.Status.HELD), user=person)
        return person

    once, often = person_with_held_rounds(1), person_with_held_rounds(6)
    with CaptureQueriesContext(connection) as one_round:
        privacy.account_delete(user=once)
    with CaptureQueriesContext(connection) as six_rounds:
        privacy.account_delete(user=often)

    assert len(six_rounds) == len(one_round), [q["sql"] for q in six_rounds.captured_queries]
