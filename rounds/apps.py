from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoundsConfig(AppConfig):
    name = "rounds"
    verbose_name = _("Austauschrunden")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from clauses.models import Clause
        from participants.models import Organisation
        from rounds.fragments import names_changed
        from rounds.models import Series

        # Their names appear in cached fragments of the round and clause pages.
        for model in (Clause, Organisation, Series):
            for signal in (post_save, post_delete):
                signal.connect(names_changed, sender=model, dispatch_uid=f"names-{model.__name__}-{signal}")
