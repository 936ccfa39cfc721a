"""Answers from calendar programs, against a real IMAP server (a private Dovecot, see tests/dovecot.py).

An invitation is sent through the services; a REPLY in the form Outlook, Thunderbird or Google Calendar
mail it (tests/rounds/imip/) goes into the reply mailbox by IMAP APPEND; the periodic task reads it.
"""

import base64
import datetime
import email
import re
import uuid
from pathlib import Path
from string import Template

import icalendar
import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from rounds.models import CalendarReply, Invitation, Round
from rounds.services.calendar_replies import READ_KEYWORD, reply_message_apply
from rounds.services.delivery import invitations_enqueue, round_calendar_changed
from rounds.tasks.replies import read_calendar_replies
from tests import dovecot
from tests.conftest import require
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, round_with_roles

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "imip"
CLIENTS = ["outlook", "thunderbird", "google"]
REPLY_MAILBOX = "antworten@strategie-austausch.example.org"
SUBJECT_WORDS = {"ACCEPTED": "Angenommen", "DECLINED": "Abgelehnt", "DELEGATED": "Delegiert"}


@pytest.fixture(scope="module")
def imap_server():
    executable = dovecot.binary()
    require(executable is not None, "Dovecot is not installed (apt-get install dovecot-imapd)")
    server = dovecot.start(executable)
    yield server
    server.stop()


@pytest.fixture
def mailbox(imap_server, settings):
    """An empty INBOX on the test server, configured as the reply mailbox."""
    settings.REPLY_IMAP_HOST = imap_server.host
    settings.REPLY_IMAP_PORT = imap_server.port
    settings.REPLY_IMAP_SSL = False
    settings.REPLY_IMAP_USER = imap_server.user
    settings.REPLY_IMAP_PASSWORD = imap_server.password
    settings.REPLY_IMAP_FOLDER = "INBOX"
    client = imap_server.client()
    client.select_folder("INBOX")
    messages = client.search(["ALL"])
    if messages:
        client.delete_messages(messages)
        client.expunge()
    yield client
    client.logout()


@pytest.fixture
def world(django_capture_on_commit_callbacks, settings):
    """A round whose invitation to Julia Jena (Stadt Jena) went out by mail, with one colleague of hers."""
    settings.REPLY_MAILBOX_ADDRESS = REPLY_MAILBOX
    roles = round_with_roles(number=2)
    roles.series.title = "Daten & Dienste"
    roles.series.save()
    roles.invited.email, roles.invited.full_name = "julia.jena@jena.example.de", "Julia Jena"
    roles.invited.save()
    roles.colleague = UserFactory(email="kai.kollege@jena.example.de", full_name="Kai Kollege")
    MembershipFactory(user=roles.colleague, organisation=roles.invited_org)
    with django_capture_on_commit_callbacks(execute=True):
        invitations_enqueue(invitation_ids=[roles.invitation.pk])
    assert [m.to for m in mail.outbox] == [[roles.invited.email]]
    return roles


def sent_event(message) -> icalendar.Event:
    """The event of the calendar in a sent invitation, as the invitee's calendar program received it."""
    parsed = email.message_from_bytes(message.message().as_bytes())
    [body] = {p.get_payload(decode=True) for p in parsed.walk() if p.get_content_type() == "text/calendar"}
    [event] = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert str(event["ORGANIZER"]) == f"mailto:{REPLY_MAILBOX}"
    return event


def reply_message(
    client: str,
    *,
    event: icalendar.Event,
    attendee: str,
    partstat: str = "ACCEPTED",
    sender: str | None = None,
    uid: str | None = None,
    sequence: int | None = None,
    delegated_to: str | None = None,
) -> bytes:
    """The REPLY ``client`` mails for ``attendee`` to the sent ``event`` (UID, SEQUENCE and times taken from it)."""
    starts_at, ends_at = event.decoded("DTSTART"), event.decoded("DTEND")
    params = f"PARTSTAT={partstat}"
    if delegated_to:
        params += f';DELEGATED-TO="mailto:{delegated_to}"'
    values = {
        "uid": uid or str(event["UID"]),
        "sequence": int(event["SEQUENCE"]) if sequence is None else sequence,
        "attendee": attendee,
        "attendee_name": "Julia Jena",
        "attendee_params": params,
        "sender": sender or attendee,
        "organizer": REPLY_MAILBOX,
        "summary": str(event["SUMMARY"]),
        "subject_word": SUBJECT_WORDS[partstat],
        "dtstart_local": starts_at.strftime("%Y%m%dT%H%M%S"),
        "dtend_local": ends_at.strftime("%Y%m%dT%H%M%S"),
        "dtstart_utc": starts_at.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ"),
        "dtend_utc": ends_at.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ"),
        "dtstamp": datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ"),
        "date": email.utils.formatdate(localtime=False),
        "message_id": uuid.uuid4().hex,
    }
    calendar = Template((FIXTURES / f"{client}.ics").read_text()).substitute(values).replace("\n", "\r\n")
    encoded = base64.encodebytes(calendar.encode()).decode().strip()
    message = Template((FIXTURES / f"{client}.eml").read_text()).substitute(
        values, calendar=calendar.rstrip("\r\n"), calendar_base64=encoded
    )
    return message.replace("\r\n", "\n").replace("\n", "\r\n").encode()


