"""The authorization table: every URL of the project × every role × GET and POST.

The URLs come from the resolver (``all_routes``), not from a hand-written list, so a new page fails
``test_every_url_is_in_the_table`` until its expected outcomes are written down here. Outcomes:
``ok`` (2xx, or a redirect that is not to a login page), ``login`` (redirect to the login page),
or the status code (403 may see but not act, 404 not theirs to see, 405 method not accepted,
410 expired link, 422 empty form refused). POSTs are sent without data and rolled back.

The world: one held round of a series with its organiser; a representative of an invited
organisation (with a comment in the thread); a representative of an uninvited organisation; an
organiser of another series; a staff administrator; a built (unpublished) report with its PDF;
the invited organisation's strategy with its PDF; a pending account invitation.
"""

import pytest
from django.contrib.admin.sites import site as admin_site
from django.urls import reverse

from tests.trust.authorization import METHODS, ROLES, all_routes, build_world, client_for, outcome, url_for

pytestmark = pytest.mark.django_db

# Outcomes per role, in the order of ROLES:
#              anonymous, invited, uninvited, organiser, other_organiser, staff
EVERYONE = ("ok", "ok", "ok", "ok", "ok", "ok")
NOBODY_404 = ("404", "404", "404", "404", "404", "404")
NOBODY_405 = ("405", "405", "405", "405", "405", "405")
EXPIRED_LINK = ("410", "410", "410", "410", "410", "410")
SIGNED_IN = ("login", "ok", "ok", "ok", "ok", "ok")
SIGNED_IN_405 = ("login", "405", "405", "405", "405", "405")
SIGNED_IN_NOTHING_TO_SHOW = ("login", "404", "404", "404", "404", "404")  # e.g. no TOTP set up yet
REPRESENTATIVES = ("login", "ok", "ok", "403", "403", "403")  # people with a membership
ROUND_PARTICIPANTS = ("login", "ok", "404", "ok", "404", "ok")
INVITEE = ("login", "ok", "404", "403", "404", "403")
INVITEE_ACCEPTED_ONLY = ("login", "403", "404", "403", "404", "403")  # the world's invitation is still open
THREAD_PARTICIPANTS = ("404", "ok", "404", "ok", "404", "ok")
THREAD_MODERATORS = ("404", "403", "404", "ok", "404", "ok")
COMMENT_AUTHOR = ("404", "ok", "404", "403", "404", "403")
ROUND_ORGANISERS = ("login", "403", "404", "ok", "404", "ok")
ROUND_ORGANISERS_INVALID = ("login", "403", "404", "422", "404", "422")
SERIES_ORGANISERS = ("login", "404", "404", "ok", "404", "ok")
REPORT_DRAFT_READERS = ("404", "404", "404", "ok", "404", "ok")
ANY_ORGANISER = ("login", "403", "403", "ok", "ok", "ok")
ORGANISERS_NOT_MEMBERS = ("login", "403", "404", "ok", "ok", "ok")  # organisations are shared by all series
ORGANISERS_NOT_MEMBERS_INVALID = ("login", "403", "404", "422", "422", "422")
ORGANISERS_NOT_MEMBERS_REFUSED = ("login", "403", "404", "409", "409", "409")  # e.g. deleting one with history
# Ending a membership: organisers of a series the organisation takes part in, and admins.
ORGANISERS_TAKING_PART = ("login", "403", "404", "ok", "403", "ok")
# A membership proposal's link: only the proposed person (here the uninvited organisation's representative).
PROPOSED_PERSON = ("login", "404", "ok", "404", "404", "404")
PROPOSED_PERSON_INVALID = ("login", "404", "422", "404", "404", "404")

# Deciding on a suggestion of the invited organisation's strategy: its representative only.
STRATEGY_REPRESENTATIVES = ("login", "ok", "404", "403", "403", "403")
# Open data of a series: the world's series does not publish it (see tests/rounds/test_open_data.py).
PUBLIC_SERIES_ONLY = NOBODY_404

