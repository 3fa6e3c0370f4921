"""One converter for every backend: the seed example and each PHP-era quirk, normalized once."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest

from avangate_compat import models
from avangate_compat.convert import structure, unstructure
from avangate_compat.errors import ConversionError

SEED = Path(__file__).parent / "data" / "getLead_seed_003.json"


@pytest.fixture
def seed_payload() -> dict[str, Any]:
    payload: dict[str, Any] = json.loads(SEED.read_text())
    return payload


def test_seed_getlead_example_converts(seed_payload: dict[str, Any]) -> None:
    lead = structure(seed_payload, models.Lead)
    item = lead.Items[0]
    assert item.Quantity == 2 and isinstance(item.Quantity, int)
    assert item.Price is not None and item.Price.Amount == Decimal("20")
    assert isinstance(item.Price.Amount, Decimal)
    assert item.MarketingCampaigns is not None and item.MarketingCampaigns.CampaignCode == 23
    assert item.IsDynamic is False and item.SKU is None
    assert item.PriceOptions == [] and item.AdditionalFields == []  # null lists read as empty
    assert lead.BillingDetails is not None
    assert lead.BillingDetails.Email == "customer@2checkout.com"
    assert lead.PaymentDetails is not None and lead.PaymentDetails.PaymentMethod is not None
    assert lead.PaymentDetails.PaymentMethod.CardPayment is not None
    assert lead.PaymentDetails.PaymentMethod.CardPayment.InstallmentsNumber == 23
    assert lead.Promotions == [""]
    # Name and Description of an item are not in the OpenAPI schema but are in the example.
    assert item.Name == "softy"


def test_round_trip_keeps_everything(seed_payload: dict[str, Any]) -> None:
    lead = structure(seed_payload, models.Lead)
    assert structure(unstructure(lead), models.Lead) == lead


def test_numbered_object_lists_and_wrapped_single_objects() -> None:
    lead = structure({
        "Items": {"1": {"Code": "B"}, "0": {"Code": "A", "Price": {"0": {"Amount": 9.5}}}},
        "DeliveryDetails": {"0": {"City": "Sofia"}},
        "PaymentDetails": [],
        "Promotions": {"0": "P1", "1": "P2"},
    }, models.Lead)
    assert [i.Code for i in lead.Items] == ["A", "B"]
    assert lead.Items[0].Price == models.LeadPrice(Amount=Decimal("9.5"))
    assert lead.DeliveryDetails is not None and lead.DeliveryDetails.City == "Sofia"
    assert lead.PaymentDetails is None
    assert lead.Promotions == ["P1", "P2"]


def test_single_object_where_a_list_is_declared_is_a_one_item_list() -> None:
    # PHP (and SOAP literal) send a one-element array as the element itself.
    product = structure({"PricingConfigurations": {"Code": "X", "BillingCountries": "RO"}},
                        models.Product)
    assert product.PricingConfigurations[0].Code == "X"
    assert product.PricingConfigurations[0].BillingCountries == ["RO"]



def test_an_empty_object_where_a_list_is_declared_is_an_empty_list() -> None:
    # A "0"-keyed list with no element is {}: no leads, not one lead with every field empty.
    found = structure({"Items": {}, "Pagination": {"Count": 0}}, models.LeadSearchResult)
    assert found.Items == []
    assert structure({"PricingConfigurations": {}}, models.Product).PricingConfigurations == []

@pytest.mark.parametrize(("raw", "expected"), [
    ("true", True), ("0", False), (1, True), ("False", False), (True, True)])
def test_booleans(raw: object, expected: bool) -> None:
    assert structure({"Enabled": raw}, models.Product).Enabled is expected


def test_money_never_goes_through_binary_float() -> None:
    price = structure({"Amount": 0.1}, models.ConfigurationPrice)
    assert price.Amount == Decimal("0.1")
    assert structure({"Amount": "19.99"}, models.ConfigurationPrice).Amount == Decimal("19.99")


def test_empty_strings_for_numbers_and_objects_read_as_none() -> None:
    item = structure({"Quantity": "", "Price": "", "Code": ""}, models.LeadItem)
    assert (item.Quantity, item.Price, item.Code) == (None, None, "")


def test_unknown_fields_are_kept_and_sent_back() -> None:
    lead = structure({"LeadCode": "X", "NewServerField": {"a": 1},
                      "Items": [{"Code": "P", "Gift": True}]}, models.Lead)
    assert lead.extra_fields == {"NewServerField": {"a": 1}}
    assert lead.Items[0].extra_fields == {"Gift": True}
    back = unstructure(lead)
    assert back["NewServerField"] == {"a": 1}
    assert back["Items"][0]["Gift"] is True


@pytest.mark.parametrize(("payload", "where"), [
    ({"Items": [{"Quantity": "two"}]}, r"Lead.Items\[0\].Quantity: expected an integer"),
    ({"Items": [{"Price": {"Amount": "a lot"}}]},
     r"Lead.Items\[0\].Price.Amount: expected a number"),
    ({"BillingDetails": "Customer"}, r"BillingDetails"),
    ({"Items": [{"IsDynamic": "maybe"}]}, r"IsDynamic"),
    ({"Items": [{"Quantity": "2.5"}]}, r"Quantity"),
    ({"DeliveryDetails": {"0": {"City": "A"}, "1": {"City": "B"}}}, r"one object"),
])
def test_unreadable_values_raise_with_their_path(payload: dict[str, Any], where: str) -> None:
    with pytest.raises(ConversionError, match=where):
        structure(payload, models.Lead)


def test_models_use_api_names_and_compare_by_value() -> None:
    a = models.Product(ProductCode="P", Enabled=True)
    b = models.Product(ProductCode="P", Enabled=True)
    assert a == b and unstructure(a)["ProductCode"] == "P"
    b.Enabled = False
    assert a != b


def test_a_converter_bug_is_not_reported_as_an_unreadable_answer() -> None:
    """Only conversion errors become ConversionError (and so an APIError about the answer);
    a bug in a hook propagates as what it is."""
    from avangate_compat import convert

    def broken(value: Any, _: Any) -> int:
        raise TypeError("a bug in a hook")

    converter = convert._Converter()
    converter._conv.register_structure_hook(int, broken)
    with pytest.raises(TypeError, match="a bug in a hook"):
        converter.structure({"Items": [{"Quantity": "2"}]}, models.Lead)



def test_a_model_module_need_not_import_what_apiobject_annotations_use() -> None:
    """A generated models module imports only what its own fields use (no ``Any`` without an
    ``any`` field): ApiObject's ``extra_fields: dict[str, Any]`` is read in model_base."""
    import sys
    import types

    module = types.ModuleType("avangate_compat._narrow_models")
    module.__package__ = "avangate_compat"
    sys.modules[module.__name__] = module
    try:
        exec(compile("from __future__ import annotations\nfrom typing import Optional\n"
                     "import attrs\nfrom .model_base import ApiObject\n"
                     "@attrs.define(kw_only=True)\nclass Thing(ApiObject):\n"
                     "    Name: Optional[str] = None\n", "<narrow models>", "exec"),
             module.__dict__)
        thing = structure({"Name": 7, "Other": [1]}, module.Thing)
    finally:
        del sys.modules[module.__name__]
    assert thing.Name == "7" and thing["Other"] == [1]


