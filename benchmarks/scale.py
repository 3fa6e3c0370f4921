"""Benchmarks of the world real integrations live in: a server 50 ms away, bulk work, big
listings. Each function returns the Markdown rows of its section of RESULTS.md."""

from __future__ import annotations

import statistics
import subprocess
import sys
import threading
import time
from contextlib import AbstractContextManager
from typing import Any

from avangate_compat import Client
from avangate_compat.sandbox import DEMO_MERCHANT_CODE, DEMO_SECRET_KEY, control

BACKENDS = ("soap", "jsonrpc", "rest")
PRODUCT = "YourProductCode"
OK = {True: "yes", False: "**NO**"}


def sandbox(latency_ms: int = 0) -> AbstractContextManager[str]:
    from .run import sandbox_process
    return sandbox_process(latency_ms=latency_ms)


def client(url: str, backend: str) -> Client:
    return Client(backend=backend, base_url=url, merchant_code=DEMO_MERCHANT_CODE,
                  secret_key=DEMO_SECRET_KEY)


def latency_hiding(seconds: float) -> list[str]:
    """8 threads sharing one client against a server 50 ms away: the ideal is 8 / 0.05."""
    rows = ["| backend | calls/s | ideal | share of ideal | TCP connections | target | met |",
            "|---|---|---|---|---|---|---|"]
    ideal = 8 / 0.05
    with sandbox(latency_ms=50) as url:
        for backend in BACKENDS:
            shared = client(url, backend)
            shared.getProductByCode(PRODUCT)  # warm: login, first connection
            control(url, "POST", "stats/reset")
            made = _hammer(shared, 8, seconds)
            connections = control(url, "GET", "stats")["connections"]
            share = made / seconds / ideal
            met = share >= 0.9 and connections <= 8
            rows.append(f"| {backend} | {made / seconds:.0f} | {ideal:.0f} | {share:.0%} | "
                        f"{connections} | >= 90%, <= 8 connections | {OK[met]} |")
            shared.close()
    return rows


def _hammer(shared: Client, threads: int, seconds: float) -> int:
    done = [0] * threads
    stop = time.monotonic() + seconds

    def work(index: int) -> None:
        while time.monotonic() < stop:
            shared.getProductByCode(PRODUCT)
            done[index] += 1

    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(done)


def bulk(calls: int, rated_calls: int) -> list[str]:
    """client.map: 16 workers at 50 ms latency, then a 100 calls/s cap."""
    rows = ["| case | calls | seconds | calls/s | target | met |", "|---|---|---|---|---|---|"]
    with sandbox(latency_ms=50) as url:
        worker = client(url, "jsonrpc")
        worker.getProductByCode(PRODUCT)
        started = time.perf_counter()
        outcomes = worker.map("getProductByCode", [PRODUCT] * calls, max_workers=16)
        elapsed = time.perf_counter() - started
        ideal = 16 / 0.05
        rate = calls / elapsed
        ok = all(o.ok for o in outcomes)
        rows.append(f"| map, 16 workers, 50 ms latency | {calls} | {elapsed:.1f} | {rate:.0f} | "
                    f">= 90% of {ideal:.0f} | {OK[ok and rate >= 0.9 * ideal]} |")
        starts: list[float] = []
        lock = threading.Lock()
        real = worker.call

        def timed(operation: Any, *args: Any) -> Any:
            with lock:
                starts.append(time.monotonic())
            return real(operation, *args)

        worker.call = timed  # type: ignore[method-assign]
        worker.map("getProductByCode", [PRODUCT] * rated_calls, max_workers=16,
                   rate_limit=100)
        starts.sort()
        span = starts[-1] - starts[0]
        mean = (len(starts) - 1) / span
        busiest = max(sum(1 for t in starts if s <= t < s + 1.0) for s in starts)
        met = abs(mean - 100) <= 5 and busiest <= 100
        rows.append(f"| map, rate_limit=100/s | {rated_calls} | {span:.1f} | {mean:.1f} "
                    f"(busiest 1 s window: {busiest}) | within 5% of 100, never above | "
                    f"{OK[met]} |")
    return rows


def _rss_mb() -> float:
    with open("/proc/self/statm", encoding="ascii") as handle:
        return int(handle.read().split()[1]) * 4096 / 2 ** 20


def big_listing(leads: int) -> list[str]:
    """iter_leads over every lead of a big account: the client's memory stays flat."""
    rows = ["| backend | leads walked | seconds | peak RSS growth MB | target | met |",
            "|---|---|---|---|---|---|"]
    with sandbox() as url:
        control(url, "POST", "seed/generated", {"leads": leads})
        pages = []
        reader = client(url, "jsonrpc")
        for page in (1, 1000, 1, 1000, 1, 1000, 1, 1000, 1, 1000):
            started = time.perf_counter()
            reader.searchLeads(Limit=100, Page=page)
            pages.append((page, time.perf_counter() - started))
        first = statistics.median(t for p, t in pages if p == 1) * 1e3
        late = statistics.median(t for p, t in pages if p == 1000) * 1e3
        for backend in BACKENDS:
            walker = client(url, backend)
            baseline = _rss_mb()
            peak = [baseline]
            running = [True]

            def sample(peak: list[float] = peak, running: list[bool] = running) -> None:
                while running[0]:
                    peak[0] = max(peak[0], _rss_mb())
                    time.sleep(0.05)

            sampler = threading.Thread(target=sample)
            sampler.start()
            started = time.perf_counter()
            walked = sum(1 for _ in walker.iter_leads(Limit=200, prefetch=True))
            elapsed = time.perf_counter() - started
            running[0] = False
            sampler.join()
            growth = peak[0] - baseline
            rows.append(f"| {backend} | {walked} | {elapsed:.0f} | {growth:.1f} | < 20 MB | "
                        f"{OK[growth < 20 and walked >= leads]} |")
            walker.close()
    rows += ["", "Sandbox `searchLeads` page time (JSON-RPC, Limit 100, median of 5 calls each, "
             "whole call as the client sees it):", "",
             "| page 1 ms | page 1,000 ms | ratio | target | met |", "|---|---|---|---|---|",
             f"| {first:.1f} | {late:.1f} | {late / first:.2f} | does not grow (<= 1.2) | "
             f"{OK[late / first <= 1.2]} |"]
    return rows


def startup_ratio(runs: int) -> list[str]:
    """Whole processes, alternating: import + a first REST/JSON-RPC client vs import requests."""
    rows = ["| what | median s | ratio to `import requests` | target | met |",
            "|---|---|---|---|---|"]
    ours = ("import avangate_compat; avangate_compat.Client(backend='{b}', merchant_code='M', "
            "secret_key='S')")
    samples: dict[str, list[float]] = {"requests": [], "rest": [], "jsonrpc": []}
    for _ in range(runs):
        for name, code in (("requests", "import requests"), ("rest", ours.format(b="rest")),
                           ("jsonrpc", ours.format(b="jsonrpc"))):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True)
            samples[name].append(time.perf_counter() - started)
    base = statistics.median(samples["requests"])
    rows.append(f"| `import requests` | {base:.3f} | 1.00 | | |")
    for backend in ("rest", "jsonrpc"):
        median = statistics.median(samples[backend])
        rows.append(f"| `import avangate_compat` + {backend} client | {median:.3f} | "
                    f"{median / base:.2f} | <= 1.2 | {OK[median / base <= 1.2]} |")
    return rows
