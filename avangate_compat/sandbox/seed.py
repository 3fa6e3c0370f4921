"""The sandbox's starting state, from the seed documents' examples.

The lead ``60E6C4B574`` is the ``getLead`` example of seed 003 field for field (nulls included);
the products are the ones the examples name. Further leads, made deterministically, spread over
countries, languages, types, sources, products and dates so search and pagination mean something.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

CONTACT = {
    "FirstName": "Customer", "LastName": "2Checkout", "Phone": None, "Company": None,
    "FiscalCode": "32423423", "Email": "customer@2checkout.com", "Address1": "Test Address",
    "Address2": None, "City": "LA", "Zip": "12345", "CountryCode": "RO", "State": "CA",
}

SEED_LEAD: dict[str, Any] = {
    "LeadCode": "60E6C4B574",
    "GeneratedFrom": "API",
    "CartId": "CartIdValue",
    "Currency": "EUR",
    "Language": "BG",
    "ExternalReference": "REST_API_3CHECKOUT",
    "MachineId": "123asd",
    "LocalTime": "2019-11-05 16:48:28",
    "Items": [{
        "Code": "04C26C50F8", "Quantity": 2, "SKU": None, "Name": "softy", "Description": None,
        "IsDynamic": False, "Tangible": False, "PurchaseType": "PRODUCT", "PriceOptions": None,
        "RecurringOptions": {"CycleLength": None, "CycleUnit": None, "CycleAmount": None,
                             "ContractLength": None, "ContractUnit": None},
        "RenewalInformation": {"SubscriptionReference": None},
        "MarketingCampaigns": {"Type": 23, "ParentCode": "m", "CampaignCode": 23},
        "Price": {"Amount": Decimal("20"), "Type": "CUSTOM"},
        "AdditionalFields": None,
        "SubscriptionStartDate": "2019-11-05 16:48:28",
    }],
    "BillingDetails": dict(CONTACT),
    "DeliveryDetails": dict(CONTACT),
    "DeliveryInformation": {"ShippingMethod": {"Code": "sdfsd"}},
    "PaymentDetails": {
        "Type": "CC", "Currency": "EUR",
        "PaymentMethod": {"RecurringEnabled": False, "CardPayment": {"InstallmentsNumber": 23}},
        "CustomerIP": "1.2.3.4",
    },
    "Promotions": [""],
}


def _price(amount: str, currency: str, min_q: int = 1, max_q: int = 99999,
           options: Any = None) -> dict[str, Any]:
    return {"Amount": Decimal(amount), "Currency": currency, "MinQuantity": min_q,
            "MaxQuantity": max_q, "OptionCodes": options or []}


def _product(code: str, name: str, avangate_id: str, *, enabled: bool,
             configurations: list[dict[str, Any]], subscription: bool) -> dict[str, Any]:
    return {
        "AvangateId": avangate_id, "ProductCode": code, "ProductType": "REGULAR",
        "ProductName": name, "ProductVersion": "1.0", "GroupName": "General",
        "ProductGroupCode": "544A2C3BA9", "TaxCategory": "78ce5d8d-2b7c-4f73-bd34-5c2c1cbd6b8b",
        "ShippingClass": None, "GiftOption": False,
        "ShortDescription": f"{name}, short description",
        "LongDescription": f"{name}: everything a shopper should know.",
        "SystemRequirements": "Any OS", "ProductCategory": "Software",
        "Platforms": [{"IdPlatform": "23", "PlatformName": "Windows", "Category": "Desktop"}],
        "ProductImages": [{"Default": True, "URL": f"https://example.invalid/{code}.png"}],
        "TrialUrl": None, "TrialDescription": None, "Enabled": enabled,
        "AdditionalFields": [],
        "Translations": [{"Name": f"{name} (DE)", "Description": "Beschreibung",
                          "LongDescription": None, "TrialUrl": None, "TrialDescription": None,
                          "SystemRequirements": None, "Language": "de"}],
        "PricingConfigurations": configurations, "Prices": [],
        "BundleProducts": [], "Fulfillment": "BY_AVANGATE",
        "GeneratesSubscription": subscription,
        "SubscriptionInformation": {
            "DeprecatedProducts": [], "BundleRenewalManagement": "GLOBAL",
            "BillingCycle": 1 if subscription else None,
            "BillingCycleUnits": "M" if subscription else None,
            "IsOneTimeFee": not subscription,
            "ContractPeriod": {"Action": "RESTART", "EmailsDuringContract": True,
                               "IsUnlimited": True, "Period": None, "PeriodUnits": None},
            "UsageBilling": 0, "GracePeriod": None,
        },
        "FulfillmentInformation": {
            "IsStartAfterFulfillment": False, "IsElectronicCode": False,
            "IsDownloadLink": True, "IsBackupMedia": False, "IsDownloadInsuranceService": False,
            "IsInstantDeliveryThankYouPage": True, "IsDisplayInPartnersCPanel": False,
            "ReturnMethod": {"Type": "none", "URL": None},
        },
        "ExternalReference": None, "PurchaseMultipleUnits": True, "Tangible": False,
        "ReviewProductUrl": None, "ReviewAdditionalDetails": None,
    }


def products() -> list[dict[str, Any]]:
    return [
        _product("04C26C50F8", "softy", "4639321", enabled=True, subscription=False,
                 configurations=[{
                     "Name": "softy default", "Code": "54DCBC3DC8", "Default": True,
                     "BillingCountries": [], "PricingSchema": "FLAT", "PriceType": "NET",
                     "DefaultCurrency": "EUR",
                     "Prices": {"Regular": [_price("20", "EUR"), _price("22.50", "USD")],
                                "Renewal": []},
                     "PriceOptions": [],
                 }]),
        _product("NewProdCodeAPI12345", "Subscription plan from API", "4717836", enabled=True,
                 subscription=True, configurations=[{
                     "Name": "Default", "Code": "5F2C0B8A1D", "Default": True,
                     "BillingCountries": [], "PricingSchema": "DYNAMIC", "PriceType": "GROSS",
                     "DefaultCurrency": "USD",
                     "Prices": {
                         "Regular": [
                             _price("99.99", "USD", 1, 10,
                                    [{"Code": "SUPPORT", "Options": ["basic", "premium"]}]),
                             _price("89.99", "USD", 11, 99999),
                         ],
                         "Renewal": [_price("49.99", "USD")],
                     },
                     "PriceOptions": [{"Code": "SUPPORT", "Required": True}],
                 }, {
                     "Name": "Europe", "Code": "6A1E3C9B77", "Default": False,
                     "BillingCountries": ["DE", "FR", "RO"], "PricingSchema": "FLAT",
                     "PriceType": "NET", "DefaultCurrency": "EUR",
                     "Prices": {"Regular": [_price("89.00", "EUR")],
                                "Renewal": [_price("45.00", "EUR")]},
                     "PriceOptions": [],
                 }]),
        _product("YourProductCode", "Your product", "4720001", enabled=False,
                 subscription=False, configurations=[{
                     "Name": "Default", "Code": "7B3D5F1A20", "Default": True,
                     "BillingCountries": [], "PricingSchema": "FLAT", "PriceType": "NET",
                     "DefaultCurrency": "USD",
                     "Prices": {"Regular": [_price("9.95", "USD")], "Renewal": []},
                     "PriceOptions": [],
                 }]),
        # Three pricing configurations (two names share a schema, two a price type), volume
        # intervals, two currencies and price options: what the catalog calls and the SKU
        # schema work on.
        _product("TeamPlan2024", "Team plan", "4720002", enabled=True, subscription=True,
                 configurations=[{
                     "Name": "Default", "Code": "8C4E6A2B31", "Default": True,
                     "BillingCountries": [], "PricingSchema": "FLAT", "PriceType": "NET",
                     "DefaultCurrency": "EUR",
                     "Prices": {"Regular": [_price("29.00", "EUR", 1, 10),
                                            _price("25.00", "EUR", 11, 99999),
                                            _price("32.00", "USD", 1, 10),
                                            _price("28.00", "USD", 11, 99999)],
                                "Renewal": [_price("24.00", "EUR"), _price("26.00", "USD")]},
                     "PriceOptions": [],
                 }, {
                     "Name": "Volume", "Code": "9D5F7B3C42", "Default": False,
                     "BillingCountries": [], "PricingSchema": "DYNAMIC", "PriceType": "GROSS",
                     "DefaultCurrency": "USD",
                     "Prices": {"Regular": [
                         _price("40.00", "USD", 1, 99999,
                                [{"Code": "SEATS", "Options": ["5", "10"]}]),
                         _price("70.00", "USD", 1, 99999,
                                [{"Code": "SEATS", "Options": ["25"]}]),
                     ], "Renewal": [_price("35.00", "USD")]},
                     "PriceOptions": [{"Code": "SEATS", "Required": True}],
                 }, {
                     "Name": "Europe", "Code": "AE608C4D53", "Default": False,
                     "BillingCountries": ["DE", "FR"], "PricingSchema": "FLAT",
                     "PriceType": "GROSS", "DefaultCurrency": "EUR",
                     "Prices": {"Regular": [_price("35.70", "EUR")],
                                "Renewal": [_price("29.75", "EUR")]},
                     "PriceOptions": [],
                 }]),
    ]


# -- SKUs, from the SKU rule of the documentation: an SKU stands for a product, a pricing
# configuration, and at least one of currency, volume interval, purchase type, price options.

PURCHASE_LETTERS = {"NEW_PRODUCT": "N", "RENEWAL": "R", "UPGRADE": "U"}


def sku_code(configuration: str, currency: Any, low: Any, high: Any, purchase: Any,
             options: Any) -> str:
    """The sandbox's SKU code rule, the documented example ``SKU-EUR-1-10-N-A`` (currency,
    volume interval, purchase type N/R/U, options: A for any) with the pricing configuration's
    code after ``SKU-``, so codes are unique across configurations."""
    chosen = sorted(str(o).upper() for group in options or [] for o in group["Options"])
    return "-".join(["SKU", configuration, str(currency or "ALL"), str(low or 1),
                     str(high or 99999), PURCHASE_LETTERS.get(str(purchase), "X"),
                     "_".join(chosen) or "A"])


def skus(catalog: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The SKU schema generated for every price of every pricing configuration: regular
    prices as NEW_PRODUCT, renewal prices as RENEWAL."""
    out = []
    for product in catalog:
        for configuration in product["PricingConfigurations"]:
            prices = configuration.get("Prices") or {}
            for kind, purchase in (("Regular", "NEW_PRODUCT"), ("Renewal", "RENEWAL")):
                for entry in prices.get(kind) or []:
                    options = copy.deepcopy(entry.get("OptionCodes") or [])
                    out.append({
                        "Code": sku_code(configuration["Code"], entry["Currency"],
                                         entry["MinQuantity"], entry["MaxQuantity"],
                                         purchase, options),
                        "ProductCode": product["ProductCode"],
                        "PricingConfigurationCode": configuration["Code"],
                        "Currency": entry["Currency"], "PurchaseType": purchase,
                        "PriceOptions": options, "FromQuantity": entry["MinQuantity"],
                        "ToQuantity": entry["MaxQuantity"]})
    return out


