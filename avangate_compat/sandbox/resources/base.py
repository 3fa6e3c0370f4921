"""What the resource modules share: the refusal, the handler registry, the common checks.

A handler is a function of the sandbox's :class:`~avangate_compat.sandbox.service.Service` (its
store, clock and write lock) and the operation's arguments after the sessionID, in wire order.
``@handles("getLead")`` files it under the operation's name in the spec; the service routes each
call through :data:`HANDLERS`, never through attribute names.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Callable, Optional, TypeVar

from avangate_compat.sandbox.schema import Invalid, canonical

if TYPE_CHECKING:
    from avangate_compat.sandbox.service import Service

MAX_PAGE_LIMIT = 200

Handler = Callable[..., Any]
"""``handler(service, *arguments)``: the operation's answer, or a :class:`Fault`."""
HANDLERS: dict[str, Handler] = {}
"""Operation name (as the spec spells it) -> its handler; filled by :func:`handles`."""

_H = TypeVar("_H", bound=Handler)


def handles(operation: str) -> Callable[[_H], _H]:
    """Register the decorated function as the handler of ``operation``: one handler each."""
    def register(handler: _H) -> _H:
        if operation in HANDLERS:
            raise RuntimeError(f"two sandbox handlers for {operation}: "
                               f"{HANDLERS[operation].__module__} and {handler.__module__}")
        HANDLERS[operation] = handler
        return handler
    return register


Layout = Callable[[list[Any]], list[Any]]
"""``layout(params)``: JSON-RPC params (the sessionID first) in the spec's order."""
LAYOUTS: dict[str, Layout] = {}
"""Operation -> the rewrite of another argument layout the sandbox accepts, where the API
leaves the layout open (the spec marks it ``inferred``); filled by :func:`accepts_layout`."""


def accepts_layout(operation: str) -> Callable[[Layout], Layout]:
    """Register the decorated function as ``operation``'s other accepted argument layout."""
    def register(layout: Layout) -> Layout:
        if operation in LAYOUTS:
            raise RuntimeError(f"two argument layouts for {operation}")
        LAYOUTS[operation] = layout
        return layout
    return register


class Fault(Exception):
    """A refusal, rendered by each protocol in its own documented shape."""

    def __init__(self, code: str, message: str, status: int = 400, rpc_code: int = 0) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.rpc_code = rpc_code or {401: 10000, 404: 404, 500: -32603}.get(status, -32602)


def not_found(what: str, code: str) -> Fault:
    return Fault(f"{what.upper()}_NOT_FOUND", f"{what} {code!r} does not exist", 404)


def invalid(message: str) -> Fault:
    return Fault("INVALID_PARAMETERS", message, 400, -32602)


def typed(value: Any, type_name: str) -> Any:
    try:
        return canonical(value, type_name)
    except Invalid as exc:
        raise invalid(str(exc)) from None


def existing(service: Service, kind: str, code: Any,
             field: Optional[str] = None) -> dict[str, Any]:
    """The stored ``kind`` ("lead", "order", ...) with this code, or the refusal; ``field``
    names the code in it (``<Kind>Code`` by default)."""
    what = kind.capitalize()
    if not isinstance(code, str) or not code:
        raise invalid(f"{field or what + 'Code'} must be a non-empty string")
    found = service.store.get(kind, code)
    if found is None:
        raise not_found(what, code)
    return found  # type: ignore[no-any-return]


def paging(opts: Mapping[str, Any]) -> tuple[int, int]:
    page = 1 if opts.get("Page") is None else opts["Page"]
    limit = 10 if opts.get("Limit") is None else opts["Limit"]
    if page < 1 or not 1 <= limit <= MAX_PAGE_LIMIT:
        raise invalid(f"Page must be >= 1 and Limit between 1 and {MAX_PAGE_LIMIT}")
    return page, limit


def made_code(*parts: Any) -> str:
    """A system-generated code, the same for the same parts (so every protocol makes the
    same one from the same state)."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:10].upper()


def real_date(text: str) -> bool:
    """YYYY-MM-DD in ASCII digits, and a day that exists."""
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text, re.ASCII):
        return False
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def real_time(text: str) -> bool:
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}", text, re.ASCII):
        return False
    try:
        datetime.datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return False
    return True
