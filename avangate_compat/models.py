"""attrs classes named and shaped like the 2Checkout 6.0 API objects.

Field names are the API's (``lead.BillingDetails.Email``), as a PHP ``stdClass`` had them.
Every model keeps what a newer server sends beyond these fields in ``extra_fields`` and sends
it back on write, so a read, change, write round trip loses nothing. Money is ``Decimal``.
Conversion to and from plain dicts lives in :mod:`avangate_compat.convert`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Optional

import attrs

# ---------------------------------------------------------------------------------- leads


@attrs.define(kw_only=True)
class PriceOptionsOption:
    Name: Optional[str] = None
    Value: Optional[str] = None
    Surcharge: Optional[Decimal] = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.define(kw_only=True)
class LeadPriceOptions:
    Name: Optional[str] = None
    Options: list[PriceOptionsOption] = attrs.Factory(list)
    extra_fields: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.define(kw_only=True)
class RecurringOptions:
    CycleLength: Optional[int] = None
    CycleUnit: Optional[str] = None
    CycleAmount: Optional[int] = None
    ContractLength: Optional[int] = None
    ContractUnit: Optional[str] = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.define(kw_only=True)
class RenewalInformation:
    SubscriptionReference: Optional[str] = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.define(kw_only=True)
class MarketingCampaigns:
    Type: Optional[int] = None
    ParentCode: Optional[str] = None
    CampaignCode: Optional[int] = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.define(kw_only=True)
class LeadPrice:
    Amount: Optional[Decimal] = None
    Type: Optional[str] = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.define(kw_only=True)
class AdditionalField:
    Code: Optional[str] = None
    Text: Optional[str] = None
    Value: Optional[str] = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.define(kw_only=True)
class LeadTrial:
    Period: Optional[int] = None
    Price: Optional[Decimal] = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.define(kw_only=True)
class LeadItem:
    Code: Optional[str] = None
    Quantity: Optional[int] = None
    SKU: Optional[str] = None
    Name: Optional[str] = None
    Description: Optional[str] = None
    IsDynamic: Optional[bool] = None
    Tangible: Optional[bool] = None
    PurchaseType: Optional[str] = None
    PriceOptions: list[LeadPriceOptions] = attrs.Factory(list)
    RecurringOptions: Optional[RecurringOptions] = None
    RenewalInformation: Optional[RenewalInformation] = None
    MarketingCampaigns: Optional[MarketingCampaigns] = None
    Price: Optional[LeadPrice] = None
    AdditionalFields: list[AdditionalField] = attrs.Factory(list)
    SubscriptionStartDate: Optional[str] = None
    Trial: Optional[LeadTrial] = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.define(kw_only=True)
class _Contact:
    FirstName: Optional[str] = None
    LastName: Optional[str] = None
    Phone: Optional[str] = None
    Company: Optional[str] = None
    FiscalCode: Optional[str] = None
    Email: Optional[str] = None
    Address1: Optional[str] = None
    Address2: Optional[str] = None
    City: Optional[str] = None
    Zip: Optional[str] = None
    CountryCode: Optional[str] = None
    State: Optional[str] = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.define(kw_only=True)
class BillingDetails(_Contact):
    pass


@attrs.define(kw_only=True)
class DeliveryDetails(_Contact):
    pass


@attrs.define(kw_only=True)
class ShippingMethod:
    Code: Optional[str] = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.define(kw_only=True)
class DeliveryInformation:
    ShippingMethod: Optional[ShippingMethod] = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.define(kw_only=True)
class CardPayment:
    InstallmentsNumber: Optional[int] = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.define(kw_only=True)
class PaymentMethod:
    RecurringEnabled: Optional[bool] = None
    CardPayment: Optional[CardPayment] = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.define(kw_only=True)
class PaymentDetails:
    Type: Optional[str] = None
    Currency: Optional[str] = None
    PaymentMethod: Optional[PaymentMethod] = None
    CustomerIP: Optional[str] = None
    RecurringEnabled: Optional[bool] = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.define(kw_only=True)
class Lead:
    """A lead (abandoned or API-created cart), as ``getLead`` returns it."""

    LeadCode: Optional[str] = None
    GeneratedFrom: Optional[str] = None
    CartId: Optional[str] = None
    Currency: Optional[str] = None
    Language: Optional[str] = None
    ExternalReference: Optional[str] = None
    MachineId: Optional[str] = None
    LocalTime: Optional[str] = None
    Source: Optional[str] = None
    CustomerReference: Optional[str] = None
    FollowedUp: Optional[bool] = None
    Items: list[LeadItem] = attrs.Factory(list)
    BillingDetails: Optional[BillingDetails] = None
    DeliveryDetails: Optional[DeliveryDetails] = None
    DeliveryInformation: Optional[DeliveryInformation] = None
    PaymentDetails: Optional[PaymentDetails] = None
    Promotions: list[str] = attrs.Factory(list)
    extra_fields: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.define(kw_only=True)
class LeadError:
    Code: Optional[str] = None
    Description: Optional[str] = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.define(kw_only=True)
class Pagination:
    Page: Optional[int] = None
    Limit: Optional[int] = None
    Count: Optional[int] = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.define(kw_only=True)
class LeadSearchResult:
    """One page of ``searchLeads``: the leads and where the page stands."""

    Items: list[Lead] = attrs.Factory(list)
    Pagination: Optional[Pagination] = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.define(kw_only=True)
class LeadResponse:
    """What ``addLead`` and ``updateLead`` answer."""

    LeadCode: Optional[str] = None
    CreatedAt: Optional[str] = None
    UpdatedAt: Optional[str] = None
    Errors: list[LeadError] = attrs.Factory(list)
    extra_fields: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.define(kw_only=True)
class MarkLead:
    """One entry of ``markLeads``: mark a lead used and/or stop its follow-up emails."""

    LeadCode: Optional[str] = None
    Used: Optional[bool] = None
    StopFollowups: Optional[bool] = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.define(kw_only=True)
class MarkLeadsResponse:
    Response: Optional[str] = None
    Errors: list[LeadError] = attrs.Factory(list)
    extra_fields: dict[str, Any] = attrs.field(factory=dict, repr=False)


# ------------------------------------------------------------------------------- products


@attrs.define(kw_only=True)
class OptionCode:
    Code: Optional[str] = None
    Options: list[str] = attrs.Factory(list)
    extra_fields: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.define(kw_only=True)
class ConfigurationPrice:
    """A regular or renewal price; ``Amount`` of ``-1`` deletes it on update."""

    Amount: Optional[Decimal] = None
    Currency: Optional[str] = None
    MinQuantity: Optional[int] = None
    MaxQuantity: Optional[int] = None
    OptionCodes: list[OptionCode] = attrs.Factory(list)
    extra_fields: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.define(kw_only=True)
class PricingConfigurationPrices:
    Regular: list[ConfigurationPrice] = attrs.Factory(list)
    Renewal: list[ConfigurationPrice] = attrs.Factory(list)
    extra_fields: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.define(kw_only=True)
class PriceOptionAssignment:
    """A price options group assigned to a pricing configuration."""

    Code: Optional[str] = None
    Required: Optional[bool] = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.define(kw_only=True)
class PricingConfiguration:
    """``Code`` is read-only; ``PricingSchema`` (DYNAMIC or FLAT) cannot change on update."""

    Name: Optional[str] = None
    Code: Optional[str] = None
    Default: Optional[bool] = None
    BillingCountries: list[str] = attrs.Factory(list)
    PricingSchema: Optional[str] = None
    PriceType: Optional[str] = None
    DefaultCurrency: Optional[str] = None
    Prices: Optional[PricingConfigurationPrices] = None
    PriceOptions: list[PriceOptionAssignment] = attrs.Factory(list)
    extra_fields: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.define(kw_only=True)
class Platform:
    IdPlatform: Optional[str] = None
    PlatformName: Optional[str] = None
    Category: Optional[str] = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.define(kw_only=True)
class ProductImage:
    Default: Optional[bool] = None
    URL: Optional[str] = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.define(kw_only=True)
class ProductTranslation:
    Name: Optional[str] = None
    Description: Optional[str] = None
    LongDescription: Optional[str] = None
    TrialUrl: Optional[str] = None
    TrialDescription: Optional[str] = None
    SystemRequirements: Optional[str] = None
    Language: Optional[str] = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.define(kw_only=True)
class BundleProduct:
    Code: Optional[str] = None
    Quantity: Optional[int] = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.define(kw_only=True)
class ContractPeriod:
    Action: Optional[str] = None
    EmailsDuringContract: Optional[bool] = None
    IsUnlimited: Optional[bool] = None
    Period: Optional[int] = None
    PeriodUnits: Optional[str] = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.define(kw_only=True)
class GracePeriod:
    Type: Optional[str] = None
    Period: Optional[int] = None
    PeriodUnits: Optional[str] = None
    IsUnlimited: Optional[bool] = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.define(kw_only=True)
class SubscriptionInformation:
    DeprecatedProducts: list[str] = attrs.Factory(list)
    BundleRenewalManagement: Optional[str] = None
    BillingCycle: Optional[int] = None
    BillingCycleUnits: Optional[str] = None
    IsOneTimeFee: Optional[bool] = None
    ContractPeriod: Optional[ContractPeriod] = None
    UsageBilling: Optional[int] = None
    GracePeriod: Optional[GracePeriod] = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.define(kw_only=True)
class ReturnMethod:
    Type: Optional[str] = None
    URL: Optional[str] = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.define(kw_only=True)
class FulfillmentInformation:
    IsStartAfterFulfillment: Optional[bool] = None
    IsElectronicCode: Optional[bool] = None
    IsDownloadLink: Optional[bool] = None
    IsBackupMedia: Optional[bool] = None
    IsDownloadInsuranceService: Optional[bool] = None
    IsInstantDeliveryThankYouPage: Optional[bool] = None
    IsDisplayInPartnersCPanel: Optional[bool] = None
    ReturnMethod: Optional[ReturnMethod] = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.define(kw_only=True)
class Product:
    """A catalog product / subscription plan. ``AvangateId`` and ``ProductType`` are read-only."""

    AvangateId: Optional[str] = None
    ProductCode: Optional[str] = None
    ProductType: Optional[str] = None
    ProductName: Optional[str] = None
    ProductVersion: Optional[str] = None
    GroupName: Optional[str] = None
    ProductGroupCode: Optional[str] = None
    TaxCategory: Optional[str] = None
    ShippingClass: Optional[str] = None
    GiftOption: Optional[bool] = None
    ShortDescription: Optional[str] = None
    LongDescription: Optional[str] = None
    SystemRequirements: Optional[str] = None
    ProductCategory: Optional[str] = None
    Platforms: list[Platform] = attrs.Factory(list)
    ProductImages: list[ProductImage] = attrs.Factory(list)
    TrialUrl: Optional[str] = None
    TrialDescription: Optional[str] = None
    Enabled: Optional[bool] = None
    AdditionalFields: list[AdditionalField] = attrs.Factory(list)
    Translations: list[ProductTranslation] = attrs.Factory(list)
    PricingConfigurations: list[PricingConfiguration] = attrs.Factory(list)
    Prices: list[ConfigurationPrice] = attrs.Factory(list)
    BundleProducts: list[BundleProduct] = attrs.Factory(list)
    Fulfillment: Optional[str] = None
    GeneratesSubscription: Optional[bool] = None
    SubscriptionInformation: Optional[SubscriptionInformation] = None
    FulfillmentInformation: Optional[FulfillmentInformation] = None
    ExternalReference: Optional[str] = None
    PurchaseMultipleUnits: Optional[bool] = None
    Tangible: Optional[bool] = None
    TangibleDetails: Optional[Any] = None
    ReviewProductUrl: Optional[str] = None
    ReviewAdditionalDetails: Optional[str] = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.define(kw_only=True)
class ProductSearchResult:
    """One page of ``searchProducts``: the products and where the page stands."""

    Items: list[Product] = attrs.Factory(list)
    Pagination: Optional[Pagination] = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, repr=False)


# ------------------------------------------------------------------------------------ SKUs


@attrs.define(kw_only=True)
class SKUDetails:
    """What ``getSKUDetails`` answers: the details an SKU code stands for."""

    PricingConfigurationCode: Optional[str] = None
    ProductCode: Optional[str] = None
    Currency: Optional[str] = None
    PriceOptions: list[OptionCode] = attrs.Factory(list)
    PurchaseType: Optional[str] = None
    FromQuantity: Optional[int] = None
    ToQuantity: Optional[int] = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.define(kw_only=True)
class SKUDetailsQuery:
    """The argument of ``getSKUCodeByDetails``; only ``PricingConfigurationCode`` is required."""

    PricingConfigurationCode: Optional[str] = None
    Currency: Optional[str] = None
    PurchaseType: Optional[str] = None
    PriceOptions: list[OptionCode] = attrs.Factory(list)
    Quantity: Optional[int] = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.define(kw_only=True)
class SKU:
    """One SKU of a schema (``setSku``): its code and the details it stands for."""

    Code: Optional[str] = None
    Currency: Optional[str] = None
    PurchaseType: Optional[str] = None
    PriceOptions: list[OptionCode] = attrs.Factory(list)
    FromQuantity: Optional[int] = None
    ToQuantity: Optional[int] = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.define(kw_only=True)
class SKUSchemaConfiguration:
    PriceConfigurationCode: Optional[str] = None
    SKUs: list[SKU] = attrs.Factory(list)
    extra_fields: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.define(kw_only=True)
class SKUSchemaProduct:
    """A product's whole SKU schema, as ``setSku`` replaces it."""

    ProductCode: Optional[str] = None
    PriceConfigurations: list[SKUSchemaConfiguration] = attrs.Factory(list)
    extra_fields: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.define(kw_only=True)
