"""The signing rules 2Checkout's notifications share: payment (IPN, :mod:`.ipn`) and license
change (LCN, :mod:`.lcn`) notifications are checked and answered the same way, here.

- **Input**: the raw urlencoded body (``bytes``/``str``, the received order), ``(name, value)``
  pairs, or a multi-dict (werkzeug ``MultiDict``, Django ``QueryDict``, a ``dict`` of lists),
  read into ``(name, value)`` pairs; anything else is a :class:`ValidationError`.
- **Serialisation**: each value prefixed with its length in **bytes** of its UTF-8 text (an
  empty value gives ``0``), concatenated. Text that is not valid Unicode (a lone surrogate)
  cannot be UTF-8 and is refused with :class:`ValidationError`.
- **Signatures** received: ``SIGNATURE_SHA3_256``, ``SIGNATURE_SHA2_256`` and ``HASH``
  (HMAC-MD5), lowercase hex, compared case-insensitively and in constant time. Every one
  present must verify, strongest first; the first that fails is named.
- **Read receipt**: ``<sig algo="sha256|sha3-256" date="YmdHis">HMAC</sig>`` or the legacy
  ``<EPAYMENT>YmdHis|HMAC-MD5</EPAYMENT>``, the HMAC over the notification's chosen values
  followed by the answer's own date (UTC).
"""

from __future__ import annotations

import hashlib
import hmac
import time
import urllib.parse
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timezone
from typing import Any, Callable, Union

from .errors import SignatureError, ValidationError

# The signature fields, strongest first, with the algorithm and digest each one uses.
SIGNATURE_FIELDS: tuple[tuple[str, str, Callable[..., Any]], ...] = (
    ("SIGNATURE_SHA3_256", "sha3-256", hashlib.sha3_256),
    ("SIGNATURE_SHA2_256", "sha256", hashlib.sha256),
    ("HASH", "md5", hashlib.md5),
)
DIGESTS: dict[str, Callable[..., Any]] = {algo: digest for _, algo, digest in SIGNATURE_FIELDS}
SIGNATURE_NAMES = frozenset(name for name, _, _ in SIGNATURE_FIELDS)
DATE_FORMAT = "%Y%m%d%H%M%S"
MAX_FIELDS = 10_000

Form = Union[bytes, bytearray, memoryview, str, Mapping[str, Any], Iterable[Any]]


def secret(operation: str, secret_key: object) -> bytes:
    """The merchant's secret key as the HMAC key; a typed error if it is not usable text."""
    if not isinstance(secret_key, str) or not secret_key:
        raise ValidationError(operation, "secret_key must be a non-empty string")
    return utf8(operation, secret_key, "secret_key")


def form_fields(operation: str, form: Form) -> list[tuple[str, str]]:
    """The ``(name, value)`` pairs of a notification, from the raw urlencoded body (the
    received order), pairs (kept as given) or a multi-dict (grouped by name)."""
    if isinstance(form, (bytes, bytearray, memoryview)):
        try:
            form = bytes(form).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValidationError(operation, f"the body is not UTF-8 text ({exc})") from None
    if isinstance(form, str):
        try:
            return urllib.parse.parse_qsl(form, keep_blank_values=True, encoding="utf-8",
                                          errors="strict", max_num_fields=MAX_FIELDS)
        except UnicodeDecodeError as exc:
            raise ValidationError(operation, "a percent-encoded value is not UTF-8 "
                                             f"({exc})") from None
        except ValueError as exc:
            raise ValidationError(operation, f"the body is not a form: {exc}") from None
    lists = getattr(form, "lists", None)
    if callable(lists):  # werkzeug MultiDict, Django QueryDict: name -> list, grouped
        pairs: Iterable[Any] = ((name, value) for name, values in lists() for value in values)
    elif isinstance(form, Mapping):
        pairs = ((name, value) for name, values in form.items()
                 for value in (values if isinstance(values, (list, tuple)) else [values]))
    elif isinstance(form, Iterable):
        pairs = form
    else:
        raise ValidationError(operation, "expected the raw body (bytes or str), a list of "
                                         f"(name, value) pairs or a multi-dict, not "
                                         f"{type(form).__name__}")
    out: list[tuple[str, str]] = []
    for pair in pairs:
        if not (isinstance(pair, (tuple, list)) and len(pair) == 2
                and isinstance(pair[0], str) and isinstance(pair[1], str)):
            raise ValidationError(operation, "every field must be a (name, value) pair of "
                                             f"strings, not {pair!r}")
        utf8(operation, pair[0] + pair[1], f"field {len(out)} ({pair[0][:40]!a})")
        out.append((pair[0], pair[1]))
        if len(out) > MAX_FIELDS:
            raise ValidationError(operation, f"more than {MAX_FIELDS} fields")
    return out


