from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data and national-scale data for load tests. It has no models of its own: it writes the
    domain apps' rows and stands above them (they never import it)."""

    name = "demo"
