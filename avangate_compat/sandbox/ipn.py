"""The sandbox as 2Checkout's notifier: sign a notification (a payment's IPN or a license
change's LCN), POST it to a merchant's listener on loopback, and judge the read receipt the
listener answers.

Written from the documentation, not from the client (``avangate_compat.ipn`` and ``.lcn``):
its own serialization, its own answer check. The signed string is every value but the
signatures', each preceded by its length in bytes of UTF-8; a repeated name (``IPN_PID[]``)
contributes its values together at the place the name first appears, as 2Checkout's PHP
listener reads ``$_POST``. Fields are sent in the order given, so an interleaved list is sent
interleaved. An LCN is signed by the same rule (inferred: docs/api-facts.md, "License change
notifications (LCN)"). The read receipt's HMAC covers a few documented values and then its
own date: ``IPN_PID[0]``, ``IPN_PNAME[0]`` and ``IPN_DATE`` for an IPN, ``LICENSE_CODE`` and
``EXPIRATION_DATE`` for an LCN.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import Any, Callable, Optional

from .service import invalid

SIGNATURES: tuple[tuple[str, Callable[..., Any]], ...] = (
    ("HASH", hashlib.md5),
    ("SIGNATURE_SHA2_256", hashlib.sha256),
    ("SIGNATURE_SHA3_256", hashlib.sha3_256),
)
ANSWER_DIGESTS: dict[str, Callable[..., Any]] = {
    "sha256": hashlib.sha256, "sha3-256": hashlib.sha3_256}
MAX_ANSWER = 64 * 1024
TIMEOUT = 10.0
_SIG = re.compile(r'<sig\s+algo="([^"]*)"\s+date="([0-9]{14})"\s*>\s*([0-9A-Fa-f]+)\s*</sig>')
_EPAYMENT = re.compile(r"<EPAYMENT>\s*([0-9]{14})\|([0-9A-Fa-f]+)\s*</EPAYMENT>")


def _serialize(values: list[str]) -> bytes:
    out = bytearray()
    for value in values:
        encoded = value.encode("utf-8")
        out += b"%d" % len(encoded)
        out += encoded
    return bytes(out)


def signing_source(fields: list[tuple[str, str]]) -> bytes:
    skip = {name for name, _ in SIGNATURES}
    order: list[str] = []
    values: dict[str, list[str]] = {}
    for name, value in fields:
        if name in skip:
            continue
        if name not in values:
            order.append(name)
            values[name] = []
        values[name].append(value)
    return _serialize([v for name in order for v in values[name]])


def sign(fields: list[tuple[str, str]], secret: bytes) -> list[tuple[str, str]]:
    """The three signature fields, as 2Checkout appends them."""
    source = signing_source(fields)
    return [(name, hmac.new(secret, source, digest).hexdigest()) for name, digest in SIGNATURES]


def _first(fields: list[tuple[str, str]], *names: str) -> str:
    return next((value for name, value in fields if name in names), "")


def ipn_receipt(fields: list[tuple[str, str]]) -> list[str]:
    """What an IPN's read receipt signs before its date: IPN_PID[0], IPN_PNAME[0], IPN_DATE."""
    return [_first(fields, "IPN_PID[]", "IPN_PID[0]"),
            _first(fields, "IPN_PNAME[]", "IPN_PNAME[0]"), _first(fields, "IPN_DATE")]


def lcn_receipt(fields: list[tuple[str, str]]) -> list[str]:
    """What an LCN's read receipt signs before its date: LICENSE_CODE, EXPIRATION_DATE."""
    return [_first(fields, "LICENSE_CODE"), _first(fields, "EXPIRATION_DATE")]


def expected_answer(receipt: list[str], secret: bytes, algo: str, date: str) -> str:
    """The HMAC a valid read receipt carries: the ``receipt`` values, then its date."""
    digest = ANSWER_DIGESTS.get(algo, hashlib.md5)
    return hmac.new(secret, _serialize([*receipt, date]), digest).hexdigest()


def check_answer(text: str, receipt: list[str],
                 secret: bytes) -> tuple[bool, Optional[str]]:
    """Whether ``text`` holds a valid read receipt over ``receipt``, and why not."""
    found = _SIG.search(text)
    if found:
        algo, date, given = found.groups()
        if algo not in ANSWER_DIGESTS:
            return False, f"unsupported algo {algo!r} in <sig> (sha256 or sha3-256)"
    else:
        legacy = _EPAYMENT.search(text)
        if not legacy:
            return False, 'no <sig algo="..." date="...">HASH</sig> or <EPAYMENT> in the answer'
        algo, (date, given) = "md5", legacy.groups()
    expected = expected_answer(receipt, secret, algo, date)
    if not hmac.compare_digest(expected, given.lower()):
        return False, f"the {algo} hash in the answer does not match"
    return True, None


