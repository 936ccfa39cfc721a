from django.urls import include, path

from .views import home, privacy, reports, search

urlpatterns = [
    path("", home.home, name="home"),
    path("suche/", search.search, name="search"),
    path("datenschutz/meine-daten/", privacy.my_data, name="my_data"),
    path("datenschutz/meine-daten.json", privacy.my_data_download, name="my_data_download"),
    path("datenschutz/konto-loeschen/", privacy.account_delete, name="account_delete"),
    path(
        "reihen/<slug:slug>/teilnehmende.csv",
        privacy.participants_export,
        {"format": "csv"},
        name="participants_export",
    ),
    path(
        "reihen/<slug:slug>/teilnehmende.json",
        privacy.participants_export,
        {"format": "json"},
        name="participants_export_json",
    ),
    path("nachberichte/", reports.report_archive, name="report_archive"),
    path("nachberichte/feed/", reports.report_feed, name="report_feed"),
    path("nachberichte/<int:pk>/", reports.report_detail, name="report_detail"),
    path("nachberichte/<int:pk>/nachbericht.pdf", reports.report_pdf, name="report_pdf"),
    path("runden/<int:round_pk>/nachbericht/", reports.report_latest, name="report_latest"),
    path("runden/<int:round_pk>/nachbericht/v<int:version>/", reports.report_version, name="report_version"),
    path(
        "runden/<int:round_pk>/nachbericht/v<int:version>/nachbericht.pdf",
        reports.report_version_pdf,
        name="report_version_pdf",
    ),
    path("orga/", include("rounds.urls_organiser")),
    path("", include("rounds.urls_participant")),
]
