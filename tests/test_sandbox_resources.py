"""The sandbox routes each operation to one handler of a resource module, as the spec lists."""

from __future__ import annotations

import copy

import pytest

from avangate_compat.sandbox import schema
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
    data["operations"]["getOrder"] = {"params": [{"name": "RefNo", "type": "string"}],
                                      "result": "string", "idempotent": True}
    with pytest.raises(RuntimeError, match=r"no handler for \['getOrder'\]"):
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
