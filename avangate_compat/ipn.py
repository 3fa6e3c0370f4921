"""Instant payment notifications (IPN): check the signature 2Checkout sends, build the answer.

A notification is an ``application/x-www-form-urlencoded`` POST. It carries one or more of
``SIGNATURE_SHA3_256``, ``SIGNATURE_SHA2_256`` and ``HASH`` (HMAC-MD5), each an HMAC keyed with
the merchant's secret key over the same string: every other field's value, prefixed with its
length **in bytes** of its UTF-8 text (an empty value gives ``0``), lowercase hex.

Bytes, not characters: the official Python, Ruby, Node, Java and .NET helpers count characters,
so a customer named "Zoë" (3 characters, 4 bytes) breaks them. Here every length is
``len(value.encode("utf-8"))``.

Order. The documentation says "in the order received"; array fields (``IPN_PID[]``,
``IPN_PNAME[]``...) contribute each of their values in turn. 2Checkout sends each array's values
next to each other, and its own reference listener (PHP, ``$_POST``) reads the body as
name -> values, a repeated name keeping the place of its first appearance. This module signs
exactly that: names in the order they first appear, each name's values together, in order. For
every notification 2Checkout sends it is the literal received order; and it gives the same
answer whatever shape the form arrives in, because the multi-dicts of web frameworks
(werkzeug/Flask ``MultiDict``, Django ``QueryDict``) store name -> list and cannot keep values
of different names interleaved anyway. What is never lost is the order of values within a name
and the order of first appearance of names; both are kept by:

- the raw body (``bytes`` or ``str``, e.g. ``request.get_data()``): the exact received order;
- a list of ``(name, value)`` pairs (``urllib.parse.parse_qsl(body, keep_blank_values=True)``):
  the exact received order;
- a werkzeug/Flask ``MultiDict``/``ImmutableMultiDict``, a Django ``QueryDict``, or a plain
  ``dict`` of ``name -> value or list of values`` (``urllib.parse.parse_qs``,
  ``request.form.to_dict(flat=False)``): grouped by name, which signs the same.

A flat ``dict`` that kept one value per name (``request.form.to_dict()``) loses repeated
values; the signature then fails, it is not silently accepted. :attr:`Notification.fields` is
the received order for the first two inputs and the grouped order for the others.

Which signatures must verify: every one present. They are checked strongest first (SHA3-256,
SHA-256, MD5) and the first that fails is named in :class:`IPNSignatureError`; a correct SHA3
next to a wrong MD5 is refused, since a genuine notification is signed consistently and an
inconsistent one is at best corrupt (2Checkout resends a notification that got no valid
answer). MD5 alone is accepted only with ``allow_md5_only=True`` (the default, for accounts
still on the legacy scheme). Received signatures compare case-insensitively (the documentation
says hash values are case-insensitive) and in constant time.

The answer (:func:`response`) is ``<sig algo="sha256" date="YmdHis">HMAC</sig>`` (or
``sha3-256``), or the legacy ``<EPAYMENT>YmdHis|HMAC-MD5</EPAYMENT>``, the HMAC taken over the
length-prefixed ``IPN_PID[0]``, ``IPN_PNAME[0]``, ``IPN_DATE`` and the answer's own date (UTC).
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Optional, Union

import attrs

from . import signing
from .convert import bounded_decimal
from .errors import ConversionError, IPNSignatureError, ValidationError
from .signing import Form

_DIGITS = re.compile(r"[0-9]+")


@attrs.frozen
class ProductLine:
    """One product of the order: ``IPN_PID[]``, ``IPN_PNAME[]``, ``IPN_QTY[]``, ``IPN_PRICE[]``
    (the unit price) and ``IPN_PCODE[]`` at the same index. A value the notification did not
    carry, or that does not read as its type, is ``None``; the text stays in ``fields``."""

    pid: Optional[str] = None
    name: Optional[str] = None
    qty: Optional[int] = None
    price: Optional[Decimal] = None
    code: Optional[str] = None


@attrs.frozen
class Notification:
    """A notification whose signatures verified.

    Dates are naive ``datetime`` objects as 2Checkout wrote them: ``IPN_DATE`` as ``YmdHis``,
    ``SALEDATE``/``COMPLETE_DATE`` as ``Y-m-d H:i:s``, in 2Checkout's server time (the
    documentation names no zone); the text is in :attr:`fields` (``get("IPN_DATE")``). Money is
    ``Decimal``. ``signature`` names the strongest algorithm that verified.
    """

    fields: tuple[tuple[str, str], ...]
    signature: str
    ref_no: Optional[str] = None
    ref_no_ext: Optional[str] = None
    order_no: Optional[str] = None
    order_status: Optional[str] = None
    ipn_date: Optional[datetime] = None
    sale_date: Optional[datetime] = None
    complete_date: Optional[datetime] = None
    currency: Optional[str] = None
    total: Optional[Decimal] = None
    first_name: Optional[str] = None
    last_name: Optional[str] = None
    email: Optional[str] = None
    test_order: bool = False
    products: tuple[ProductLine, ...] = ()

    def get(self, name: str, default: Optional[str] = None) -> Optional[str]:
        """The first value of field ``name`` (``"IPN_PID[]"`` for an array field)."""
        for key, value in self.fields:
            if key == name:
                return value
        return default

    def getlist(self, name: str) -> list[str]:
        """Every value of field ``name``, in order."""
        return [value for key, value in self.fields if key == name]


def verify(form: Form, secret_key: str, *, allow_md5_only: bool = True) -> Notification:
    """Check a notification's signatures and read it.

    ``form`` is the raw urlencoded body (``bytes``/``str``), a list of ``(name, value)``
    pairs, or a multi-dict (see the module documentation for what each keeps of the order).
    Raises :class:`IPNSignatureError` when a signature is missing, refused or wrong, and
    :class:`~avangate_compat.errors.ValidationError` when the input itself is unusable.
    """
    key = _key("ipn.verify", secret_key)
    fields = _fields(form)
    algo = signing.check(fields, key, signing.signed_string("ipn.verify", fields),
                         allow_md5_only=allow_md5_only, error=IPNSignatureError,
                         mismatch="wrong secret key, or altered fields")
    return _read(tuple(fields), algo)


def response(notification: Notification, secret_key: str, algo: str = "sha256",
             now: Union[datetime, float, None] = None) -> str:
    """The answer body that tells 2Checkout the notification arrived.

    ``algo`` is ``"sha256"`` or ``"sha3-256"`` (``<sig algo=... date=...>``), or ``"md5"`` for
    the legacy ``<EPAYMENT>date|hash</EPAYMENT>``. ``now`` (a ``datetime``, naive meaning UTC,
    or epoch seconds) fixes the answer's date; the default is the current UTC time.
    """
    key = _key("ipn.response", secret_key)
    if not isinstance(notification, Notification):
        raise ValidationError("ipn.response", "expected the Notification verify() returned")
    values = [_first(notification, "IPN_PID"), _first(notification, "IPN_PNAME"),
              notification.get("IPN_DATE") or ""]
    return signing.receipt("ipn.response", key, values, algo, now)


def signed_string(fields: Form) -> bytes:
    """The bytes the signatures cover: every non-signature field's values, each prefixed with
    its UTF-8 byte length, names in order of first appearance, each name's values together."""
    return signing.signed_string("ipn.signed_string",
                                 signing.form_fields("ipn.signed_string", fields))


