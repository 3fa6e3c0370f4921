"""The request pipeline's targets: per-call client CPU against a bare urllib3 loop, SOAP against
the JSON-RPC facade, start-up against ``import requests``.

    .venv/bin/python -m benchmarks.pipeline            # prints the section, updates RESULTS.md
    .venv/bin/python -m benchmarks.pipeline --quick    # fewer rounds, prints only

Every ratio is a median of ratios of paired rounds taken in this one run; within a round the
two sides alternate call by call (per-call rows) or process by process (start-up), so the
noise of a shared machine falls on both.
"""

from __future__ import annotations

import argparse
import compileall
import functools
import hashlib
import hmac
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

import urllib3

import avangate_compat
from avangate_compat import Client
from avangate_compat.auth import login_params
from avangate_compat.sandbox import DEMO_MERCHANT_CODE, DEMO_SECRET_KEY

from . import sections
from .run import LEAD, make_client, sandbox_process

HERE = Path(__file__).resolve().parent
SECTION = "## 9. The request pipeline's targets"
TARGETS = {"jsonrpc": 1.25, "rest": 1.25, "soap": 2.0, "startup": 1.15}
OK = {True: "yes", False: "**NO**"}
# What the facade sends besides the protocol's own headers: the floor sends the same.
_COMMON = {"User-Agent": "avangate-compat/0.1 (+urllib3)", "Accept-Encoding": "gzip, deflate"}
_JSON = {**_COMMON, "Content-Type": "application/json", "Accept": "application/json"}


class Urllib3Floor:
    """The least code doing the facade's exchange for ``getLead``: one ``urllib3.PoolManager``,
    the same request bytes and headers, ``json.loads`` of the answer, raw data back."""

    def __init__(self, client: Client) -> None:
        self.pool = urllib3.PoolManager()
        self.config = client.config
        self.session_id = ""
        if client.backend == "jsonrpc":
            self.session_id = self._rpc("login", login_params(
                DEMO_MERCHANT_CODE, DEMO_SECRET_KEY, "sha256"))

    def _rpc(self, method: str, params: list[Any]) -> Any:
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
        answer = self.pool.request("POST", self.config.jsonrpc_endpoint, body=body.encode(),
                                   headers=_JSON, timeout=10.0)
        return json.loads(answer.data)["result"]

    def jsonrpc(self) -> Any:
        return self._rpc("getLead", [self.session_id, LEAD])

    def rest(self) -> Any:
        date = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())
        code = DEMO_MERCHANT_CODE
        digest = hmac.new(DEMO_SECRET_KEY.encode(), f"{len(code)}{code}{len(date)}{date}"
                          .encode(), hashlib.sha256).hexdigest()
        header = f'code="{code}" date="{date}" hash="{digest}" algo="sha256"'
        answer = self.pool.request("GET", f"{self.config.rest_endpoint}/leads/{LEAD}/",
                                   headers={**_JSON, "X-Avangate-Authentication": header},
                                   timeout=10.0)
        return json.loads(answer.data)


def paired(ours: Callable[[], Any], base: Callable[[], Any], rounds: int, n: int
           ) -> dict[str, float]:
    """Per-call client CPU of both sides, interleaved call by call (which goes first
    alternates), summed per round: a burst of load from other processes falls on both sides
    alike, where rounds of n calls of one side then n of the other let it fall on one."""
    ours(), base()  # warm: login, connections, caches
    clock = time.process_time
    pairs = []
    for _ in range(rounds):
        spent = [0.0, 0.0]
        for i in range(n):
            for side in ((0, 1) if i % 2 == 0 else (1, 0)):
                started = clock()
                (base if side else ours)()
                spent[side] += clock() - started
        pairs.append((spent[0] / n, spent[1] / n))
    return {"ours_ms": statistics.median(p[0] for p in pairs) * 1e3,
            "base_ms": statistics.median(p[1] for p in pairs) * 1e3,
            "ratio": statistics.median(p[0] / p[1] for p in pairs)}


