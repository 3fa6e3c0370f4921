"""``avangate-compat export`` of a big account: items per second and the exporting process's
peak RSS, the command run as a user runs it (its own process) against a sandbox process.

    .venv/bin/python -m benchmarks.export          # 100,000 leads; RESULTS.md's section 8
    .venv/bin/python -m benchmarks.export --quick  # 20,000 leads, a smoke run

Flat memory shows as a ratio: the peak RSS exporting all the leads against exporting a tenth of
them, in the same run. The sandbox's seeding of leads runs before the clock starts.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from avangate_compat.sandbox import DEMO_MERCHANT_CODE, DEMO_SECRET_KEY, control

from . import sections
from .run import HERE, sandbox_process

HEADING = "## 8. Export: `avangate-compat export leads` over a big account"
OK = {True: "yes", False: "**NO**"}


WALK = ("import sys; from avangate_compat import Client; "
        "n = sum(1 for _ in Client.from_env().iter_leads(Limit=200, prefetch=True)); "
        "open(sys.argv[1], 'w').write('\\n' * n)")


def _timed(url: str, argv: list[str], target: Path) -> tuple[float, float, int]:
    """(seconds, peak RSS MB, lines in ``target``) of one process."""
    env = {**os.environ, "AVANGATE_MERCHANT_CODE": DEMO_MERCHANT_CODE,
           "AVANGATE_SECRET_KEY": DEMO_SECRET_KEY, "AVANGATE_BASE_URL": url}
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, *argv], env=env)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{argv} failed with status {process.returncode}")
    with target.open("rb") as handle:
        lines = sum(1 for _ in handle)
    return elapsed, usage.ru_maxrss / 1024, lines


def _export(url: str, target: Path, fmt: str) -> tuple[float, float, int]:
    argv = ["-m", "avangate_compat", "export", "leads", "-q", "--format", fmt, "-o",
            str(target)]
    return _timed(url, argv, target)


def _seed(url: str, leads: int) -> None:
    """Generated leads, 10,000 a request (each well within the control call's timeout)."""
    for start in range(0, leads, 10_000):
        control(url, "POST", "seed/generated", {"leads": min(10_000, leads - start)})


def rows(leads: int) -> tuple[list[str], str]:
    """The section's Markdown rows, and the sizes it ran with."""
    table = ["| format | leads exported | seconds | items/s | peak RSS MB (exporting process) |",
             "|---|---|---|---|---|"]
    small = leads // 10
    seeded = 42  # the sandbox's own leads
    with sandbox_process() as url, tempfile.TemporaryDirectory() as folder:
        _seed(url, small - seeded)
        results = {}
        for name, count, fmt in (("small", small, "jsonl"), ("big", leads, "jsonl"),
                                 ("csv", leads, "csv"), ("walk", leads, "")):
            if name == "big":
                _seed(url, leads - small)
            target = Path(folder) / f"leads-{name}.{fmt or 'txt'}"
            seconds, peak, lines = _export(url, target, fmt) if fmt \
                else _timed(url, ["-c", WALK, str(target)], target)
            written = lines - (1 if fmt == "csv" else 0)
            if written != count:
                raise SystemExit(f"{written} leads written, {count} expected")
            results[name] = (seconds, peak)
            label = {"jsonl": "JSON Lines", "csv": "CSV",
                     "": "no file: `iter_leads(prefetch=True)` alone (the floor)"}[fmt]
            table.append(f"| {label} | {count:,} | {seconds:.1f} | {count / seconds:.0f} | "
                         f"{peak:.1f} |")
    ratio = results["big"][1] / results["small"][1]
    speed = results["walk"][0] / results["big"][0]
    table += ["", "| measure | value | target | met |", "|---|---|---|---|",
              f"| peak RSS, 100% of the leads / 10% of them (JSON Lines) | {ratio:.2f} | "
              f"<= 1.10 (memory does not grow with the export) | {OK[ratio <= 1.10]} |",
              f"| items/s, JSON Lines export / the walk alone | {speed:.2f} | "
              "(what writing costs; no target) | |"]
    return table, f"{small:,} then {leads:,} leads, page size 200 (the default), JSON-RPC"


def section(command: str, leads: int) -> str:
    table, sizes = rows(leads)
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return "\n".join([
        HEADING, "",
        f"- command: `{command}`; {stamp}; {sizes}",
        "- each export is `python -m avangate_compat export leads -q --format jsonl|csv -o "
        "FILE` in its own process (the sandbox in another); peak RSS is that process's "
        "maximum resident set (`wait4`), seconds its whole run, start-up and login included.",
        f"- machine load average at the end (1, 5, 15 min): {load}; on a shared machine the "
        "absolute rates vary with it, the ratios below are taken within the run.",
        "", *table]) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20,000 leads (smoke run)")
    parser.add_argument("--output", default=str(HERE / "RESULTS.md"))
    args = parser.parse_args()
    command = "python -m benchmarks.export" + (" --quick" if args.quick else "")
    text = section(command, 20_000 if args.quick else 100_000)
    sections.write(Path(args.output), "export", text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
