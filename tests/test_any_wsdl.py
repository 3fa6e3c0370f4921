"""The SOAP backend works with any WSDL a user points it at, not only the shipped one."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

from avangate_compat import Client
from avangate_compat.backends.soap import SHIPPED_WSDL, shipped_file
from avangate_compat.sandbox import Sandbox


def test_wsdl_by_url_from_the_server(sandbox: Sandbox,
                                     make_client: Callable[..., Client]) -> None:
    by_url = make_client("soap", wsdl=f"{sandbox.url}/soap/6.0/?wsdl")
    assert by_url.getLead("60E6C4B574") == make_client("jsonrpc").getLead("60E6C4B574")


def test_a_wsdl_with_other_type_names_and_namespace(tmp_path: Path, sandbox: Sandbox,
                                                    make_client: Callable[..., Client]) -> None:
    """Every type renamed and another target namespace: results must not change."""
    text = Path(shipped_file(SHIPPED_WSDL)).read_text()
    names = re.findall(r'complexType name="(\w+)"', text)
    for name in names:  # definitions and references only: field names stay the API's
        text = text.replace(f'complexType name="{name}"', f'complexType name="Vendor{name}Type"')
        text = re.sub(rf'tns:{name}(?=["\[])', f"tns:Vendor{name}Type", text)
    text = text.replace("urn:avangate-compat:api:6.0", "http://example.invalid/other/ns")
    assert "VendorLeadType" in text and 'tns:Lead"' not in text
    assert 'element name="SubscriptionInformation"' in text
    variant = tmp_path / "variant.wsdl"
    variant.write_text(text)
    soap = make_client("soap", wsdl=str(variant))
    reference = make_client("jsonrpc")
    assert soap.getLead("60E6C4B574") == reference.getLead("60E6C4B574")
    product = soap.getProductByCode("NewProdCodeAPI12345")
    product.ProductName = "Via a vendor WSDL"
    assert soap.updateProduct(product) is True
    assert reference.getProductByCode("NewProdCodeAPI12345") == product


def test_a_field_the_wsdl_cannot_carry_is_reported(make_client: Callable[..., Client]) -> None:
    import pytest

    from avangate_compat.errors import DroppedFieldWarning

    soap = make_client("soap")
    product = soap.getProductByCode("NewProdCodeAPI12345")
    product.extra_fields["FieldFromANewerServer"] = "value"
    with pytest.warns(DroppedFieldWarning, match="FieldFromANewerServer"):
        assert soap.updateProduct(product) is True
