from django.urls import path

from . import library_views, views

app_name = "clauses"

urlpatterns = [
    path("", views.library, name="library"),
    path("neu/", library_views.clause_create, name="clause_create"),
    path("<int:number>/bearbeiten/", library_views.clause_edit, name="clause_edit"),
    path("unsere-strategie/", views.our_positions, name="our_positions"),
    path("unsere-strategie/vorschlaege/", views.our_suggestions, name="our_suggestions"),
    path("vorschlaege/<int:pk>/verwerfen/", views.suggestion_dismiss, name="suggestion_dismiss"),
    path("<int:number>/umsetzung/", views.position_edit, name="position_edit"),
    path("vergleich/", views.matrix, name="matrix"),
    path("vergleich.csv", views.matrix_export, {"format": "csv"}, name="matrix_csv"),
    path("vergleich.json", views.matrix_export, {"format": "json"}, name="matrix_json"),
    path("vergleich/<int:strategy_pk>/<int:number>/", views.position_quote, name="position_quote"),
]
