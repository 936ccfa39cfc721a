"""URLs of the organiser pages, under /orga/ (namespace ``orga``)."""

from django.urls import path

from .views.organiser import agenda, attendance, dashboard, invitations, notes, organisations, reports, rounds, series

app_name = "orga"

round_ = "runden/<int:pk>/"
invitation = f"{round_}einladungen/<int:invitation_pk>/"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    # series
    path("reihen/neu/", series.series_create, name="series_create"),
    path("reihen/<slug:slug>/", series.series_detail, name="series_detail"),
    path("reihen/<slug:slug>/bearbeiten/", series.series_edit, name="series_edit"),
    path("reihen/<slug:slug>/kalender/<str:token>.ics", series.series_feed, name="series_feed"),
    path("reihen/<slug:slug>/kalender-erneuern/", series.series_feed_renew, name="series_feed_renew"),
    path("kalender-widerrufen/", series.series_feeds_revoke_all, name="series_feeds_revoke_all"),
    path("reihen/<slug:slug>/runden/neu/", rounds.round_create, name="round_create"),
    path("reihen/<slug:slug>/runden/nachtragen/", rounds.round_record, name="round_record"),
    # rounds and their workflow
    path(round_, rounds.round_detail, name="round_detail"),
    path(f"{round_}versand/", rounds.round_delivery_status, name="round_delivery_status"),
    path(f"{round_}bearbeiten/", rounds.round_edit, name="round_edit"),
    path(f"{round_}nummer/", rounds.round_number, name="round_number"),
    path(f"{round_}verschieben/", rounds.round_reschedule, name="round_reschedule"),
    path(f"{round_}absagen/", rounds.round_cancel, name="round_cancel"),
    path(f"{round_}kopieren/", rounds.round_duplicate, name="round_duplicate"),
    path(f"{round_}planen/", rounds.round_schedule, name="round_schedule"),
    path(f"{round_}zurueckstellen/", rounds.round_unschedule, name="round_unschedule"),
    path(f"{round_}durchgefuehrt/", rounds.round_mark_held, name="round_mark_held"),
    # agenda
    path(f"{round_}tagesordnung/", agenda.agenda, name="agenda"),
    path(f"{round_}tagesordnung/suche/", agenda.agenda_search, name="agenda_search"),
    path(f"{round_}tagesordnung/hinzufuegen/", agenda.agenda_add, name="agenda_add"),
    path(f"{round_}tagesordnung/vorschlaege/", agenda.agenda_add_suggestions, name="agenda_add_suggestions"),
    path(f"{round_}tagesordnung/neue-klausel/", agenda.agenda_create_clause, name="agenda_create_clause"),
    path(f"{round_}tagesordnung/<int:item_pk>/verschieben/", agenda.agenda_move, name="agenda_move"),
    path(f"{round_}tagesordnung/<int:item_pk>/entfernen/", agenda.agenda_remove, name="agenda_remove"),
    # invitations and attendance
    path(f"{round_}einladungen/", invitations.invitations, name="invitations"),
    path(f"{round_}einladungen/tabelle/", invitations.invitations_table, name="invitations_table"),
    path(f"{round_}einladungen/organisationen/", invitations.invite_organisations, name="invite_organisations"),
    path(f"{round_}einladungen/personen/", invitations.invite_people, name="invite_people"),
    path(f"{round_}einladungen/email/", invitations.invite_email, name="invite_email"),
    path(f"{round_}einladungen/versenden/", invitations.invitations_send, name="invitations_send"),
    path(f"{invitation}erneut/", invitations.invitation_resend, name="invitation_resend"),
    path(f"{invitation}vertretung/", invitations.invitation_stand_in, name="invitation_stand_in"),
    path(f"{invitation}entfernen/", invitations.invitation_withdraw, name="invitation_withdraw"),
    path(f"{round_}anwesenheit/", attendance.attendance, name="attendance"),
    # notes
    path(f"{round_}notizen/", notes.notes, name="notes"),
    path(f"{round_}notizen/neu/", notes.note_add, name="note_add"),
    path(f"{round_}notizen/speichern/<slug:slot>/", notes.note_save, name="note_save"),
    path(f"{round_}notizen/loesen/<slug:slot>/", notes.note_resolve, name="note_resolve"),
    path(f"{round_}notizen/<int:note_pk>/versionen/", notes.note_history, name="note_history"),
    path(
        f"{round_}notizen/<int:note_pk>/versionen/<int:revision_pk>/wiederherstellen/",
        notes.note_restore,
        name="note_restore",
    ),
    # report
    path(f"{round_}nachbericht/", reports.report, name="report"),
    path(f"{round_}nachbericht/erstellen/", reports.report_request, name="report_request"),
    path(f"{round_}nachbericht/anhaengen/", reports.report_attach, name="report_attach"),
    path(f"{round_}nachbericht/<int:report_pk>/status/", reports.report_status, name="report_status"),
    path(f"{round_}nachbericht/<int:report_pk>/vorschau/", reports.report_preview, name="report_preview"),
    path(f"{round_}nachbericht/<int:report_pk>/veroeffentlichen/", reports.report_publish, name="report_publish"),
    path(f"{round_}nachbericht/<int:report_pk>/erneut-versuchen/", reports.report_retry, name="report_retry"),
    # organisations and people
    # (the directory itself, list, create, edit, merge and delete, is ``participants``')
    path("organisationen/<slug:slug>/", organisations.organisation_detail, name="organisation_detail"),
    path("organisationen/<slug:slug>/vertretungen/", organisations.representative_add, name="representative_add"),
    path(
        "organisationen/<slug:slug>/vertretungen/<int:membership_pk>/entfernen/",
        organisations.representative_remove,
        name="representative_remove",
    ),
]