def per_call(url: str, rounds: int, n: int) -> list[tuple[str, str, dict[str, float], float]]:
    rows = []
    facades = {backend: make_client(url, backend) for backend in ("soap", "jsonrpc", "rest")}
    for backend in ("jsonrpc", "rest"):
        facade, floor = facades[backend], Urllib3Floor(facades[backend])
        rows.append((f"{backend} `getLead`", "bare urllib3 loop, same exchange",
                     paired(functools.partial(facade.getLead, LEAD),
                            getattr(floor, backend), rounds, n), TARGETS[backend]))
        floor.pool.clear()
    rows.append(("soap `getLead`", "the JSON-RPC facade's `getLead`",
                 paired(lambda: facades["soap"].getLead(LEAD),
                        lambda: facades["jsonrpc"].getLead(LEAD), rounds, n), TARGETS["soap"]))
    for client in facades.values():
        client.close()
    return rows


def startup(runs: int) -> list[tuple[str, str, dict[str, float], float]]:
    """Whole processes, alternating: import and one client against ``import requests``.

    Both sides run from cached bytecode, as installed packages do (pip compiles a wheel's
    modules): an editable checkout under ``PYTHONDONTWRITEBYTECODE`` would otherwise compile
    every module of the package from source in every process, against requests' ``.pyc``."""
    compileall.compile_dir(str(Path(avangate_compat.__file__).parent), quiet=1)
    ours = ("import avangate_compat; avangate_compat.Client(backend='{b}', merchant_code='M', "
            "secret_key='S')")
    rows = []
    for backend in ("jsonrpc", "rest"):
        pairs = []
        for _ in range(runs):
            times = []
            for code in (ours.format(b=backend), "import requests"):
                started = time.perf_counter()
                subprocess.run([sys.executable, "-c", code], check=True)
                times.append(time.perf_counter() - started)
            pairs.append((times[0], times[1]))
        rows.append((f"import + {backend} client", "`import requests` (whole process)",
                     {"ours_ms": statistics.median(p[0] for p in pairs) * 1e3,
                      "base_ms": statistics.median(p[1] for p in pairs) * 1e3,
                      "ratio": statistics.median(p[0] / p[1] for p in pairs)},
                     TARGETS["startup"]))
    return rows


def section(rows: list[tuple[str, str, dict[str, float], float]], command: str,
            settings: str) -> list[str]:
    lines = [SECTION, "",
             f"`{command}`, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {settings}. "
             "Per-call rows are client CPU (`time.process_time`); start-up rows are wall time "
             "of fresh processes. Each ratio is the median of paired-round ratios; per-call rounds "
             "interleave the two sides call by call. Runs before and after each change, and "
             "what each phase costs: `HISTORY.md`.", "",
             "| what | against | ours ms | base ms | ratio | target | met |",
             "|---|---|---|---|---|---|---|"]
    for what, against, r, target in rows:
        lines.append(f"| {what} | {against} | {r['ours_ms']:.3f} | {r['base_ms']:.3f} | "
                     f"{r['ratio']:.2f} | <= {target} | {OK[r['ratio'] <= target]} |")
    return lines


def measure(rounds: int, n: int, runs: int) -> list[tuple[str, str, dict[str, float], float]]:
    with sandbox_process() as url:
        rows = per_call(url, rounds, n)
    return rows + startup(runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds; RESULTS.md untouched")
    args = parser.parse_args()
    rounds, n, runs = (3, 100, 5) if args.quick else (15, 300, 25)
    command = "python -m benchmarks.pipeline" + (" --quick" if args.quick else "")
    settings = f"{rounds} rounds x {n} calls per pair; start-up over {runs} process pairs"
    lines = section(measure(rounds, n, runs), command, settings)
    print("\n".join(lines))
    if not args.quick:
        sections.write(HERE / "RESULTS.md", "pipeline", "\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
