"""Re-record every cassette from a fresh in-process sandbox:

    .venv/bin/python -m tests.record_cassettes

Writes ``cassettes/<backend>/<scenario>.yaml`` and ``cassettes/<backend>/expected.json`` (what
each scenario returned live, for the replay tests to compare with).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from avangate_compat import Client
from avangate_compat.sandbox import Sandbox
from avangate_compat.testing import make_vcr

from .cassette_scenarios import SCENARIOS, cases

CASSETTES = Path(__file__).resolve().parent.parent / "cassettes"


def record(directory: Path = CASSETTES) -> dict[str, dict[str, object]]:
    expected: dict[str, dict[str, object]] = {}
    with Sandbox() as sandbox:
        recorder = make_vcr(secrets=[sandbox.merchant_code, sandbox.secret_key],
                            record_mode="all")
        for backend, name in cases():
            sandbox.service.reset()
            path = directory / backend / f"{name}.yaml"
            path.unlink(missing_ok=True)
            with recorder.use_cassette(str(path)), \
                    Client(backend=backend, base_url=sandbox.url, **sandbox.credentials) \
                    as client:
                expected.setdefault(backend, {})[name] = SCENARIOS[name](client, sandbox)
    for backend, results in expected.items():
        (directory / backend / "expected.json").write_text(
            json.dumps(results, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return expected


if __name__ == "__main__":
    results = record(Path(sys.argv[1]) if len(sys.argv) > 1 else CASSETTES)
    print(f"recorded {sum(len(r) for r in results.values())} cassettes into {CASSETTES}")
