"""JSON-RPC 2.0: ``{"method", "params": [sessionID, ...]}`` POSTed to one URL.

A codec: :meth:`JsonRpcCodec.encode` builds the request, :func:`read_answer` reads the answer,
with every JSON-RPC error rule in one place; no I/O here.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..config import Settings
from ..errors import AvangateError, TransportError, api_error
from ..transport import Answer, HttpRequest
from ._answers import http_failure, retry_after
from ._json import dumps, loads

if TYPE_CHECKING:
    from ..operations import Operation

_HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}


class JsonRpcCodec:
    name = "jsonrpc"

    def __init__(self, config: Settings) -> None:
        self._url = config.jsonrpc_endpoint

    def encode(self, operation: Operation[Any], args: list[Any]) -> HttpRequest:
        # The id names the call (method and arguments after the sessionID), not its position:
        # the answer must echo it, and recorded traffic replays in any order.
        # Each argument is encoded once; the id's list and the params are joined from them,
        # exactly as one dumps() of each would have written them.
        parts = [dumps(arg) for arg in args]
        name = dumps(operation.name)
        named = b",".join(parts[1:] if operation.needs_session else ())
        request_id = zlib.crc32(b"[%s,[%s]]" % (name, named)) & 0x7FFFFFFF
        body = b'{"jsonrpc":"2.0","id":%d,"method":%s,"params":[%s]}' % (
            request_id, name, b",".join(parts))
        return HttpRequest("POST", self._url, body, _HEADERS, context=request_id,
                           label=operation.name)

    def decode(self, operation: Operation[Any], request: HttpRequest, answer: Answer) -> Any:
        return read_answer(operation.name, answer, request.context)

    def raw_args(self, method: str, params: tuple[Any, ...]) -> list[Any]:
        return list(params)


def read_answer(operation: str, answer: Answer, request_id: int) -> Any:
    """The ``result`` of a JSON-RPC answer, or the error it carries. The id is checked first:
    an answer to another request is never read, whatever it holds."""
    data = loads(answer, operation, "jsonrpc")
    # The 6.0 docs show "result"; some pages show "response": read either.
    key = next((k for k in ("result", "response") if isinstance(data, Mapping) and k in data),
               None)
    error = data.get("error") if isinstance(data, Mapping) else None
    if not isinstance(data, Mapping) or (key is None and error is None):
        if answer.status >= 300:
            raise http_failure(operation, "jsonrpc", answer)
        raise TransportError(operation, "jsonrpc", "answer is neither a JSON-RPC result nor "
                                                   "an error", answer.status)
    answer_id = data.get("id")
    # An error may carry a null id (the server could not read ours; the docs show none at all);
    # a result must name our request.
    same = answer_id == request_id and type(answer_id) is type(request_id)
    if (error is not None and not (same or answer_id is None)) or (error is None and not same):
        raise TransportError(operation, "jsonrpc",
                             f"answer id {answer_id!r} does not match {request_id}",
                             answer.status)
    if error is not None:
        raise _error(operation, error, answer)
    if answer.status >= 300:
        raise TransportError(operation, "jsonrpc", "a result with an HTTP error status",
                             answer.status)
    return data[key] if key is not None else None


def _error(operation: str, error: Any, answer: Answer) -> AvangateError:
    wait = retry_after(answer)
    if not isinstance(error, Mapping):
        return api_error(operation, "jsonrpc", None, str(error)[:500], answer.status,
                         retry_after=wait)
    data = error.get("data")
    code = data.get("error_code") if isinstance(data, Mapping) else None
    if code is None and error.get("code") is not None:
        code = error["code"]
    return api_error(operation, "jsonrpc", None if code is None else str(code)[:200],
                     str(error.get("message", ""))[:2000], answer.status, retry_after=wait)
