from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoundsConfig(AppConfig):
    name = "rounds"
    verbose_name = _("Austauschrunden")

    def ready(self) -> None:
        from participants.permissions import maintainer_check_register
        from rounds import freshness, merging, permissions
        from rounds.services import messages

        freshness.connect()
        messages.outbox_kinds_register()
        merging.connect()
        maintainer_check_register(permissions.is_organiser)
