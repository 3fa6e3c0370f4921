"""Proof that the sandbox speaks SOAP, not just our client: PHP's ext/soap SoapClient reads its
WSDL, calls getLead, getProductByCode, updateProduct, setProductStatus, getPricingConfigurations
and searchProducts, and gets the values the Python facade gets; both PHP clients run a store's
order flow (placeOrder, getOrder, issueRefund, getCustomerInformation) as the vendor's samples
write it. CI installs php-cli and php-soap
and sets AVANGATE_REQUIRE_PHP=1, so there the test cannot be skipped. PHP's curl JSON-RPC client
is the second independent peer; both run over http and over https (trusting the sandbox's CA
through the stream context and CURLOPT_CAINFO)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Optional

import pytest

from avangate_compat import Client, models
from avangate_compat.convert import structure
from avangate_compat.sandbox import Sandbox

from .conftest import over_both_schemes

SCRIPT = Path(__file__).parent / "php" / "soapclient_check.php"
CURL_SCRIPT = Path(__file__).parent / "php" / "curl_jsonrpc_check.php"

sandbox = over_both_schemes  # every PHP client runs over http and over https


def _php(extension: str = "soap") -> str:
    php = shutil.which("php")
    has_it = php is not None and extension in subprocess.run(
        [php, "-m"], capture_output=True, text=True, check=False).stdout.split()
    if not has_it:
        if os.environ.get("AVANGATE_REQUIRE_PHP") == "1":
            pytest.fail(f"AVANGATE_REQUIRE_PHP=1 but php with ext/{extension} is not installed")
        pytest.skip(f"php-cli with ext/{extension} is not installed "
                    f"(apt-get install php-cli php-{extension})")
    assert php is not None
    return php


def _run_php(script: Path, sandbox: Sandbox, extension: str,
             ca: Optional[str] = None) -> subprocess.CompletedProcess[str]:
    """``ca``: the bundle PHP trusts; by default the sandbox's own over https."""
    ca = ca if ca is not None else sandbox.ca_path
    return subprocess.run([_php(extension), str(script), sandbox.url, sandbox.merchant_code,
                           sandbox.secret_key, *([ca] if ca else [])],
                          capture_output=True, text=True, timeout=60, check=False)


@pytest.fixture
def php_answer(sandbox: Sandbox) -> dict[str, Any]:
    result = _run_php(SCRIPT, sandbox, "soap")
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_php_curl_json_rpc_gets_what_the_facade_gets(
        sandbox: Sandbox, make_client: Callable[..., Client]) -> None:
    """The documented PHP JSON-RPC samples' way (ext/curl), trusting the CA by
    CURLOPT_CAINFO over https."""
    result = _run_php(CURL_SCRIPT, sandbox, "curl")
    assert result.returncode == 0, result.stdout + result.stderr
    answer = json.loads(result.stdout)
    client = make_client("jsonrpc")
    assert structure(answer["lead"], models.Lead) == client.getLead("60E6C4B574")
    assert structure(answer["product"], models.Product) \
        == client.getProductByCode("NewProdCodeAPI12345")


def test_php_curl_json_rpc_indexes_a_products_lists_as_arrays(
        sandbox: Sandbox, make_client: Callable[..., Client]) -> None:
    """Integration code reads ``$product->PricingConfigurations[0]->Prices->Renewal[0]->Amount``
    after json_decode: that works only when the answer's lists are JSON arrays."""
    result = _run_php(CURL_SCRIPT, sandbox, "curl")
    assert result.returncode == 0, result.stdout + result.stderr
    indexed = json.loads(result.stdout)["indexed"]
    product = make_client("jsonrpc").getProductByCode("NewProdCodeAPI12345")
    first = product.PricingConfigurations[0]
    assert first.Prices is not None
    assert indexed == {
        "configurations": len(product.PricingConfigurations),
        "code": first.Code,
        "renewal": str(first.Prices.Renewal[0].Amount),
        "regular": [str(price.Amount) for price in first.Prices.Regular],
        "option": first.Prices.Regular[0].OptionCodes[0].Options[1],
        "leadItem": "04C26C50F8",
    }
    assert indexed["renewal"] == "49.99" and indexed["configurations"] == 2


