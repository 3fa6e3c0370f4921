"""The one HTTP transport of all three protocols: pooled connections, timeouts, a total deadline
per call, a cap on the answer's size, failures classified by exception type, and the retry
policy. Codecs turn calls into :class:`HttpRequest` and :class:`Answer` into data; this module
moves the bytes. It knows no operation, session or API error code: a request carries its label
(for messages) and whether its body may be logged; :class:`RetryPolicy` decides from a failure,
and whether the request is safe to repeat, if and when to send it again.

- **Deadline**: ``connect_timeout`` and ``read_timeout`` bound each socket operation, which does
  not bound a server that trickles one byte per second. Every exchange therefore has an absolute
  deadline; a single watchdog thread per process shuts down the socket of an exchange still
  running at its deadline, so a blocked read returns at once (the request, headers and body
  phases alike; see :mod:`avangate_compat.deadline`), and the body loop also checks the clock
  between reads.
- **Size cap**: the body is streamed and counted after decompression, so neither a huge answer
  nor a gzip bomb is buffered whole; past ``max_answer_bytes`` the exchange is abandoned.
- **Failures**: the urllib3 exception decides what happened (never sent, timed out,
  dropped), which decides whether a retry is safe. No urllib3
  exception leaves this module.
"""

from __future__ import annotations

import logging
import random
import ssl
import time
import zlib
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, Optional, Union
from urllib.parse import urlencode

import attrs
import urllib3
from urllib3 import exceptions as u3exc
from urllib3.util import parse_url

from ._version import __version__
from .deadline import CURRENT, POOLS, WATCHDOG, Exchange
from .errors import AvangateError, RateLimitError, TransportError
from .logs import wire_requested
from .tls import (
    TLSSettings,
    host_port,
    os_reason,
    proxy_error,
    proxy_target,
    tls_options,
    tls_reason,
    warn_unverified,
)
from .wire import WIRE_LIMIT, Secrets, excerpt, log_answer, log_request, scrub

__all__ = ["WIRE_LIMIT", "Answer", "HttpRequest", "HttpSettings", "RetryPolicy", "Secrets",
           "Transport", "excerpt", "make_pool", "scrub"]

if TYPE_CHECKING:
    from .config import Settings

log = logging.getLogger("avangate_compat")
USER_AGENT = f"avangate-compat/{'.'.join(__version__.split('.')[:2])} (+urllib3)"
"""Names the minor version: a patch release changes no request, recorded cassettes included."""
_CHUNK = 64 * 1024
_ROUTES = 256


@attrs.frozen
class HttpRequest:
    """One HTTP request a codec built; ``context`` is what its decoder needs back (the JSON-RPC
    id), ``label`` names it in errors and the wire log (the operation), ``quiet`` keeps its
    body and its answer's out of the wire log (they carry credentials). Headers that change per
    attempt (the REST signature) are added by the auth."""

    method: str
    url: str
    body: Optional[bytes] = None
    headers: Mapping[str, str] = attrs.field(factory=dict)
    params: Optional[Mapping[str, Any]] = None
    context: Any = None
    label: str = "request"
    quiet: bool = False


class HttpSettings:
    """What the transport needs of the settings, and nothing else (no credentials)."""

    __slots__ = ("client_cert", "client_key", "connect_timeout", "deadline", "endpoint",
                 "log_wire", "max_answer_bytes", "proxy", "read_timeout", "tls_min_version",
                 "verify_tls")

    def __init__(self, settings: Settings) -> None:
        self.connect_timeout: float = settings.connect_timeout
        self.read_timeout: float = settings.read_timeout
        self.deadline: float = settings.deadline
        self.max_answer_bytes: int = settings.max_answer_bytes
        self.log_wire: bool = settings.log_wire
        self.verify_tls: Union[bool, str] = settings.verify_tls
        self.proxy: Optional[str] = settings.proxy
        self.client_cert: Optional[str] = settings.client_cert
        self.client_key: Optional[str] = settings.client_key
        self.tls_min_version: str = settings.tls_min_version
        self.endpoint: str = settings.endpoint  # named by the verify_tls=False warning


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


# -- the exchange ----------------------------------------------------------------------------------


