"""URLs of the pages for invitees and representatives (namespace ``rounds``)."""

app_name = "rounds"

urlpatterns: list = []
