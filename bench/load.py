"""Load generators: ``wrk`` when installed, otherwise a small threaded one in pure Python.

Both keep ``connections`` requests in flight for ``duration`` seconds and report requests per second
and latency percentiles. Given several session cookies, each request carries one picked at random (wrk
through a Lua script that reads them from a file), as many readers open a page at the same time. Check a
page's status before loading it: wrk counts redirects as success.
"""

import http.client
import random
import re
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass(frozen=True)
class LoadResult:
    tool: str
    requests: int
    errors: int
    seconds: float
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    sessions: int = 0  # distinct session cookies the requests picked from


def load_tool(*, preferred: str = "auto") -> str:
    if preferred == "auto":
        return "wrk" if shutil.which("wrk") else "python"
    return preferred


def http_get(*, url: str, cookie: str | None = None, timeout: float = 60) -> tuple[int, bytes]:
    """One GET without following redirects: (status, body)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers=_headers(cookie))
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _headers(cookie: str | None) -> dict[str, str]:
    return {"Cookie": cookie} if cookie else {}


def load_run(
    *, url: str, cookies: list[str] | None = None, duration: float, connections: int, tool: str = "auto"
) -> LoadResult:
    """Load ``url``; every request carries a cookie picked at random from ``cookies`` (none if empty)."""
    cookies = [cookie for cookie in cookies or [] if cookie]
    if load_tool(preferred=tool) == "wrk":
        return _wrk(url=url, cookies=cookies, duration=duration, connections=connections)
    return _python(url=url, cookies=cookies, duration=duration, connections=connections)


# wrk calls request() for every request: the Cookie header of a session picked at random from the file
# named after "--" on the command line (one cookie a line), with the random seed that follows it.
READERS_LUA = """\
local cookies = {}
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then
      cookies[#cookies + 1] = line
    end
  end
  math.randomseed(tonumber(args[2] or os.time()) + 7919 * (thread_number or 0))
end

function request()
  local headers = {}
  for name, value in pairs(wrk.headers) do
    headers[name] = value
  end
  headers["Cookie"] = cookies[math.random(#cookies)]
  return wrk.format(nil, nil, headers)
end
"""


def _wrk(*, url: str, cookies: list[str], duration: float, connections: int) -> LoadResult:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(duration))}s", "--latency", "--timeout", "30s"]
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as folder:
        if cookies:
            script, sessions = Path(folder) / "readers.lua", Path(folder) / "sessions.txt"
            script.write_text(READERS_LUA)
            sessions.write_text("".join(f"{cookie}\n" for cookie in cookies))
            seed = random.SystemRandom().randrange(2**31)
            command += ["-s", str(script), url, "--", str(sessions), str(seed)]
        else:
            command.append(url)
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    return replace(parse_wrk(output), sessions=len(set(cookies)))


def _milliseconds(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise ValueError(f"unexpected wrk latency {text!r}")
    return float(match.group(1)) * UNITS_MS[match.group(2)]


def parse_wrk(output: str) -> LoadResult:
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", output, flags=re.MULTILINE))
    total = re.search(r"(\d+) requests in ([\d.]+)(\w+),", output)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if not (percentiles and total and rate):
        raise ValueError(f"unexpected wrk output:\n{output}")
    errors = int(non_2xx.group(1)) if non_2xx else 0
    if socket_errors:
        # Read errors are the server closing kept-alive connections (gunicorn's sync workers do); not failures.
        errors += sum(int(socket_errors.group(i)) for i in (1, 3, 4))
    return LoadResult(
        tool="wrk",
        requests=int(total.group(1)),
        errors=errors,
        seconds=_milliseconds(total.group(2) + total.group(3)) / 1000,
        requests_per_second=float(rate.group(1)),
        p50_ms=_milliseconds(percentiles["50"]),
        p99_ms=_milliseconds(percentiles["99"]),
    )


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _python(*, url: str, cookies: list[str], duration: float, connections: int) -> LoadResult:
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    started = time.perf_counter()
    deadline = started + duration

    def worker() -> None:
        own, failed = [], 0
        # Which reader sends the next request; not a secret.
        pick = random.Random().choice  # noqa: S311  # nosec B311
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        while time.perf_counter() < deadline:
            headers = _headers(pick(cookies) if cookies else None)
            begin = time.perf_counter()
            try:
                connection.request("GET", target, headers=headers)
                response = connection.getresponse()
                response.read()
                failed += response.status >= 400
            except (OSError, http.client.HTTPException):
                failed += 1
                connection.close()
                continue
            own.append((time.perf_counter() - begin) * 1000)
        connection.close()
        with lock:
            latencies.extend(own)
            errors[0] += failed

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    return LoadResult(
        tool="python",
        requests=len(latencies),
        errors=errors[0],
        seconds=seconds,
        requests_per_second=len(latencies) / seconds if seconds else 0.0,
        p50_ms=percentile(latencies, 0.50),
        p99_ms=percentile(latencies, 0.99),
        sessions=len(set(cookies)),
    )
