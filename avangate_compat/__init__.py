"""avangate_compat: the 2Checkout (Avangate) merchant API 6.0 from Python 3, one facade over
SOAP, JSON-RPC and REST, returning the same typed attrs objects whichever protocol answered.
"""

from .client import Client
from .config import Config
from .errors import (
    APIError,
    AuthenticationError,
    AvangateError,
    ConfigurationError,
    ConversionError,
    DroppedFieldWarning,
    InvalidRequestError,
    IPNSignatureError,
    NotFoundError,
    RateLimitError,
    RawAnswer,
    SessionError,
    TransportError,
    ValidationError,
)
from .models import Lead, PricingConfiguration, Product

__version__ = "0.1.0"

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
    "InvalidRequestError",
    "Lead",
    "NotFoundError",
    "PricingConfiguration",
    "Product",
    "RateLimitError",
    "RawAnswer",
    "SessionError",
    "TransportError",
    "ValidationError",
]