class SKUCodeList:
    PriceConfigurationCode: Optional[str] = None
    SKUs: list[str] = attrs.Factory(list)
    extra_fields: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.define(kw_only=True)
class SKUDeletion:
    """One entry of ``deleteSku``: the SKU codes to remove, by product and configuration."""

    ProductCode: Optional[str] = None
    PriceConfigurations: list[SKUCodeList] = attrs.Factory(list)
    extra_fields: dict[str, Any] = attrs.field(factory=dict, repr=False)


# --------------------------------------------------------------------------- subscriptions


@attrs.define(kw_only=True)
class RenewalPrice:
    """What ``getNextRenewalPrice`` answers: the price before and after taxes."""

    NetPrice: Optional[Decimal] = None
    NetCurrency: Optional[str] = None
    FinalPrice: Optional[Decimal] = None
    FinalCurrency: Optional[str] = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, repr=False)


# ------------------------------------------------------------------------- channel manager


@attrs.define(kw_only=True)
class Reseller:
    """A reseller of the Channel Manager API; ``ResellerCode`` is system-generated."""

    ResellerCode: Optional[str] = None
    Company: Optional[str] = None
    FirstName: Optional[str] = None
    LastName: Optional[str] = None
    Email: Optional[str] = None
    Phone: Optional[str] = None
    Fax: Optional[str] = None
    Country: Optional[str] = None
    State: Optional[str] = None
    City: Optional[str] = None
    Address: Optional[str] = None
    PostalCode: Optional[str] = None
    extra_fields: dict[str, Any] = attrs.field(factory=dict, repr=False)
