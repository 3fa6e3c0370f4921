"""How a subscription lives: the history entry a sale or renewal writes, and the license change
notification (LCN) every change sends to the ``lcn_url`` listener (docs/sandbox.md,
"Subscriptions and time"). The clock's renewals and expiries are in :mod:`.subscription_clock`.

The handlers of :mod:`.subscriptions` (and ``placeOrder``) change a stored subscription record
under ``service.writing``, call :func:`changed` for it (and :func:`history` for a sale or a
renewal), store it, and after the lock call :func:`send` with the collected notes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

if TYPE_CHECKING:
    from avangate_compat.sandbox.service import Service

Note = list[tuple[str, str]]
"""The fields of one LCN to send."""

HISTORY_TYPES = ("SALE", "RENEWAL", "UPGRADE")
LIFETIME = "9999-12-31 23:59:59"  # the documented EXPIRATION_DATE of a lifetime subscription
# Subscription.Status has no documented values: "DISABLED" is the one seen; the others are
# the sandbox's own (docs/sandbox.md)
ACTIVE, DISABLED, EXPIRED = "ACTIVE", "DISABLED", "EXPIRED"
MAX_LCN_LOG = 1000
# the contact fields of an LCN, from the subscription's EndUser, cut to their documented
# maximum lengths
CONTACT = (("FIRST_NAME", "FirstName", 40), ("LAST_NAME", "LastName", 40),
           ("COMPANY", "Company", 40), ("EMAIL", "Email", 40), ("PHONE", "Phone", 40),
           ("FAX", "Fax", 40), ("COUNTRY", "CountryCode", 50), ("STATE", "State", 30),
           ("CITY", "City", 30), ("ZIP", "Zip", 20))


def history(record: dict[str, Any], kind: str, order_reference: Optional[str]) -> None:
    """Append a history entry of ``kind`` (SALE, RENEWAL, UPGRADE) to the stored subscription
    ``record``, in the documented SubscriptionHistory shape, as the record stands now."""
    if kind not in HISTORY_TYPES:
        raise ValueError(f"history type {kind!r} is not one of {', '.join(HISTORY_TYPES)}")
    record.setdefault("History", []).append({
        "ReferenceNo": order_reference, "Type": kind,
        "SubscriptionReference": record["SubscriptionReference"],
        "StartDate": record.get("StartDate"), "ExpirationDate": record.get("ExpirationDate"),
        "Lifetime": bool(record.get("Lifetime")), "SKU": record.get("SKU"),
        "DeliveryInfo": record.get("DeliveryInfo"), "PartnerCode": record.get("PartnerCode"),
    })


def status(record: dict[str, Any]) -> str:
    """The record's Status: a disabled subscription's stored one (EXPIRED) or DISABLED; an
    enabled one's stored one unless it is left from being off (re-enabled), else ACTIVE."""
    stored = str(record.get("Status") or "")
    if record.get("SubscriptionEnabled", True) is False:
        return stored or DISABLED
    return stored if stored and stored not in (DISABLED, EXPIRED) else ACTIVE


def expiration(record: dict[str, Any]) -> str:
    """``EXPIRATION_DATE`` as an LCN carries it (``Y-m-d H:i:s``): a subscription runs out at
    the start of its ExpirationDate (UTC); a lifetime one at :data:`LIFETIME`."""
    date = str(record.get("ExpirationDate") or "")
    if record.get("Lifetime") or not date:
        return LIFETIME
    return date if len(date) > 10 else f"{date} 00:00:00"


def changed(service: Service, record: dict[str, Any], notes: list[Note],
            changed_by: str = "VENDOR", *, when: Optional[str] = None) -> None:
    """Queue the LCN of ``record`` as it stands now (``changed_by``: CUSTOMER, VENDOR or
    SYSTEM; ``when``, ``Y-m-d H:i:s``, the change's time when not now) on ``notes``;
    :func:`send` delivers them once the write lock is released."""
    end_user = record.get("EndUser") or {}
    address = " ".join(str(end_user[key]) for key in ("Address1", "Address2")
                       if end_user.get(key))
    notes.append([
        ("LICENSE_CODE", str(record["SubscriptionReference"])),
        ("EXPIRATION_DATE", expiration(record)),
        ("DATE_UPDATED", when or service.clock.stamp()),
        ("LICENSE_TYPE", "TRIAL" if record.get("IsTrial") else "REGULAR"),
        ("STATUS", status(record)),
        ("DISABLED", "0" if record.get("SubscriptionEnabled", True) else "1"),
        ("CHANGED_BY", changed_by),
        ("TEST", "0" if record.get("TestSubscription") is False else "1"),
        ("AVANGATE_CUSTOMER_REFERENCE", _text(record.get("AvangateCustomerReference"), 10)),
        ("EXTERNAL_CUSTOMER_REFERENCE", _text(record.get("ExternalCustomerReference"), 250)),
        *((name, _text(end_user.get(key), size)) for name, key, size in CONTACT),
        ("ADDRESS", _text(address, 100)),
    ])


def _text(value: Any, size: int) -> str:
    return "" if value is None else str(value)[:size]


def send(service: Service, notes: list[Note]) -> None:
    """POST each LCN, signed, to the ``lcn_url`` listener (outside the write lock: a listener
    may call the sandbox back); what it answered goes to ``service.lcn_log``, the last
    :data:`MAX_LCN_LOG` kept. Nothing is sent while no listener is set; once the listener
    cannot be reached (refused, timed out), the rest of ``notes`` is logged unsent rather than
    each waiting for it in turn."""
    url: Optional[str] = service.order_settings.get("lcn_url")
    if url is None or not notes:
        return
    from avangate_compat.sandbox import ipn  # it imports the service, which loads this module
    unreachable = None
    for fields in notes:
        if unreachable is None:
            report = ipn.post(url, fields, service._secret, ipn.lcn_receipt(fields), "LCN")
            if not report["delivered"]:
                unreachable = report["reason"]
        else:
            report = {"delivered": False, "status": None, "answer": None,
                      "answer_valid": False, "fields": fields,
                      "reason": f"not sent: the listener failed before ({unreachable})"}
        service.lcn_log.append(report)
        del service.lcn_log[:-MAX_LCN_LOG]