def make_pool(config: HttpSettings) -> urllib3.PoolManager:
    """One client's keep-alive connections (sized for a few dozen threads), on urllib3
    directly: requests would prepare, merge settings and build cookies on every call, work
    that is done once here. A proxy is the ``proxy`` setting; the environment's is not used,
    so credentials never go to a proxy nobody configured for them. A ``user:password@`` in the
    proxy URL becomes a Proxy-Authorization header (sent to the proxy only, in its CONNECT for
    https)."""
    tls = tls_options(config)
    if config.verify_tls is False:
        warn_unverified(config)
    manager: urllib3.PoolManager
    if config.proxy:
        proxy, headers = proxy_target(config.proxy)
        manager = urllib3.ProxyManager(proxy, num_pools=4, maxsize=32, block=False,
                                       retries=False, proxy_headers=headers, **tls)
    else:
        manager = urllib3.PoolManager(num_pools=4, maxsize=32, block=False, retries=False,
                                      **tls)
    manager.pool_classes_by_scheme = POOLS
    return manager


_HEADERS = {"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"}


class Transport:
    """One client's connection pool, and every exchange it makes within a deadline."""

    def __init__(self, config: HttpSettings, backend: str, secrets: Secrets) -> None:
        self.config = config
        self.backend = backend
        self.secrets = secrets
        self.pool = make_pool(config)
        self.wire = config.log_wire or wire_requested()
        # the usual case, a call far from its deadline, needs no Timeout of its own
        self._timeout = urllib3.Timeout(connect=config.connect_timeout, read=config.read_timeout)
        self._longest = max(config.connect_timeout, config.read_timeout)
        # URL -> (its connection pool, its request target), without a proxy (which changes
        # both); bounded, as REST puts record codes in its URLs
        self._routes: Optional[dict[str, tuple[Any, str]]] = \
            None if isinstance(self.pool, urllib3.ProxyManager) else {}

    def close(self) -> None:
        if self._routes is not None:
            self._routes.clear()
        self.pool.clear()

    def _open(self, method: str, url: str, **options: Any) -> urllib3.BaseHTTPResponse:
        """``PoolManager.urlopen`` without its per-request work: parsing the URL and finding
        its pool by a key of some thirty fields happen once per URL, not once per call (it
        sends the same request; redirects are never followed here anyway). A pool the manager
        has since closed (evicted, or :meth:`close`) is looked up again."""
        routes = self._routes
        if routes is None:
            return self.pool.urlopen(method, url, **options)
        route = routes.get(url)
        if route is None or route[0].pool is None:
            parsed = parse_url(url)
            route = (self.pool.connection_from_host(parsed.host, port=parsed.port,
                                                    scheme=parsed.scheme), parsed.request_uri)
            if len(routes) >= _ROUTES:
                routes.clear()
            routes[url] = route
        pool, target = route
        response: urllib3.BaseHTTPResponse = pool.urlopen(method, target, assert_same_host=False,
                                                         **options)
        return response

    sleep = staticmethod(time.sleep)  # between retries; tests record it instead

    def send(self, request: HttpRequest, deadline: float) -> Answer:
        """One HTTP exchange, finished (or abandoned) by ``deadline`` (a ``time.monotonic()``
        instant), logged on the wire log when asked; transport failures become
        :class:`TransportError` with their ``failure``."""
        if not self.wire:
            return self.exchange(request, deadline)
        log_request(request, list(self.secrets))
        answer = self.exchange(request, deadline)
        log_answer(request, answer, list(self.secrets))
        return answer

    def exchange(self, request: HttpRequest, deadline: float) -> Answer:
        """:meth:`send` without the wire log."""
        config, backend, operation = self.config, self.backend, request.label
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise _deadline_error(operation, backend, config)
        exchange = Exchange(deadline)
        WATCHDOG.watch(exchange)
        CURRENT.exchange = exchange
        response: Optional[urllib3.BaseHTTPResponse] = None
        url = request.url
        if request.params:
            url += ("&" if "?" in url else "?") + urlencode(request.params, doseq=True)
        try:
            timeout = self._timeout if remaining >= self._longest else urllib3.Timeout(
                connect=min(config.connect_timeout, remaining),
                read=min(config.read_timeout, remaining))
            response = self._open(
                request.method, url, body=request.body, headers={**_HEADERS, **request.headers},
                timeout=timeout, retries=False, redirect=False, preload_content=False,
                decode_content=False)
            body = _read_body(response, config, operation, backend, exchange)
            if _cut_in_headers(request.method, response.status, response.headers, body):
                raise TransportError(operation, backend, "connection dropped before the "
                                     "answer's headers ended", failure="disconnected")
            response.release_conn()  # read to the end: the connection goes back to the pool
            answer = Answer(response.status, response.reason or "", response.headers, body)
            response = None
            return answer
        except TransportError:
            raise
        except (u3exc.HTTPError, OSError, ValueError) as exc:
            # A socket timeout cut to the time left ends at the deadline too, at times a moment
            # before the watchdog: past the deadline, the deadline is what ended the exchange.
            if exchange.expired or time.monotonic() >= deadline:
                raise _deadline_error(operation, backend, config) from exc
            raise transport_error(operation, backend, exc, url, config) from exc
        finally:
            CURRENT.exchange = None
            WATCHDOG.finish(exchange)
            if response is not None:  # abandoned half-read: this connection must not be reused
                response.close()
                response.release_conn()


