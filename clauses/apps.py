from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClausesConfig(AppConfig):
    name = "clauses"
    verbose_name = _("Klauseln")

    def ready(self) -> None:
        from clauses import freshness
        from clauses.tasks import strategy_text_ready_received
        from participants.documents import strategy_text_ready

        freshness.connect()
        strategy_text_ready.connect(strategy_text_ready_received, dispatch_uid="clauses-suggestions")
