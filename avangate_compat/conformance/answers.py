"""The answers of a conformance run: each call's outcome and time, what an error said on the
wire, where the backends' results differ, and which fields the models do not know."""

from __future__ import annotations

import contextlib
import json
import re
import time
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Callable, Optional

import attrs

from .. import convert
from ..errors import APIError, TransportError


@attrs.define
class Outcome:
    """One call on one backend: its value or its error, and how long it took."""

    ms: float
    value: Any = None
    error: Optional[BaseException] = None

    @property
    def status(self) -> str:
        """``ok``; ``error`` (the server answered with a refusal); ``failed`` (no usable
        answer: transport failure, unreadable answer, or a bug of this library)."""
        if self.error is None:
            return "ok"
        if isinstance(self.error, APIError) and self.error.code != "UNREADABLE_ANSWER":
            return "error"
        return "failed"


def timed(call: Callable[[], Any]) -> Outcome:
    start = time.perf_counter()
    try:
        value = call()
    except Exception as exc:  # noqa: BLE001 - a diagnostic run reports a bug, it goes on
        return Outcome(ms_since(start), error=exc)
    return Outcome(ms_since(start), value=value)


def ms_since(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 1)


def describe_error(exc: BaseException, backend: str) -> dict[str, Any]:
    """What the server said and what the library made of it: class, code, message, HTTP
    status, the SOAP faultcode or JSON-RPC error number read from the raw answer, and the
    start of the raw answer (already scrubbed of secrets by the library)."""
    out: dict[str, Any] = {"class": type(exc).__name__,
                           "code": getattr(exc, "code", None),
                           "message": str(getattr(exc, "message", exc))[:500],
                           "http_status": getattr(exc, "http_status", None)}
    if isinstance(exc, TransportError):
        out["failure"] = exc.failure
    answer = getattr(exc, "answer", None)
    body = answer.body if answer is not None else ""
    if backend == "soap" and body:
        found = re.search(r"<(?:[\w.-]+:)?faultcode\b[^>]*>([^<]*)<", body)
        out["faultcode"] = found.group(1).strip() if found else None
        found = re.search(r"<(?:[\w.-]+:)?faultstring\b[^>]*>([^<]*)<", body)
        out["faultstring"] = found.group(1).strip() if found else None
    if backend == "jsonrpc" and body:
        with contextlib.suppress(ValueError, AttributeError, TypeError):
            error = json.loads(body).get("error") or {}
            out["rpc_code"] = error.get("code")
            out["rpc_error_code"] = (error.get("data") or {}).get("error_code")
    if backend == "rest" and body:
        with contextlib.suppress(ValueError, AttributeError, TypeError):
            out["error_code"] = json.loads(body).get("error_code")
    out["body"] = body
    return out


# -- comparing answers ---------------------------------------------------------------------------


class _Absent:
    def __repr__(self) -> str:
        return "<absent>"


ABSENT = _Absent()


def plain(value: Any) -> Any:
    """A result as plain data with the API's keys (``extra_fields`` merged back in)."""
    if attrs.has(type(value)):
        return convert.unstructure(value)
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def differences(values: Mapping[str, Any], path: str = "") -> list[dict[str, Any]]:
    """Where plain values (one per backend) differ: ``[{"path", "values": {backend: v}}]``,
    recursing through mappings (the union of their keys) and lists (index by index)."""
    items = list(values.values())
    if items and all(isinstance(v, Mapping) for v in items):
        keys = list(dict.fromkeys(k for v in items for k in v))
        return [d for k in keys for d in differences(
            {b: v.get(k, ABSENT) for b, v in values.items()}, f"{path}.{k}")]
    if items and all(isinstance(v, list) for v in items):
        longest = max(len(v) for v in items)
        return [d for i in range(longest) for d in differences(
            {b: v[i] if i < len(v) else ABSENT for b, v in values.items()}, f"{path}[{i}]")]
    if all(_same(v, items[0]) for v in items):
        return []
    return [{"path": path or "(result)", "values": {b: jsonable(v) for b, v in values.items()}}]


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


def unknown_fields(value: Any, path: str) -> list[str]:
    """Paths of every field a server sent that the models do not know (``extra_fields``)."""
    found: list[str] = []
    if attrs.has(type(value)):
        found += [f"{path}.{key}" for key in getattr(value, "extra_fields", {}) or {}]
        for field in attrs.fields(type(value)):
            if field.name != "extra_fields":
                found += unknown_fields(getattr(value, field.name), f"{path}.{field.name}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += unknown_fields(item, f"{path}[{index}]")
    return found


def jsonable(value: Any) -> Any:
    if value is ABSENT:
        return "<absent>"
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return repr(value)


def statuses(pages: Sequence[Any]) -> dict[str, Any]:
    """The Subscription.Status values the pages of searchSubscriptions hold, and how many
    subscriptions showed them: 6.0 documents no value of it."""
    seen = sorted({str(s.Status) for page in pages for s in page.Items or []
                   if s.Status is not None})
    count = max((len(page.Items or []) for page in pages), default=0)
    return {"values": seen, "subscriptions_read": count,
            "why": "no 6.0 document lists the values of Subscription.Status"}