# Transport failures after which a call safe to repeat may be sent again (README, "Errors").
_RETRY_IF_IDEMPOTENT = frozenset({"timeout", "disconnected", "http"})
_RETRY_STATUSES = frozenset({500, 502, 503, 504})


class RetryPolicy:
    """When to send a request again (README, "Errors"): the settings' retry count and backoff.

    Never sent (no connection) or refused unrun (429): any request. Sent, then no answer
    (timeout, dropped) or a bare 5xx: only a request safe to repeat. Waits grow exponentially
    with jitter up to ``backoff_max``; a server's ``Retry-After`` is honoured; no wait may pass
    the call's deadline."""

    __slots__ = ("backoff", "backoff_max", "max_retries")

    def __init__(self, settings: Settings) -> None:
        self.max_retries: int = settings.max_retries
        self.backoff: float = settings.retry_backoff
        self.backoff_max: float = settings.retry_backoff_max

    def delay(self, exc: AvangateError, idempotent: bool, attempt: int,
              deadline: float) -> Optional[float]:
        """Seconds to wait before attempt ``attempt + 1``, or ``None``: do not repeat."""
        if attempt >= self.max_retries:
            return None
        if isinstance(exc, TransportError):
            retryable = not exc.sent or (
                idempotent and exc.failure in _RETRY_IF_IDEMPOTENT
                and (exc.failure != "http" or exc.http_status in _RETRY_STATUSES))
            advised = exc.retry_after
        else:
            retryable = isinstance(exc, RateLimitError)
            advised = exc.retry_after if isinstance(exc, RateLimitError) else None
        if not retryable:
            return None
        backoff = min(self.backoff_max, self.backoff * 2.0 ** attempt)
        delay = backoff / 2 + random.uniform(0, backoff / 2)  # noqa: S311 - jitter, not secrets
        if advised is not None:
            delay = max(delay, advised)
        if time.monotonic() + delay >= deadline:
            return None
        return delay


def _read_body(response: urllib3.BaseHTTPResponse, config: HttpSettings, operation: str,
               backend: str, exchange: Exchange) -> bytes:
    """The whole body, decompressed here in bounded steps (urllib3 1.x would inflate a whole
    network read at once: 64 KiB of a gzip bomb is 64 MB), refused past the size cap."""
    limit = config.max_answer_bytes
    raw = response
    encoding = response.headers.get("Content-Encoding", "").strip().lower()
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and encoding in ("", "identity"):
        if int(declared) > limit:
            raise _too_large(operation, backend, limit, response.status)
        body = raw.read(decode_content=False)  # its announced length, within the cap
    else:  # chunked, until close, or compressed: counted as it decodes
        inflate = _Inflater(encoding, operation, backend)
        chunks: list[bytes] = []
        size = 0
        while True:
            if time.monotonic() >= exchange.deadline:
                raise _deadline_error(operation, backend, config)
            data = raw.read(_CHUNK, decode_content=False)
            for chunk in inflate.feed(data) if data else inflate.finish():
                size += len(chunk)
                if size > limit:
                    raise _too_large(operation, backend, limit, response.status)
                chunks.append(chunk)
            if not data:
                break
        body = b"".join(chunks)
    if exchange.expired:  # the watchdog cut the read short: what came is not the answer
        raise _deadline_error(operation, backend, config)
    return body


