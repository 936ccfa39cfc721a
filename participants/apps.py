from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = _("Teilnehmende")

    def ready(self) -> None:
        from participants import merging, services

        services.outbox_kinds_register()
        merging.connect()