def utf8(operation: str, text: str, what: str) -> bytes:
    """``text`` as UTF-8; a lone surrogate (not Unicode, so not signable) is a typed error."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError(operation, f"{what} is not valid Unicode text "
                                         "(it holds a lone surrogate)") from None


def serialise(operation: str, values: Iterable[str]) -> bytes:
    """The bytes an HMAC covers: each value's UTF-8 byte length, then its bytes."""
    out = []
    for value in values:
        data = utf8(operation, value, "a field value")
        out.append(str(len(data)).encode("ascii") + data)
    return b"".join(out)


def signed_string(operation: str, fields: Iterable[tuple[str, str]]) -> bytes:
    """Every non-signature field's values, serialised, names in order of first appearance and
    each name's values together (how 2Checkout's PHP listener reads ``$_POST``)."""
    grouped: dict[str, list[str]] = {}
    for name, value in fields:
        if name not in SIGNATURE_NAMES:
            grouped.setdefault(name, []).append(value)
    return serialise(operation, (value for values in grouped.values() for value in values))


def mac(key: bytes, message: bytes, algo: str) -> str:
    """HMAC of ``message`` with ``algo`` (``md5``, ``sha256`` or ``sha3-256``), lowercase hex."""
    return hmac.new(key, message, DIGESTS[algo]).hexdigest()


def same(expected: str, received: str) -> bool:
    """Whether a received hex signature is ``expected``: case-insensitive, constant time."""
    given = received.strip().lower().encode("utf-8", "backslashreplace")
    return hmac.compare_digest(expected.lower().encode("ascii"), given)


def check(fields: Sequence[tuple[str, str]], key: bytes, message: bytes, *,
          allow_md5_only: bool, error: type[SignatureError], mismatch: str) -> str:
    """Check every signature ``fields`` carries against ``message``, strongest first, and
    return the strongest one's algorithm; raise ``error`` naming the first that fails.
    ``mismatch`` says what a wrong signature can mean."""
    present = []
    for name, algo, _digest in SIGNATURE_FIELDS:
        values = [value for field, value in fields if field == name]
        if len(values) > 1:
            raise error(name, f"{name} appears {len(values)} times")
        if values:
            present.append((name, algo, values[0]))
    if not present:
        raise error(None, "the notification carries no signature "
                          "(SIGNATURE_SHA3_256, SIGNATURE_SHA2_256 or HASH)")
    if not allow_md5_only and [p[0] for p in present] == ["HASH"]:
        raise error("HASH", "only an MD5 HASH is present and MD5-only "
                            "notifications are refused (allow_md5_only=False)")
    for name, algo, given in present:
        if not same(mac(key, message, algo), given):
            raise error(name, f"{name} does not match the notification ({mismatch})")
    return present[0][1]


def answer_date(operation: str, now: Union[datetime, float, None]) -> str:
    """The read receipt's date, ``YmdHis`` in UTC: ``now`` is a ``datetime`` (naive meaning
    UTC) or epoch seconds, the current time when ``None``. A time that has no 14-digit
    ``YmdHis`` (NaN, infinity, before year 1000 or after 9999) is a typed error."""
    if now is None:
        when = datetime.now(timezone.utc)
    elif isinstance(now, datetime):
        when = now
        if now.tzinfo is not None:
            try:
                when = now.astimezone(timezone.utc)
            except (OverflowError, ValueError, TypeError):
                when = datetime.min  # refused below, with the same message
    elif isinstance(now, (int, float)) and not isinstance(now, bool):
        try:  # truncated to the second, as time.gmtime does
            when = datetime(*time.gmtime(now)[:6])
        except (OverflowError, ValueError, OSError):
            when = datetime.min
    else:
        raise ValidationError(operation, "now must be a datetime or epoch seconds, not "
                                         f"{type(now).__name__}")
    if not 1000 <= when.year <= 9999:
        raise ValidationError(operation, "now must be a finite time between the years 1000 "
                                         "and 9999 (the answer's date is YmdHis)")
    return when.strftime(DATE_FORMAT)


def receipt(operation: str, key: bytes, values: Sequence[str], algo: object,
            now: Union[datetime, float, None]) -> str:
    """The read receipt: the HMAC of ``values`` followed by the answer's date, in the answer
    form ``algo`` names (``sha256``, ``sha3-256``, or ``md5`` for ``<EPAYMENT>``)."""
    if not isinstance(algo, str) or algo not in DIGESTS:
        raise ValidationError(operation, "algo must be 'sha256', 'sha3-256' or 'md5', "
                                         f"not {algo!r}")
    date = answer_date(operation, now)
    signature = mac(key, serialise(operation, [*values, date]), algo)
    if algo == "md5":
        return f"<EPAYMENT>{date}|{signature}</EPAYMENT>"
    return f'<sig algo="{algo}" date="{date}">{signature}</sig>'
