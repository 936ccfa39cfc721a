"""Every organiser page and action with the five roles: organiser of the series, organiser of another
series, invited representative, representative of an uninvited organisation, anonymous."""

import pytest
from django.urls import reverse

from tests.rounds.organiser_world import ROLES, build_world, fast_passwords, login_as, snapshot  # noqa: F401

pytestmark = pytest.mark.django_db

# scope → expected answer per role ("ok" means the page or action is reached)
EXPECTED = {
    "round": {"organiser": "ok", "other_organiser": 404, "invited": 403, "outsider": 404, "anonymous": "login"},
    "series": {"organiser": "ok", "other_organiser": 404, "invited": 403, "outsider": 404, "anonymous": "login"},
    "global": {"organiser": "ok", "other_organiser": "ok", "invited": 403, "outsider": 403, "anonymous": "login"},
    "organisation": {"organiser": "ok", "other_organiser": "ok", "invited": 403, "outsider": 404, "anonymous": "login"},
    # ending a membership: only organisers of a series the organisation takes part in
    "taking_part": {"organiser": "ok", "other_organiser": 403, "invited": 403, "outsider": 404, "anonymous": "login"},
}


def r(w):
    return {"pk": w.round.pk}


ENDPOINTS = [
    # (url name, method, scope, kwargs, post data)
    ("orga:dashboard", "get", "global", lambda w: {}, None),
    ("orga:series_create", "get", "global", lambda w: {}, None),
    ("orga:series_create", "post", "global", lambda w: {}, lambda w: {"title": "Neue Reihe", "cadence_months": 3, "default_start_time": "10:00", "default_duration_minutes": 90, "report_visibility": "participants"}),
    ("orga:series_detail", "get", "series", lambda w: {"slug": w.series.slug}, None),
    ("orga:series_edit", "get", "series", lambda w: {"slug": w.series.slug}, None),
    ("orga:series_edit", "post", "series", lambda w: {"slug": w.series.slug}, lambda w: {"title": "Umbenannt", "cadence_months": 2, "default_start_time": "09:00", "default_duration_minutes": 90, "report_visibility": "public"}),
    ("orga:round_create", "get", "series", lambda w: {"slug": w.series.slug}, None),
    ("orga:round_create", "post", "series", lambda w: {"slug": w.series.slug}, lambda w: {"date": "2031-05-06", "start_time": "10:00", "end_time": "12:00"}),
    ("orga:round_detail", "get", "round", r, None),
    ("orga:round_edit", "get", "round", r, None),
    ("orga:round_edit", "post", "round", r, lambda w: {"title": "Neuer Titel", "online_link": "https://a.example", "venue": ""}),
    ("orga:round_reschedule", "get", "round", r, None),
    ("orga:round_reschedule", "post", "round", r, lambda w: {"date": "2031-05-06", "start_time": "10:00", "end_time": "12:00"}),
    ("orga:round_cancel", "get", "round", r, None),
    ("orga:round_cancel", "post", "round", r, lambda w: {"reason": "Krankheit"}),
    ("orga:round_duplicate", "post", "round", r, lambda w: {}),
    ("orga:round_schedule", "post", "round", r, lambda w: {}),
    ("orga:round_unschedule", "post", "round", r, lambda w: {}),
    ("orga:round_mark_held", "post", "round", r, lambda w: {}),
    ("orga:agenda", "get", "round", r, None),
    ("orga:agenda_search", "get", "round", r, None),
    ("orga:agenda_add", "post", "round", r, lambda w: {"clause": w.spare_clause.pk}),
    ("orga:agenda_add_suggestions", "post", "round", r, lambda w: {"vorschlag-clauses": [w.spare_clause.pk]}),
    ("orga:agenda_create_clause", "post", "round", r, lambda w: {"neu-number": 20, "neu-title": "Neu"}),
    ("orga:agenda_move", "post", "round", lambda w: {"pk": w.round.pk, "item_pk": w.item.pk}, lambda w: {"direction": "down"}),
    ("orga:agenda_remove", "post", "round", lambda w: {"pk": w.round.pk, "item_pk": w.item.pk}, lambda w: {}),
    ("orga:invitations", "get", "round", r, None),
    ("orga:invitations_table", "get", "round", r, None),
    ("orga:invite_organisations", "post", "round", r, lambda w: {"org-organisations": [w.outsider_org.pk]}),
    ("orga:invite_people", "post", "round", r, lambda w: {"person-people": [w.outsider.pk]}),
    ("orga:invite_email", "post", "round", r, lambda w: {"email-email": "neu@example.org"}),
    ("orga:invitations_send", "post", "round", r, lambda w: {}),
    ("orga:invitation_resend", "post", "round", lambda w: {"pk": w.round.pk, "invitation_pk": w.invitation.pk}, lambda w: {}),
    ("orga:invitation_stand_in", "get", "round", lambda w: {"pk": w.round.pk, "invitation_pk": w.invitation.pk}, None),
    ("orga:invitation_stand_in", "post", "round", lambda w: {"pk": w.round.pk, "invitation_pk": w.invitation.pk}, lambda w: {"user": w.outsider.pk}),
    ("orga:invitation_withdraw", "post", "round", lambda w: {"pk": w.round.pk, "invitation_pk": w.invitation.pk}, lambda w: {}),
    ("orga:attendance", "get", "round", r, None),
    ("orga:attendance", "post", "round", r, lambda w: {"present": [w.invitation.pk]}),
    ("orga:notes", "get", "round", r, None),
    ("orga:note_add", "post", "round", r, lambda w: {"agenda_item": w.item.pk}),
    ("orga:note_save", "post", "round", lambda w: {"pk": w.round.pk, "slot": f"n{w.note.pk}"}, lambda w: {f"n{w.note.pk}-note": w.note.pk, f"n{w.note.pk}-version": 1, f"n{w.note.pk}-body": "Geändert"}),
    ("orga:note_history", "get", "round", lambda w: {"pk": w.round.pk, "note_pk": w.note.pk}, None),
    ("orga:note_restore", "post", "round", lambda w: {"pk": w.round.pk, "note_pk": w.note.pk, "revision_pk": w.revision.pk}, lambda w: {}),
    ("orga:report", "get", "round", r, None),
    ("orga:report_request", "post", "round", r, lambda w: {}),
    ("orga:report_status", "get", "round", lambda w: {"pk": w.round.pk, "report_pk": w.report.pk}, None),
    ("orga:report_preview", "get", "round", lambda w: {"pk": w.round.pk, "report_pk": w.report.pk}, None),
    ("orga:report_publish", "post", "round", lambda w: {"pk": w.round.pk, "report_pk": w.report.pk}, lambda w: {}),
    ("participants:organisation_list", "get", "global", lambda w: {}, None),
    ("participants:organisation_create", "get", "global", lambda w: {}, None),
    ("participants:organisation_create", "post", "global", lambda w: {}, lambda w: {"name": "Stadt Neu", "kind": "city"}),
    ("orga:organisation_detail", "get", "organisation", lambda w: {"slug": w.invited_org.slug}, None),
    ("participants:organisation_edit", "get", "organisation", lambda w: {"slug": w.invited_org.slug}, None),
    ("participants:organisation_edit", "post", "organisation", lambda w: {"slug": w.invited_org.slug}, lambda w: {"name": "Stadt Jena (neu)", "kind": "city"}),
    ("orga:representative_add", "post", "organisation", lambda w: {"slug": w.invited_org.slug}, lambda w: {"email": "neu@jena.example", "role": "representative"}),
    ("orga:representative_remove", "post", "taking_part", lambda w: {"slug": w.invited_org.slug, "membership_pk": w.invited.memberships.get().pk}, lambda w: {}),
]  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "method", "scope", "kwargs", "data"),
    ENDPOINTS,
    ids=[f"{name}-{method}" for name, method, *_ in ENDPOINTS],
)
def test_organiser_endpoint_answers_each_role(client, role, name, method, scope, kwargs, data):
    world = build_world()
    url = reverse(name, kwargs=kwargs(world))
    login_as(client, world, role)
    before = snapshot(world)

    response = client.get(url) if method == "get" else client.post(url, data(world))

    expected = EXPECTED[scope][role]
    if expected == "ok":
        allowed = {200} if method == "get" else {200, 302, 422}
        assert (response.status_code in allowed, response.status_code) == (True, response.status_code)
    elif expected == "login":
        assert (response.status_code, response["Location"].split("?")[0]) == (302, reverse("account_login"))
        assert snapshot(world) == before
    else:
        assert (response.status_code, snapshot(world) == before) == (expected, True)


@pytest.mark.parametrize("role", ROLES)
def test_series_feed_answers_only_with_the_secret_token(client, role):
    world = build_world()
    login_as(client, world, role)
    from rounds.selectors.calendar_feed import feed_token

    good = client.get(
        reverse(
            "orga:series_feed",
            kwargs={"slug": world.series.slug, "token": feed_token(series=world.series, user=world.organiser)},
        )
    )
    bad = client.get(reverse("orga:series_feed", kwargs={"slug": world.series.slug, "token": "0" * 32}))

    assert (good.status_code, good["Content-Type"], bad.status_code) == (200, "text/calendar; charset=utf-8", 404)
    assert f"UID:{world.round.calendar_uid}" in good.content.decode()


def test_staff_reach_every_series_page(client):
    world = build_world()
    client.force_login(world.admin)

    response = client.get(reverse("orga:round_detail", kwargs={"pk": world.round.pk}))

    assert (response.status_code, response.context["round"].pk) == (200, world.round.pk)
