"""The one HTTP transport of all three backends: pooled connections, timeouts, a total deadline
per call, a cap on the answer's size, and failures classified by exception type.

- **Deadline**: ``connect_timeout`` and ``read_timeout`` bound each socket operation, which does
  not bound a server that trickles one byte per second. Every exchange therefore has an absolute
  deadline; a single watchdog thread per process shuts down the socket of an exchange still
  running at its deadline, so a blocked read returns at once (the request, headers and body
  phases alike), and the body loop also checks the clock between reads.
- **Size cap**: the body is streamed and counted after decompression, so neither a huge answer
  nor a gzip bomb is buffered whole; past ``max_answer_bytes`` the exchange is abandoned.
- **Failures**: the urllib3 exception under requests' wrapper decides what happened (never
  sent, timed out, dropped), which decides whether a retry is safe. No requests or urllib3
  exception leaves this module.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import json
import math
import socket
import threading
import time
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Optional

import attrs
import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3 import connectionpool as u3pool
from urllib3 import exceptions as u3exc

from ..config import Config
from ..errors import AvangateError, TransportError, api_error

USER_AGENT = "avangate-compat/0.1 (+python-requests)"
_CHUNK = 64 * 1024


@attrs.frozen
class Answer:
    """One HTTP answer, read whole within the deadline and the size cap."""

    status: int
    reason: str
    headers: Mapping[str, str]
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "unknown content")


# -- deadline ------------------------------------------------------------------------------------


class _Exchange:
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
        self._heap: list[tuple[float, int, _Exchange]] = []
        self._order = itertools.count()
        self._thread: Optional[threading.Thread] = None
        self._sleeps_until = math.inf

    def watch(self, exchange: _Exchange) -> None:
        with self._cond:
            heapq.heappush(self._heap, (exchange.deadline, next(self._order), exchange))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="avangate-deadline",
                                                daemon=True)
                self._thread.start()
            elif exchange.deadline < self._sleeps_until:
                self._sleeps_until = exchange.deadline
                self._cond.notify()

    def finish(self, exchange: _Exchange) -> None:
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


_WATCHDOG = _Watchdog()
_CURRENT = threading.local()  # the exchange this thread is running, for the connections


class _HTTPPool(u3pool.HTTPConnectionPool):
    # Hooks the pool, not the connection class: recorders such as vcrpy patch the connection
    # class the pool uses, and keep doing so.
    def _make_request(self, conn: Any, *args: Any, **kwargs: Any) -> Any:
        exchange: Optional[_Exchange] = getattr(_CURRENT, "exchange", None)
        if exchange is not None:
            exchange.attach(conn)
        return super()._make_request(conn, *args, **kwargs)


class _HTTPSPool(u3pool.HTTPSConnectionPool):
    _make_request = _HTTPPool._make_request


_POOLS = {"http": _HTTPPool, "https": _HTTPSPool}


class _Adapter(HTTPAdapter):
    """requests' adapter with connections the deadline watchdog can reach."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **kwargs)
        manager.pool_classes_by_scheme = _POOLS
        return manager


# -- the exchange ----------------------------------------------------------------------------------