_SAMPLES: list[Any] = [None, "", "text", "7", 7, "0.5", True, "true", [], {}, [{}], ["x"],
                       {"0": {}}, {"0": "a", "1": "b"}, {"Name": "n"}, {"0": {"Code": "c"}},
                       1.5, "1e999999999", object()]


def _outcome(fn: Any, data: Any, cls: type) -> Any:
    try:
        return "ok", fn(data, cls)
    except Exception as exc:  # both sides must fail alike
        return "error", type(exc)


@pytest.mark.parametrize("cls", [v for v in vars(models).values() if isinstance(v, type)
                                 and attrs.has(v) and v.__module__ == models.__name__])
def test_the_fast_structuring_function_does_what_cattrs_own_does(cls: type) -> None:
    """The hot path's generated function (values handled inline) against cattrs' function for
    the same model and hooks: every field given each sample value, alone and all together."""
    from cattrs.gen import make_dict_structure_fn, override

    from avangate_compat.convert import _CONVERTER

    structure({}, cls)  # builds the hooks (and resolves the annotations)
    ours = _CONVERTER._fast_structure_fn(cls)
    theirs: Any = make_dict_structure_fn(cls, _CONVERTER._conv, _cattrs_detailed_validation=False,
                                    extra_fields=override(omit=True))
    names = [f.name for f in attrs.fields(cls) if f.name != "extra_fields"]
    cases = [{}] + [{name: value} for name in names for value in _SAMPLES]
    cases += [{name: value for name in names} for value in _SAMPLES]
    for case in cases:
        assert _outcome(ours, case, cls) == _outcome(theirs, case, cls), case


@attrs.define(kw_only=True)
class _Validated(models.ApiObject):
    Name: Any = attrs.field(default=None, validator=attrs.validators.instance_of(str))


@attrs.define(kw_only=True)
class _PostInit(models.ApiObject):
    Name: Any = None
    seen: Any = attrs.field(init=False, default=None)

    def __attrs_post_init__(self) -> None:
        self.seen = self.Name


def test_models_are_built_in_place_only_when_their_init_just_stores_values() -> None:
    """The fast function skips ``__init__`` for the generated models (it only stores values
    or defaults); a model whose ``__init__`` does more goes through it."""
    from avangate_compat.convert import _plain_init

    model_classes = [v for v in vars(models).values() if isinstance(v, type)
                     and attrs.has(v) and v.__module__ == models.__name__]
    assert all(_plain_init(cls) for cls in model_classes)
    assert not _plain_init(_Validated) and not _plain_init(_PostInit)
    with pytest.raises(TypeError):  # the validator ran: __init__ was called
        structure({"Name": 5}, _Validated)
    assert structure({"Name": "n"}, _PostInit).seen == "n"
    lead = structure({"LeadCode": "L", "Items": {"0": {"Code": "c"}}, "Other": 1}, models.Lead)
    assert lead == models.Lead(LeadCode="L", Items=[models.LeadItem(Code="c")],
                               extra_fields={"Other": 1})
