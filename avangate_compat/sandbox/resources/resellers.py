"""Channel Manager: the resellers of a partner."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from avangate_compat.sandbox import seed
from avangate_compat.sandbox.resources.base import existing, handles, invalid, paging, typed

if TYPE_CHECKING:
    from avangate_compat.sandbox.service import Service


@handles("createReseller")
def create_reseller(service: Service, reseller: Any) -> str:
    """A new reseller of the partner (the sandbox's one partner: setPartner is not
    modelled); answers its ResellerCode."""
    value = typed(reseller, "Reseller")
    if not isinstance(value, dict):
        raise invalid("the reseller must be an object")
    if value.get("ResellerCode") is not None:
        raise invalid("ResellerCode is system-generated")
    if not any(value.get(f) for f in ("Company", "FirstName", "LastName", "Email")):
        raise invalid("a reseller needs a Company, a FirstName, a LastName or an Email")
    with service.writing:
        number = len(service.store.all("reseller")) + 1
        while True:
            code = f"RS{number:08d}"
            value["ResellerCode"] = code
            if service.store.add("reseller", code, {
                    "reseller": value, "PartnerCode": seed.PARTNER["PartnerCode"]}):
                return code
            number += 1


@handles("getPartnerResellers")
def get_partner_resellers(service: Service, partner_code: Any, options: Any) -> list[Any]:
    existing(service, "partner", partner_code)
    page, limit = paging(typed(options or {}, "PageOptions"))
    mine = sorted((r["reseller"] for r in service.store.all("reseller")
                   if r["PartnerCode"] == partner_code),
                  key=lambda r: str(r["ResellerCode"]))
    start = (page - 1) * limit
    return mine[start:start + limit]
