"""Property: any input to any operation ends in a result or an AvangateError, never another
exception, and nothing the wire cannot carry is ever sent (hypothesis, against the sandbox)."""

from __future__ import annotations

import json
import warnings
from typing import Any, Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from avangate_compat import AvangateError, Client, ValidationError
from avangate_compat.errors import DroppedFieldWarning
from avangate_compat.operations import OPERATIONS
from avangate_compat.sandbox import Sandbox
from avangate_compat.transport import HttpRequest

from .conftest import BACKENDS

SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10 ** 30), max_value=10 ** 30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.text(max_size=12), st.binary(max_size=6),
    st.sampled_from(["", ".", "..", "a/b", "60E6C4B574", "04C26C50F8", "1e999999999",
                     "Infinity", "NaN", "²", "\x00", "\ud800", "2024-02-30", "RO", "New"]),
)
KEYS = st.sampled_from(["LeadCode", "Currency", "Items", "BillingDetails", "Code", "Quantity",
                        "Price", "Amount", "ProductCode", "ProductName", "ProductType",
                        "Enabled", "PricingConfigurations", "Used", "StopFollowups", "Page",
                        "Limit", "Country", "Type", "Email", "0", "²", "x"])
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(KEYS, inner, max_size=5)), max_leaves=12)

WELL_FORMED_LEAD = {"Currency": "EUR", "Items": [{"Code": "04C26C50F8", "Quantity": 1}],
                    "BillingDetails": {"FirstName": "A", "LastName": "B",
                                       "Email": "a@example.com", "CountryCode": "RO"}}


def _near_valid() -> st.SearchStrategy[Any]:
    """Well-formed objects with one field replaced by anything: the checks' edge."""
    lead = st.builds(lambda k, v: {**WELL_FORMED_LEAD, k: v}, KEYS, VALUES)
    item = st.builds(lambda k, v: {**WELL_FORMED_LEAD, "Items": [{"Code": "P", k: v}]},
                     KEYS, VALUES)
    product = st.builds(lambda k, v: {"ProductCode": "NewProdCodeAPI12345", "ProductName": "N",
                                      "ProductType": "REGULAR", "Enabled": True,
                                      "PricingConfigurations": [], k: v}, KEYS, VALUES)
    return st.one_of(lead, item, product, st.lists(VALUES, max_size=2))


ARGUMENT = st.one_of(VALUES, _near_valid())
OPERATION_NAMES = sorted(name for name, op in OPERATIONS.items() if op.needs_session)


def _strict_json(body: bytes) -> None:
    def refuse(name: str) -> Any:
        raise AssertionError(f"sent {name}, which is not JSON")
    json.loads(body, parse_constant=refuse)


def _record_bodies(client: Client) -> list[bytes]:
    bodies: list[bytes] = []
    transport = client._transport
    original: Callable[..., Any] = transport.send

    def send(request: HttpRequest, deadline: float) -> Any:
        if request.body:
            bodies.append(request.body)
        return original(request, deadline)

    transport.send = send  # type: ignore[method-assign]
    return bodies


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("name", OPERATION_NAMES)
def test_any_input_ends_in_a_result_or_an_avangate_error(
        sandbox: Sandbox, make_client: Callable[..., Client], backend: str, name: str) -> None:
    client = make_client(backend, max_retries=0)
    bodies = _record_bodies(client)
    arity = len(OPERATIONS[name].params)

    @settings(max_examples=40, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow])
    @given(st.lists(ARGUMENT, min_size=arity, max_size=arity) | st.lists(ARGUMENT, max_size=3))
    def check(args: list[Any]) -> None:
        before = sum(sandbox.service.stats.snapshot()["requests"].values())
        bodies.clear()
        code = None
        try:
            with warnings.catch_warnings():  # a field the WSDL lacks is announced, not sent
                warnings.simplefilter("ignore", DroppedFieldWarning)
                client.call(name, *args)
        except ValidationError:
            after = sum(sandbox.service.stats.snapshot()["requests"].values())
            assert after == before, "refused input reached the server"
            return
        except AvangateError as exc:
            code = getattr(exc, "code", None)
        assert code != "INTERNAL_ERROR", "the sandbox failed on what was sent"
        for body in bodies:
            if backend == "soap":
                etree.fromstring(body)
            else:
                _strict_json(body)

    check()

