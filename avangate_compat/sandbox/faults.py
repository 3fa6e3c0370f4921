"""Faults armed through the control API, for users testing how their integration copes.

A fault fires on the next ``count`` matching requests, or on every matching request for
``seconds``, once the first ``after`` matching requests (0 by default) have passed through
unharmed, so a fault can strike in the middle of a run (page 4 of an export). It matches by
protocol ("soap", "jsonrpc", "rest") and operation name when those are given. The
application decides what each kind does on the wire (see ``app``).
"""

from __future__ import annotations

import collections
import itertools
import math
import threading
import time
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Optional

import attrs

from .schema import load

PROTOCOLS = ("soap", "jsonrpc", "rest")
# kind -> {option: (default, minimum, maximum)}
KINDS: dict[str, dict[str, tuple[int, int, int]]] = {
    "latency": {"ms": (1000, 0, 60_000)},
    "http_error": {"status": (503, 400, 599)},
    "html": {"status": (502, 400, 599)},
    "drop": {},
    "truncate": {},
    "session_expiry": {},
    "rate_limit": {"retry_after": (1, 0, 86_400)},
}
MAX_COUNT = 1_000_000
MAX_SECONDS = 86_400 * 7
MAX_ARMED = 100


class BadFault(ValueError):
    """The definition of a fault is refused (the control API answers 400)."""


def bounded_number(value: Any, name: str, minimum: float, maximum: float,
                   integer: bool) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, Decimal, float)):
        raise BadFault(f"{name} must be a number")
    if isinstance(value, Decimal) and not value.is_finite():
        raise BadFault(f"{name} must be finite")
    if not minimum <= value <= maximum:  # compares without converting: 1e999999 is cheap here
        raise BadFault(f"{name} must be between {minimum} and {maximum}")
    number = float(value)
    if not math.isfinite(number) or (integer and number != int(number)):
        raise BadFault(f"{name} must be {'an integer' if integer else 'finite'}")
    return number


@attrs.define
class Fault:
    id: int
    kind: str
    options: dict[str, int]
    protocols: Optional[tuple[str, ...]]
    operations: Optional[tuple[str, ...]]
    remaining: Optional[int]  # None: a time window
    until: Optional[float]  # time.monotonic() deadline of a window
    fired: int = 0
    after: int = 0  # matching requests still let through before it fires

    def live(self, now: float) -> bool:
        return (self.remaining is None or self.remaining > 0) and \
            (self.until is None or now < self.until)

    def matches(self, protocol: str, operation: Optional[str], checks_session: bool) -> bool:
        if self.kind == "session_expiry" and not checks_session:
            return False  # logins and REST have no session to expire
        if self.protocols is not None and protocol not in self.protocols:
            return False
        return self.operations is None or operation in self.operations

    def describe(self, now: float) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "options": dict(self.options),
                "protocols": None if self.protocols is None else list(self.protocols),
                "operations": None if self.operations is None else list(self.operations),
                "remaining": self.remaining,
                "expires_in": None if self.until is None else round(self.until - now, 3),
                "after": self.after, "fired": self.fired}


class Faults:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._armed: list[Fault] = []
        self._fired: collections.Counter[str] = collections.Counter()
        self._ids = itertools.count(1)

    def arm(self, definition: Any) -> dict[str, Any]:
        """Validate a definition (the control API's JSON) and arm it."""
        if not isinstance(definition, Mapping):
            raise BadFault("expected {kind: ..., count: N | seconds: S, ...}")
        kind = definition.get("kind")
        if not isinstance(kind, str) or kind not in KINDS:
            raise BadFault(f"kind must be one of {', '.join(KINDS)}")
        known = {"kind", "count", "seconds", "after", "protocols", "operations", *KINDS[kind]}
        unknown = sorted(str(k)[:40] for k in definition if k not in known)
        if unknown:
            raise BadFault(f"unknown option(s) for {kind}: {', '.join(unknown)}")
        count, seconds = definition.get("count"), definition.get("seconds")
        if count is not None and seconds is not None:
            raise BadFault("give count or seconds, not both")
        remaining: Optional[int] = None
        until: Optional[float] = None
        if seconds is not None:
            until = time.monotonic() + bounded_number(seconds, "seconds", 0.001, MAX_SECONDS,
                                                      False)
        else:
            remaining = int(bounded_number(1 if count is None else count, "count", 1,
                                           MAX_COUNT, True))
        options = {name: int(bounded_number(definition.get(name, default), name, low, high,
                                            True))
                   for name, (default, low, high) in KINDS[kind].items()}
        after = int(bounded_number(definition.get("after", 0), "after", 0, MAX_COUNT, True))
        protocols = self._names(definition.get("protocols"), "protocols", PROTOCOLS)
        operations = self._names(definition.get("operations"), "operations",
                                 tuple(load().operations))
        with self._lock:
            if len(self._armed) >= MAX_ARMED:
                raise BadFault(f"at most {MAX_ARMED} faults can be armed")
            fault = Fault(next(self._ids), kind, options, protocols, operations, remaining,
                          until, after=after)
            self._armed.append(fault)
            self._fired.setdefault(kind, 0)
            return fault.describe(time.monotonic())

    @staticmethod
    def _names(value: Any, name: str, allowed: tuple[str, ...]) -> Optional[tuple[str, ...]]:
        if value is None:
            return None
        if not isinstance(value, list) or not value or \
                not all(isinstance(v, str) and v in allowed for v in value):
            raise BadFault(f"{name} must be a non-empty list of: {', '.join(allowed)}")
        return tuple(value)

    def take(self, protocol: str, operation: Optional[str],
             checks_session: bool) -> Optional[Fault]:
        """The first armed fault matching this request, spent by one; None when none does."""
        now = time.monotonic()
        with self._lock:
            self._armed = [f for f in self._armed if f.live(now)]
            for fault in self._armed:
                if fault.matches(protocol, operation, checks_session):
                    if fault.after > 0:  # let through; a later fault may still match
                        fault.after -= 1
                        continue
                    if fault.remaining is not None:
                        fault.remaining -= 1
                    fault.fired += 1
                    self._fired[fault.kind] += 1
                    return fault
        return None

    def snapshot(self) -> dict[str, Any]:
        now = time.monotonic()
        with self._lock:
            return {"faults": [f.describe(now) for f in self._armed if f.live(now)],
                    "fired": dict(self._fired)}

    def clear(self) -> int:
        with self._lock:
            count = len(self._armed)
            self._armed.clear()
            self._fired.clear()
            return count

    def expire_windows(self) -> None:
        """End every time window now (what waiting for them would do)."""
        with self._lock:
            for fault in self._armed:
                if fault.until is not None:
                    fault.until = 0.0