def subscriptions() -> list[dict[str, Any]]:
    """Subscriptions of the seed customer with renewal prices from their pricing
    configuration; one already has a custom renewal price for two more cycles. Each is a
    whole Subscription (the API's fields) plus the sandbox's own (subscription_records.py).
    None has recurring billing: the clock's first advance expires them (docs/sandbox.md)."""
    return [
        _subscription("SUBSCR0001", "NewProdCodeAPI12345", "Subscription plan from API",
                      4717836, "5F2C0B8A1D", 1, "US", "2025-01-15", "2026-01-15"),
        _subscription("SUBSCR0002", "TeamPlan2024", "Team plan", 4720002, "8C4E6A2B31", 3,
                      "DE", "2024-11-30", "2025-11-30"),
        _subscription("SUBSCR0003", "TeamPlan2024", "Team plan", 4720002, "AE608C4D53", 1,
                      "FR", "2025-03-01", "2026-03-01",
                      CustomRenewalPrice={"Price": Decimal("19.00"), "Currency": "EUR",
                                          "Cycles": 2, "CyclesLeft": 2,
                                          "Text": "loyalty discount"},
                      DeliveryInfo={"Description": "License key", "Codes": [
                          {"Code": "TEAM-KEY-0003", "File": None,
                           "Description": "Team plan key", "ExtraInfo": None}]}),
    ]


