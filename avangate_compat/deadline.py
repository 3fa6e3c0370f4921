"""The deadline of every exchange: one watchdog thread per process shuts down the socket of an
exchange still running at its deadline, so a blocked read returns at once whatever phase it is
in (connecting, sending, reading headers or body). A pool hook tells the exchange which
connection it runs on, for both schemes alike.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import math
import socket
import threading
import time
from typing import Any, Optional

from urllib3 import connectionpool as u3pool


class Exchange:
    """One HTTP exchange under a deadline: the watchdog shuts its socket down when it expires."""

    __slots__ = ("connection", "deadline", "done", "expired", "lock")

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.connection: Any = None  # urllib3's connection; it opens its socket lazily
        self.done = False
        self.expired = False
        self.lock = threading.Lock()

    def attach(self, connection: Any) -> None:
        with self.lock:
            self.connection = connection
            expired = self.expired
        if expired:
            _shutdown(connection)

    def expire(self) -> None:
        with self.lock:
            if self.done:
                return
            self.expired = True
            connection = self.connection
        if connection is not None:
            _shutdown(connection)


def _shutdown(connection: Any) -> None:
    """Shut the plain socket under any TLS layer: a recv blocked on it returns at once."""
    sock = getattr(connection, "sock", None)
    while sock is not None and not isinstance(sock, socket.socket):
        sock = getattr(sock, "socket", None)  # urllib3's TLS-in-TLS wrapper holds one
    if sock is not None:
        with contextlib.suppress(OSError):  # already closed
            socket.socket.shutdown(sock, socket.SHUT_RDWR)


class _Watchdog:
    """One daemon thread for the whole process, asleep until the earliest live deadline.

    Cheap per exchange: a heap push and pop under a lock. The thread is woken only when an
    exchange's deadline is earlier than the one it sleeps towards, which with one deadline
    setting happens about once per deadline period, not once per call."""

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._heap: list[tuple[float, int, Exchange]] = []
        self._order = itertools.count()
        self._thread: Optional[threading.Thread] = None
        self._sleeps_until = math.inf

    def watch(self, exchange: Exchange) -> None:
        with self._cond:
            heapq.heappush(self._heap, (exchange.deadline, next(self._order), exchange))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="avangate-deadline",
                                                daemon=True)
                self._thread.start()
            elif exchange.deadline < self._sleeps_until:
                self._sleeps_until = exchange.deadline
                self._cond.notify()

    def finish(self, exchange: Exchange) -> None:
        with exchange.lock:
            exchange.done = True
        with self._cond:  # drop finished exchanges at the top; the rest go when they surface
            while self._heap and self._heap[0][2].done:
                heapq.heappop(self._heap)

    def _run(self) -> None:
        while True:
            with self._cond:
                while self._heap and self._heap[0][2].done:
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._sleeps_until = math.inf
                    self._cond.wait()
                    continue
                deadline, _, exchange = self._heap[0]
                remaining = deadline - time.monotonic()
                if remaining > 0:
                    self._sleeps_until = deadline
                    self._cond.wait(remaining)
                    continue
                heapq.heappop(self._heap)
            exchange.expire()


WATCHDOG = _Watchdog()
CURRENT = threading.local()  # the exchange this thread is running, for the connections


class _DeadlineHook:
    """The one hook both pool classes share: each connection a request is about to use is
    handed to the exchange the calling thread runs, so the watchdog can cut it at the deadline.

    It hooks the pool, not the connection class: recorders such as vcrpy patch the connection
    class the pool uses, and keep doing so."""

    def _make_request(self, conn: Any, *args: Any, **kwargs: Any) -> Any:
        exchange: Optional[Exchange] = getattr(CURRENT, "exchange", None)
        if exchange is not None:
            exchange.attach(conn)
        return super()._make_request(conn, *args, **kwargs)  # type: ignore[misc]


class _HTTPPool(_DeadlineHook, u3pool.HTTPConnectionPool):
    pass


class _HTTPSPool(_DeadlineHook, u3pool.HTTPSConnectionPool):
    def _validate_conn(self, conn: Any) -> None:
        # verify_tls=False was warned about once, when the client was made (see make_pool);
        # urllib3 would warn again on every request.
        if self.cert_reqs == "CERT_NONE":
            if getattr(conn, "sock", None) is None:
                conn.connect()
            return
        super()._validate_conn(conn)


POOLS = {"http": _HTTPPool, "https": _HTTPSPool}
