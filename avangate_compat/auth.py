"""The documented login hash and the REST authentication header.

``HMAC_<algo>(secret_key, len(code) + code + len(date) + date)`` in lowercase hex, where the
lengths are UTF-8 byte lengths and ``date`` is the UTC time of the request. The date is taken
at each call, never at construction, so a long-lived client keeps signing the present.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import TYPE_CHECKING, Any, Callable, Optional

import attrs

if TYPE_CHECKING:
    from .config import Config
    from .transport import HttpRequest

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


class SignedHeader:
    """The REST authentication: no session; every attempt of every request carries
    ``X-Avangate-Authentication`` with a fresh date and hash (retries included)."""

    login_count = 0

    def __init__(self, config: Config, send: Callable[..., Any]) -> None:
        self._config = config
        self._send = send

    def run(self, operation: Any, args: list[Any], deadline: float) -> Any:
        return self._send(operation, args, deadline)

    def sign(self, request: HttpRequest) -> HttpRequest:
        config = self._config
        header = rest_auth_header(config.merchant_code, config.secret_key,
                                  config.hash_algorithm)
        return attrs.evolve(request, headers={**request.headers,
                                              "X-Avangate-Authentication": header})

    def secrets(self) -> list[str]:
        return [self._config.secret_key, self._config.merchant_code]
