"""The sandbox routes each operation to one handler of a resource module, as the spec lists."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import requests

from avangate_compat.auth import rest_auth_header
from avangate_compat.sandbox import Sandbox, rest, schema
from avangate_compat.sandbox.resources import base, routes
from avangate_compat.sandbox.service import Service
from avangate_compat.sandbox.store import Store


def test_every_operation_with_a_session_has_its_handler_in_a_resource_module() -> None:
    table = routes()
    assert "login" not in table
    assert set(table) == set(schema.load().operations) - {"login"}
    for name, handler in table.items():
        assert handler.__module__.startswith("avangate_compat.sandbox.resources."), name
        assert handler.__module__.rsplit(".", 1)[1] != "base", name


def test_an_operation_of_the_spec_without_a_handler_is_refused() -> None:
    data = copy.deepcopy(schema.spec_data())
    data["operations"]["getInvoices"] = {"params": [{"name": "RefNo", "type": "string"}],
                                         "result": "string", "idempotent": True}
    with pytest.raises(RuntimeError, match=r"no handler for \['getInvoices'\]"):
        routes(schema.from_spec(data))


def test_a_handler_of_no_operation_of_the_spec_is_refused() -> None:
    data = copy.deepcopy(schema.spec_data())
    del data["operations"]["getLead"]
    with pytest.raises(RuntimeError, match=r"no operation for \['getLead'\]"):
        routes(schema.from_spec(data))


def test_two_handlers_of_one_operation_are_refused() -> None:
    with pytest.raises(RuntimeError, match="two sandbox handlers for getLead"):
        base.handles("getLead")(lambda service, code: None)
    assert base.HANDLERS["getLead"].__name__ == "get_lead"


def test_the_service_runs_an_operation_by_name_and_refuses_an_unknown_one() -> None:
    service = Service(Store(), "MERCHANT", "secret")
    assert service.call("getProductByCode", "04C26C50F8")["ProductCode"] == "04C26C50F8"
    assert service.getProductByCode("04C26C50F8") == service.call("getProductByCode",
                                                                   "04C26C50F8")
    with pytest.raises(base.Fault) as refused:
        service.call("getNothing")
    assert refused.value.code == "METHOD_NOT_FOUND"
    with pytest.raises(AttributeError):
        service.getNothing  # noqa: B018


def _rest(sandbox: Sandbox, method: str, path: str, **kwargs: Any) -> requests.Response:
    header = rest_auth_header(sandbox.merchant_code, sandbox.secret_key, "sha256")
    return requests.request(method, f"{sandbox.url}/rest/6.0{path}", timeout=5, headers={
        "X-Avangate-Authentication": header, "Accept": "application/json"}, **kwargs)


def test_a_rest_write_the_spec_marks_created_answers_201_with_its_location(
        sandbox: Sandbox) -> None:
    assert schema.load().rest["addProduct"].created == "/products/{Product.ProductCode}/"
    answer = _rest(sandbox, "POST", "/products/", json={"ProductCode": "NEW P1",
                                                        "ProductName": "New"})
    assert answer.status_code == 201 and answer.content == b""
    assert answer.headers["Location"] == "/rest/6.0/products/NEW%20P1/"


def test_rest_answers_take_the_zero_keyed_shapes_the_spec_declares(sandbox: Sandbox) -> None:
    lead = _rest(sandbox, "GET", "/leads/").json()["Items"]["0"]
    nothing = _rest(sandbox, "GET", "/leads/", params={"Email": "nobody@example.invalid"})
    assert nothing.json()["Items"] == {}  # a page's Items is an object, even when empty
    data = copy.deepcopy(schema.spec_data())
    del data["operations"]["getLead"]["rest"]["zero_keyed"]
    plain = schema.from_spec(data).rest["getLead"]
    stored = sandbox.service.getLead(lead["LeadCode"])
    assert rest._rest_answer(plain, stored) == stored
    shaped = rest._rest_answer(schema.load().rest["getLead"], stored)
    assert list(shaped["Items"]) == [str(i) for i in range(len(stored["Items"]))]
    assert list(lead["Items"]) == list(shaped["Items"])


def test_an_argument_layout_of_no_operation_of_the_spec_is_refused(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(base.LAYOUTS, "getInvoices", lambda params: params)
    with pytest.raises(RuntimeError, match=r"no operation for \['getInvoices'\]"):
        routes()


def test_update_lead_with_the_code_inside_the_lead_is_rearranged_by_its_registered_layout(
        ) -> None:
    lead = {"LeadCode": "ABC", "Currency": "EUR"}
    assert Service.arranged("updateLead", ["sid", lead]) == ["sid", "ABC", lead]
    assert Service.arranged("updateLead", ["sid", "ABC", lead]) == ["sid", "ABC", lead]
    assert Service.arranged("getLead", ["sid", lead]) == ["sid", lead]
