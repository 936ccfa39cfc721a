from django.apps import AppConfig


class StrategyExchangeConfig(AppConfig):
    """The project's shared machinery: whole-page caching watches every database write of the process."""

    name = "strategy_exchange"
    verbose_name = "Strategie-Austausch"

    def ready(self) -> None:
        from strategy_exchange import pagecache

        pagecache.watch_writes()
