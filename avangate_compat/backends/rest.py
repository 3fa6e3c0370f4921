"""REST 6.0: routes from the spec, JSON bodies, no session (the auth signs each request).

A codec: :meth:`RestCodec.encode` builds the request from the operation's route,
:func:`read_answer` reads the answer. Business errors can arrive inside a 2xx body
(``error_code``), so bodies are checked, not only status codes. A write is acknowledged only by
an answer that says so: a body, ``204 No Content``, or ``201 Created`` with a ``Location``; an
empty ``200`` (a connection cut inside the headers looks exactly like one) is not.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Optional
from urllib.parse import quote

from ..config import Settings
from ..errors import TransportError, ValidationError, api_error
from ..transport import Answer, HttpRequest
from ._answers import http_failure, retry_after
from ._json import dumps, loads

if TYPE_CHECKING:
    from ..operations import Operation

_PLACEHOLDER = re.compile(r"\{([A-Za-z]+)(?:\.([A-Za-z]+))?\}")
_HEADERS = {"Accept": "application/json", "Content-Type": "application/json"}

class RestCodec:
    name = "rest"

    def __init__(self, config: Settings) -> None:
        self._base = config.rest_endpoint

    def request(self, method: str, path: str, body: Any = None,
                params: Optional[Mapping[str, Any]] = None, label: str = "request"
                ) -> HttpRequest:
        data = None if body is None else dumps(body)
        return HttpRequest(method, self._base + path, data, _HEADERS, params, label=label)

    def raw_args(self, method: str, params: tuple[Any, ...]) -> list[Any]:
        if not 1 <= len(params) <= 2 or not isinstance(params[0], str) \
                or not params[0].startswith("/"):
            raise ValidationError("call_raw", "REST takes (method, '/path/'[, body])")
        return list(params)

    def encode(self, operation: Operation[Any], args: list[Any]) -> HttpRequest:
        if operation.raw:  # call_raw: the method is the operation's name, the path is given
            return self.request(operation.name.upper(), args[0],
                                args[1] if len(args) > 1 else None, label=operation.name)
        route = operation.rest
        if route is None or route.method is None or route.path is None:
            raise TransportError(operation.name, self.name, "no REST route for this operation")
        named = {p.name: a for p, a in zip(operation.params, args)}
        pieces = []
        for text, name, field in _template(route.path):
            pieces.append(text)
            if name is not None:
                pieces.append(_path_value(operation.name, named, name, field))
        path = "".join(pieces)
        if isinstance(route.body, dict):  # a body built from several parameters
            body: Any = {key: named[param] for key, param in route.body.items()
                         if named.get(param) is not None}
        else:
            body = named.get(route.body) if route.body is not None else None
        if isinstance(route.query, tuple):  # query fields from several parameters
            params: Any = {name: named[name] for name in route.query
                           if named.get(name) is not None}
        else:
            params = named.get(route.query) if route.query is not None else None
        return self.request(route.method, path, body, params, label=operation.name)

    def decode(self, operation: Operation[Any], request: HttpRequest, answer: Answer) -> Any:
        result = read_answer(operation.name, request.method, answer)
        route = operation.rest
        if route is not None and route.unwrap and isinstance(result, Mapping) \
                and route.unwrap in result:
            return result[route.unwrap]
        return result


def read_answer(operation: str, method: str, answer: Answer) -> Any:
    """The body of a REST answer, ``True`` for a write confirmed without one, or the error."""
    body = loads(answer, operation, "rest")
    if isinstance(body, Mapping) and "error_code" in body:
        raise api_error(operation, "rest", str(body["error_code"])[:200],
                        str(body.get("message", ""))[:2000], answer.status,
                        retry_after=retry_after(answer))
    if not 200 <= answer.status < 300:
        raise http_failure(operation, "rest", answer)
    if body is not None:
        return body
    if method != "GET" and (answer.status == 204 or
                            (answer.status == 201 and answer.headers.get("Location"))):
        return True  # the documented answers of a write that returns nothing
    raise TransportError(operation, "rest", f"an empty {answer.status} answer confirms "
                                            "nothing", answer.status)


def _path_value(operation: str, named: Mapping[str, Any], name: str,
                field: Optional[str]) -> str:
    value = named.get(name)
    if field is not None and isinstance(value, Mapping):
        value = value.get(field)
    if value is None:
        raise TransportError(operation, "rest", f"no value for the path's {{{name}}}")
    return path_segment(str(value))


def path_segment(value: str) -> str:
    """One URL path segment: percent-encoded, and never one that walks the path (``.``,
    ``..``) or is empty; the argument checks refuse those first, this is the last guard."""
    if value in ("", ".", "..") or "/" in value:
        raise TransportError("path", "rest", f"{value!r} cannot be a path segment")
    if value.isascii() and value.isalnum():  # a record code: nothing to encode
        return value
    return quote(value, safe="")


@functools.lru_cache(maxsize=256)
def _template(path: str) -> tuple[tuple[str, Optional[str], Optional[str]], ...]:
    """A route's path split once into (text, placeholder, field) pieces, the last one's
    placeholder ``None``."""
    pieces, start = [], 0
    for match in _PLACEHOLDER.finditer(path):
        pieces.append((path[start:match.start()], match.group(1), match.group(2)))
        start = match.end()
    pieces.append((path[start:], None, None))
    return tuple(pieces)
