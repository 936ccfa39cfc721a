from django.urls import include, path

from .views import home

urlpatterns = [
    path("", home.home, name="home"),
    path("orga/", include("rounds.urls_organiser")),
    path("", include("rounds.urls_participant")),
]
