from django.apps import AppConfig


class StrategyExchangeConfig(AppConfig):
    name = "strategy_exchange"
    verbose_name = "Strategie-Austausch"