# -- input ---------------------------------------------------------------------------------------


_key = signing.secret


def _fields(form: Form) -> list[tuple[str, str]]:
    return signing.form_fields("ipn.verify", form)


# -- reading -------------------------------------------------------------------------------------


def _read(fields: tuple[tuple[str, str], ...], signature: str) -> Notification:
    first: dict[str, str] = {}
    for name, value in fields:
        first.setdefault(name, value)

    def array(base: str) -> list[str]:
        """``base[]`` and ``base[N]`` values, in order."""
        return [value for name, value in fields
                if name.startswith(base + "[") and name.endswith("]")
                and (name == base + "[]" or _DIGITS.fullmatch(name[len(base) + 1:-1]))]

    columns = [array(base) for base in ("IPN_PID", "IPN_PNAME", "IPN_QTY", "IPN_PRICE",
                                        "IPN_PCODE")]
    count = max(len(column) for column in columns)
    cells = [[column[i] if i < len(column) else None for i in range(count)]
             for column in columns]
    products = tuple(
        ProductLine(pid=pid, name=name, qty=_int(qty), price=_decimal(price), code=code)
        for pid, name, qty, price, code in zip(*cells))
    return Notification(
        fields=fields, signature=signature,
        ref_no=first.get("REFNO") or None, ref_no_ext=first.get("REFNOEXT") or None,
        order_no=first.get("ORDERNO") or None, order_status=first.get("ORDERSTATUS") or None,
        ipn_date=_date(first.get("IPN_DATE"), "%Y%m%d%H%M%S"),
        sale_date=_date(first.get("SALEDATE"), "%Y-%m-%d %H:%M:%S"),
        complete_date=_date(first.get("COMPLETE_DATE"), "%Y-%m-%d %H:%M:%S"),
        currency=first.get("CURRENCY") or None, total=_decimal(first.get("IPN_TOTALGENERAL")),
        first_name=first.get("FIRSTNAME") or None, last_name=first.get("LASTNAME") or None,
        email=first.get("CUSTOMEREMAIL") or None, test_order=first.get("TEST_ORDER") == "1",
        products=products)


def _first(notification: Notification, base: str) -> str:
    for name, value in notification.fields:
        if name in (base + "[]", base + "[0]"):
            return value
    return ""


def _date(text: Optional[str], pattern: str) -> Optional[datetime]:
    if not text:
        return None
    try:
        return datetime.strptime(text.strip(), pattern)
    except ValueError:
        return None  # kept as text in fields; an unexpected format must not refuse a payment


def _decimal(text: Optional[str]) -> Optional[Decimal]:
    if not text:
        return None
    try:  # finite and within a price's range, checked before any arithmetic
        return bounded_decimal(text)
    except ConversionError:
        return None


def _int(text: Optional[str]) -> Optional[int]:
    if text is None or not _DIGITS.fullmatch(text.strip()) or len(text.strip()) > 18:
        return None
    return int(text.strip())


__all__ = ["IPNSignatureError", "Notification", "ProductLine", "response", "signed_string",
           "verify"]