EXPECTED: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "": (EVERYONE, NOBODY_405),  # home
    "suche/": (EVERYONE, NOBODY_405),  # search
    "datenschutz/meine-daten/": (SIGNED_IN, SIGNED_IN_405),  # my_data
    "datenschutz/meine-daten.json": (SIGNED_IN, SIGNED_IN_405),  # my_data_download
    "datenschutz/konto-loeschen/": (SIGNED_IN, SIGNED_IN),  # account_delete
    "reihen/<slug:slug>/teilnehmende.csv": (SERIES_ORGANISERS, SIGNED_IN_405),  # participants_export
    "reihen/<slug:slug>/teilnehmende.json": (SERIES_ORGANISERS, SIGNED_IN_405),  # participants_export_json
    "nachberichte/": (EVERYONE, NOBODY_405),  # report_archive
    "nachberichte/feed/": (EVERYONE, NOBODY_405),  # report_feed
    "nachberichte/<int:pk>/": (REPORT_DRAFT_READERS, NOBODY_405),  # report_detail
    "nachberichte/<int:pk>/nachbericht.pdf": (REPORT_DRAFT_READERS, NOBODY_405),  # report_pdf
    "runden/<int:round_pk>/nachbericht/": (NOBODY_404, NOBODY_405),  # report_latest (nothing published)
    "runden/<int:round_pk>/nachbericht/v<int:version>/": (REPORT_DRAFT_READERS, NOBODY_405),  # report_version
    "runden/<int:round_pk>/nachbericht/v<int:version>/nachbericht.pdf": (
        REPORT_DRAFT_READERS,
        NOBODY_405,
    ),  # report_version_pdf
    "orga/": (ANY_ORGANISER, SIGNED_IN_405),  # orga:dashboard
    "orga/reihen/neu/": (ANY_ORGANISER, ANY_ORGANISER),  # orga:series_create
    "orga/reihen/<slug:slug>/": (ROUND_ORGANISERS, SIGNED_IN_405),  # orga:series_detail
    "orga/reihen/<slug:slug>/bearbeiten/": (ROUND_ORGANISERS, ROUND_ORGANISERS),  # orga:series_edit
    "orga/reihen/<slug:slug>/kalender/<str:token>.ics": (EVERYONE, NOBODY_405),  # orga:series_feed
    "orga/reihen/<slug:slug>/kalender-erneuern/": (SIGNED_IN_405, ROUND_ORGANISERS),  # orga:series_feed_renew
    "orga/kalender-widerrufen/": (SIGNED_IN_405, ANY_ORGANISER),  # orga:series_feeds_revoke_all
    "orga/reihen/<slug:slug>/runden/neu/": (ROUND_ORGANISERS, ROUND_ORGANISERS),  # orga:round_create
    "orga/reihen/<slug:slug>/runden/nachtragen/": (ROUND_ORGANISERS, ROUND_ORGANISERS),  # orga:round_record
    "orga/runden/<int:pk>/nummer/": (ROUND_ORGANISERS, ROUND_ORGANISERS),  # orga:round_number
    "orga/runden/<int:pk>/nachbericht/anhaengen/": (SIGNED_IN_405, ROUND_ORGANISERS_INVALID),  # orga:report_attach
    "orga/runden/<int:pk>/": (ROUND_ORGANISERS, SIGNED_IN_405),  # orga:round_detail
    "orga/runden/<int:pk>/versand/": (ROUND_ORGANISERS, SIGNED_IN_405),  # orga:round_delivery_status
    "orga/runden/<int:pk>/bearbeiten/": (ROUND_ORGANISERS, ROUND_ORGANISERS),  # orga:round_edit
    "orga/runden/<int:pk>/verschieben/": (ROUND_ORGANISERS, ROUND_ORGANISERS),  # orga:round_reschedule
    "orga/runden/<int:pk>/absagen/": (ROUND_ORGANISERS, ROUND_ORGANISERS),  # orga:round_cancel
    "orga/runden/<int:pk>/kopieren/": (SIGNED_IN_405, ROUND_ORGANISERS),  # orga:round_duplicate
    "orga/runden/<int:pk>/planen/": (SIGNED_IN_405, ROUND_ORGANISERS),  # orga:round_schedule
    "orga/runden/<int:pk>/zurueckstellen/": (SIGNED_IN_405, ROUND_ORGANISERS),  # orga:round_unschedule
    "orga/runden/<int:pk>/durchgefuehrt/": (SIGNED_IN_405, ROUND_ORGANISERS),  # orga:round_mark_held
    "orga/runden/<int:pk>/tagesordnung/": (ROUND_ORGANISERS, SIGNED_IN_405),  # orga:agenda
    "orga/runden/<int:pk>/tagesordnung/suche/": (ROUND_ORGANISERS, SIGNED_IN_405),  # orga:agenda_search
    "orga/runden/<int:pk>/tagesordnung/hinzufuegen/": (SIGNED_IN_405, ROUND_ORGANISERS_INVALID),  # orga:agenda_add
    "orga/runden/<int:pk>/tagesordnung/vorschlaege/": (
        SIGNED_IN_405,
        ROUND_ORGANISERS_INVALID,
    ),  # orga:agenda_add_suggestions
    "orga/runden/<int:pk>/tagesordnung/neue-klausel/": (
        SIGNED_IN_405,
        ROUND_ORGANISERS_INVALID,
    ),  # orga:agenda_create_clause
    "orga/runden/<int:pk>/tagesordnung/<int:item_pk>/verschieben/": (
        SIGNED_IN_405,
        ROUND_ORGANISERS,
    ),  # orga:agenda_move
    "orga/runden/<int:pk>/tagesordnung/<int:item_pk>/entfernen/": (
        SIGNED_IN_405,
        ROUND_ORGANISERS,
    ),  # orga:agenda_remove
    "orga/runden/<int:pk>/einladungen/": (ROUND_ORGANISERS, SIGNED_IN_405),  # orga:invitations
    "orga/runden/<int:pk>/einladungen/tabelle/": (ROUND_ORGANISERS, SIGNED_IN_405),  # orga:invitations_table
    "orga/runden/<int:pk>/einladungen/organisationen/": (
        SIGNED_IN_405,
        ROUND_ORGANISERS_INVALID,
    ),  # orga:invite_organisations
    "orga/runden/<int:pk>/einladungen/personen/": (SIGNED_IN_405, ROUND_ORGANISERS_INVALID),  # orga:invite_people
    "orga/runden/<int:pk>/einladungen/email/": (SIGNED_IN_405, ROUND_ORGANISERS_INVALID),  # orga:invite_email
    "orga/runden/<int:pk>/einladungen/versenden/": (SIGNED_IN_405, ROUND_ORGANISERS),  # orga:invitations_send
    "orga/runden/<int:pk>/einladungen/<int:invitation_pk>/erneut/": (
        SIGNED_IN_405,
        ROUND_ORGANISERS,
    ),  # orga:invitation_resend
    "orga/runden/<int:pk>/einladungen/<int:invitation_pk>/vertretung/": (
        ROUND_ORGANISERS,
        ROUND_ORGANISERS,
    ),  # orga:invitation_stand_in
    "orga/runden/<int:pk>/einladungen/<int:invitation_pk>/entfernen/": (
        SIGNED_IN_405,
        ROUND_ORGANISERS,
    ),  # orga:invitation_withdraw
    "orga/runden/<int:pk>/anwesenheit/": (ROUND_ORGANISERS, ROUND_ORGANISERS),  # orga:attendance
    "orga/runden/<int:pk>/notizen/": (ROUND_ORGANISERS, SIGNED_IN_405),  # orga:notes
    "orga/runden/<int:pk>/notizen/neu/": (SIGNED_IN_405, ROUND_ORGANISERS),  # orga:note_add
    "orga/runden/<int:pk>/notizen/speichern/<slug:slot>/": (SIGNED_IN_405, ROUND_ORGANISERS_INVALID),  # orga:note_save
    "orga/runden/<int:pk>/notizen/loesen/<slug:slot>/": (SIGNED_IN_405, ROUND_ORGANISERS_INVALID),  # orga:note_resolve
    "orga/runden/<int:pk>/notizen/<int:note_pk>/versionen/": (ROUND_ORGANISERS, SIGNED_IN_405),  # orga:note_history
    "orga/runden/<int:pk>/notizen/<int:note_pk>/versionen/<int:revision_pk>/wiederherstellen/": (
        SIGNED_IN_405,
        ROUND_ORGANISERS,
    ),  # orga:note_restore
    "orga/runden/<int:pk>/nachbericht/": (ROUND_ORGANISERS, SIGNED_IN_405),  # orga:report
    "orga/runden/<int:pk>/nachbericht/erstellen/": (SIGNED_IN_405, ROUND_ORGANISERS),  # orga:report_request
    "orga/runden/<int:pk>/nachbericht/<int:report_pk>/status/": (ROUND_ORGANISERS, SIGNED_IN_405),  # orga:report_status
    "orga/runden/<int:pk>/nachbericht/<int:report_pk>/vorschau/": (
        ROUND_ORGANISERS,
        SIGNED_IN_405,
    ),  # orga:report_preview
    "orga/runden/<int:pk>/nachbericht/<int:report_pk>/veroeffentlichen/": (
        SIGNED_IN_405,
        ROUND_ORGANISERS,
    ),  # orga:report_publish
    "orga/runden/<int:pk>/nachbericht/<int:report_pk>/erneut-versuchen/": (
        SIGNED_IN_405,
        ROUND_ORGANISERS,
    ),  # orga:report_retry
    "orga/organisationen/": (ANY_ORGANISER, SIGNED_IN_405),  # participants:organisation_list
    "orga/organisationen/neu/": (ANY_ORGANISER, ANY_ORGANISER),  # participants:organisation_create
    "orga/organisationen/<slug:slug>/": (ORGANISERS_NOT_MEMBERS, SIGNED_IN_405),  # orga:organisation_detail
    "orga/organisationen/<slug:slug>/bearbeiten/": (
        ORGANISERS_NOT_MEMBERS,
        ORGANISERS_NOT_MEMBERS,
    ),  # participants:organisation_edit
    "orga/organisationen/<slug:slug>/zusammenfuehren/": (
        ORGANISERS_NOT_MEMBERS,
        ORGANISERS_NOT_MEMBERS_INVALID,
    ),  # participants:organisation_merge
    "orga/organisationen/<slug:slug>/loeschen/": (
        ORGANISERS_NOT_MEMBERS,
        ORGANISERS_NOT_MEMBERS_REFUSED,
    ),  # participants:organisation_delete
    "orga/organisationen/<slug:slug>/vertretungen/": (
        SIGNED_IN_405,
        ORGANISERS_NOT_MEMBERS_INVALID,
    ),  # orga:representative_add
    "orga/organisationen/<slug:slug>/vertretungen/<int:membership_pk>/entfernen/": (
        SIGNED_IN_405,
        ORGANISERS_TAKING_PART,
    ),  # orga:representative_remove
    "runden/": (SIGNED_IN, SIGNED_IN_405),  # rounds:my_rounds
    "runden/<int:pk>/": (ROUND_PARTICIPANTS, SIGNED_IN_405),  # rounds:round_detail
    "runden/<int:pk>/rueckmeldung/": (SIGNED_IN_405, INVITEE),  # rounds:rsvp
    "runden/<int:pk>/vertretung/": (SIGNED_IN_405, INVITEE),  # rounds:stand_in
    "runden/<int:pk>/kalender.ics": (INVITEE_ACCEPTED_ONLY, SIGNED_IN_405),  # rounds:ics
    "runden/<int:round_pk>/klauseln/<int:number>/": (ROUND_PARTICIPANTS, NOBODY_405),  # rounds:discussion
    "runden/<int:round_pk>/klauseln/<int:number>/beitraege/": (NOBODY_405, THREAD_PARTICIPANTS),  # rounds:comment_post
    "beitraege/<int:pk>/antworten/": (THREAD_PARTICIPANTS, NOBODY_405),  # rounds:comment_reply
    "beitraege/<int:pk>/bearbeiten/": (COMMENT_AUTHOR, COMMENT_AUTHOR),  # rounds:comment_edit
    "beitraege/<int:pk>/loeschen/": (NOBODY_405, THREAD_PARTICIPANTS),  # rounds:comment_delete
    "beitraege/<int:pk>/ausblenden/": (THREAD_MODERATORS, THREAD_MODERATORS),  # rounds:comment_hide
    "beitraege/<int:pk>/einblenden/": (NOBODY_405, THREAD_MODERATORS),  # rounds:comment_unhide
    "beitraege/<int:pk>/hervorheben/": (NOBODY_405, THREAD_MODERATORS),  # rounds:comment_highlight
    "rueckmeldung/<str:signed>/": (EXPIRED_LINK, EXPIRED_LINK),  # rounds:rsvp_link
    "rueckmeldung/<str:signed>/kalender.ics": (EXPIRED_LINK, NOBODY_405),  # rounds:rsvp_link_ics
    "klauseln/<int:number>/runden/": (EVERYONE, NOBODY_405),  # rounds:clause_history
    "offene-daten/": (EVERYONE, NOBODY_405),  # rounds:open_data
    "offene-daten/<slug:slug>.csv": (PUBLIC_SERIES_ONLY, NOBODY_405),  # rounds:open_data_csv
    "offene-daten/<slug:slug>.json": (PUBLIC_SERIES_ONLY, NOBODY_405),  # rounds:open_data_json
    "klauseln/": (EVERYONE, NOBODY_405),  # clauses:library
    "klauseln/neu/": (ANY_ORGANISER, ANY_ORGANISER),  # clauses:clause_create
    "klauseln/<int:number>/bearbeiten/": (ANY_ORGANISER, ANY_ORGANISER),  # clauses:clause_edit
    "klauseln/unsere-strategie/": (REPRESENTATIVES, SIGNED_IN_405),  # clauses:our_positions
    "klauseln/unsere-strategie/vorschlaege/": (REPRESENTATIVES, SIGNED_IN_405),  # clauses:our_suggestions
    "klauseln/vorschlaege/<int:pk>/verwerfen/": (SIGNED_IN_405, STRATEGY_REPRESENTATIVES),  # suggestion_dismiss
    "klauseln/<int:number>/umsetzung/": (REPRESENTATIVES, REPRESENTATIVES),  # clauses:position_edit
    "klauseln/vergleich/": (SIGNED_IN, SIGNED_IN_405),  # clauses:matrix
    "klauseln/vergleich.csv": (SIGNED_IN, SIGNED_IN_405),  # clauses:matrix_csv
    "klauseln/vergleich.json": (SIGNED_IN, SIGNED_IN_405),  # clauses:matrix_json
    "klauseln/vergleich/<int:strategy_pk>/<int:number>/": (SIGNED_IN, SIGNED_IN_405),  # clauses:position_quote
    "einladung/<str:token>/": (EVERYONE, EVERYONE),  # participants:invitation_signup
    "vertretung/<str:token>/": (PROPOSED_PERSON, PROPOSED_PERSON_INVALID),  # participants:membership_proposal
    "profil/": (SIGNED_IN, SIGNED_IN),  # participants:profile
    "strategie/": (REPRESENTATIVES, REPRESENTATIVES),  # participants:strategy
    "strategie/<int:pk>/datei/": (SIGNED_IN, SIGNED_IN_405),  # participants:strategy_file
    "konto/login/": (EVERYONE, EVERYONE),  # account_login
    "konto/logout/": (EVERYONE, EVERYONE),  # account_logout
    "konto/inactive/": (EVERYONE, NOBODY_405),  # account_inactive
    "konto/signup/": (EVERYONE, EVERYONE),  # account_signup
    "konto/reauthenticate/": (SIGNED_IN, SIGNED_IN),  # account_reauthenticate
    "konto/reauthenticate/code/": (SIGNED_IN, SIGNED_IN),  # account_request_reauthentication_code
    "konto/reauthenticate/code/confirm/": (SIGNED_IN, SIGNED_IN),  # account_confirm_reauthentication_code
    "konto/email/": (SIGNED_IN, SIGNED_IN),  # account_email
    "konto/confirm-email/": (EVERYONE, NOBODY_405),  # account_email_verification_sent
    "konto/password/change/": (SIGNED_IN, SIGNED_IN),  # account_change_password
    "konto/password/set/": (SIGNED_IN, SIGNED_IN),  # account_set_password
    "konto/password/reset/": (EVERYONE, EVERYONE),  # account_reset_password
    "konto/login/code/confirm/": (SIGNED_IN, SIGNED_IN),  # account_confirm_login_code
    "konto/^confirm-email/(?P<key>[-:\\w]+)/$": (EVERYONE, NOBODY_404),  # account_confirm_email
    "konto/password/reset/key/done/": (EVERYONE, NOBODY_405),  # account_reset_password_from_key_done
    "konto/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": (
        EVERYONE,
        EVERYONE,
    ),  # account_reset_password_from_key
    "konto/password/reset/done/": (EVERYONE, NOBODY_405),  # account_reset_password_done
    "konto/2fa/": (SIGNED_IN, SIGNED_IN_405),  # mfa_index
    "konto/2fa/authenticate/": (SIGNED_IN, SIGNED_IN),  # mfa_authenticate
    "konto/2fa/reauthenticate/": (SIGNED_IN, SIGNED_IN),  # mfa_reauthenticate
    "konto/2fa/totp/activate/": (SIGNED_IN, SIGNED_IN),  # mfa_activate_totp
    "konto/2fa/totp/deactivate/": (SIGNED_IN_NOTHING_TO_SHOW, SIGNED_IN_NOTHING_TO_SHOW),  # mfa_deactivate_totp
    "konto/2fa/recovery-codes/": (SIGNED_IN_NOTHING_TO_SHOW, SIGNED_IN_405),  # mfa_view_recovery_codes
    "konto/2fa/recovery-codes/generate/": (SIGNED_IN, SIGNED_IN),  # mfa_generate_recovery_codes
    "konto/2fa/recovery-codes/download/": (
        SIGNED_IN_NOTHING_TO_SHOW,
        SIGNED_IN_NOTHING_TO_SHOW,
    ),  # mfa_download_recovery_codes
    "i18n/setlang/": (EVERYONE, EVERYONE),  # set_language
    "healthz": (EVERYONE, NOBODY_405),  # healthz
    "impressum/": (EVERYONE, NOBODY_405),  # imprint
    "datenschutz/": (EVERYONE, NOBODY_405),  # privacy
    "barrierefreiheit/": (EVERYONE, NOBODY_405),  # accessibility
}

