"""searchSubscriptions (issue 23): each documented filter, RecurringEnabled in both documented
shapes (a boolean, a string array) from the client and from raw callers, and the paging."""

from __future__ import annotations

from typing import Any, Callable

import pytest

from avangate_compat import Client, ValidationError
from avangate_compat.sandbox import Sandbox

from .conftest import BACKENDS

SEEDED = ["SUBSCR0001", "SUBSCR0002", "SUBSCR0003"]
BY_PURCHASE = ["SUBSCR0002", "SUBSCR0001", "SUBSCR0003"]  # the order searches answer in


def with_recurring_billing(client: Client) -> Client:
    """The seed's SUBSCR0001 and SUBSCR0003 switched to recurring billing (none has it)."""
    for reference in ("SUBSCR0001", "SUBSCR0003"):
        assert client.enableRecurringBilling(reference)
    return client


def refs(client: Client, **filters: Any) -> list[str]:
    return [str(s.SubscriptionReference) for s in client.searchSubscriptions(filters).Items]


@pytest.mark.parametrize("backend", BACKENDS)
def test_each_filter_narrows_the_search(make_client: Callable[..., Client],
                                        backend: str) -> None:
    client = make_client(backend)
    assert sorted(refs(client, ModifiedBefore="2025-02-01")) == ["SUBSCR0001", "SUBSCR0002"]
    with_recurring_billing(client)  # a change: modified today
    assert refs(client, ModifiedBefore="2025-02-01") == ["SUBSCR0002"]
    imported = client.addSubscription({
        "StartDate": "2026-02-01", "ExpirationDate": "2099-01-01", "Lifetime": True,
        "ExternalCustomerReference": "SEARCH-1", "IsTrial": True,
        "Product": {"ProductCode": "NewProdCodeAPI12345"},
        "EndUser": {"FirstName": "Ada", "LastName": "Lovelace", "Email": "Ada@Example.com",
                    "CountryCode": "GB"}})
    assert client.cancelSubscription("SUBSCR0002")
    assert sorted(refs(client)) == sorted([*SEEDED, imported])
    cases: list[tuple[dict[str, Any], list[str]]] = [
        ({"CustomerEmail": "ada@example.com", "ExactMatchEmail": True}, [imported]),
        ({"CustomerEmail": "2checkout"}, SEEDED),
        ({"CustomerEmail": "2checkout", "ExactMatchEmail": True}, []),
        ({"DeliveredCode": "TEAM-KEY-0003"}, ["SUBSCR0003"]),
        ({"AvangateCustomerReference": 435384557}, SEEDED),
        ({"ExternalCustomerReference": "SEARCH-1"}, [imported]),
        ({"SubscriptionEnabled": False}, ["SUBSCR0002"]),
        ({"ProductCodes": ["NewProdCodeAPI12345"]}, ["SUBSCR0001", imported]),
        ({"CountryCodes": ["FR", "GB"]}, ["SUBSCR0003", imported]),
        ({"PurchasedAfter": "2025-01-01", "PurchasedBefore": "2025-12-31"},
         ["SUBSCR0001", "SUBSCR0003"]),
        ({"ExpireBefore": "2025-12-31"}, ["SUBSCR0002"]),
        ({"ExpireAfter": "2026-02-01", "ExpireBefore": "2026-03-01"}, ["SUBSCR0003"]),
        ({"ModifiedBefore": "2025-02-01"}, []),
        ({"NotificationAfter": "2026-01-01"}, [*SEEDED, imported]),
        ({"NextBillingDateBefore": "2026-02-01"}, ["SUBSCR0001"]),
        ({"LifetimeSubscription": True}, [imported]),
        ({"Type": "trial"}, [imported]),
        ({"Type": "REGULAR", "TestSubscription": True}, SEEDED),
        ({"PartnerCode": "SANDBOXPARTNER"}, []),
        ({"Aggregate": True, "ProductCodes": "TeamPlan2024"}, ["SUBSCR0002", "SUBSCR0003"]),
    ]
    for filters, expected in cases:
        assert sorted(refs(client, **filters)) == sorted(expected), filters
    assert client.renewSubscription("SUBSCR0001", 30, "10", "USD")
    assert refs(client, RenewedAfter="2000-01-01") == ["SUBSCR0001"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_recurring_enabled_as_a_boolean_or_a_string_array(
        make_client: Callable[..., Client], backend: str) -> None:
    client = with_recurring_billing(make_client(backend))
    on, off = ["SUBSCR0001", "SUBSCR0003"], ["SUBSCR0002"]
    assert refs(client, RecurringEnabled=True) == on
    assert refs(client, RecurringEnabled=False) == off
    assert refs(client, RecurringEnabled=["true"]) == on
    assert refs(client, RecurringEnabled=["0"]) == off
    assert refs(client, RecurringEnabled=["true", "false"]) == BY_PURCHASE
    for wrong in ("maybe", ["yes"], [], 1):
        with pytest.raises(ValidationError):
            client.searchSubscriptions({"RecurringEnabled": wrong})


def test_the_sandbox_honours_both_shapes_from_raw_callers(
        make_client: Callable[..., Client]) -> None:
    """A PHP caller sends what its docs show: the string array (JSON-RPC, REST's query) or a
    boolean; the sandbox honours each without the client's normalising."""
    jsonrpc, rest = with_recurring_billing(make_client("jsonrpc")), make_client("rest")

    def found(answer: Any) -> list[str]:
        return [s["SubscriptionReference"] for s in answer["Items"]]

    assert found(jsonrpc.call_raw("searchSubscriptions", {"RecurringEnabled": ["false"]})) \
        == ["SUBSCR0002"]
    assert found(jsonrpc.call_raw("searchSubscriptions",
                                  {"RecurringEnabled": ["true", "false"]})) == BY_PURCHASE
    assert found(jsonrpc.call_raw("searchSubscriptions", {"RecurringEnabled": True})) \
        == ["SUBSCR0001", "SUBSCR0003"]
    assert found(rest.call_raw("GET", "/subscriptions/?RecurringEnabled[]=true"
                                      "&RecurringEnabled[]=false")) == BY_PURCHASE
    assert found(rest.call_raw("GET", "/subscriptions/?RecurringEnabled=false")) \
        == ["SUBSCR0002"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_pages_and_the_walker(sandbox: Sandbox, make_client: Callable[..., Client],
                              backend: str) -> None:
    client = make_client(backend)
    imported = [client.addSubscription({
        "StartDate": f"2026-04-{day:02d}", "ExpirationDate": "2099-01-01",
        "Product": {"ProductCode": "TeamPlan2024"}, "ExternalCustomerReference": "PAGES",
        "EndUser": {"FirstName": "P", "LastName": "Q", "CountryCode": "RO"}})
        for day in range(1, 6)]
    page = client.searchSubscriptions({"ExternalCustomerReference": "PAGES", "Limit": 2,
                                       "Page": 3})
    assert page.Pagination is not None
    assert (page.Pagination.Page, page.Pagination.Limit, page.Pagination.Count) == (3, 2, 5)
    assert [s.SubscriptionReference for s in page.Items or []] == imported[4:]
    nested = client.searchSubscriptions({"ExternalCustomerReference": "PAGES",
                                         "Pagination": {"Page": 2, "Limit": 2}})
    assert [s.SubscriptionReference for s in nested.Items or []] == imported[2:4]
    walked = [s.SubscriptionReference for s in
              client.iter_subscriptions(ExternalCustomerReference="PAGES", Limit=2)]
    assert walked == imported  # by purchase date
    with pytest.raises(ValidationError):
        client.searchSubscriptions({"Limit": 0})
    with pytest.raises(ValidationError):
        client.searchSubscriptions({"ExpireAfter": "31.12.2026"})
    with pytest.raises(ValidationError):
        client.searchSubscriptions({"NoSuchFilter": 1})


def test_export_subscriptions_as_json_lines_and_csv(
        sandbox: Sandbox, tmp_path: Any, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """``avangate-compat export subscriptions``: from the spec's paginator alone."""
    import csv
    import json

    from avangate_compat import export
    from avangate_compat.cli import main
    monkeypatch.setenv("AVANGATE_MERCHANT_CODE", sandbox.merchant_code)
    monkeypatch.setenv("AVANGATE_SECRET_KEY", sandbox.credentials["secret_key"])
    monkeypatch.setenv("AVANGATE_BASE_URL", sandbox.url)
    with Client(backend="jsonrpc", **sandbox.client_settings) as client:
        with_recurring_billing(client)
    assert main(["export", "subscriptions", "Limit=1", "--backend", "soap"]) == 0
    captured = capsys.readouterr()
    assert [json.loads(line)["SubscriptionReference"] for line in captured.out.splitlines()] \
        == BY_PURCHASE
    assert captured.err == "avangate-compat export: 3 subscriptions in 3 page(s)\n"
    target = tmp_path / "subscriptions.csv"
    assert main(["export", "subscriptions", '{"RecurringEnabled": ["true"]}',
                 "-o", str(target)]) == 0
    with target.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == export.columns("subscriptions")
    assert {"Product.ProductCode", "EndUser.Email", "Status"} <= set(rows[0])
    table = [dict(zip(rows[0], row)) for row in rows[1:]]
    assert [r["SubscriptionReference"] for r in table] == ["SUBSCR0001", "SUBSCR0003"]
    assert table[1]["Product.ProductCode"] == "TeamPlan2024"
