"""Measurements as a list of ``{name, value, unit}`` objects (plus target and verdict where one applies)."""

import json
import operator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bench.load import LoadResult
    from bench.queries import PageQueries

# Acceptance pages while comments are written into other rounds: share of the bare view's requests/s, p99.
RATIO_TARGET = 0.15
P99_TARGET_MS = 100.0
# A discussion while comments are written into it.
DISCUSSION_RATIO_TARGET = 0.08
COLD_RENDER_TARGET_MS = 100.0
WRITE_RATE_SHARE = 0.9  # of the rate asked for, that the writer must reach during a measurement
FANOUT_TARGET = 100.0
REPORT_TARGET_S = 5.0
EXTRACTION_TARGET_S = 15.0  # text of a 100-page strategy PDF
SUGGESTIONS_TARGET_S = 2.0  # suggestions for 30 clauses from it
GENERATION_TARGET_S = 600.0
CHECKS = {">=": operator.ge, "<=": operator.le, "==": operator.eq}


@dataclass
class Result:
    name: str
    value: float | int | None
    unit: str
    target: str | None = None
    ok: bool | None = None
    note: str = ""

    def as_dict(self) -> dict:
        data: dict = {"name": self.name, "value": self.value, "unit": self.unit}
        if self.target is not None:
            data["target"] = self.target
            data["ok"] = self.ok
        if self.note:
            data["note"] = self.note
        return data


def checked(name: str, value: float | int | None, unit: str, *, op: str, limit: float, note: str = "") -> Result:
    ok = None if value is None else bool(CHECKS[op](value, limit))
    return Result(name, value, unit, target=f"{op} {limit:g}", ok=ok, note=note)


def load_results(
    *,
    name: str,
    load: "LoadResult",
    bare: "LoadResult | None",
    ratio_target: float | None = None,
    p99_target: float | None = None,
    note: str = "",
) -> list[Result]:
    """Requests/s, p50, p99 and the ratio to the bare view; p99 and ratio checked where a target is given."""
    sessions = f" from {load.sessions} session(s)" if load.sessions else ""
    summary = f"{load.requests} requests{sessions}, {load.errors} errors ({load.tool})"
    if not load.requests:
        summary = f"no request completed within {load.seconds:g} s ({load.tool})"
    completed = load.requests > 0
    ratio = round(load.requests_per_second / bare.requests_per_second, 3) if bare and bare.requests_per_second else None
    p50 = round(load.p50_ms, 2) if completed else None
    p99 = round(load.p99_ms, 2) if completed else None
    note = "; ".join(part for part in (summary, note) if part)
    results = [Result(f"{name}: requests/s", round(load.requests_per_second, 1), "req/s", note=note)]
    results.append(Result(f"{name}: p50 latency", p50, "ms"))
    if p99_target is not None:
        results.append(checked(f"{name}: p99 latency", p99, "ms", op="<=", limit=p99_target))
    else:
        results.append(Result(f"{name}: p99 latency", p99, "ms"))
    if ratio_target is not None:
        results.append(checked(f"{name}: ratio to bare view", ratio, "ratio", op=">=", limit=ratio_target))
    elif bare is not None:
        results.append(Result(f"{name}: ratio to bare view", ratio, "ratio"))
    if not completed:
        for result in results:
            if result.target is not None:
                result.ok = False
    if load.errors:
        results.append(checked(f"{name}: failed requests", load.errors, "requests", op="==", limit=0))
    return results


def write_rate_result(*, name: str, written: int, seconds: float, rate: float, where: str) -> Result:
    """The comments a writer got in during a measurement, per second: a page's targets hold only with them."""
    achieved = round(written / seconds, 2) if seconds > 0 else 0.0
    note = f"{written} comments in {seconds:.1f} s {where}, {rate:g}/s asked for"
    return checked(
        f"{name}: comments written", achieved, "comments/s", op=">=", limit=WRITE_RATE_SHARE * rate, note=note
    )


def query_results(*, small: list["PageQueries"], scale: list["PageQueries"]) -> list[Result]:
    results = []
    small_by_name = {entry.name: entry for entry in small}
    for entry in scale:
        before = small_by_name.get(entry.name)
        if entry.queries is None:
            continue
        results.append(Result(f"{entry.name}: queries (small data)", before.queries if before else None, "queries"))
        note = "" if entry.status == 200 else f"status {entry.status}"
        limit = before.queries if before and before.queries is not None else -1
        results.append(
            checked(f"{entry.name}: queries (scale data)", entry.queries, "queries", op="==", limit=limit, note=note)
        )
    return results


def not_available(name: str, url_name: str) -> Result:
    return Result(name, None, "", note=f"not available: URL name {url_name!r} does not resolve")


def results_write(*, results: list[Result], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps([result.as_dict() for result in results], indent=2, ensure_ascii=False) + "\n")


def _value(result: Result) -> str:
    if result.value is None:
        return "–"
    if isinstance(result.value, float):
        return f"{result.value:,.2f} {result.unit}".strip()
    return f"{result.value:,} {result.unit}".strip()


def results_table(results: list[Result]) -> str:
    """A Markdown table: measurement, value, target, verdict, note."""
    lines = ["| measurement | value | target | ok | note |", "|---|---:|---|---|---|"]
    for result in results:
        verdict = "" if result.ok is None else ("yes" if result.ok else "**no**")
        lines.append(f"| {result.name} | {_value(result)} | {result.target or ''} | {verdict} | {result.note} |")
    return "\n".join(lines)
