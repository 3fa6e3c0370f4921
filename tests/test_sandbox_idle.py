"""The sandbox's server loop must sleep when nothing happens (it once spun a core forever)."""

from __future__ import annotations

import time

from avangate_compat.sandbox import Sandbox


def test_an_idle_sandbox_uses_almost_no_cpu() -> None:
    with Sandbox() as server:
        server.control("GET", "health")  # the loop has served a request and gone idle
        cpu_before, wall_before = time.process_time(), time.monotonic()
        time.sleep(2.0)
        cpu = time.process_time() - cpu_before
        wall = time.monotonic() - wall_before
    # process CPU of every thread of this process (the session sandbox's loop included)
    assert cpu / wall < 0.05, f"idle sandbox used {cpu:.2f} s CPU in {wall:.2f} s"
