from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClausesConfig(AppConfig):
    name = "clauses"
    verbose_name = _("Klauseln")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from clauses.fragments import matrix_changed
        from clauses.models import Clause, Position
        from participants.models import Organisation, Strategy

        # The comparison matrix shows all of them: its rows, columns and cells.
        for model in (Clause, Position, Organisation, Strategy):
            for signal in (post_save, post_delete):
                signal.connect(matrix_changed, sender=model, dispatch_uid=f"matrix-{model.__name__}-{signal}")
