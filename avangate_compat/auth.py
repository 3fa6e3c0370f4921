"""The documented login hash and the REST authentication header; what an auth flow yields.

``HMAC_<algo>(secret_key, len(code) + code + len(date) + date)`` in lowercase hex, where the
lengths are UTF-8 byte lengths and ``date`` is the UTC time of the request. The date is taken
at each call, never at construction, so a long-lived client keeps signing the present.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Generator
from typing import TYPE_CHECKING, Any, Callable, Optional

from .transport import HttpRequest
from .wire import Secrets

if TYPE_CHECKING:
    from .operations import Operation

_DIGESTS = {"sha256": hashlib.sha256, "sha3-256": hashlib.sha3_256, "md5": hashlib.md5}


def utc_date(now: Optional[Callable[[], float]] = None) -> str:
    """The current UTC time as the API wants it: ``YYYY-MM-DD HH:MM:SS``."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime((now or time.time)()))


def login_hash(merchant_code: str, secret_key: str, date: str, algorithm: str = "sha256") -> str:
    """HMAC of the length-prefixed merchant code and date, lowercase hex."""
    try:
        digest = _DIGESTS[algorithm]
    except KeyError:
        raise ValueError(f"unsupported hash algorithm {algorithm!r}") from None
    code = merchant_code.encode("utf-8")
    when = date.encode("utf-8")
    message = b"%d%s%d%s" % (len(code), code, len(when), when)
    return hmac.new(secret_key.encode("utf-8"), message, digest).hexdigest()


def login_params(merchant_code: str, secret_key: str, algorithm: str,
                 date: Optional[str] = None) -> list[str]:
    """Positional ``login`` arguments; MD5 is the pre-6.0 scheme and sends no ``algo``."""
    date = date or utc_date()
    params = [merchant_code, date, login_hash(merchant_code, secret_key, date, algorithm)]
    if algorithm != "md5":
        params.append(algorithm)
    return params


def rest_auth_header(merchant_code: str, secret_key: str, algorithm: str,
                     date: Optional[str] = None) -> str:
    """Value of ``X-Avangate-Authentication`` for one REST request."""
    date = date or utc_date()
    digest = login_hash(merchant_code, secret_key, date, algorithm)
    header = f'code="{merchant_code}" date="{date}" hash="{digest}"'
    if algorithm != "md5":
        header += f' algo="{algorithm}"'
    return header


class Call:
    """What an auth flow yields: one call to make, its wire arguments complete (the sessionID
    first where the protocol wants one); ``quiet`` keeps its bodies out of the wire log."""

    __slots__ = ("args", "operation", "quiet")

    def __init__(self, operation: Operation[Any], args: list[Any], quiet: bool = False) -> None:
        self.operation = operation
        self.args = args
        self.quiet = quiet


Flow = Generator[Call, Any, Any]
"""An auth flow: yields each call to make, receives its decoded data (or has its error thrown
in), returns the result, in the style of httpx's ``Auth.auth_flow``."""


class SignedHeader:
    """The REST authentication: no session; every attempt of every request carries
    ``X-Avangate-Authentication`` with a fresh date and hash (retries included)."""

    login_count = 0
    logs_in = False

    def __init__(self, merchant_code: str, secret_key: str, algorithm: str) -> None:
        self._credentials = (merchant_code, secret_key, algorithm)
        self.secrets = Secrets([secret_key, merchant_code])

    def flow(self, operation: Operation[Any], args: list[Any], deadline: float) -> Flow:
        return (yield Call(operation, args))

    def sign(self, request: HttpRequest) -> HttpRequest:
        header = rest_auth_header(*self._credentials)
        return HttpRequest(request.method, request.url, request.body,
                           {**request.headers, "X-Avangate-Authentication": header},
                           request.params, request.context, request.label, request.quiet)
