"""Start-up of the models two ways: the generated, checked-in ``avangate_compat/models.py``
against the same classes built from ``spec.json`` at import (``benchmarks/models_at_import.py``).

    .venv/bin/python -m benchmarks.models_startup            # prints the section
    .venv/bin/python -m benchmarks.models_startup --write    # and puts it in RESULTS.md

Fresh processes, the three kinds alternating in each round so machine noise falls on all:
whole-process wall and CPU time of ``python -c "import ..."``, the module's own time in
``python -X importtime``, and in one process per kind the first conversion of the seed lead
(cattrs generates each class's function then) and the steady cost of one. Then the CPU of
making the classes both ways within this process, and what ``mypy --strict`` makes of a field
of each.
"""

from __future__ import annotations

import argparse
import marshal
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import sections
from .run import machine

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SEED = ROOT / "tests" / "data" / "getLead_seed_003.json"
KINDS = {
    # what both ways need besides the models: the package, attrs, ApiObject and the spec reader
    "base": "avangate_compat.model_base, avangate_compat.spec",
    "generated": "avangate_compat.models",
    "built at import": "benchmarks.models_at_import",
}
MODULE = {"generated": "avangate_compat.models", "built at import": "benchmarks.models_at_import"}
CONVERT = """\
import json, sys, time, timeit
t = time.perf_counter()
import {module} as m
from avangate_compat.convert import structure
imported = time.perf_counter() - t
seed = json.loads(open(sys.argv[1], encoding="utf-8").read())
t = time.perf_counter(); structure(seed, m.Lead); first = time.perf_counter() - t
steady = min(timeit.repeat(lambda: structure(seed, m.Lead), number=500, repeat=5)) / 500
print(imported, first, steady)
"""
PROBE = """\
from {module} import Lead
reveal_type(Lead(LeadCode="x").Items)
"""


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=ROOT, check=True, capture_output=True,
                          text=True)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _self_us(stderr: str, module: str) -> tuple[int, int]:
    """(self, cumulative) microseconds of ``module`` in ``-X importtime`` output."""
    for line in stderr.splitlines():
        parts = [p.strip() for p in line.removeprefix("import time:").split("|")]
        if len(parts) == 3 and parts[2] == module:
            return int(parts[0]), int(parts[1])
    raise LookupError(f"{module} not in the -X importtime output")


def measure(rounds: int) -> dict[str, dict[str, float]]:
    wall: dict[str, list[float]] = {kind: [] for kind in KINDS}
    cpu: dict[str, list[float]] = {kind: [] for kind in KINDS}
    own: dict[str, list[int]] = {kind: [] for kind in MODULE}
    convert: dict[str, list[tuple[float, ...]]] = {kind: [] for kind in MODULE}
    for _ in range(rounds):
        for kind, modules in KINDS.items():
            t, c = time.perf_counter(), _children_cpu()
            _run("-c", f"import {modules}")
            wall[kind].append(time.perf_counter() - t)
            cpu[kind].append(_children_cpu() - c)
        for kind, module in MODULE.items():
            own[kind].append(_self_us(_run("-X", "importtime", "-c", f"import {module}").stderr,
                                      module)[0])
            out = _run("-c", CONVERT.format(module=module), str(SEED)).stdout.split()
            convert[kind].append(tuple(float(x) for x in out))
    result = {kind: {"wall_ms": statistics.median(wall[kind]) * 1e3,
                     "cpu_ms": statistics.median(cpu[kind]) * 1e3} for kind in KINDS}
    for kind in MODULE:
        result[kind].update(
            own_ms=statistics.median(own[kind]) / 1e3,
            first_ms=statistics.median(c[1] for c in convert[kind]) * 1e3,
            steady_us=statistics.median(c[2] for c in convert[kind]) * 1e6)
        result[kind]["over_base_ms"] = result[kind]["wall_ms"] - result["base"]["wall_ms"]
        result[kind]["cpu_over_base_ms"] = result[kind]["cpu_ms"] - result["base"]["cpu_ms"]
    return result