def _subscription(reference: str, code: str, name: str, product_id: int, configuration: str,
                  quantity: int, country: str, start: str, expires: str,
                  **changes: Any) -> dict[str, Any]:
    from .resources.subscription_life import history

    end_user = {field: CONTACT.get(field) for field in
                ("FirstName", "LastName", "Company", "Email", "Phone", "Fax", "Address1",
                 "Address2", "Zip", "City", "State")}
    record: dict[str, Any] = {
        "SubscriptionReference": reference, "ExternalSubscriptionReference": None,
        "StartDate": start, "ExpirationDate": expires, "ActivationDate": None,
        "RecurringEnabled": False, "SubscriptionEnabled": True,
        "Product": {"ProductId": product_id, "ProductName": name, "ProductVersion": None,
                    "PriceOptionCodes": []},
        "EndUser": {**end_user, "CountryCode": country, "Language": "en"},
        "SKU": None, "DeliveryInfo": None, "ReceiveNotifications": True, "Lifetime": False,
        "PartnerCode": None,
        "AvangateCustomerReference": SEED_CUSTOMER["AvangateCustomerReference"],
        "ExternalCustomerReference": SEED_CUSTOMER["ExternalCustomerReference"],
        "TestSubscription": True, "IsTrial": False,
        # the sandbox's own fields
        "ProductCode": code, "PricingConfigurationCode": configuration, "Quantity": quantity,
        "CountryCode": country, "DynamicRenewalPrice": None, "CustomRenewalPrice": None,
        "Renewals": [], "History": [], "PurchaseDate": f"{start} 09:00:00",
        "Modified": f"{start} 09:00:00", "OrderRefNo": None,
    }
    record.update(changes)
    history(record, "SALE", None)
    return record


