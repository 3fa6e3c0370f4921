"""What every codec reads the same way in an answer: ``Retry-After``, and an HTTP error status
that carries no error of the protocol (a proxy page, a bare 503)."""

from __future__ import annotations

import time
from typing import Optional

from ..errors import AvangateError, TransportError, api_error
from ..transport import Answer

_PROTOCOLS = {"soap": "SOAP", "jsonrpc": "JSON-RPC", "rest": "REST"}


def retry_after(answer: Answer) -> Optional[float]:
    """``Retry-After`` in seconds (delta or HTTP date), or ``None``."""
    value = answer.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(min(int(value), 86400))
    try:
        from email.utils import parsedate_to_datetime
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when.timestamp() - time.time())


def http_failure(operation: str, backend: str, answer: Answer) -> AvangateError:
    """An HTTP status outside 2xx without the protocol's error body (a proxy page, a bare 503):
    the same error on every backend, a :class:`RateLimitError` for 429."""
    wait = retry_after(answer)
    if answer.status == 429:
        return api_error(operation, backend, None, "too many requests", 429, retry_after=wait)
    what = "redirected" if 300 <= answer.status < 400 else "HTTP error"
    return TransportError(operation, backend, f"{what} without a {_PROTOCOLS[backend]} answer "
                                              f"({answer.content_type})", answer.status,
                          failure="http", retry_after=wait)
