"""URLs of the pages for invitees and representatives (namespace ``rounds``)."""

from django.urls import path

from .views import open_data
from .views.participant import clause_history, discussion, rounds, rsvp_link

app_name = "rounds"

urlpatterns = [
    path("runden/", rounds.my_rounds, name="my_rounds"),
    path("runden/<int:pk>/", rounds.round_detail, name="round_detail"),
    path("runden/<int:pk>/rueckmeldung/", rounds.rsvp_answer, name="rsvp"),
    path("runden/<int:pk>/vertretung/", rounds.stand_in, name="stand_in"),
    path("runden/<int:pk>/kalender.ics", rounds.ics_download, name="ics"),
    path("runden/<int:round_pk>/klauseln/<int:number>/", discussion.discussion, name="discussion"),
    path("runden/<int:round_pk>/klauseln/<int:number>/beitraege/", discussion.comment_post, name="comment_post"),
    path("beitraege/<int:pk>/antworten/", discussion.comment_reply, name="comment_reply"),
    path("beitraege/<int:pk>/bearbeiten/", discussion.comment_edit, name="comment_edit"),
    path("beitraege/<int:pk>/loeschen/", discussion.comment_delete, name="comment_delete"),
    path("beitraege/<int:pk>/ausblenden/", discussion.comment_hide, name="comment_hide"),
    path("beitraege/<int:pk>/einblenden/", discussion.comment_unhide, name="comment_unhide"),
    path("beitraege/<int:pk>/hervorheben/", discussion.comment_highlight, name="comment_highlight"),
    path("rueckmeldung/<str:signed>/", rsvp_link.rsvp_link, name="rsvp_link"),
    path("rueckmeldung/<str:signed>/kalender.ics", rsvp_link.rsvp_link_ics, name="rsvp_link_ics"),
    path("klauseln/<int:number>/runden/", clause_history.clause_history, name="clause_history"),
    path("offene-daten/", open_data.open_data, name="open_data"),
    path("offene-daten/<slug:slug>.csv", open_data.open_data_export, {"format": "csv"}, name="open_data_csv"),
    path("offene-daten/<slug:slug>.json", open_data.open_data_export, {"format": "json"}, name="open_data_json"),
]
