"""Celery tasks of the rounds app: thin wrappers taking ids, each calling one service."""

from .delivery import *  # noqa: F403
from .replies import *  # noqa: F403
from .reports import *  # noqa: F403
from .schedule import *  # noqa: F403
