"""URLs of the organiser pages, under /orga/ (namespace ``orga``)."""

app_name = "orga"

urlpatterns: list = []
