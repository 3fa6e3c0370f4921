"""One codec per protocol: a call to an :class:`~avangate_compat.transport.HttpRequest`, an
:class:`~avangate_compat.transport.Answer` to plain data or the protocol's error.

Codecs know nothing of models, sessions or sockets: they take wire-ready arguments (the
sessionID first, for SOAP and JSON-RPC, added by the session auth) and return plain Python data;
every error rule of a protocol lives in its codec, testable on bytes: an HTTP status becomes an
error class here, never in the transport. The SOAP module (and with it zeep and lxml) is
imported only when a SOAP client is built. Each codec gets the settings without credentials.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from ..config import Settings
from ..transport import Answer, HttpRequest

if TYPE_CHECKING:
    from ..operations import Operation


class Codec(Protocol):
    name: str

    def encode(self, operation: Operation[Any], args: list[Any]) -> HttpRequest:
        """The request for one call; no I/O."""

    def decode(self, operation: Operation[Any], request: HttpRequest, answer: Answer) -> Any:
        """The answer as plain data, or the protocol's error raised; no I/O."""

    def raw_args(self, method: str, params: tuple[Any, ...]) -> list[Any]:
        """``call_raw``'s arguments as this protocol sends a call nobody modelled."""


def create(config: Settings) -> Codec:
    """The codec of the configured protocol (the SOAP one loads its WSDL, once per process)."""
    if config.backend == "jsonrpc":
        from .jsonrpc import JsonRpcCodec
        return JsonRpcCodec(config)
    if config.backend == "rest":
        from .rest import RestCodec
        return RestCodec(config)
    from .soap import SoapCodec  # zeep and lxml load here, never for the others
    return SoapCodec(config)
