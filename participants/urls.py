"""URLs of the participants app (namespace ``participants``): accounts from invitations, profile, strategy."""

app_name = "participants"

urlpatterns: list = []