def rsvp_on_organiser_page(client, world) -> str:
    client.force_login(world.organiser)
    html = client.get(reverse("orga:invitations", kwargs={"pk": world.round.pk})).content.decode()
    row = re.search(rf'<tr[^>]*id="invitation-{world.invitation.pk}".*?</tr>', html, re.S).group(0)
    return re.search(r'class="rsvp rsvp--\w+" data-state="(\w+)">([^<]+)<', row).groups()


@pytest.mark.parametrize("program", CLIENTS)
@pytest.mark.parametrize(
    ("partstat", "rsvp", "label"), [("ACCEPTED", "accepted", "zugesagt"), ("DECLINED", "declined", "abgesagt")]
)
def test_reply_from_calendar_program_sets_rsvp_shown_to_organiser(
    mailbox, world, client, program, partstat, rsvp, label
):
    raw = reply_message(program, event=sent_event(mail.outbox[0]), attendee=world.invited.email, partstat=partstat)
    mailbox.append("INBOX", raw)

    counts = read_calendar_replies.apply().get()

    assert counts == {rsvp: 1}
    assert Invitation.objects.get(pk=world.invitation.pk).rsvp == rsvp
    assert rsvp_on_organiser_page(client, world) == (rsvp, label)
    [row] = CalendarReply.objects.all()
    assert (row.sender, row.outcome, row.invitation_id) == (world.invited.email, rsvp, world.invitation.pk)


def test_reply_is_processed_once_and_marked_in_the_mailbox(mailbox, world):
    raw = reply_message("outlook", event=sent_event(mail.outbox[0]), attendee=world.invited.email)
    mailbox.append("INBOX", raw)
    mailbox.append("INBOX", raw)  # the same message twice, e.g. copied back by a mail client

    first = read_calendar_replies.apply().get()
    second = read_calendar_replies.apply().get()

    assert (first, second) == ({"accepted": 2}, {})
    assert CalendarReply.objects.count() == 1
    flags = mailbox.get_flags(mailbox.search(["ALL"]))
    assert all(READ_KEYWORD.encode() in f and b"\\Seen" in f for f in flags.values())
    assert len(flags) == 2


def test_reply_delegated_to_colleague_names_stand_in(mailbox, world, django_capture_on_commit_callbacks):
    raw = reply_message(
        "thunderbird",
        event=sent_event(mail.outbox[0]),
        attendee=world.invited.email,
        partstat="DELEGATED",
        delegated_to=world.colleague.email.upper(),
    )
    mailbox.append("INBOX", raw)

    with django_capture_on_commit_callbacks(execute=True):
        counts = read_calendar_replies.apply().get()

    stand_in = Invitation.objects.get(round=world.round, user=world.colleague)
    assert counts == {"stand_in": 1}
    assert (stand_in.stand_in_for_id, stand_in.organisation_id) == (world.invitation.pk, world.invited_org.pk)
    assert Invitation.objects.get(pk=world.invitation.pk).rsvp == Invitation.Rsvp.DECLINED
    assert mail.outbox[-1].to == [world.colleague.email]  # the stand-in is invited by mail


def test_reply_delegated_outside_the_organisation_is_ignored(mailbox, world):
    stranger = UserFactory(email="fremd@anderswo.example.de")
    MembershipFactory(user=stranger, organisation=OrganisationFactory(name="Stadt Anderswo 2"))
    raw = reply_message(
        "thunderbird",
        event=sent_event(mail.outbox[0]),
        attendee=world.invited.email,
        partstat="DELEGATED",
        delegated_to=stranger.email,
    )
    mailbox.append("INBOX", raw)

    counts = read_calendar_replies.apply().get()

    assert counts == {"refused": 1}
    assert not Invitation.objects.filter(round=world.round, user=stranger).exists()
    assert Invitation.objects.get(pk=world.invitation.pk).rsvp == Invitation.Rsvp.OPEN