PARTNER = {"PartnerCode": "SANDBOXPARTNER", "Company": "Sandbox Distribution Ltd",
           "Country": "GB"}


def resellers() -> list[dict[str, Any]]:
    return [{"ResellerCode": f"RS{n:08d}", "Company": f"Reseller {n}", "FirstName": "Rita",
             "LastName": f"Seller{n}", "Email": f"reseller{n}@example.com", "Phone": None,
             "Fax": None, "Country": country, "State": None, "City": "City",
             "Address": f"{n} Market Street", "PostalCode": f"{10000 + n}"}
            for n, country in enumerate(["GB", "DE", "FR", "RO", "US"], start=1)]


_COUNTRIES = [("RO", "ro"), ("US", "en"), ("DE", "de"), ("FR", "fr"), ("BG", "bg"),
              ("GB", "en"), ("ES", "es")]
_TYPES = ["New", "Used", "UsedSuccess", "Stopped", "NotStopped"]
_SOURCES = ["API", "ShoppingCart", "ConvertPlus"]
_PRODUCTS = [("04C26C50F8", "softy", "20"), ("NewProdCodeAPI12345", "Subscription plan", "99.99"),
             ("YourProductCode", "Your product", "9.95")]


def leads() -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(lead, metadata) pairs: the seed example first, then 41 generated ones."""
    return [(copy.deepcopy(SEED_LEAD),
             {"Type": "New", "CreatedAt": "2019-11-05 16:48:28", "UpdatedAt": None}),
            *generated(range(41))]


def bulk(start: int, count: int) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """``count`` more generated leads for big listings, coded ``GEN0000000``... from ``start``
    (the 41 seeded ones are numbered apart and keep their codes)."""
    return [({**lead, "LeadCode": f"GEN{start + n:07d}"}, meta)
            for n, (lead, meta) in enumerate(generated(range(start, start + count)))]


def generated(numbers: range) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    out = []
    for n in numbers:
        country, language = _COUNTRIES[n % len(_COUNTRIES)]
        product_code, product_name, amount = _PRODUCTS[n % len(_PRODUCTS)]
        code = f"{0xA11E000 + n * 7919:X}"[:10].rjust(10, "0")
        contact = {**CONTACT, "FirstName": f"Shopper{n:02d}", "LastName": "Sandbox",
                   "Email": f"shopper{n:02d}@example.com", "CountryCode": country,
                   "City": "City", "State": None}
        lead = {
            "LeadCode": code, "GeneratedFrom": _SOURCES[n % len(_SOURCES)],
            "CartId": f"cart-{n:03d}", "Currency": "EUR" if country != "US" else "USD",
            "Language": language.upper(), "ExternalReference": f"SANDBOX-{n:03d}",
            "MachineId": f"machine-{n:03d}",
            "LocalTime": f"2024-{1 + n % 12:02d}-{1 + n % 28:02d} 10:{n % 60:02d}:00",
            "Items": [{
                "Code": product_code, "Quantity": 1 + n % 3, "SKU": None, "Name": product_name,
                "Description": None, "IsDynamic": False, "Tangible": False,
                "PurchaseType": "PRODUCT", "PriceOptions": None, "RecurringOptions": None,
                "RenewalInformation": None, "MarketingCampaigns": None,
                "Price": {"Amount": Decimal(amount), "Type": "CUSTOM"},
                "AdditionalFields": None, "SubscriptionStartDate": None,
            }],
            "BillingDetails": contact,
            "DeliveryDetails": None,
            "DeliveryInformation": None,
            "PaymentDetails": {"Type": "CC", "Currency": "EUR" if country != "US" else "USD",
                               "PaymentMethod": None, "CustomerIP": f"10.0.0.{n + 1}"},
            "Promotions": [],
        }
        meta = {"Type": _TYPES[n % len(_TYPES)],
                "CreatedAt": f"2024-{1 + n % 12:02d}-{1 + n % 28:02d} 10:00:00",
                "UpdatedAt": None}
        out.append((lead, meta))
    return out


SEED_CUSTOMER: dict[str, Any] = {
    "AvangateCustomerReference": 435384557, "ExternalCustomerReference": "SEED-CUSTOMER-1",
    **{k: v for k, v in CONTACT.items() if k != "FiscalCode"}, "FiscalCode": None,
    "Fax": None, "Enabled": False, "Trial": False, "Language": "en", "Credit": None,
}


def orders() -> list[dict[str, Any]]:
    """One finished order, placed well over a year ago (so it shows the refund window)."""
    order = {
        "RefNo": "12345678", "OrderNo": 1, "ExternalReference": "SEED-ORDER-1",
        "ShopperRefNo": None, "Status": "COMPLETE", "ApproveStatus": "OK",
        "VendorApproveStatus": "OK", "Language": "en", "Country": "RO", "Currency": "EUR",
        "CustomerIP": "1.2.3.4", "OrderDate": "2024-03-14 10:21:07",
        "FinishDate": "2024-03-14 10:26:07", "Source": "API", "LocalTime": None,
        "TestOrder": True, "HasShipping": False, "RecurringEnabled": False,
        "CustomerReference": SEED_CUSTOMER["AvangateCustomerReference"],
        "Items": [{
            "Code": "04C26C50F8", "Quantity": 2, "SKU": None, "Name": "softy",
            "Description": None, "IsDynamic": False, "Tangible": False,
            "PurchaseType": "PRODUCT", "PriceType": "NET", "PriceOptions": [],
            "RecurringOptions": None,
            "Price": {"Amount": None, "Type": None, "Currency": "EUR",
                      "UnitNetPrice": Decimal("20.00"), "UnitGrossPrice": Decimal("23.80"),
                      "UnitVAT": Decimal("3.80"), "VATPercent": Decimal("19.00"),
                      "NetPrice": Decimal("40.00"), "GrossPrice": Decimal("47.60"),
                      "VAT": Decimal("7.60"), "Discount": Decimal("0.00")},
            "AdditionalFields": [], "SubscriptionStartDate": None, "Trial": False,
            "LineItemReference": "A1B2C3D4E5",
            "ProductDetails": {"Name": "softy", "ProductId": 4639321, "ExtraInfo": None,
                               "RenewalStatus": False, "Subscriptions": []},
        }],
        "BillingDetails": dict(CONTACT), "DeliveryDetails": None,
        "PaymentDetails": {"Type": "TEST", "Currency": "EUR", "PaymentMethod": None,
                           "CustomerIP": "1.2.3.4", "RecurringEnabled": False},
        "CustomerDetails": copy.deepcopy(SEED_CUSTOMER), "Promotions": [],
        "AdditionalFields": [], "NetPrice": Decimal("40.00"), "GrossPrice": Decimal("47.60"),
        "NetDiscountedPrice": Decimal("40.00"), "GrossDiscountedPrice": Decimal("47.60"),
        "Discount": Decimal("0.00"), "VAT": Decimal("7.60"),
    }
    return [{"order": order, "refunds": []}]
