"""Throughput under concurrency: gunicorn on loopback, driven by a small threaded load generator.

Every request goes to 127.0.0.1, every level lasts a fixed number of seconds, and the server
is stopped at the end whatever happens.
"""

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from bench.pages import percentile

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 3  # README's production command; the machine has 2 cores
REQUEST_TIMEOUT = 30  # seconds
START_TIMEOUT = 30


@dataclass(frozen=True)
class LoadResult:
    concurrency: int
    seconds: float
    requests: int
    errors: int
    p50: float
    p99: float

    @property
    def rate(self):
        return self.requests / self.seconds


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(port):
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        connection.request("GET", "/accounts/login/")
        return connection.getresponse().status == 200
    except OSError:
        return False


@contextmanager
def gunicorn(workers=WORKERS):
    """A gunicorn on a free loopback port, with the benchmark settings; yields the port."""
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [
            *(sys.executable, "-m", "gunicorn", "chatlinks.wsgi"),
            *("--workers", str(workers), "--bind", f"127.0.0.1:{port}"),
            *("--log-level", "warning"),
        ],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"},
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _answers(port):
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.3)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _fetch(connection, cookie, path):
    """(latency in seconds, whether it answered 200)."""
    started = time.perf_counter()
    try:
        connection.request("GET", path, headers={"Cookie": cookie})
        response = connection.getresponse()
        response.read()
        ok = response.status == 200
    except (OSError, http.client.HTTPException):
        connection.close()  # reconnects on the next request
        ok = False
    return time.perf_counter() - started, ok


def run_level(port, mix, concurrency, seconds):
    """`concurrency` threads request the (session cookie, path) pairs of `mix` in turn, each
    from its own place in it, one request after another, for `seconds`."""
    deadline = time.monotonic() + seconds
    latencies, failures = [], []

    def worker(offset):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
        mine, failed, index = [], 0, offset
        while time.monotonic() < deadline:
            cookie, path = mix[index % len(mix)]
            index += 1
            latency, ok = _fetch(connection, cookie, path)
            mine.append(latency)
            failed += not ok
        connection.close()
        latencies.extend(mine)
        failures.append(failed)

    started = time.monotonic()
    threads = [
        threading.Thread(target=worker, args=(offset * len(mix) // concurrency,))
        for offset in range(concurrency)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + REQUEST_TIMEOUT + 5)
    elapsed = time.monotonic() - started
    return LoadResult(
        concurrency,
        elapsed,
        len(latencies),
        sum(failures),
        percentile(latencies, 0.50),
        percentile(latencies, 0.99),
    )


def throughput(mix, levels, seconds):
    """A LoadResult per concurrency level, against one gunicorn; `mix` is (username's session
    cookie value, path) pairs."""
    mix = [(f"{settings.SESSION_COOKIE_NAME}={cookie}", path) for cookie, path in mix]
    with gunicorn() as port:
        run_level(port, mix, max(levels), min(seconds, 3))  # warm-up of every worker
        return [run_level(port, mix, level, seconds) for level in levels]
