"""What the wire log and an error may show of an exchange: bodies cut to a length, headers that
carry credentials redacted, every secret the client holds (and anything shaped like a hash or
a session id) replaced."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Optional

from .errors import RawAnswer

if TYPE_CHECKING:
    from .transport import Answer, HttpRequest


class Secrets:
    """The values no error or wire-log line may show, kept current by the auth that owns them
    (a session id joins when issued, leaves when replaced); the transport only reads them."""

    def __init__(self, values: Iterable[str] = ()) -> None:
        self._values = tuple(v for v in values if v)
        self._lock = threading.Lock()  # writers only: several sessions may share one holder

    def add(self, value: str) -> None:
        with self._lock:
            if value and value not in self._values:
                self._values = (*self._values, value)

    def discard(self, value: Optional[str]) -> None:
        with self._lock:
            if value in self._values:
                self._values = tuple(v for v in self._values if v != value)

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)  # a snapshot: swapped whole, so a lock-free read is whole

    def __len__(self) -> int:
        return len(self._values)


_EXCERPT = 2000
WIRE_LIMIT = 4096
"""Bytes of each body the wire log shows; the rest is cut, with the length said."""
_HASHES = re.compile(r"\b[0-9a-fA-F]{32,128}\b")
_WIRE = logging.getLogger("avangate_compat.wire")
_SECRET_HEADERS = frozenset({"x-avangate-authentication", "authorization", "cookie",
                             "set-cookie", "proxy-authorization"})


def scrub(text: str, secrets: list[str]) -> str:
    """``text`` with every secret replaced, and anything shaped like a hash or session id."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "<secret>")
    return _HASHES.sub("<hash>", text)


def excerpt(answer: Answer, secrets: list[str]) -> RawAnswer:
    """What an error keeps of the answer for debugging: status, headers, the body's start,
    with every secret the client holds (and anything shaped like a hash) replaced."""
    text = answer.body[:_EXCERPT].decode("utf-8", "replace")
    headers = {k: scrub(v, secrets) for k, v in answer.headers.items()
               if k.lower() not in _SECRET_HEADERS}
    return RawAnswer(answer.status, headers, scrub(text, secrets))


def _wire_body(request: HttpRequest, body: Optional[bytes], secrets: list[str]) -> str:
    if not body:
        return "(no body)"
    if request.quiet:  # credentials go out, a session id comes back: neither is shown
        return f"({len(body)} bytes of {request.label}, not shown)"
    shown = scrub(body[:WIRE_LIMIT].decode("utf-8", "replace"), secrets)
    return shown if len(body) <= WIRE_LIMIT else f"{shown}... ({len(body)} bytes in all)"


def log_request(request: HttpRequest, secrets: list[str]) -> None:
    headers = {k: ("<redacted>" if k.lower() in _SECRET_HEADERS else v)
               for k, v in request.headers.items()}
    _WIRE.debug("%s -> %s %s %s\n%s", request.label, request.method,
                scrub(request.url, secrets), headers,
                _wire_body(request, request.body, secrets))


def log_answer(request: HttpRequest, answer: Answer, secrets: list[str]) -> None:
    _WIRE.debug("%s <- HTTP %s %s\n%s", request.label, answer.status, answer.content_type,
                _wire_body(request, answer.body, secrets))
