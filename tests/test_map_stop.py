"""Client.map stopped early: by a real Ctrl-C (SIGINT), by its progress callback, by a bug.

No call starts after the stop, the calls in flight end, and every write the sandbox made is
reported to the caller on the exception; nothing is left running.
"""

from __future__ import annotations

import itertools
import os
import signal
import threading
import time
from collections.abc import Iterator
from typing import Any, Callable, Optional

import pytest

from avangate_compat import AvangateError, Client, MapAborted, MapInterrupted, MapStopped
from avangate_compat.client import _Pacer
from avangate_compat.sandbox import Sandbox

from .conftest import BACKENDS

LEAD = {"Currency": "EUR", "Items": [{"Code": "04C26C50F8", "Quantity": 1}],
        "BillingDetails": {"FirstName": "A", "LastName": "B", "Email": "m@example.com",
                           "CountryCode": "RO"}}


def _leads(marker: str, count: int) -> list[dict[str, Any]]:
    return [{**LEAD, "ExternalReference": f"{marker}-{n}"} for n in range(count)]


def _sent(sandbox: Sandbox) -> int:
    """Protocol requests the sandbox received (its extra fault and error counts aside)."""
    return sum(n for key, n in sandbox.service.stats.snapshot()["requests"].items()
               if not key.endswith((":fault", ":error")))


def _stored(sandbox: Sandbox, marker: str) -> set[str]:
    return {record["lead"]["LeadCode"] for record in sandbox.service.store.all("lead")
            if str(record["lead"].get("ExternalReference", "")).startswith(marker + "-")}


def _reported(stop: MapStopped) -> set[str]:
    return {outcome.value.LeadCode for outcome in stop.outcomes if outcome.value is not None}


def _map_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("avangate-map")]


@pytest.fixture
def slow_sandbox(sandbox: Sandbox) -> Iterator[Sandbox]:
    """Every answer 50 ms late: a run of many calls is still going when it is stopped."""
    sandbox.service.latency_ms = 50
    try:
        yield sandbox
    finally:
        sandbox.service.latency_ms = 0


@pytest.mark.parametrize("backend", BACKENDS)
def test_ctrl_c_stops_map_and_reports_every_write(
        slow_sandbox: Sandbox, make_client: Callable[..., Client], backend: str) -> None:
    sandbox, workers, marker = slow_sandbox, 4, f"SIGINT-{backend}"
    client = make_client(backend)
    client.getLead("60E6C4B574")  # logged in: from here on every request is an addLead
    start = _sent(sandbox)
    at_signal: list[int] = []
    running = threading.Event()

    def interrupt() -> None:
        """Ctrl-C, as a terminal sends it, once the run has made 10 calls."""
        while running.is_set() and _sent(sandbox) - start < 10:
            time.sleep(0.002)
        if running.is_set():
            at_signal.append(_sent(sandbox))
            os.kill(os.getpid(), signal.SIGINT)

    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    timer = threading.Thread(target=interrupt)
    caught: Optional[BaseException] = None
    try:
        running.set()
        timer.start()
        client.map("addLead", _leads(marker, 120), max_workers=workers)
    except KeyboardInterrupt as exc:
        caught = exc
    finally:
        running.clear()
        timer.join()
        signal.signal(signal.SIGINT, previous)
    assert isinstance(caught, MapInterrupted), "Ctrl-C did not stop the run with its outcomes"
    assert at_signal, "the run ended before the interrupt"
    # only the calls already in flight may still reach the server: none starts after Ctrl-C
    assert _sent(sandbox) - at_signal[0] <= workers
    assert len(caught.outcomes) == _sent(sandbox) - start  # every call sent is reported
    assert len(caught.outcomes) + len(caught.not_started) == 120
    assert _reported(caught) == _stored(sandbox, marker)  # no write goes unreported
    assert caught.not_started == [(lead,) for lead in _leads(marker, 120)[len(caught.outcomes):]]
    assert not _map_threads()


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_exception_in_progress_stops_the_run_and_keeps_every_write(
        slow_sandbox: Sandbox, make_client: Callable[..., Client], backend: str) -> None:
    sandbox, workers, marker = slow_sandbox, 2, f"PROGRESS-{backend}"
    client = make_client(backend)
    client.getLead("60E6C4B574")
    start = _sent(sandbox)
    at_raise: list[int] = []

    def progress(done: int, total: int) -> None:
        if done == 5:
            at_raise.append(_sent(sandbox))
            raise ValueError("the progress bar broke")

    with pytest.raises(MapAborted) as caught:
        client.map("addLead", _leads(marker, 20), max_workers=workers, progress=progress)
    stop = caught.value
    assert isinstance(stop, AvangateError) and isinstance(stop.__cause__, ValueError)
    assert _sent(sandbox) - at_raise[0] <= workers
    assert len(stop.outcomes) == _sent(sandbox) - start >= 5
    assert len(stop.outcomes) + len(stop.not_started) == 20
    assert _reported(stop) == _stored(sandbox, marker)
    assert not _map_threads()


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_bug_in_a_call_stops_the_run_and_keeps_the_other_outcomes(
        sandbox: Sandbox, make_client: Callable[..., Client], backend: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    client = make_client(backend)
    real, counter = client._call, itertools.count()

    def call(operation: Any, args: Any, pace: Any) -> Any:  # what map runs for each item
        if next(counter) == 3:
            raise RuntimeError("a bug, not an API error")
        return real(operation, args, pace)

    monkeypatch.setattr(client, "_call", call)
    with pytest.raises(MapAborted) as caught:
        client.map("getLead", ["60E6C4B574"] * 30, max_workers=1)
    stop = caught.value
    assert isinstance(stop.__cause__, RuntimeError)
    assert [outcome.ok for outcome in stop.outcomes] == [True, True, True]
    assert stop.not_started == [("60E6C4B574",)] * 26  # one worker: nothing after the bug


def test_api_errors_do_not_stop_the_run(sandbox: Sandbox,
                                        make_client: Callable[..., Client]) -> None:
    outcomes = make_client("jsonrpc").map("getLead", ["NOSUCHLEAD", "60E6C4B574"] * 5)
    assert [outcome.ok for outcome in outcomes] == [False, True] * 5


def test_a_stopped_run_does_not_wait_out_the_rate_limit() -> None:
    pacer, stopped = _Pacer(1 / 3600), threading.Event()
    pacer.wait(stopped)  # the first call starts at once; the next would wait an hour
    stopped.set()
    waiter = threading.Thread(target=pacer.wait, args=(stopped,), daemon=True)
    waiter.start()
    waiter.join(60)
    assert not waiter.is_alive()
