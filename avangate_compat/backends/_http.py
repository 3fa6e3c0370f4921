"""What the three backends share: one pooled requests.Session, timeouts, JSON, error mapping.

No requests or JSON exception leaves this module: connection failures and timeouts become
:class:`TransportError` (``retryable`` when the request surely never reached the server).
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, Optional

import requests
from requests.adapters import HTTPAdapter

from ..config import Config
from ..errors import TransportError

USER_AGENT = "avangate-compat/0.1 (+python-requests)"


class RetryableTransportError(TransportError):
    """The connection failed before the request was sent; repeating it is safe."""


def make_session(config: Config) -> requests.Session:
    """A keep-alive session: one pool per client, sized for a few dozen threads."""
    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=4, pool_maxsize=32, max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.verify = config.verify_tls
    session.trust_env = False  # a proxy from the environment must not see credentials silently
    session.headers["User-Agent"] = USER_AGENT
    return session


def send(session: requests.Session, config: Config, operation: str, backend: str,
         method: str, url: str, **kwargs: Any) -> requests.Response:
    """One HTTP exchange with the configured timeouts; transport failures become ours."""
    try:
        return session.request(method, url, timeout=config.timeout, allow_redirects=False,
                               **kwargs)
    except requests.ConnectTimeout as exc:
        raise RetryableTransportError(operation, backend, _describe(exc)) from None
    except requests.ConnectionError as exc:
        # requests raises ConnectionError both when connecting failed (safe to repeat) and when
        # the peer dropped a sent request (maybe processed): only the first is retryable.
        cls = RetryableTransportError if _never_sent(exc) else TransportError
        raise cls(operation, backend, _describe(exc)) from None
    except requests.Timeout as exc:
        raise TransportError(operation, backend, f"timed out: {_describe(exc)}") from None
    except requests.RequestException as exc:
        raise TransportError(operation, backend, _describe(exc)) from None


def _never_sent(exc: requests.ConnectionError) -> bool:
    text = repr(exc)
    return any(s in text for s in ("NewConnectionError", "Connection refused",
                                   "Name or service not known", "Failed to resolve"))


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def dumps(payload: Any) -> bytes:
    """JSON with Decimals sent as exact numbers (integers when whole)."""
    return json.dumps(payload, default=_json_default, separators=(",", ":")).encode("utf-8")


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return int(value)
        as_float = float(value)
        if Decimal(repr(as_float)) == value:
            return as_float  # repr round-trips: the JSON text is exactly the decimal
        return str(value)  # more digits than a double holds: send the exact text
    raise TypeError(f"cannot send {type(value).__name__} as JSON")


def loads(response: requests.Response, operation: str, backend: str) -> Optional[Any]:
    """The JSON body with floats read as Decimal; a non-JSON body is a transport error."""
    if not response.content:
        return None
    try:
        return json.loads(response.content, parse_float=Decimal)
    except ValueError:
        kind = response.headers.get("Content-Type", "unknown content")
        raise TransportError(operation, backend, f"answer is not JSON ({kind})",
                             response.status_code) from None
