"""JSON-RPC 2.0 over one pooled HTTP session: ``{"method", "params": [sessionID, ...]}``."""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from typing import Any

from ..config import Config
from ..errors import AvangateError, TransportError, api_error
from ..operations import Operation
from . import _http

_HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}


class JsonRpcBackend:
    name = "jsonrpc"
    uses_session = True

    def __init__(self, config: Config) -> None:
        self._config = config
        self._url = config.jsonrpc_endpoint
        self._http = _http.make_session(config)

    def call(self, operation: Operation[Any], args: list[Any], deadline: float) -> Any:
        # The id names the call (method and arguments after the sessionID), not its position:
        # the answer must echo it, and recorded traffic replays in any order.
        call_args = args[1:] if operation.needs_session else []
        request_id = zlib.crc32(_http.dumps([operation.name, call_args])) & 0x7FFFFFFF
        body = _http.dumps({"jsonrpc": "2.0", "id": request_id, "method": operation.name,
                            "params": args})
        answer = _http.send(self._http, self._config, operation.name, self.name, "POST",
                            self._url, deadline=deadline, data=body, headers=_HEADERS)
        return read_answer(operation.name, answer, request_id)

    def close(self) -> None:
        self._http.close()


def read_answer(operation: str, answer: _http.Answer, request_id: int) -> Any:
    """The ``result`` of a JSON-RPC answer, or the error it carries. The id is checked first:
    an answer to another request is never read, whatever it holds."""
    try:
        data = _http.loads(answer, operation, "jsonrpc")
    except TransportError:
        if answer.status >= 300:
            raise _http.http_failure(operation, "jsonrpc", answer) from None
        raise
    # The 6.0 docs show "result"; some pages show "response": read either.
    key = next((k for k in ("result", "response") if isinstance(data, Mapping) and k in data),
               None)
    error = data.get("error") if isinstance(data, Mapping) else None
    if not isinstance(data, Mapping) or (key is None and error is None):
        if answer.status >= 300:
            raise _http.http_failure(operation, "jsonrpc", answer)
        raise TransportError(operation, "jsonrpc", "answer is neither a JSON-RPC result nor "
                                                   "an error", answer.status)
    answer_id = data.get("id")
    # An error may carry a null id (the server could not read ours; the docs show none at all);
    # a result must name our request.
    if (error is not None and answer_id not in (request_id, None)) or \
            (error is None and (type(answer_id) is not int or answer_id != request_id)):
        raise TransportError(operation, "jsonrpc",
                             f"answer id {answer_id!r} does not match {request_id}",
                             answer.status)
    if error is not None:
        raise _error(operation, error, answer)
    if answer.status >= 300:
        raise TransportError(operation, "jsonrpc", "a result with an HTTP error status",
                             answer.status)
    assert key is not None
    return data[key]


def _error(operation: str, error: Any, answer: _http.Answer) -> AvangateError:
    wait = _http.retry_after(answer)
    if not isinstance(error, Mapping):
        return api_error(operation, "jsonrpc", None, str(error)[:500], answer.status,
                         retry_after=wait)
    data = error.get("data")
    code = data.get("error_code") if isinstance(data, Mapping) else None
    if code is None and error.get("code") is not None:
        code = error["code"]
    return api_error(operation, "jsonrpc", None if code is None else str(code)[:200],
                     str(error.get("message", ""))[:2000], answer.status, retry_after=wait)
