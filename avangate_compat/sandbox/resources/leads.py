"""Leads: read, search, add, update and mark the abandoned-cart leads."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from avangate_compat.sandbox.resources.base import (
    accepts_layout,
    existing,
    handles,
    invalid,
    paging,
    real_date,
    typed,
)
from avangate_compat.sandbox.schema import load

if TYPE_CHECKING:
    from avangate_compat.sandbox.service import Service

LEAD_TYPES = load().enums["LeadType"]


def _record(service: Service, code: Any) -> dict[str, Any]:
    return existing(service, "lead", code)


@handles("getLead")
def get_lead(service: Service, code: Any) -> dict[str, Any]:
    return _record(service, code)["lead"]  # type: ignore[no-any-return]


@handles("searchLeads")
def search_leads(service: Service, options: Any) -> dict[str, Any]:
    opts = typed(options or {}, "LeadSearchOptions")
    page, limit = paging(opts)
    for key in ("StartDate", "EndDate"):
        if opts.get(key) and not real_date(opts[key]):
            raise invalid(f"{key} must be a date, YYYY-MM-DD")
    if opts.get("Type") and opts["Type"] not in LEAD_TYPES:
        raise invalid(f"Type must be one of {', '.join(LEAD_TYPES)}")
    records, count = service.store.search_leads(opts, page, limit)
    return {"Items": [r["lead"] for r in records],
            "Pagination": {"Page": page, "Limit": limit, "Count": count}}


def _check_lead(service: Service, lead: Any) -> list[dict[str, str]]:
    if not isinstance(lead, Mapping):
        raise invalid("the lead must be an object")
    if not lead.get("Currency"):
        raise invalid("Currency is required")
    if not lead.get("Items"):
        raise invalid("Items is required")
    if not lead.get("BillingDetails"):
        raise invalid("BillingDetails is required")
    for n, item in enumerate(lead["Items"]):
        if item.get("Quantity") is not None and item["Quantity"] < 1:
            raise invalid(f"Items[{n}].Quantity must be at least 1")
    return [{"Code": "INVALID_PRODUCT", "Description": f"Product {item.get('Code')!r} "
                                                      "does not exist"}
            for item in lead["Items"]
            if service.store.get("product", str(item.get("Code"))) is None]


@handles("addLead")
def add_lead(service: Service, lead: Any) -> dict[str, Any]:
    value = typed(lead, "Lead")
    errors = _check_lead(service, value)
    if errors:
        return {"LeadCode": None, "CreatedAt": None, "Errors": errors}
    code = value.get("LeadCode") or secrets.token_hex(5).upper()
    value["LeadCode"] = code
    created = service.clock.stamp()
    # insert-if-absent in one statement: of concurrent writers of one code, one wins
    if not service.store.add("lead", code, {"lead": value, "meta": {
            "Type": "New", "CreatedAt": created, "UpdatedAt": None}}):
        return {"LeadCode": None, "CreatedAt": None,
                "Errors": [{"Code": "DUPLICATE_LEAD", "Description": f"{code} exists"}]}
    return {"LeadCode": code, "CreatedAt": created, "Errors": []}


@accepts_layout("updateLead")
def _code_inside_the_lead(params: list[Any]) -> list[Any]:
    """updateLead's other plausible layout, (sessionID, Lead) with the code inside the lead,
    as (sessionID, LeadCode, Lead)."""
    if len(params) == 2 and isinstance(params[1], Mapping):
        return [params[0], params[1].get("LeadCode"), params[1]]
    return params


@handles("updateLead")
def update_lead(service: Service, code: Any, lead: Any) -> dict[str, Any]:
    _record(service, code)
    value = typed(lead, "Lead")
    errors = _check_lead(service, value)
    if errors:
        return {"LeadCode": None, "CreatedAt": None, "UpdatedAt": None, "Errors": errors}
    value["LeadCode"] = code  # documented: everything else is overwritten
    with service.writing:
        record = _record(service, code)
        record["lead"] = value
        record["meta"]["UpdatedAt"] = service.clock.stamp()
        service.store.put("lead", code, record)
    return {"LeadCode": code, "CreatedAt": record["meta"]["CreatedAt"],
            "UpdatedAt": record["meta"]["UpdatedAt"], "Errors": []}


@handles("markLeads")
def mark_leads(service: Service, entries: Any) -> dict[str, Any]:
    marks = typed(entries, "MarkLead[]")
    if not marks:
        raise invalid("at least one lead must be given")
    done, errors = 0, []
    for mark in marks:
        with service.writing:
            record = service.store.get("lead", mark.get("LeadCode") or "")
            if record is None:
                errors.append({"Code": "LEAD_NOT_FOUND", "Description":
                               f"Lead {mark.get('LeadCode')!r} does not exist"})
                continue
            if mark.get("Used"):
                record["meta"]["Type"] = "Used"
            elif mark.get("StopFollowups"):
                record["meta"]["Type"] = "Stopped"
            record["meta"]["UpdatedAt"] = service.clock.stamp()
            service.store.put("lead", mark["LeadCode"], record)
        done += 1
    return {"Response": f"{done} leads have been marked successfully", "Errors": errors}
