"""License change notifications (LCN): check the signature 2Checkout sends when a subscription
changes, and build the read receipt it expects back.

An LCN is an ``application/x-www-form-urlencoded`` POST, read and signed like a payment
notification (:mod:`.ipn`); the rules both share are in :mod:`.signing`.

The read receipt is documented: the HMAC of ``LICENSE_CODE``, ``EXPIRATION_DATE`` and the
answer's own date (``YmdHis``, UTC), each prefixed with its length in UTF-8 bytes, in that
order and nothing else, answered as ``<sig algo="sha256" date="...">HMAC</sig>`` (or
``sha3-256``) or the legacy ``<EPAYMENT>date|HMAC-MD5</EPAYMENT>``.

The incoming signature's field order is **not** documented (the page says only that the hash
is computed "using data sent" and the secret key). This module infers the IPN rule: every
field except the signatures, each value length-prefixed, names in the order received, and
the same signature fields as IPN (``SIGNATURE_SHA3_256``, ``SIGNATURE_SHA2_256``, ``HASH``),
every one present checked. The inference is checkable: :func:`expected_signatures` and
:func:`signed_string` show what this module expects for a notification you received, and
``signed_fields=[...]`` in :func:`verify` signs exactly the fields you name, in your order,
should 2Checkout's real rule differ. The facts: ``docs/api-facts.md``, "License change
notifications (LCN)".
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import datetime
from typing import Optional, TypeVar, Union

import attrs

from . import signing
from .errors import LCNSignatureError, ValidationError
from .signing import Form

LIFETIME = datetime(9999, 12, 31, 23, 59, 59)  # EXPIRATION_DATE of a lifetime subscription
RECEIPT_FIELDS = ("LICENSE_CODE", "EXPIRATION_DATE")  # then the answer's date
_DATES = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d")
_MISMATCH = ("wrong secret key, altered fields, or 2Checkout signs LCN fields otherwise than "
             "this module infers: compare with lcn.expected_signatures(), and see signed_fields")


class LicenseType(str, enum.Enum):
    """``LICENSE_TYPE``: a paid subscription or a trial."""

    REGULAR = "REGULAR"
    TRIAL = "TRIAL"


class ChangedBy(str, enum.Enum):
    """``CHANGED_BY``: who made the change."""

    CUSTOMER = "CUSTOMER"
    VENDOR = "VENDOR"
    SYSTEM = "SYSTEM"


def _masked(fields: tuple[tuple[str, str], ...]) -> str:
    """Fields for repr, with the received signatures hidden."""
    return repr(tuple((name, "***" if name in signing.SIGNATURE_NAMES else value)
                      for name, value in fields))


@attrs.frozen
class Notification:
    """A license change notification whose signatures verified.

    ``license_code`` is the subscription reference. Dates are naive ``datetime`` objects as
    2Checkout wrote them (``Y-m-d H:i:s``, or ``Y-m-d``), in 2Checkout's server time; a
    lifetime subscription expires at :data:`LIFETIME`. A value that is absent or does not read
    as its type (an enum value this version does not know) is ``None``; the text stays in
    :attr:`fields`. ``status`` is plain text: its values are not documented.
    """

    fields: tuple[tuple[str, str], ...] = attrs.field(repr=_masked)
    signature: str
    license_code: Optional[str] = None
    expiration_date: Optional[datetime] = None
    date_updated: Optional[datetime] = None
    license_type: Optional[LicenseType] = None
    changed_by: Optional[ChangedBy] = None
    status: Optional[str] = None
    test: bool = False
    avangate_customer_reference: Optional[str] = None
    external_customer_reference: Optional[str] = None
    first_name: Optional[str] = None
    last_name: Optional[str] = None
    company: Optional[str] = None
    email: Optional[str] = None
    phone: Optional[str] = None
    fax: Optional[str] = None
    country: Optional[str] = None
    state: Optional[str] = None
    city: Optional[str] = None
    zip: Optional[str] = None
    address: Optional[str] = None

    @property
    def lifetime(self) -> bool:
        """Whether the subscription never expires."""
        return self.expiration_date == LIFETIME

    def get(self, name: str, default: Optional[str] = None) -> Optional[str]:
        """The first value of field ``name``."""
        return next((value for key, value in self.fields if key == name), default)


def verify(form: Form, secret_key: str, *, allow_md5_only: bool = True,
           signed_fields: Optional[Sequence[str]] = None) -> Notification:
    """Check a license change notification's signatures and read it.

    ``form`` is the raw urlencoded body, ``(name, value)`` pairs or a multi-dict, as for
    :func:`avangate_compat.ipn.verify`. ``signed_fields`` names the fields the signatures
    cover, in order, instead of the inferred rule (all fields as received). Raises
    :class:`LCNSignatureError` when a signature is missing, refused or wrong, and
    :class:`ValidationError` when the input itself is unusable.
    """
    operation = "lcn.verify"
    key = signing.secret(operation, secret_key)
    fields = signing.form_fields(operation, form)
    message = _signed(operation, fields, signed_fields)
    algo = signing.check(fields, key, message, allow_md5_only=bool(allow_md5_only),
                         error=LCNSignatureError, mismatch=_MISMATCH)
    return _read(tuple(fields), algo)


def response(notification: Notification, secret_key: str, algo: str = "sha256",
             now: Union[datetime, float, None] = None) -> str:
    """The read receipt that tells 2Checkout the notification arrived.

    ``algo`` is ``"sha256"`` or ``"sha3-256"`` (``<sig algo=... date=...>``), or ``"md5"`` for
    the legacy ``<EPAYMENT>date|hash</EPAYMENT>``. ``now`` (a ``datetime``, naive meaning UTC,
    or epoch seconds) fixes the answer's date; the default is the current UTC time.
    """
    operation = "lcn.response"
    key = signing.secret(operation, secret_key)
    if not isinstance(notification, Notification):
        raise ValidationError(operation, "expected the Notification lcn.verify() returned")
    values = [notification.get(name) or "" for name in RECEIPT_FIELDS]
    return signing.receipt(operation, key, values, algo, now)


def signed_string(form: Form, *, signed_fields: Optional[Sequence[str]] = None) -> bytes:
    """The bytes this module expects the signatures of ``form`` to cover: by default every
    non-signature value as received, length-prefixed (the inferred rule); with
    ``signed_fields``, the values of those fields in that order."""
    operation = "lcn.signed_string"
    return _signed(operation, signing.form_fields(operation, form), signed_fields)


def expected_signatures(form: Form, secret_key: str, *,
                        signed_fields: Optional[Sequence[str]] = None) -> dict[str, str]:
    """The ``SIGNATURE_SHA3_256``, ``SIGNATURE_SHA2_256`` and ``HASH`` values this module
    expects for ``form`` under the inferred rule (or ``signed_fields``): compare them with
    what 2Checkout sent to see whether the rule holds for your account."""
    operation = "lcn.expected_signatures"
    key = signing.secret(operation, secret_key)
    message = _signed(operation, signing.form_fields(operation, form), signed_fields)
    return {name: signing.mac(key, message, algo) for name, algo, _ in signing.SIGNATURE_FIELDS}


# -- input ---------------------------------------------------------------------------------------


def _signed(operation: str, fields: list[tuple[str, str]],
            signed_fields: Optional[Sequence[str]]) -> bytes:
    if signed_fields is None:
        return signing.signed_string(operation, fields)
    if (isinstance(signed_fields, (str, bytes)) or not isinstance(signed_fields, Sequence)
            or not signed_fields or not all(isinstance(n, str) for n in signed_fields)):
        raise ValidationError(operation, "signed_fields must be a non-empty list of field "
                                         "names")
    values = []
    for name in signed_fields:
        if name in signing.SIGNATURE_NAMES:
            raise ValidationError(operation, f"signed_fields names {name}, a signature")
        found = [value for field, value in fields if field == name]
        if not found:
            raise ValidationError(operation, f"signed_fields names {name!r}, which the "
                                             "notification does not carry")
        values.extend(found)
    return signing.serialise(operation, values)


# -- reading -------------------------------------------------------------------------------------


def _read(fields: tuple[tuple[str, str], ...], signature: str) -> Notification:
    first: dict[str, str] = {}
    for name, value in fields:
        first.setdefault(name, value)

    def text(*names: str) -> Optional[str]:
        return next((first[name] for name in names if first.get(name)), None)

    return Notification(
        fields=fields, signature=signature,
        license_code=text("LICENSE_CODE"),
        expiration_date=_date(first.get("EXPIRATION_DATE")),
        date_updated=_date(first.get("DATE_UPDATED")),
        license_type=_member(LicenseType, first.get("LICENSE_TYPE")),
        changed_by=_member(ChangedBy, first.get("CHANGED_BY")),
        status=text("STATUS"), test=first.get("TEST", "").strip() == "1",
        avangate_customer_reference=text("AVANGATE_CUSTOMER_REFERENCE"),
        external_customer_reference=text("EXTERNAL_CUSTOMER_REFERENCE"),
        first_name=text("FIRST_NAME", "FIRSTNAME"), last_name=text("LAST_NAME", "LASTNAME"),
        company=text("COMPANY"), email=text("EMAIL"), phone=text("PHONE"), fax=text("FAX"),
        country=text("COUNTRY"), state=text("STATE"), city=text("CITY"), zip=text("ZIP"),
        address=text("ADDRESS"))


def _date(text: Optional[str]) -> Optional[datetime]:
    for pattern in _DATES:
        try:
            return datetime.strptime((text or "").strip(), pattern)
        except ValueError:
            continue  # kept as text in fields: an unexpected format must not refuse a change
    return None


_E = TypeVar("_E", LicenseType, ChangedBy)


def _member(kind: type[_E], text: Optional[str]) -> Optional[_E]:
    try:
        return kind((text or "").strip())
    except ValueError:
        return None


__all__ = ["LIFETIME", "ChangedBy", "LCNSignatureError", "LicenseType", "Notification",
           "expected_signatures", "response", "signed_string", "verify"]
