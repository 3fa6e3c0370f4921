"""Every documented searchLeads filter, alone and combined, against the sandbox on every backend.

The expected leads are worked out here from the seed data with plain Python, not by the
sandbox's SQL: a filter the sandbox cannot serve (an HTTP 500) or serves wrongly fails here.
"""

from __future__ import annotations

from typing import Any

import pytest

from avangate_compat import Client
from avangate_compat.sandbox import Sandbox, seed
from avangate_compat.spec import load

SEED = seed.leads()
CODES = [lead["LeadCode"] for lead, _ in SEED]


def _matches(lead: dict[str, Any], meta: dict[str, Any], key: str, value: Any) -> bool:
    """Whether one seed lead passes one filter, as the documentation describes it."""
    wanted = [value] if isinstance(value, str) else list(value)
    billing, created = lead["BillingDetails"], meta["CreatedAt"][:10]
    if key == "LeadCode":
        return lead["LeadCode"] in wanted
    if key == "ProductCode":
        return any(item["Code"] in wanted for item in lead["Items"])
    if key == "StartDate":
        return bool(created >= value)
    if key == "EndDate":
        return bool(created <= value)
    if key == "Type":
        return bool(meta["Type"] == value)
    text = {"Email": billing["Email"], "Language": lead["Language"],
            "Country": billing["CountryCode"], "GeneratedFrom": lead["GeneratedFrom"]}[key]
    return bool(text.lower() == value.lower())


def _expected(filters: dict[str, Any]) -> list[str]:
    """The codes of the seed leads that match ``filters``, in the order they were written."""
    return [lead["LeadCode"] for lead, meta in SEED
            if all(_matches(lead, meta, key, value) for key, value in filters.items()
                   if key not in ("Page", "Limit"))]


CASES: dict[str, dict[str, Any]] = {
    "one LeadCode": {"LeadCode": CODES[3]},
    "a list of LeadCodes": {"LeadCode": [CODES[1], CODES[7], CODES[20], "NOSUCHLEAD"]},
    "a LeadCode nobody has": {"LeadCode": "NOSUCHLEAD"},
    "Email": {"Email": "shopper05@example.com"},
    "Type": {"Type": "UsedSuccess"},
    "StartDate": {"StartDate": "2024-09-01"},
    "EndDate": {"EndDate": "2024-03-15"},
    "a date range": {"StartDate": "2024-04-01", "EndDate": "2024-06-30"},
    "one ProductCode": {"ProductCode": "YourProductCode"},
    "a list of ProductCodes": {"ProductCode": ["04C26C50F8", "YourProductCode"]},
    "Language": {"Language": "de"},
    "Country": {"Country": "RO"},
    "GeneratedFrom": {"GeneratedFrom": "ConvertPlus"},
    "Page and Limit": {"Page": 3, "Limit": 5},
    "LeadCodes and Country": {"LeadCode": CODES[:12], "Country": "DE"},
    "LeadCodes, paged": {"LeadCode": CODES[5:25], "Page": 2, "Limit": 4},
    "ProductCode, Type and dates": {"ProductCode": ["04C26C50F8"], "Type": "New",
                                    "StartDate": "2024-01-01", "EndDate": "2024-12-31"},
    "everything at once": {"LeadCode": CODES, "Email": "shopper12@example.com",
                           "Type": SEED[13][1]["Type"], "StartDate": "2024-01-01",
                           "EndDate": "2024-12-31", "ProductCode": ["04C26C50F8"],
                           "Language": SEED[13][0]["Language"].lower(),
                           "Country": SEED[13][0]["BillingDetails"]["CountryCode"],
                           "GeneratedFrom": SEED[13][0]["GeneratedFrom"],
                           "Page": 1, "Limit": 10},
}


def test_the_cases_cover_every_documented_filter() -> None:
    used = {key for filters in CASES.values() for key in filters}
    assert used == set(load().filters["LeadSearchOptions"])
    assert all(_expected(f) or "nobody" in name for name, f in CASES.items())


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_lead_filter_answers_what_the_seed_holds(
        sandbox: Sandbox, client: Client, case: str) -> None:
    filters = CASES[case]
    matching = _expected(filters)
    page, limit = filters.get("Page", 1), filters.get("Limit", 10)
    result = client.searchLeads(**filters)
    assert [lead.LeadCode for lead in result.Items] == \
        matching[(page - 1) * limit:page * limit]
    assert result.Pagination is not None and result.Pagination.Count == len(matching)
    walked = [lead.LeadCode for lead in client.iter_leads(
        **{k: v for k, v in filters.items() if k not in ("Page", "Limit")}, Limit=limit)]
    assert walked == matching
