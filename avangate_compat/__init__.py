"""avangate_compat: the 2Checkout (Avangate) merchant API 6.0 from Python 3, one facade over
SOAP, JSON-RPC and REST, returning the same typed attrs objects whichever protocol answered.
"""

import logging

from ._version import __version__ as __version__
from .client import Client
from .config import Config
from .errors import (
    APIError,
    AuthenticationError,
    AvangateError,
    ConfigurationError,
    ConversionError,
    DroppedFieldWarning,
    InsecureTLSWarning,
    InvalidRequestError,
    IPNSignatureError,
    LCNSignatureError,
    MapAborted,
    MapInterrupted,
    MapStopped,
    NotFoundError,
    OutcomeUnknownError,
    RateLimitError,
    RawAnswer,
    SessionError,
    SignatureError,
    TransportError,
    ValidationError,
)
from .logs import show_wire_log, wire_requested

# A library logs, it does not print: without the application's own logging set up, retries
# and the wire log stay silent instead of falling through to stderr.
logging.getLogger("avangate_compat").addHandler(logging.NullHandler())
if wire_requested():  # AVANGATE_LOG=wire: asked for from outside the code, so it is shown
    show_wire_log()
_MODELS = ("Lead", "PricingConfiguration", "Product")


def __getattr__(name: str) -> object:
    # The models (and the converter behind them) load on first use, not at import: a client
    # is built without them, and start-up pays only for what the first call needs.
    if name in _MODELS:
        from . import models
        return getattr(models, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = [
    "APIError",
    "AuthenticationError",
    "AvangateError",
    "Client",
    "Config",
    "ConfigurationError",
    "ConversionError",
    "DroppedFieldWarning",
    "IPNSignatureError",
    "InsecureTLSWarning",
    "InvalidRequestError",
    "LCNSignatureError",
    "Lead",
    "MapAborted",
    "MapInterrupted",
    "MapStopped",
    "NotFoundError",
    "OutcomeUnknownError",
    "PricingConfiguration",
    "Product",
    "RateLimitError",
    "RawAnswer",
    "SessionError",
    "SignatureError",
    "TransportError",
    "ValidationError",
]
