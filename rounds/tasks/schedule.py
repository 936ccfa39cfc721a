"""Tasks: see rounds/tasks/__init__.py."""

__all__: list[str] = []
