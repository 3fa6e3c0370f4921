"""The catalog's REST routes follow the documented ones: the table in docs/api-facts.md ("REST
routes of the catalog calls") is the record, the spec must agree with it, the client sends
exactly the documented path and the sandbox serves it. Every route no source confirms is marked
in the spec's ``inferred`` section."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests

from avangate_compat import Config
from avangate_compat.auth import rest_auth_header
from avangate_compat.backends.rest import RestCodec
from avangate_compat.operations import OPERATIONS
from avangate_compat.sandbox import Sandbox
from avangate_compat.spec import raw

FACTS = Path(__file__).resolve().parent.parent / "docs" / "api-facts.md"
_ROW = re.compile(r"^\| `(\w+)` \| (?:`(GET|POST|PUT|DELETE) ([^`]+)`|none) \| (\w+)")
_PLACEHOLDER = re.compile(r"\{[^}]+\}")


def documented() -> dict[str, tuple[str, str, str]]:
    """operation -> (method, path, status) from the table; method and path empty for none."""
    text = FACTS.read_text(encoding="utf-8")
    section = text.split("## REST routes of the catalog calls", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        match = _ROW.match(line)
        if match:
            name, method, path, status = match.groups()
            rows[name] = (method or "", path or "", status)
    return rows


ROWS = documented()


def _shape(path: str) -> str:
    """A path with its placeholders' names left out: the documentation names them otherwise."""
    return _PLACEHOLDER.sub("{}", path)


def test_the_table_lists_every_product_route_of_the_spec() -> None:
    assert len(ROWS) >= 19
    spec = raw()["operations"]
    assert set(ROWS) <= set(spec)
    under_products = {name for name, entry in spec.items()
                      if entry.get("rest", {}).get("path", "").startswith("/products")}
    assert under_products - set(ROWS) == set()


@pytest.mark.parametrize("name", sorted(ROWS))
def test_the_spec_follows_the_documented_route_and_marks_the_rest_inferred(name: str) -> None:
    method, path, status = ROWS[name]
    data = raw()
    route = data["operations"][name]["rest"]
    marked = f"operations.{name}.rest" in data["inferred"]
    if status == "confirmed":
        assert (route["method"], _shape(route["path"])) == (method, _shape(path))
        assert not marked, f"{name}: a documented route is not inferred"
    elif path:
        assert (route["method"], _shape(route["path"])) == (method, _shape(path))
        assert marked, f"{name}: an inferred route must be marked in the spec"
    else:
        assert "inferred" in route and marked, f"{name}: no REST route, and not marked"


def test_pricing_configurations_take_the_documented_path_without_hyphen_or_slash() -> None:
    codec = RestCodec(Config(merchant_code="M", secret_key="S",
                             base_url="https://api.example.test"))
    base = "https://api.example.test/rest/6.0/products/P1/pricingconfigurations"
    listed = codec.encode(OPERATIONS["getPricingConfigurations"], ["P1"])
    assert (listed.method, listed.url) == ("GET", base)
    added = codec.encode(OPERATIONS["addPricingConfiguration"], [{"Name": "EU"}, "P1"])
    assert (added.method, added.url) == ("POST", base)
    one = codec.encode(OPERATIONS["getPricingConfigurationByCode"], ["P1", "C1"])
    assert (one.method, one.url) == ("GET", base + "/C1")
    update = codec.encode(OPERATIONS["updatePricingConfiguration"], [{"Code": "C1"}, "P1"])
    assert (update.method, update.url) == ("PUT", base + "/C1")


def test_the_sandbox_serves_the_documented_path_and_not_the_old_guess(sandbox: Sandbox) -> None:
    header = rest_auth_header(sandbox.merchant_code, sandbox.secret_key, "sha256")

    def get(path: str) -> requests.Response:
        return requests.get(f"{sandbox.url}/rest/6.0{path}", timeout=5, headers={
            "X-Avangate-Authentication": header, "Accept": "application/json"})

    listed = get("/products/TeamPlan2024/pricingconfigurations")
    assert listed.status_code == 200, listed.text
    codes = [c["Code"] for c in listed.json()]
    assert codes == ["8C4E6A2B31", "9D5F7B3C42", "AE608C4D53"]
    one = get("/products/TeamPlan2024/pricingconfigurations/9D5F7B3C42")
    assert one.status_code == 200 and one.json()["Code"] == "9D5F7B3C42"
    assert get("/products/TeamPlan2024/pricing-configurations/").status_code == 404


@pytest.mark.parametrize("value", ["60E6C4B574", "a b", "é", "x%y", "~_.-", "7", "A?B#C"])
def test_paths_are_each_routes_template_with_encoded_values(value: str) -> None:
    """Each route's placeholders, in order, replaced by the percent-encoded value (the
    codec splits a template once and encodes plain codes without quote())."""
    from urllib.parse import quote

    codec = RestCodec(Config.create(merchant_code="M", secret_key="S").settings)
    checked = 0
    for name, op in OPERATIONS.items():
        route = op.rest
        if route is None or route.path is None or op.raw:
            continue
        args = [{"ProductCode": value, "AvangateCustomerReference": value, "Code": value}
                if p.name[:1].isupper() and p.name in ("Product", "Customer",
                                                        "PricingConfiguration") else value
                for p in op.params]
        url = codec.encode(op, args).url
        checked += 1
        expected = re.sub(r"\{([A-Za-z]+)(?:\.([A-Za-z]+))?\}",
                          lambda m: quote(value, safe=""), route.path)
        assert url.endswith(expected), (name, url, expected)
    assert checked >= 20