def make_session(config: Config) -> requests.Session:
    """A keep-alive session: one pool per client, sized for a few dozen threads."""
    session = requests.Session()
    adapter = _Adapter(pool_connections=4, pool_maxsize=32, max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.verify = config.verify_tls
    session.trust_env = False  # a proxy from the environment must not see credentials silently
    session.headers["User-Agent"] = USER_AGENT
    return session


def send(session: requests.Session, config: Config, operation: str, backend: str,
         method: str, url: str, *, deadline: float, **kwargs: Any) -> Answer:
    """One HTTP exchange, finished (or abandoned) by ``deadline`` (a ``time.monotonic()``
    instant); transport failures become :class:`TransportError` with their ``failure``."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise _deadline_error(operation, backend, config)
    exchange = _Exchange(deadline)
    _WATCHDOG.watch(exchange)
    _CURRENT.exchange = exchange
    response: Optional[requests.Response] = None
    try:
        timeout = (min(config.connect_timeout, remaining), min(config.read_timeout, remaining))
        response = session.request(method, url, timeout=timeout, allow_redirects=False,
                                   stream=True, **kwargs)
        body = _read_body(response, config, operation, backend, exchange)
        response.raw.release_conn()  # read to the end: the connection goes back to the pool
        answer = Answer(response.status_code, response.reason or "", response.headers, body)
        response = None
        return answer
    except TransportError:
        raise
    except (requests.RequestException, u3exc.HTTPError, OSError) as exc:
        if exchange.expired:
            raise _deadline_error(operation, backend, config) from exc
        raise _transport_error(operation, backend, exc) from exc
    finally:
        _CURRENT.exchange = None
        _WATCHDOG.finish(exchange)
        if response is not None:
            response.close()  # abandoned half-read: this connection must not be reused


def _read_body(response: requests.Response, config: Config, operation: str, backend: str,
               exchange: _Exchange) -> bytes:
    limit = config.max_answer_bytes
    raw: urllib3.HTTPResponse = response.raw
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and not response.headers.get("Content-Encoding"):
        if int(declared) > limit:
            raise _too_large(operation, backend, limit, response.status_code)
        body = raw.read()  # its announced length, within the cap; the watchdog bounds the time
    else:  # chunked, until close, or compressed: counted as it decodes
        chunks: list[bytes] = []
        size = 0
        while True:
            if time.monotonic() >= exchange.deadline:
                raise _deadline_error(operation, backend, config)
            chunk = raw.read(_CHUNK, decode_content=True)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise _too_large(operation, backend, limit, response.status_code)
            chunks.append(chunk)
        body = b"".join(chunks)
    if exchange.expired:  # the watchdog cut the read short: what came is not the answer
        raise _deadline_error(operation, backend, config)
    return body


def _deadline_error(operation: str, backend: str, config: Config) -> TransportError:
    return TransportError(operation, backend, f"no complete answer within the call's deadline "
                                              f"of {config.deadline:g} s", failure="deadline")


def _too_large(operation: str, backend: str, limit: int, status: int) -> TransportError:
    return TransportError(operation, backend, f"answer larger than max_answer_bytes ({limit})",
                          status, failure="too_large")


# What happened, by the exception urllib3 raised (requests wraps it, sometimes twice).
_FAILURES: list[tuple[type[BaseException], str, str]] = [
    (u3exc.NewConnectionError, "connect", "cannot connect"),  # refused, unresolvable host
    (u3exc.ConnectTimeoutError, "connect", "connection timed out"),
    (u3exc.SSLError, "tls", "TLS failed"),
    (u3exc.ProxyError, "disconnected", "proxy failed"),
    (u3exc.ReadTimeoutError, "timeout", "timed out waiting for the answer"),
    (u3exc.ProtocolError, "disconnected", "connection dropped before a complete answer"),
    (u3exc.DecodeError, "answer", "cannot decode the answer's content encoding"),
    (u3exc.LocationParseError, "url", "malformed URL"),
]


def _transport_error(operation: str, backend: str, exc: BaseException) -> TransportError:
    for cause in _causes(exc):
        for cls, failure, text in _FAILURES:
            if isinstance(cause, cls):
                return TransportError(operation, backend, text, failure=failure)
    if isinstance(exc, requests.ConnectTimeout):
        return TransportError(operation, backend, "connection timed out", failure="connect")
    if isinstance(exc, requests.Timeout):
        return TransportError(operation, backend, "timed out waiting for the answer",
                              failure="timeout")
    if isinstance(exc, (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
                        requests.exceptions.InvalidSchema)):
        return TransportError(operation, backend, "malformed URL", failure="url")
    return TransportError(operation, backend, f"connection failed ({type(exc).__name__})",
                          failure="disconnected")


def _causes(exc: BaseException) -> list[BaseException]:
    """The exception, what it wraps (``args[0]``, ``reason``) and its chain, outermost first."""
    seen: list[BaseException] = []
    todo: list[Any] = [exc]
    while todo and len(seen) < 16:
        item = todo.pop(0)
        if not isinstance(item, BaseException) or any(item is s for s in seen):
            continue
        seen.append(item)
        todo.extend([getattr(item, "reason", None), *item.args[:1], item.__cause__,
                     item.__context__])
    return seen


def retry_after(answer: Answer) -> Optional[float]:
    """``Retry-After`` in seconds (delta or HTTP date), or ``None``."""
    value = answer.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(min(int(value), 86400))
    try:
        from email.utils import parsedate_to_datetime
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when.timestamp() - time.time())


def http_failure(operation: str, backend: str, answer: Answer) -> AvangateError:
    """An HTTP status outside 2xx without the protocol's error body (a proxy page, a bare 503):
    the same error on every backend, a :class:`RateLimitError` for 429."""
    wait = retry_after(answer)
    if answer.status == 429:
        return api_error(operation, backend, None, "too many requests", 429, retry_after=wait)
    what = "redirected" if 300 <= answer.status < 400 else "HTTP error"
    return TransportError(operation, backend, f"{what} without a {_PROTOCOLS[backend]} answer "
                                              f"({answer.content_type})", answer.status,
                          failure="http", retry_after=wait)


_PROTOCOLS = {"soap": "SOAP", "jsonrpc": "JSON-RPC", "rest": "REST"}


# -- JSON --------------------------------------------------------------------------------------


def dumps(payload: Any) -> bytes:
    """JSON with Decimals sent as exact numbers (integers when whole)."""
    return json.dumps(payload, default=_json_default, separators=(",", ":"),
                      allow_nan=False).encode("utf-8")


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return int(value)
        as_float = float(value)
        if Decimal(repr(as_float)) == value:
            return as_float  # repr round-trips: the JSON text is exactly the decimal
        return str(value)  # more digits than a double holds: send the exact text
    raise TypeError(f"cannot send {type(value).__name__} as JSON")


def loads(answer: Answer, operation: str, backend: str) -> Optional[Any]:
    """The JSON body with floats read as Decimal; ``None`` for an empty body. A body that is
    not JSON (or nests past the parser's depth) is a transport error."""
    if not answer.body.strip():
        return None
    try:
        return json.loads(answer.body, parse_float=Decimal, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        raise TransportError(operation, backend, f"answer is not JSON ({answer.content_type})",
                             answer.status) from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")
