"""JSON-RPC 2.0 over one pooled HTTP session: ``{"method", "params": [sessionID, ...]}``."""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from typing import Any

from ..config import Config
from ..errors import TransportError, api_error
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

    def call(self, operation: Operation, args: list[Any]) -> Any:
        # The id names the call (method and arguments after the sessionID), not its position:
        # the answer must echo it, and recorded traffic replays in any order.
        signed = args[1:] if operation.needs_session else []
        request_id = zlib.crc32(_http.dumps([operation.name, signed])) & 0x7FFFFFFF
        body = _http.dumps({"jsonrpc": "2.0", "id": request_id, "method": operation.name,
                            "params": args})
        response = _http.send(self._http, self._config, operation.name, self.name, "POST",
                              self._url, data=body, headers=_HEADERS)
        data = _http.loads(response, operation.name, self.name)
        if not isinstance(data, Mapping):
            raise TransportError(operation.name, self.name, "answer is not a JSON-RPC object",
                                 response.status_code)
        error = data.get("error")
        if error is not None:
            raise _error(operation.name, error, response.status_code)
        if data.get("id") not in (request_id, None):
            raise TransportError(operation.name, self.name,
                                 f"answer id {data.get('id')!r} does not match {request_id}")
        # The 6.0 docs show "result"; some pages show "response": read either.
        for key in ("result", "response"):
            if key in data:
                return data[key]
        raise TransportError(operation.name, self.name, "answer has neither result nor error",
                             response.status_code)

    def close(self) -> None:
        self._http.close()


def _error(operation: str, error: Any, status: int) -> Exception:
    if not isinstance(error, Mapping):
        return api_error(operation, "jsonrpc", None, str(error), status)
    data = error.get("data")
    code = data.get("error_code") if isinstance(data, Mapping) else None
    if code is None and error.get("code") is not None:
        code = str(error["code"])
    return api_error(operation, "jsonrpc", code, str(error.get("message", "")), status)