class _Inflater:
    """gzip or deflate decoded in pieces of at most ``_CHUNK`` bytes, so a caller can stop
    counting at its cap; identity passes through."""

    def __init__(self, encoding: str, operation: str, backend: str) -> None:
        if encoding not in ("", "identity", "gzip", "x-gzip", "deflate"):
            raise TransportError(operation, backend, f"unsupported Content-Encoding "
                                                     f"{encoding[:40]!r}", failure="answer")
        self._encoding = encoding
        self._where = (operation, backend)
        self._zlib: Any = None
        if encoding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS)  # zlib-wrapped, as HTTP says
        self._started = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self._zlib is None:
            yield data
            return
        pending = data
        while pending:
            try:
                out = self._zlib.decompress(pending, _CHUNK)
            except zlib.error:
                if self._encoding == "deflate" and not self._started:
                    self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)  # raw deflate, as IIS sent
                    self._started = True
                    continue
                raise TransportError(*self._where, "cannot decode the answer's "
                                                   "Content-Encoding", failure="answer") from None
            self._started = True
            if out:
                yield out
            pending = self._zlib.unconsumed_tail
            if not pending and self._zlib.unused_data:  # another gzip member follows
                pending = self._zlib.unused_data
                self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)

    def finish(self) -> Iterator[bytes]:
        if self._zlib is not None:
            tail = self._zlib.flush()
            if tail:
                yield tail


def _cut_in_headers(method: str, status: int, headers: Mapping[str, str], body: bytes) -> bool:
    """Whether an answer may be a connection dropped inside its headers. http.client takes the
    end of the stream for the end of the header block, so such a cut reads as an answer with
    no body and nothing framing one (no ``Content-Length``, not chunked): a dropped
    connection, not an answer. A complete answer frames its body, even an empty one; only
    HEAD, 1xx, 204 and 304 answers have none to frame."""
    if body or method == "HEAD" or status < 200 or status in (204, 304):
        return False
    return "Content-Length" not in headers and "Transfer-Encoding" not in headers


def _deadline_error(operation: str, backend: str, config: HttpSettings) -> TransportError:
    return TransportError(operation, backend, f"no complete answer within the call's deadline "
                                              f"of {config.deadline:g} s", failure="deadline")


def _too_large(operation: str, backend: str, limit: int, status: int) -> TransportError:
    return TransportError(operation, backend, f"answer larger than max_answer_bytes ({limit})",
                          status, failure="too_large")


# What happened, by the exception urllib3 raised (sometimes wrapped in another).
_FAILURES: list[tuple[type[BaseException], str, str]] = [
    (u3exc.NewConnectionError, "connect", "cannot connect"),  # refused, unresolvable host
    (u3exc.ConnectTimeoutError, "connect", "connection timed out"),
    (u3exc.SSLError, "tls", "TLS failed"),
    (ssl.SSLError, "tls", "TLS failed"),
    (u3exc.ProxyError, "disconnected", "proxy failed"),
    (u3exc.ReadTimeoutError, "timeout", "timed out waiting for the answer"),
    (u3exc.ProtocolError, "disconnected", "connection dropped before a complete answer"),
    (u3exc.DecodeError, "answer", "cannot decode the answer's content encoding"),
    (u3exc.LocationParseError, "url", "malformed URL"),
]


def transport_error(operation: str, backend: str, exc: BaseException, url: str = "",
                     config: Optional[TLSSettings] = None) -> TransportError:
    """The failure as a :class:`TransportError` that names where it happened (host and port;
    the proxy's, never its credentials, when the proxy was the problem) and, for TLS, why in
    words. Only runs on the failure path."""
    causes = _causes(exc)
    proxy = config.proxy if config is not None else None
    if proxy and any(isinstance(c, u3exc.ProxyError) for c in causes):
        return proxy_error(operation, backend, causes, proxy, url, config)
    where = host_port(url)
    for cause in causes:
        for cls, failure, text in _FAILURES:
            if isinstance(cause, cls):
                if failure == "tls":
                    text = f"TLS failed with {where}: {tls_reason(causes, config)}"
                elif failure == "connect":
                    text = f"{text} to {where} ({os_reason(causes)})"
                return TransportError(operation, backend, text, failure=failure)
    if isinstance(exc, ValueError):  # an unusable URL (urllib3 says so in ValueErrors too)
        return TransportError(operation, backend, "malformed URL", failure="url")
    return TransportError(operation, backend, f"connection to {where} failed "
                                              f"({type(exc).__name__})", failure="disconnected")


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