def test_reply_with_wrong_uid_is_ignored_and_counted(mailbox, world):
    raw = reply_message(
        "google", event=sent_event(mail.outbox[0]), attendee=world.invited.email, uid="040000008200E00074C5B7101A82E008"
    )
    mailbox.append("INBOX", raw)

    counts = read_calendar_replies.apply().get()

    assert counts == {"unknown_event": 1}
    assert Invitation.objects.get(pk=world.invitation.pk).rsvp == Invitation.Rsvp.OPEN
    assert list(CalendarReply.objects.values_list("outcome", "invitation")) == [("unknown_event", None)]


def test_reply_for_an_attendee_from_another_sender_is_ignored(mailbox, world):
    raw = reply_message(
        "outlook", event=sent_event(mail.outbox[0]), attendee=world.invited.email, sender="mallory@example.net"
    )
    mailbox.append("INBOX", raw)

    counts = read_calendar_replies.apply().get()

    assert counts == {"wrong_sender": 1}
    assert Invitation.objects.get(pk=world.invitation.pk).rsvp == Invitation.Rsvp.OPEN


def test_reply_from_someone_not_invited_is_ignored(mailbox, world):
    raw = reply_message("thunderbird", event=sent_event(mail.outbox[0]), attendee=world.outsider.email)
    mailbox.append("INBOX", raw)

    counts = read_calendar_replies.apply().get()

    assert counts == {"unknown_attendee": 1}
    assert not Invitation.objects.filter(round=world.round, user=world.outsider).exists()


def test_reply_to_an_older_version_is_ignored(mailbox, world, django_capture_on_commit_callbacks):
    old_event = sent_event(mail.outbox[0])
    with django_capture_on_commit_callbacks(execute=True):
        round_calendar_changed(round_=Round.objects.get(pk=world.round.pk))
    assert Invitation.objects.get(pk=world.invitation.pk).sent_sequence == int(old_event["SEQUENCE"]) + 1
    mailbox.append("INBOX", reply_message("outlook", event=old_event, attendee=world.invited.email))
    mailbox.append("INBOX", reply_message("google", event=sent_event(mail.outbox[-1]), attendee=world.invited.email))

    counts = read_calendar_replies.apply().get()

    assert counts == {"outdated": 1, "accepted": 1}
    assert Invitation.objects.get(pk=world.invitation.pk).rsvp == Invitation.Rsvp.ACCEPTED


def test_message_without_calendar_reply_is_counted_not_applied(mailbox, world):
    mailbox.append(
        "INBOX",
        b"From: Julia Jena <julia.jena@jena.example.de>\r\nTo: antworten@strategie-austausch.example.org\r\n"
        b"Subject: Abwesenheitsnotiz\r\nAuto-Submitted: auto-replied\r\n\r\nIch bin bis Montag nicht im Haus.\r\n",
    )

    counts = read_calendar_replies.apply().get()

    assert counts == {"not_a_reply": 1}
    assert Invitation.objects.get(pk=world.invitation.pk).rsvp == Invitation.Rsvp.OPEN


def test_reply_mailbox_is_off_without_imap_host(mailbox, world, settings):
    settings.REPLY_IMAP_HOST = ""
    mailbox.append("INBOX", reply_message("outlook", event=sent_event(mail.outbox[0]), attendee=world.invited.email))

    counts = read_calendar_replies.apply().get()

    assert counts == {}
    assert mailbox.search(["NOT", "KEYWORD", READ_KEYWORD]) != []
    assert Invitation.objects.get(pk=world.invitation.pk).rsvp == Invitation.Rsvp.OPEN


def test_run_periodic_jobs_reads_the_reply_mailbox(mailbox, world, capsys):
    mailbox.append("INBOX", reply_message("google", event=sent_event(mail.outbox[0]), attendee=world.invited.email))

    call_command("run_periodic_jobs")

    assert "read-calendar-replies: {'accepted': 1}" in capsys.readouterr().out
    assert Invitation.objects.get(pk=world.invitation.pk).rsvp == Invitation.Rsvp.ACCEPTED


def test_reply_message_apply_twice_applies_once(world):
    raw = reply_message("thunderbird", event=sent_event(mail.outbox[0]), attendee=world.invited.email)

    first = reply_message_apply(raw=raw)
    Invitation.objects.filter(pk=world.invitation.pk).update(rsvp=Invitation.Rsvp.DECLINED)
    second = reply_message_apply(raw=raw)

    assert (first.pk, first.outcome) == (second.pk, "accepted")
    assert Invitation.objects.get(pk=world.invitation.pk).rsvp == Invitation.Rsvp.DECLINED