def test_php_checks_the_certificate(https_sandbox: Sandbox, tmp_path: Path) -> None:
    """PHP really verifies over https: a CA that did not sign the sandbox's certificate
    fails both clients."""
    import trustme

    stranger = tmp_path / "other-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(stranger))
    curl = _run_php(CURL_SCRIPT, https_sandbox, "curl", str(stranger))
    assert curl.returncode == 3 and "curl error" in curl.stderr, curl.stderr
    soap = _run_php(SCRIPT, https_sandbox, "soap", str(stranger))
    assert soap.returncode != 0 and "Couldn't load from 'https://127.0.0.1" in soap.stderr


def test_php_soapclient_gets_what_the_facade_gets(
        sandbox: Sandbox, php_answer: dict[str, Any],
        make_client: Callable[..., Client]) -> None:
    soap = make_client("soap")
    # Reads happened before PHP's writes; compare them against a fresh seed state.
    php_lead = structure(php_answer["lead"], models.Lead)
    php_product = structure(php_answer["product"], models.Product)
    assert php_lead.Items[0].Quantity == 2
    assert php_lead.Items[0].Price is not None
    assert php_lead.Items[0].Price.Amount == 20
    assert php_lead.BillingDetails is not None
    assert php_lead.BillingDetails.Email == "customer@2checkout.com"
    assert php_lead == soap.getLead("60E6C4B574")
    # PHP's writes are visible to the facade, over SOAP and over REST.
    assert php_answer["updateProduct"] is True
    assert php_answer["setProductStatus"] is True
    for backend in ("soap", "rest"):
        client = soap if backend == "soap" else make_client("rest")
        after = client.getProductByCode("NewProdCodeAPI12345")
        assert after.ProductName == "Edited_From_PHP"
        assert client.getProductByCode("YourProductCode").Enabled is True
        # Everything else PHP sent back is what it read: the round trip lost nothing.
        assert after == structure({**php_answer["product"], "ProductName": "Edited_From_PHP"},
                                  models.Product)
    sandbox.service.reset()
    assert php_product == soap.getProductByCode("NewProdCodeAPI12345")


def test_php_sees_a_string_fault_code(php_answer: dict[str, Any]) -> None:
    assert php_answer["fault"] == {"code": "LEAD_NOT_FOUND",
                                   "message": "Lead 'NOSUCHLEAD' does not exist"}


def test_php_reads_pricing_configurations_and_searches_products(
        php_answer: dict[str, Any], make_client: Callable[..., Client]) -> None:
    """An array of objects and a struct of filters (fields left out sent as nil) through PHP's
    SoapClient; the search ran after PHP renamed NewProdCodeAPI12345, as it does here."""
    soap = make_client("soap")
    configurations = [structure(c, models.PricingConfiguration)
                      for c in php_answer["pricingConfigurations"]]
    assert [c.Code for c in configurations] == ["8C4E6A2B31", "9D5F7B3C42", "AE608C4D53"]
    assert configurations == soap.getPricingConfigurations("TeamPlan2024")
    found = structure(php_answer["searchProducts"], models.ProductSearchResult)
    assert [p.ProductCode for p in found.Items] == ["TeamPlan2024"]
    assert found.Pagination == models.Pagination(Page=1, Limit=1, Count=1)
    assert found == soap.searchProducts({"Name": "plan", "Types": ["REGULAR"], "Enabled": True,
                                         "Limit": 1, "Page": 1})


ORDER_SOAP = Path(__file__).parent / "php" / "soapclient_orders.php"
ORDER_CURL = Path(__file__).parent / "php" / "curl_jsonrpc_orders.php"


