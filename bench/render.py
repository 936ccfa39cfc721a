"""Cold render of a page in-process: every cache emptied before each request, as after a deployment or for
a thread nobody has opened for a while."""

import statistics
import time
from dataclasses import dataclass

from django.core.cache import cache

from bench.queries import logged_in_client
from strategy_exchange.fragments import fragments_memory_clear


@dataclass(frozen=True)
class ColdRender:
    path: str
    status: int
    milliseconds: tuple[float, ...]
    size: int

    @property
    def median_ms(self) -> float:
        return statistics.median(self.milliseconds)


def cold_render_measure(*, path: str, user_id: int | None, renders: int = 5) -> ColdRender:
    """``renders`` requests through Django's test client, each after ``cache.clear()`` and with nothing in the
    process's memory of fragments; one request before them loads the code and templates of the page into
    the process, as a worker that has served before."""
    client = logged_in_client(user_id=user_id)
    response = client.get(path)
    timings = []
    for _ in range(renders):
        cache.clear()
        fragments_memory_clear()
        started = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
    return ColdRender(path, response.status_code, tuple(timings), len(response.content))
