from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoundsConfig(AppConfig):
    name = "rounds"
    verbose_name = _("Austauschrunden")

    def ready(self) -> None:
        from rounds import freshness

        freshness.connect()
