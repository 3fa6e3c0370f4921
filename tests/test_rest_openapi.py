"""The sandbox's REST leads API against the seed OpenAPI fragments: paths, parameters, responses.

Three documented deviations, each because the seed's own example contradicts its schema:
- every property may be null (the ``getLead`` example is full of nulls; OpenAPI 3.0 would need
  ``nullable``),
- ``Price.Amount`` is a number, not only an integer (prices like 19.99 exist), and
- ``Promotions`` holds strings (the example shows ``[""]``; the schema's ``{"0": string}`` items
  are its generator's way of writing a list).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import requests

from avangate_compat.auth import rest_auth_header
from avangate_compat.operations import OPERATIONS
from avangate_compat.sandbox import Sandbox
from avangate_compat.validate import search_filters

FRAGMENTS = json.loads((Path(__file__).parent / "data" / "leads_openapi.json").read_text())[
    "fragments"]


def _nullable(schema: Any) -> Any:
    if isinstance(schema, dict):
        out = {k: _nullable(v) for k, v in schema.items()}
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
        return out
    if isinstance(schema, list):
        return [_nullable(v) for v in schema]
    return schema


def _operation(path: str, method: str) -> tuple[dict[str, Any], dict[str, Any]]:
    for fragment in FRAGMENTS:
        if path in fragment["paths"] and method in fragment["paths"][path]:
            components = copy.deepcopy(fragment["components"])
            schemas = components["schemas"]
            if "Price" in schemas:
                schemas["Price"]["properties"]["Amount"]["type"] = "number"
            if "GetLeadResponse_Promotions" in schemas:
                schemas["GetLeadResponse_Promotions"] = {"type": "string"}
            return fragment["paths"][path][method], _nullable(components)
    raise AssertionError(f"{method.upper()} {path} is not in the seed OpenAPI")


def _validate(path: str, method: str, body: Any) -> None:
    operation, components = _operation(path, method)
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    jsonschema.validate(body, {"$ref": ref, "components": components})


def _rest(sandbox: Sandbox, method: str, path: str, **kwargs: Any) -> Any:
    header = rest_auth_header(sandbox.merchant_code, sandbox.secret_key, "sha256")
    response = requests.request(method, f"{sandbox.url}/rest/6.0{path}", timeout=5, headers={
        "X-Avangate-Authentication": header, "Accept": "application/json"}, **kwargs)
    assert response.status_code == 200, response.text
    return response.json()


NEW_LEAD = {"Currency": "EUR", "Language": "RO",
            "Items": [{"Code": "04C26C50F8", "Quantity": 2, "Price": {"Amount": 19.99}}],
            "BillingDetails": {"FirstName": "Ana", "Email": "ana@example.com",
                               "CountryCode": "RO"}}


def test_get_lead_matches_the_schema(sandbox: Sandbox) -> None:
    for record in sandbox.service.store.all("lead")[:10]:
        code = record["lead"]["LeadCode"]
        _validate("/leads/{LeadCode}", "get", _rest(sandbox, "GET", f"/leads/{code}/"))


def test_search_add_update_mark_match_the_schema(sandbox: Sandbox) -> None:
    found = _rest(sandbox, "GET", "/leads/", params={"Country": "RO", "Limit": 3, "Page": 2})
    _validate("/leads/", "get", found)
    assert found["Pagination"]["Page"] == 2 and len(found["Items"]) == 3
    added = _rest(sandbox, "POST", "/leads/", json=NEW_LEAD)
    _validate("/leads/", "post", added)
    code = added["LeadResponse"]["LeadCode"]
    _validate("/leads/{LeadCode}", "put", _rest(sandbox, "PUT", f"/leads/{code}/", json=NEW_LEAD))
    marked = _rest(sandbox, "PUT", "/leads/", json=[{"LeadCode": code, "Used": True}])
    _validate("/leads/", "put", marked)


def test_a_schema_violation_would_be_caught() -> None:
    with pytest.raises(jsonschema.ValidationError):
        _validate("/leads/{LeadCode}", "get", {"LeadCode": 60, "Items": []})


@pytest.mark.parametrize("name", ["getLead", "searchLeads", "addLead", "updateLead",
                                  "markLeads"])
def test_client_routes_are_documented_paths(name: str) -> None:
    route = OPERATIONS[name].rest
    assert route is not None and route.path is not None and route.method is not None
    documented = route.path if route.path == "/leads/" else route.path.rstrip("/")
    _operation(documented, route.method.lower())


def test_search_filters_are_the_documented_query_parameters() -> None:
    operation, _ = _operation("/leads/", "get")
    documented = {p["name"] for p in operation["parameters"] if p["in"] == "query"}
    sample = {"LeadCode": "A", "Email": "a@b.c", "Type": "New", "StartDate": "2024-01-01",
              "EndDate": "2024-01-02", "ProductCode": "P", "Language": "en", "Country": "RO",
              "GeneratedFrom": "API", "Page": 1, "Limit": 2}
    assert set(search_filters("searchLeads", "SearchOptions", sample)) == documented
