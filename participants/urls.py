"""URLs of the participants app (namespace ``participants``): accounts from invitations, profile, strategy,
the directory of organisations."""

from django.urls import path

from . import directory_views, views

app_name = "participants"

urlpatterns = [
    path("einladung/<str:token>/", views.invitation_signup, name="invitation_signup"),
    path("vertretung/<str:token>/", views.membership_proposal, name="membership_proposal"),
    path("profil/", views.profile, name="profile"),
    path("strategie/", views.strategy, name="strategy"),
    path("strategie/<int:pk>/datei/", views.strategy_file, name="strategy_file"),
    # the directory of organisations, for organisers (an organisation's page: ``orga:organisation_detail``)
    path("orga/organisationen/", directory_views.organisation_list, name="organisation_list"),
    path("orga/organisationen/neu/", directory_views.organisation_create, name="organisation_create"),
    path("orga/organisationen/<slug:slug>/bearbeiten/", directory_views.organisation_edit, name="organisation_edit"),
    path(
        "orga/organisationen/<slug:slug>/zusammenfuehren/",
        directory_views.organisation_merge,
        name="organisation_merge",
    ),
    path("orga/organisationen/<slug:slug>/loeschen/", directory_views.organisation_delete, name="organisation_delete"),
]
