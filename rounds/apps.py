from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoundsConfig(AppConfig):
    name = "rounds"
    verbose_name = _("Austauschrunden")

    def ready(self) -> None:
        from rounds import freshness
        from rounds.services import messages

        freshness.connect()
        messages.outbox_kinds_register()
