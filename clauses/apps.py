from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClausesConfig(AppConfig):
    name = "clauses"
    verbose_name = _("Klauseln")

    def ready(self) -> None:
        from clauses import freshness
        from clauses.models import Position
        from clauses.tasks import strategy_text_ready_received
        from participants.documents import strategy_text_ready
        from participants.merging import Mover, mover_register

        freshness.connect()
        strategy_text_ready.connect(strategy_text_ready_received, dispatch_uid="clauses-suggestions")
        # Positions belong to a strategy and move with it (they never collide: one per strategy and clause).
        mover_register(
            Mover(
                key="positions",
                label=_("Umsetzungen in den Strategien"),
                order=40,
                count=lambda organisation: Position.objects.filter(strategy__organisation=organisation).count(),
            )
        )