ADMIN_EXPECTED = ("login", "login", "login", "login", "login", "ok")


def _project_routes():
    return [route for route in all_routes() if not route.route.startswith("admin/")]


def test_every_url_is_in_the_table():
    assert sorted(route.route for route in _project_routes()) == sorted(EXPECTED)


@pytest.mark.parametrize("route", _project_routes(), ids=lambda route: route.route)
def test_authorization_outcome_matches_table(route):
    world = build_world()
    url = url_for(route, world)

    actual = {method: tuple(outcome(client_for(role, world), method, url) for role in ROLES) for method in METHODS}

    expected_get, expected_post = EXPECTED[route.route]
    assert actual == {"GET": expected_get, "POST": expected_post}, url


def test_admin_pages_only_for_staff():
    world = build_world()
    urls = [reverse("admin:index")]
    for model in admin_site._registry:
        opts = model._meta
        urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))

    actual = {url: tuple(outcome(client_for(role, world), "GET", url) for role in ROLES) for url in urls}

    assert actual == dict.fromkeys(urls, ADMIN_EXPECTED)


# The round's pages, where an invitation is what lets a representative in.
INVITATION_ROUTES = (
    "runden/<int:pk>/",
    "runden/<int:round_pk>/klauseln/<int:number>/",
    "runden/<int:pk>/kalender.ics",
    "runden/<int:pk>/rueckmeldung/",
    "beitraege/<int:pk>/antworten/",
)


def test_a_withdrawn_invitee_is_answered_like_the_uninvited():
    from rounds.models import Invitation, Round
    from rounds.services.invitations import invitation_withdraw

    world = build_world()
    Round.objects.filter(pk=world.round.pk).update(status=Round.Status.INVITED)
    Invitation.objects.filter(pk=world.invitation.pk).update(delivery=Invitation.Delivery.SENT, sent_sequence=0)
    invitation_withdraw(invitation=Invitation.objects.get(pk=world.invitation.pk))
    routes = [route for route in _project_routes() if route.route in INVITATION_ROUTES]

    actual = {
        (route.route, method): (
            outcome(client_for("invited", world), method, url_for(route, world)),
            outcome(client_for("uninvited", world), method, url_for(route, world)),
        )
        for route in routes
        for method in METHODS
    }

    assert len(routes) == len(INVITATION_ROUTES)
    assert {key: invited for key, (invited, _uninvited) in actual.items()} == {
        key: uninvited for key, (_invited, uninvited) in actual.items()
    }
