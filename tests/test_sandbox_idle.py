"""The sandbox's server loop: asleep when idle (it once spun a core forever), and stopped
cleanly whatever its workers are doing."""

from __future__ import annotations

import logging
import time

import pytest

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


def test_stopping_right_after_a_request_neither_fails_nor_writes_to_closed_descriptors(
        caplog: pytest.LogCaptureFixture) -> None:
    """A worker finishing its request wakes the loop through the trigger: stopping at that
    moment raced it (EBADF in stop(), or a byte written to a descriptor number reused by
    another socket). Many start/stop cycles, each right after a keep-alive request."""
    import requests

    caplog.set_level(logging.ERROR, logger="waitress")
    for _ in range(40):
        with Sandbox(latency_ms=5) as server, requests.Session() as session:
            session.get(f"{server.url}/rest/6.0/leads/X/", timeout=5)
    assert "Exception when servicing" not in caplog.text