@pytest.mark.usefixtures("instant_orders")
@pytest.mark.parametrize(("script", "extension"), [(ORDER_SOAP, "soap"), (ORDER_CURL, "curl")],
                         ids=["soapclient", "curl-jsonrpc"])
def test_php_order_flow_with_a_static_client_class(
        sandbox: Sandbox, make_client: Callable[..., Client], script: Path,
        extension: str) -> None:
    """placeOrder -> getOrder -> issueRefund -> getCustomerInformation, written as the
    vendor's samples are: the sessionID prepended by a static client class."""
    result = _run_php(script, sandbox, extension)
    assert result.returncode == 0, result.stdout + result.stderr
    answer = json.loads(result.stdout)
    client = make_client("soap" if extension == "soap" else "jsonrpc")
    ref_no = answer["order"]["RefNo"]
    assert answer["placed"]["Status"] == "PENDING" and answer["order"]["Status"] == "COMPLETE"
    assert answer["refund"] is True
    refunded = client.getOrder(ref_no)
    assert refunded.Status == "REFUND" == answer["refunded"]["Status"]
    assert Decimal(str(answer["refunded"]["GrossPrice"])) == refunded.GrossPrice
    customer = client.getCustomerInformation(refunded.CustomerReference)
    reference = int(answer["customer"]["AvangateCustomerReference"])  # text over SOAP
    assert reference == customer.AvangateCustomerReference
    assert answer["customer"]["Email"] == customer.Email == "ada@example.com"
    if extension == "soap":
        assert answer["customer"]["ExternalCustomerReference"] == "WOO-CUSTOMER-9"
        assert answer["fault"]["message"] == \
            "You have already placed a Total refund for this order."
    else:
        assert Decimal(str(answer["order"]["NetPrice"])) == Decimal("80.00")
        assert Decimal(str(answer["order"]["GrossPrice"])) == Decimal("95.20")  # 19% VAT
        assert answer["again"]["error"]["message"] == \
            "You have already placed a Total refund for this order."


SUBSCRIPTIONS_SOAP = Path(__file__).parent / "php" / "soapclient_subscriptions.php"
SUBSCRIPTIONS_CURL = Path(__file__).parent / "php" / "curl_jsonrpc_subscriptions.php"


@pytest.mark.parametrize(("script", "extension"),
                         [(SUBSCRIPTIONS_SOAP, "soap"), (SUBSCRIPTIONS_CURL, "curl")],
                         ids=["soapclient", "curl-jsonrpc"])
def test_php_plugin_cancels_a_subscription_then_enables_it(
        sandbox: Sandbox, make_client: Callable[..., Client], script: Path,
        extension: str) -> None:
    """getCustomerSubscriptions -> cancelSubscription -> enableSubscription ->
    getSubscription, as a PHP plugin writes it; the sandbox's state follows."""
    result = _run_php(script, sandbox, extension)
    assert result.returncode == 0, result.stdout + result.stderr
    answer = json.loads(result.stdout)
    client = make_client("soap" if extension == "soap" else "jsonrpc")
    expected = client.getCustomerSubscriptions(435384557)
    assert [s["SubscriptionReference"] for s in answer["found"]] == \
        [s.SubscriptionReference for s in expected]
    assert answer["cancel"] is True and answer["enable"] is True
    assert answer["cancelled"]["SubscriptionEnabled"] is False
    assert answer["cancelled"]["Status"] == "DISABLED"
    assert answer["enabled"]["SubscriptionEnabled"] is True
    now = client.getSubscription("SUBSCR0001")
    assert answer["enabled"]["Status"] == now.Status != "DISABLED"
    assert answer["enabled"]["Product"]["ProductCode"] == "NewProdCodeAPI12345"
    assert int(answer["enabled"]["AvangateCustomerReference"]) == 435384557  # text over SOAP
    if extension == "soap":
        assert answer["fault"]["message"].startswith("ChurnReasons must be of")
    else:
        assert answer["refused"]["error"]["message"].startswith("ChurnReasonOther goes only")
    assert now.SubscriptionEnabled is True
