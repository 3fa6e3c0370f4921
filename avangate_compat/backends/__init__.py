"""One module per protocol: encode a call, send it, decode the answer to plain data, map errors.

Backends know nothing of models: they take wire-ready arguments (the sessionID first, for SOAP
and JSON-RPC) and return plain Python data. The SOAP module (and with it zeep and lxml) is
imported only when a SOAP client is built.
"""

from __future__ import annotations

from typing import Any, Protocol

from ..config import Config
from ..operations import Operation


class Backend(Protocol):
    name: str
    uses_session: bool

    def call(self, operation: Operation[Any], args: list[Any], deadline: float) -> Any:
        """Send one call, done by ``deadline`` (``time.monotonic()``), and return the decoded
        result as plain data."""

    def close(self) -> None:
        """Release pooled connections."""


def create(config: Config) -> Backend:
    if config.backend == "jsonrpc":
        from .jsonrpc import JsonRpcBackend
        return JsonRpcBackend(config)
    if config.backend == "rest":
        from .rest import RestBackend
        return RestBackend(config)
    from .soap import SoapBackend  # zeep and lxml load here, never for the others
    return SoapBackend(config)
