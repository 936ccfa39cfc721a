"""URLs of the participants app (namespace ``participants``): accounts from invitations, profile, strategy."""

from django.urls import path

from . import views

app_name = "participants"

urlpatterns = [
    path("einladung/<str:token>/", views.invitation_signup, name="invitation_signup"),
    path("vertretung/<str:token>/", views.membership_proposal, name="membership_proposal"),
    path("profil/", views.profile, name="profile"),
    path("strategie/", views.strategy, name="strategy"),
    path("strategie/<int:pk>/datei/", views.strategy_file, name="strategy_file"),
]
