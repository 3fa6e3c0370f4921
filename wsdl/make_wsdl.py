"""Write ``avangate-6.0.wsdl`` from the type and operation tables below.

The real 6.0 WSDL is not public (see docs/api-facts.md), so the shipped one is our
own rpc/encoded description, in the style PHP's SoapServer and Zend_Soap produced: SOAP 1.1,
``style="rpc"``, ``use="encoded"``, SOAP-ENC arrays named ``ArrayOf<Type>``, every element
nillable. The client never depends on these type names; the sandbox and PHP's SoapClient read
them to know each field's type.

Run ``python wsdl/make_wsdl.py`` after editing a table; the output is committed.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import quoteattr

TNS = "urn:avangate-compat:api:6.0"
LOCATION = "https://api.2checkout.com/soap/6.0/"
SCALARS = {"string": "xsd:string", "int": "xsd:int", "boolean": "xsd:boolean",
           "decimal": "xsd:decimal"}

CONTACT = [(name, "string") for name in (
    "FirstName", "LastName", "Phone", "Company", "FiscalCode", "Email", "Address1", "Address2",
    "City", "Zip", "CountryCode", "State")]

# type name -> [(field, type)]; "X[]" is a SOAP-ENC array of X.
TYPES: dict[str, list[tuple[str, str]]] = {
    # Leads (seed REST OpenAPI and the getLead example)
    "Lead": [
        ("LeadCode", "string"), ("GeneratedFrom", "string"), ("CartId", "string"),
        ("Currency", "string"), ("Language", "string"), ("ExternalReference", "string"),
        ("MachineId", "string"), ("LocalTime", "string"), ("Source", "string"),
        ("CustomerReference", "string"), ("FollowedUp", "boolean"),
        ("Items", "LeadItem[]"), ("BillingDetails", "BillingDetails"),
        ("DeliveryDetails", "DeliveryDetails"), ("DeliveryInformation", "DeliveryInformation"),
        ("PaymentDetails", "PaymentDetails"), ("Promotions", "string[]"),
    ],
    "LeadItem": [
        ("Code", "string"), ("Quantity", "int"), ("SKU", "string"), ("Name", "string"),
        ("Description", "string"), ("IsDynamic", "boolean"), ("Tangible", "boolean"),
        ("PurchaseType", "string"), ("PriceOptions", "LeadPriceOptions[]"),
        ("RecurringOptions", "RecurringOptions"), ("RenewalInformation", "RenewalInformation"),
        ("MarketingCampaigns", "MarketingCampaigns"), ("Price", "LeadPrice"),
        ("AdditionalFields", "AdditionalField[]"), ("SubscriptionStartDate", "string"),
        ("Trial", "LeadTrial"),
    ],
    "LeadPriceOptions": [("Name", "string"), ("Options", "PriceOptionsOption[]")],
    "PriceOptionsOption": [("Name", "string"), ("Value", "string"), ("Surcharge", "decimal")],
    "RecurringOptions": [
        ("CycleLength", "int"), ("CycleUnit", "string"), ("CycleAmount", "int"),
        ("ContractLength", "int"), ("ContractUnit", "string"),
    ],
    "RenewalInformation": [("SubscriptionReference", "string")],
    "MarketingCampaigns": [("Type", "int"), ("ParentCode", "string"), ("CampaignCode", "int")],
    "LeadPrice": [("Amount", "decimal"), ("Type", "string")],
    "AdditionalField": [("Code", "string"), ("Text", "string"), ("Value", "string")],
    "LeadTrial": [("Period", "int"), ("Price", "decimal")],
    "BillingDetails": CONTACT,
    "DeliveryDetails": CONTACT,
    "DeliveryInformation": [("ShippingMethod", "ShippingMethod")],
    "ShippingMethod": [("Code", "string")],
    "PaymentDetails": [
        ("Type", "string"), ("Currency", "string"), ("PaymentMethod", "PaymentMethod"),
        ("CustomerIP", "string"), ("RecurringEnabled", "boolean"),
    ],
    "PaymentMethod": [("RecurringEnabled", "boolean"), ("CardPayment", "CardPayment")],
    "CardPayment": [("InstallmentsNumber", "int")],
    "LeadSearchOptions": [
        ("LeadCode", "string[]"), ("Email", "string"), ("Type", "string"),
        ("StartDate", "string"), ("EndDate", "string"), ("ProductCode", "string[]"),
        ("Language", "string"), ("Country", "string"), ("GeneratedFrom", "string"),
        ("Page", "int"), ("Limit", "int"),
    ],
    "LeadSearchResult": [("Items", "Lead[]"), ("Pagination", "Pagination")],
    "Pagination": [("Page", "int"), ("Limit", "int"), ("Count", "int")],
    "LeadResponse": [
        ("LeadCode", "string"), ("CreatedAt", "string"), ("UpdatedAt", "string"),
        ("Errors", "LeadError[]"),
    ],
    "LeadError": [("Code", "string"), ("Description", "string")],
    "MarkLead": [("LeadCode", "string"), ("Used", "boolean"), ("StopFollowups", "boolean")],
    "MarkLeadsResponse": [("Response", "string"), ("Errors", "LeadError[]")],
    # Products (docs/api-facts.md "Product", the pricing configuration seed)
    "Product": [
        ("AvangateId", "string"), ("ProductCode", "string"), ("ProductType", "string"),
        ("ProductName", "string"), ("ProductVersion", "string"), ("GroupName", "string"),
        ("ProductGroupCode", "string"), ("TaxCategory", "string"), ("ShippingClass", "string"),
        ("GiftOption", "boolean"), ("ShortDescription", "string"), ("LongDescription", "string"),
        ("SystemRequirements", "string"), ("ProductCategory", "string"),
        ("Platforms", "Platform[]"), ("ProductImages", "ProductImage[]"),
        ("TrialUrl", "string"), ("TrialDescription", "string"), ("Enabled", "boolean"),
        ("AdditionalFields", "AdditionalField[]"), ("Translations", "ProductTranslation[]"),
        ("PricingConfigurations", "PricingConfiguration[]"),
        ("Prices", "ConfigurationPrice[]"), ("BundleProducts", "BundleProduct[]"),
        ("Fulfillment", "string"), ("GeneratesSubscription", "boolean"),
        ("SubscriptionInformation", "SubscriptionInformation"),
        ("FulfillmentInformation", "FulfillmentInformation"),
        ("ExternalReference", "string"), ("PurchaseMultipleUnits", "boolean"),
        ("Tangible", "boolean"), ("ReviewProductUrl", "string"),
        ("ReviewAdditionalDetails", "string"),
    ],
    "Platform": [("IdPlatform", "string"), ("PlatformName", "string"), ("Category", "string")],
    "ProductImage": [("Default", "boolean"), ("URL", "string")],
    "ProductTranslation": [
        ("Name", "string"), ("Description", "string"), ("LongDescription", "string"),
        ("TrialUrl", "string"), ("TrialDescription", "string"),
        ("SystemRequirements", "string"), ("Language", "string"),
    ],
    "BundleProduct": [("Code", "string"), ("Quantity", "int")],
    "SubscriptionInformation": [
        ("DeprecatedProducts", "string[]"), ("BundleRenewalManagement", "string"),
        ("BillingCycle", "int"), ("BillingCycleUnits", "string"), ("IsOneTimeFee", "boolean"),
        ("ContractPeriod", "ContractPeriod"), ("UsageBilling", "int"),
        ("GracePeriod", "GracePeriod"),
    ],
    "ContractPeriod": [
        ("Action", "string"), ("EmailsDuringContract", "boolean"), ("IsUnlimited", "boolean"),
        ("Period", "int"), ("PeriodUnits", "string"),
    ],
    "GracePeriod": [
        ("Type", "string"), ("Period", "int"), ("PeriodUnits", "string"),
        ("IsUnlimited", "boolean"),
    ],
    "FulfillmentInformation": [
        ("IsStartAfterFulfillment", "boolean"), ("IsElectronicCode", "boolean"),
        ("IsDownloadLink", "boolean"), ("IsBackupMedia", "boolean"),
        ("IsDownloadInsuranceService", "boolean"), ("IsInstantDeliveryThankYouPage", "boolean"),
        ("IsDisplayInPartnersCPanel", "boolean"), ("ReturnMethod", "ReturnMethod"),
    ],
    "ReturnMethod": [("Type", "string"), ("URL", "string")],
    "PricingConfiguration": [
        ("Name", "string"), ("Code", "string"), ("Default", "boolean"),
        ("BillingCountries", "string[]"), ("PricingSchema", "string"), ("PriceType", "string"),
        ("DefaultCurrency", "string"), ("Prices", "PricingConfigurationPrices"),
        ("PriceOptions", "PriceOptionAssignment[]"),
    ],
    "PricingConfigurationPrices": [
        ("Regular", "ConfigurationPrice[]"), ("Renewal", "ConfigurationPrice[]"),
    ],
    "ConfigurationPrice": [
        ("Amount", "decimal"), ("Currency", "string"), ("MinQuantity", "int"),
        ("MaxQuantity", "int"), ("OptionCodes", "OptionCode[]"),
    ],
    "OptionCode": [("Code", "string"), ("Options", "string[]")],
    "PriceOptionAssignment": [("Code", "string"), ("Required", "boolean")],
}

# operation -> ([(part, type)], return type); every call but login takes sessionID first.
OPERATIONS: dict[str, tuple[list[tuple[str, str]], str]] = {
    "login": ([("merchantCode", "string"), ("date", "string"), ("hash", "string"),
               ("algo", "string")], "string"),
    "getLead": ([("sessionID", "string"), ("LeadCode", "string")], "Lead"),
    "searchLeads": ([("sessionID", "string"), ("SearchOptions", "LeadSearchOptions")],
                    "LeadSearchResult"),
    "addLead": ([("sessionID", "string"), ("Lead", "Lead")], "LeadResponse"),
    "updateLead": ([("sessionID", "string"), ("LeadCode", "string"), ("Lead", "Lead")],
                   "LeadResponse"),
    "markLeads": ([("sessionID", "string"), ("Leads", "MarkLead[]")], "MarkLeadsResponse"),
    "getProductByCode": ([("sessionID", "string"), ("ProductCode", "string")], "Product"),
    "updateProduct": ([("sessionID", "string"), ("Product", "Product")], "boolean"),
    "setProductStatus": ([("sessionID", "string"), ("ProductCode", "string"),
                          ("Status", "boolean")], "boolean"),
}


def _ref(type_name: str) -> str:
    if type_name.endswith("[]"):
        item = type_name[:-2]
        return "tns:ArrayOf" + (item.capitalize() if item in SCALARS else item)
    return SCALARS.get(type_name, "tns:" + type_name)


def _array_item(type_name: str) -> str:
    return SCALARS.get(type_name, "tns:" + type_name)


def render() -> str:
    arrays = sorted({t[:-2] for fields in TYPES.values() for _, t in fields if t.endswith("[]")}
                    | {t[:-2] for params, ret in OPERATIONS.values()
                       for t in [ret, *(p for _, p in params)] if t.endswith("[]")})
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<!-- Generated by wsdl/make_wsdl.py: edit the tables there, not this file. -->",
        f'<definitions name="AvangateCompat60" targetNamespace="{TNS}"',
        f'  xmlns="http://schemas.xmlsoap.org/wsdl/" xmlns:tns="{TNS}"',
        '  xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"',
        '  xmlns:xsd="http://www.w3.org/2001/XMLSchema"',
        '  xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/"',
        '  xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/">',
        "  <types>",
        f'    <xsd:schema targetNamespace="{TNS}">',
        '      <xsd:import namespace="http://schemas.xmlsoap.org/soap/encoding/"/>',
    ]
    for name in arrays:
        out += [
            f'      <xsd:complexType name="{_ref(name + "[]")[4:]}">',
            '        <xsd:complexContent><xsd:restriction base="soapenc:Array">',
            '          <xsd:attribute ref="soapenc:arrayType"'
            f' wsdl:arrayType="{_array_item(name)}[]"/>',
            "        </xsd:restriction></xsd:complexContent>",
            "      </xsd:complexType>",
        ]
    for name, fields in TYPES.items():
        out.append(f'      <xsd:complexType name="{name}">')
        out.append("        <xsd:sequence>")
        for field, type_name in fields:
            out.append(f'          <xsd:element name="{field}" type="{_ref(type_name)}"'
                       ' nillable="true"/>')
        out += ["        </xsd:sequence>", "      </xsd:complexType>"]
    out += ["    </xsd:schema>", "  </types>"]
    for op, (params, ret) in OPERATIONS.items():
        out.append(f'  <message name="{op}">')
        out += [f'    <part name="{p}" type="{_ref(t)}"/>' for p, t in params]
        out.append("  </message>")
        out += [f'  <message name="{op}Response">',
                f'    <part name="{op}Return" type="{_ref(ret)}"/>', "  </message>"]
    out.append('  <portType name="AvangateCompat60PortType">')
    for op in OPERATIONS:
        out += [f'    <operation name="{op}">', f'      <input message="tns:{op}"/>',
                f'      <output message="tns:{op}Response"/>', "    </operation>"]
    out.append("  </portType>")
    out += ['  <binding name="AvangateCompat60Binding" type="tns:AvangateCompat60PortType">',
            '    <soap:binding style="rpc" transport="http://schemas.xmlsoap.org/soap/http"/>']
    body = (f'<soap:body use="encoded" namespace="{TNS}" '
            'encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"/>')
    for op in OPERATIONS:
        out += [f'    <operation name="{op}">',
                f"      <soap:operation soapAction={quoteattr(TNS + '#' + op)}/>",
                f"      <input>{body}</input>", f"      <output>{body}</output>",
                "    </operation>"]
    out.append("  </binding>")
    out += ['  <service name="AvangateCompat60">',
            '    <port name="AvangateCompat60Port" binding="tns:AvangateCompat60Binding">',
            f'      <soap:address location="{LOCATION}"/>', "    </port>", "  </service>",
            "</definitions>", ""]
    return "\n".join(out)


if __name__ == "__main__":
    target = Path(__file__).with_name("avangate-6.0.wsdl")
    target.write_text(render(), encoding="utf-8")
    print(f"wrote {target}")
