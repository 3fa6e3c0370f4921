"""Orders: reading an order by its reference."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from avangate_compat.sandbox.resources.base import handles, invalid, not_found

if TYPE_CHECKING:
    from avangate_compat.sandbox.service import Service


def stored_order(service: Service, reference: Any) -> dict[str, Any]:
    """The stored record of the order ``reference`` ({"order": ..., "refunds": [...]})."""
    if not isinstance(reference, str) or not reference:
        raise invalid("RefNo must be a non-empty string")
    found = service.store.get("order", reference)
    if found is None:
        raise not_found("Order", reference)
    return found  # type: ignore[no-any-return]


@handles("getOrder")
def get_order(service: Service, reference: Any) -> dict[str, Any]:
    """The order as placed, with its status as of now."""
    return copy.deepcopy(stored_order(service, reference)["order"])
