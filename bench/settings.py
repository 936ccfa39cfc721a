"""The application's settings plus the bare view that serves as the framework's ceiling."""

from strategy_exchange.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
