"""How :meth:`Client.map <avangate_compat.Client.map>` runs many calls, and how it stops.

Calls run on a thread pool. Whatever ends the run early (Ctrl-C in the calling thread, an
exception raised by the ``progress`` callback, a bug) stops it the same way: no call starts
after it, the calls already sent finish or meet their deadline (nothing cuts a write in half),
and the caller gets every outcome so far on a :class:`~avangate_compat.errors.MapStopped`, so
no write that happened goes unreported. Without a stop, the pool's shutdown would first run
every queued call, which is what Ctrl-C must not do.
"""

from __future__ import annotations

import threading
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from typing import Any, Callable, Optional

from .client import Outcome
from .errors import AvangateError, MapAborted, MapInterrupted

Pace = Callable[[threading.Event], None]
"""Waits for the next call's turn under the rate limit; returns at once when the event is set."""


class _Run:
    """The shared state of one run: what started, what ended, and what stopped it."""

    def __init__(self, call: Callable[..., Any], items: list[tuple[Any, ...]],
                 pace: Optional[Pace], progress: Optional[Callable[[int, int], None]],
                 stopped: threading.Event) -> None:
        self.call, self.items, self.pace, self.progress = call, items, pace, progress
        self.started = [False] * len(items)
        self.outcomes: list[Optional[Outcome[Any]]] = [None] * len(items)
        self.stopped = stopped
        self.cause: Optional[BaseException] = None
        self._lock = threading.Lock()
        self._done = 0

    def stop(self, cause: BaseException) -> None:
        """End the run: the first cause is kept, and no call starts from now on."""
        with self._lock:
            self._stop(cause)

    def _stop(self, cause: BaseException) -> None:  # under the lock
        if self.cause is None:
            self.cause = cause
        self.stopped.set()

    def one(self, index: int) -> None:
        if self.pace is not None:
            self.pace(self.stopped)
        with self._lock:  # checked and marked together: a call is sent, or listed unsent
            if self.stopped.is_set():
                return
            self.started[index] = True
        args = self.items[index]
        try:
            outcome: Outcome[Any] = Outcome(args, self.call(*args))
        except AvangateError as exc:
            outcome = Outcome(args, error=exc)
        except BaseException as exc:  # a bug, not an API error: it ends the run
            self.stop(exc)
            raise
        self.outcomes[index] = outcome
        if self.progress is None:
            return
        with self._lock:  # one callback at a time, counting in order; none after a stop
            if self.stopped.is_set():
                return
            self._done += 1
            try:
                self.progress(self._done, len(self.items))
            except BaseException as exc:  # whatever the callback raises ends the run
                self._stop(exc)
                raise

    def result(self) -> list[Outcome[Any]]:
        """Every outcome, or the stop raised with the outcomes so far."""
        ended = [outcome for outcome in self.outcomes if outcome is not None]
        cause = self.cause
        if cause is None:
            return ended
        unsent = [args for args, started in zip(self.items, self.started) if not started]
        summary = (f"{len(ended)} of {len(self.items)} calls ended, {len(unsent)} never "
                   "started; see .outcomes and .not_started")
        if isinstance(cause, KeyboardInterrupt):
            raise MapInterrupted(f"map interrupted: {summary}", ended, unsent) from cause
        if isinstance(cause, Exception):
            raise MapAborted(f"map stopped by {type(cause).__name__}: {summary}", ended,
                             unsent) from cause
        raise cause  # SystemExit and the like pass unchanged, once the run has stopped


def run_map(call: Callable[..., Any], items: list[tuple[Any, ...]], max_workers: int,
            pace: Optional[Pace] = None,
            progress: Optional[Callable[[int, int], None]] = None,
            stopped: Optional[threading.Event] = None) -> list[Outcome[Any]]:
    """``call(*args)`` for each item, ``max_workers`` at a time: outcomes in input order.
    ``stopped`` (set when the run stops) lets ``call`` itself stop waiting on a pacer."""
    run = _Run(call, items, pace, progress, stopped or threading.Event())
    pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="avangate-map")
    try:
        futures = [pool.submit(run.one, index) for index in range(len(items))]
        wait(futures, return_when=FIRST_EXCEPTION)  # a worker's failure ends the wait
    except BaseException as exc:  # noqa: BLE001 - Ctrl-C lands here; re-raised by result()
        run.stop(exc)
    try:  # the calls in flight end (each within its deadline); the queued ones never start
        pool.shutdown(wait=True, cancel_futures=run.stopped.is_set())
    except BaseException as exc:  # noqa: BLE001 - a second Ctrl-C: stop waiting, re-raise
        run.stop(exc)
    return run.result()
