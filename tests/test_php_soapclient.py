"""Proof that the sandbox speaks SOAP, not just our client: PHP's ext/soap SoapClient reads its
WSDL, calls getLead, getProductByCode, updateProduct, setProductStatus, getPricingConfigurations
and searchProducts, and gets the values the Python facade gets. CI installs php-cli and php-soap
and sets AVANGATE_REQUIRE_PHP=1, so there the test cannot be skipped."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any, Callable

import pytest

from avangate_compat import Client, models
from avangate_compat.convert import structure
from avangate_compat.sandbox import Sandbox

SCRIPT = Path(__file__).parent / "php" / "soapclient_check.php"


def _php() -> str:
    php = shutil.which("php")
    has_soap = php is not None and "soap" in subprocess.run(
        [php, "-m"], capture_output=True, text=True, check=False).stdout.split()
    if not has_soap:
        if os.environ.get("AVANGATE_REQUIRE_PHP") == "1":
            pytest.fail("AVANGATE_REQUIRE_PHP=1 but php with ext/soap is not installed")
        pytest.skip("php-cli with ext/soap is not installed (apt-get install php-cli php-soap)")
    assert php is not None
    return php


@pytest.fixture
def php_answer(sandbox: Sandbox) -> dict[str, Any]:
    result = subprocess.run([_php(), str(SCRIPT), sandbox.url, sandbox.merchant_code,
                             sandbox.secret_key], capture_output=True, text=True, timeout=60,
                            check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


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
