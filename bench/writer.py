"""Child process of the benchmark: comments at a fixed rate while pages are under load.

``python -m bench.writer PLAN OUTPUT`` reads the plan (JSON from ``bench.comments.writer_plan``: rate,
seconds, count, targets), appends one JSON line to OUTPUT when it is ready, one per comment written or
refused, and one when it is done. It stops by itself after ``seconds`` or ``count`` comments, whichever
comes first, and at SIGTERM.
"""

import json
import signal
import sys
import threading
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    plan_path, output_path = (Path(arg) for arg in argv)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    import django

    django.setup()
    from bench.comments import WriteTarget, comments_write

    plan = json.loads(plan_path.read_text())
    targets = [WriteTarget(**{**target, "authors": tuple(target["authors"])}) for target in plan["targets"]]
    with output_path.open("a") as output:

        def record(entry: dict) -> None:
            output.write(json.dumps(entry) + "\n")
            output.flush()

        record({"t": time.time(), "ready": True})
        summary = comments_write(
            targets=targets,
            rate=plan["rate"],
            seconds=plan["seconds"],
            count=plan["count"],
            record=record,
            stop=stop,
        )
        record({"t": time.time(), "done": True, "written": summary.written, "refusals": summary.refused})
    return 0 if summary.written or not summary.refused else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
