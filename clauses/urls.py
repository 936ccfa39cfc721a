from django.urls import path

from . import views

app_name = "clauses"

urlpatterns = [
    path("", views.library, name="library"),
]