def loopback_url(url: Any) -> str:
    """``url`` when it is an http URL on a loopback address, else the refusal."""
    if not isinstance(url, str):
        raise invalid("expected {url: 'http://127.0.0.1:PORT/path', fields: ...}")
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme != "http":
        raise invalid(f"the sandbox delivers notifications over http to loopback only, "
                      f"not {url!r}")
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise invalid(f"the sandbox delivers notifications to loopback addresses only, "
                      f"not {host!r}")
    try:
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        raise invalid(f"malformed port in {url!r}") from None
    return url


def _field_list(fields: Any) -> list[tuple[str, str]]:
    pairs: list[Any]
    if isinstance(fields, Mapping):
        pairs = [(name, v) for name, value in fields.items()
                 for v in (value if isinstance(value, list) else [value])]
    elif isinstance(fields, list):
        pairs = [tuple(pair) if isinstance(pair, list) else pair for pair in fields]
    else:
        raise invalid("fields must be [[name, value], ...] or {name: value or [values]}")
    out: list[tuple[str, str]] = []
    for pair in pairs:
        if not (isinstance(pair, tuple) and len(pair) == 2 and isinstance(pair[0], str)
                and isinstance(pair[1], (str, int)) and not isinstance(pair[1], bool)):
            raise invalid(f"every field is a [name, value] pair of strings, not {pair!r}")
        try:  # JSON can carry "\ud800", UTF-8 cannot: such a field cannot be signed or sent
            f"{pair[0]}{pair[1]}".encode()
        except UnicodeEncodeError:
            raise invalid(f"field {len(out)} ({pair[0][:40]!a}) holds a lone surrogate "
                          "(U+D800 to U+DFFF), which UTF-8 cannot carry") from None
        out.append((pair[0], str(pair[1])))
    return out


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a listener's redirect is its answer, never followed off loopback


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())


def deliver(body: Any, secret: bytes, now: float) -> dict[str, Any]:
    """Sign ``body["fields"]`` (IPN_DATE added when missing: ``now`` as YmdHis, UTC), POST
    them to ``body["url"]`` and report what the listener answered."""
    if not isinstance(body, Mapping):
        raise invalid("expected {url: 'http://127.0.0.1:PORT/path', fields: ...}")
    url = loopback_url(body.get("url"))
    fields = _field_list(body.get("fields", []))
    if any(name == signature for name, _ in fields for signature, _ in SIGNATURES):
        raise invalid("the sandbox signs the notification itself: send no HASH or SIGNATURE_*")
    if not any(name == "IPN_DATE" for name, _ in fields):
        fields.append(("IPN_DATE", time.strftime("%Y%m%d%H%M%S", time.gmtime(now))))
    return post(url, fields, secret, ipn_receipt(fields), "IPN")


def post(url: str, fields: list[tuple[str, str]], secret: bytes, receipt: list[str],
         kind: str) -> dict[str, Any]:
    """POST ``fields`` and their signatures to ``url`` (a checked loopback URL) and report
    what the listener answered: delivered, its status, and whether its answer carries a
    valid read receipt over ``receipt``. ``kind`` (IPN, LCN) names the sender."""
    sent = fields + sign(fields, secret)
    data = urllib.parse.urlencode(sent).encode("ascii")
    request = urllib.request.Request(  # noqa: S310 - http to loopback only, checked above
        url, data=data, method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded",
                 "User-Agent": f"avangate-compat-sandbox {kind}"})
    report: dict[str, Any] = {"delivered": False, "status": None, "answer": None,
                              "answer_valid": False, "reason": None, "fields": sent}
    try:
        with _OPENER.open(request, timeout=TIMEOUT) as answer:
            status, raw = answer.status, answer.read(MAX_ANSWER + 1)
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read(MAX_ANSWER + 1)
        error.close()
    except (OSError, ValueError, http.client.HTTPException) as error:  # refused, timeout
        report["reason"] = f"not delivered: {error}"
        return report
    text = raw[:MAX_ANSWER].decode("utf-8", "replace")
    report.update(delivered=True, status=status, answer=text)
    if status != 200:
        report["reason"] = f"the listener answered HTTP {status}"
        return report
    valid, reason = check_answer(text, receipt, secret)
    report.update(answer_valid=valid, reason=reason)
    return report


__all__ = ["check_answer", "deliver", "ipn_receipt", "lcn_receipt", "post", "sign",
           "signing_source"]