def making_the_classes(repeats: int) -> dict[str, float]:
    """Milliseconds of CPU (best of ``repeats``, alternating) to make every class in this
    process: running the generated module's compiled code, as an import of its ``.pyc`` does
    (unmarshal, execute), against building them from a fresh read of the spec. Less noisy than
    whole processes on a busy machine."""
    from avangate_compat.spec import raw

    from . import models_at_import

    source = (ROOT / "avangate_compat" / "models.py").read_text(encoding="utf-8")
    blob = marshal.dumps(compile(source, "models.py", "exec"))

    def generated() -> None:
        exec(marshal.loads(blob), {"__name__": "avangate_compat._timed",
                                   "__package__": "avangate_compat"})

    ways = {"generated": generated, "built at import": lambda: models_at_import.build(raw())}
    best = dict.fromkeys(ways, float("inf"))
    for _ in range(repeats):
        for kind, make in ways.items():
            t = time.process_time()
            make()
            best[kind] = min(best[kind], time.process_time() - t)
    return {kind: seconds * 1e3 for kind, seconds in best.items()}


def mypy_sees() -> dict[str, str]:
    """The first line ``mypy --strict`` prints about ``Lead(...).Items`` for each way."""
    seen = {}
    with tempfile.TemporaryDirectory() as tmp:
        for kind, module in MODULE.items():
            probe = Path(tmp) / f"probe_{kind.replace(' ', '_')}.py"
            probe.write_text(PROBE.format(module=module), encoding="utf-8")
            out = subprocess.run(
                [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(Path(tmp) / "c"),
                 str(probe)], cwd=ROOT, capture_output=True, text=True).stdout
            first = next((line for line in out.splitlines() if str(probe) in line), out)
            seen[kind] = re.sub(r"^.*?:\d+: ", "", first.strip())
    return seen


def section(result: dict[str, dict[str, float]], made: dict[str, float], seen: dict[str, str],
            rounds: int) -> str:
    gen, built = result["generated"], result["built at import"]
    lines = [
        "## Models: generated and checked in, or built from the spec at import", "",
        f"- command: `python -m benchmarks.models_startup --write` ({rounds} rounds of fresh "
        "processes, the kinds alternating; medians)",
        f"- date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        f"- machine: {machine()}; load average {os.getloadavg()[0]:.1f} at the end",
        "- whole process: wall and CPU (user + system) time of `python -c \"import <modules>\"`; "
        f"base imports what both ways need besides the models (`{KINDS['base']}`)",
        "- own: the module's self time in `python -X importtime` (the classes being made; for "
        "the built way also reading the spec)",
        "- first/steady: `convert.structure` of the seed lead, first call (cattrs generates "
        "each class's function) and best of 5 x 500 after", "",
        "| models | process wall ms | over base | process CPU ms | over base "
        "| own (importtime) ms | first structure ms | steady structure us |",
        "|---|---|---|---|---|---|---|---|",
        f"| base (no models) | {result['base']['wall_ms']:.1f} | | "
        f"{result['base']['cpu_ms']:.1f} | | | | |",
    ]
    for kind, r in (("generated", gen), ("built at import", built)):
        lines.append(f"| {kind} | {r['wall_ms']:.1f} | {r['over_base_ms']:+.1f} | "
                     f"{r['cpu_ms']:.1f} | {r['cpu_over_base_ms']:+.1f} | {r['own_ms']:.1f} | "
                     f"{r['first_ms']:.1f} | {r['steady_us']:.1f} |")
    lines += ["", f"Making every class in one process, CPU, best of {rounds} alternating "
              "(`making_the_classes`): generated module's code "
              f"{made['generated']:.1f} ms, built from the spec {made['built at import']:.1f} ms.",
              "", "What `mypy --strict` says of `reveal_type(Lead(LeadCode=\"x\").Items)`:", "",
              *(f"- {kind}: `{text}`" for kind, text in seen.items()), "",
              "Chosen: generated and checked in (`wsdl/tools/make_models.py`). Against it the "
              f"built way takes {made['built at import'] - made['generated']:+.1f} ms to make "
              f"the classes ({built['cpu_ms'] - gen['cpu_ms']:+.1f} ms of process CPU, "
              f"{built['wall_ms'] - gen['wall_ms']:+.1f} ms wall, "
              f"{built['own_ms'] - gen['own_ms']:+.1f} ms own import time), and conversion is "
              "the same classes' work either way; only the generated module gives mypy and "
              "editors the fields' types. On a busy machine the whole-process figures move by "
              "tens of ms between runs, more than the two ways differ: the in-process CPU is the "
              "figure that compares."]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    args = parser.parse_args()
    text = section(measure(args.rounds), making_the_classes(args.rounds), mypy_sees(),
                   args.rounds)
    if args.write:
        sections.write(HERE / "RESULTS.md", "models_startup", text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
