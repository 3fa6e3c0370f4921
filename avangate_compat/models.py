# Generated from avangate_compat/spec.json by wsdl/tools/make_models.py: edit the spec, not this
# file, then run `python wsdl/tools/make_models.py` (a test fails while the two differ).
"""attrs classes named and shaped like the 2Checkout 6.0 API objects, one per type of the spec.

Field names are the API's (``lead.BillingDetails.Email``), as a PHP ``stdClass`` had them.
Every model keeps what a newer server sends beyond these fields in ``extra_fields`` and sends
it back on write, so a read, change, write round trip loses nothing. Money is ``Decimal``.
What every model shares is :class:`~avangate_compat.model_base.ApiObject`; conversion to and
from plain dicts lives in :mod:`avangate_compat.convert`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Optional

import attrs

from .model_base import ApiObject as ApiObject


@attrs.define(kw_only=True)
class Lead(ApiObject):
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


@attrs.define(kw_only=True)
class LeadItem(ApiObject):
    """One product in a lead's cart: its code, quantity, price and options."""

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


@attrs.define(kw_only=True)
class LeadPriceOptions(ApiObject):
    """A price options group of a lead item, with the options chosen in it."""

    Name: Optional[str] = None
    Options: list[PriceOptionsOption] = attrs.Factory(list)


@attrs.define(kw_only=True)
class PriceOptionsOption(ApiObject):
    """One option chosen in a price options group, and its surcharge."""

    Name: Optional[str] = None
    Value: Optional[str] = None
    Surcharge: Optional[Decimal] = None


@attrs.define(kw_only=True)
class RecurringOptions(ApiObject):
    """How a lead item renews: the billing cycle and the contract length."""

    CycleLength: Optional[int] = None
    CycleUnit: Optional[str] = None
    CycleAmount: Optional[int] = None
    ContractLength: Optional[int] = None
    ContractUnit: Optional[str] = None


@attrs.define(kw_only=True)
class RenewalInformation(ApiObject):
    """The subscription a lead item renews."""

    SubscriptionReference: Optional[str] = None


@attrs.define(kw_only=True)
class MarketingCampaigns(ApiObject):
    """The marketing campaign a lead item came from."""

    Type: Optional[int] = None
    ParentCode: Optional[str] = None
    CampaignCode: Optional[int] = None


@attrs.define(kw_only=True)
class LeadPrice(ApiObject):
    """The price of a lead item and its type."""

    Amount: Optional[Decimal] = None
    Type: Optional[str] = None


@attrs.define(kw_only=True)
class AdditionalField(ApiObject):
    """A merchant-defined additional field: its code, label text and value."""

    Code: Optional[str] = None
    Text: Optional[str] = None
    Value: Optional[str] = None


@attrs.define(kw_only=True)
class LeadTrial(ApiObject):
    """The trial of a lead item: its length and price."""

    Period: Optional[int] = None
    Price: Optional[Decimal] = None


@attrs.define(kw_only=True)
class BillingDetails(ApiObject):
    """The shopper's billing contact and address."""

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


@attrs.define(kw_only=True)
class DeliveryDetails(ApiObject):
    """The delivery contact and address, where it differs from the billing one."""

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


@attrs.define(kw_only=True)
class DeliveryInformation(ApiObject):
    """How a lead's tangible items are shipped."""

    ShippingMethod: Optional[ShippingMethod] = None


@attrs.define(kw_only=True)
class ShippingMethod(ApiObject):
    """A shipping method, by code."""

    Code: Optional[str] = None


@attrs.define(kw_only=True)
class PaymentDetails(ApiObject):
    """How the shopper means to pay: payment type, currency, method, IP address."""

    Type: Optional[str] = None
    Currency: Optional[str] = None
    PaymentMethod: Optional[PaymentMethod] = None
    CustomerIP: Optional[str] = None
    RecurringEnabled: Optional[bool] = None


@attrs.define(kw_only=True)
class PaymentMethod(ApiObject):
    """The payment method of a lead: whether it renews automatically, card details."""

    RecurringEnabled: Optional[bool] = None
    CardPayment: Optional[CardPayment] = None


@attrs.define(kw_only=True)
class CardPayment(ApiObject):
    """Card payment details of a lead."""

    InstallmentsNumber: Optional[int] = None


@attrs.define(kw_only=True)
class LeadSearchResult(ApiObject):
    """One page of ``searchLeads``: the leads and where the page stands."""

    Items: list[Lead] = attrs.Factory(list)
    Pagination: Optional[Pagination] = None


@attrs.define(kw_only=True)
class Pagination(ApiObject):
    """Where a page of a search stands: its number, its size and the total count."""

    Page: Optional[int] = None
    Limit: Optional[int] = None
    Count: Optional[int] = None


@attrs.define(kw_only=True)
class LeadResponse(ApiObject):
    """What ``addLead`` and ``updateLead`` answer."""

    LeadCode: Optional[str] = None
    CreatedAt: Optional[str] = None
    UpdatedAt: Optional[str] = None
    Errors: list[LeadError] = attrs.Factory(list)


@attrs.define(kw_only=True)
class LeadError(ApiObject):
    """An error a lead call reports for one lead: a code and its description."""

    Code: Optional[str] = None
    Description: Optional[str] = None


@attrs.define(kw_only=True)
class MarkLead(ApiObject):
    """One entry of ``markLeads``: mark a lead used and/or stop its follow-up emails."""

    LeadCode: Optional[str] = None
    Used: Optional[bool] = None
    StopFollowups: Optional[bool] = None


@attrs.define(kw_only=True)
class MarkLeadsResponse(ApiObject):
    """What ``markLeads`` answers: a summary and the errors of the leads it could not mark."""

    Response: Optional[str] = None
    Errors: list[LeadError] = attrs.Factory(list)


@attrs.define(kw_only=True)
class Product(ApiObject):
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


@attrs.define(kw_only=True)
class Platform(ApiObject):
    """A platform a product runs on."""

    IdPlatform: Optional[str] = None
    PlatformName: Optional[str] = None
    Category: Optional[str] = None


@attrs.define(kw_only=True)
class ProductImage(ApiObject):
    """An image of a product, by URL; ``Default`` marks the product's default image."""

    Default: Optional[bool] = None
    URL: Optional[str] = None


@attrs.define(kw_only=True)
class ProductTranslation(ApiObject):
    """A product's name and texts in one language."""

    Name: Optional[str] = None
    Description: Optional[str] = None
    LongDescription: Optional[str] = None
    TrialUrl: Optional[str] = None
    TrialDescription: Optional[str] = None
    SystemRequirements: Optional[str] = None
    Language: Optional[str] = None


@attrs.define(kw_only=True)
class BundleProduct(ApiObject):
    """A product inside a bundle, and how many of it."""

    Code: Optional[str] = None
    Quantity: Optional[int] = None


@attrs.define(kw_only=True)
class SubscriptionInformation(ApiObject):
    """How the subscriptions a product generates bill, renew and end."""

    DeprecatedProducts: list[str] = attrs.Factory(list)
    BundleRenewalManagement: Optional[str] = None
    BillingCycle: Optional[int] = None
    BillingCycleUnits: Optional[str] = None
    IsOneTimeFee: Optional[bool] = None
    ContractPeriod: Optional[ContractPeriod] = None
    UsageBilling: Optional[int] = None
    GracePeriod: Optional[GracePeriod] = None


@attrs.define(kw_only=True)
class ContractPeriod(ApiObject):
    """The contract of a subscription: its length and what happens when it ends."""

    Action: Optional[str] = None
    EmailsDuringContract: Optional[bool] = None
    IsUnlimited: Optional[bool] = None
    Period: Optional[int] = None
    PeriodUnits: Optional[str] = None


@attrs.define(kw_only=True)
class GracePeriod(ApiObject):
    """How long after it expires a subscription can still be renewed."""

    Type: Optional[str] = None
    Period: Optional[int] = None
    PeriodUnits: Optional[str] = None
    IsUnlimited: Optional[bool] = None


@attrs.define(kw_only=True)
class FulfillmentInformation(ApiObject):
    """How the platform fulfils a product: when it starts, codes, download links, backup media."""

    IsStartAfterFulfillment: Optional[bool] = None
    IsElectronicCode: Optional[bool] = None
    IsDownloadLink: Optional[bool] = None
    IsBackupMedia: Optional[bool] = None
    IsDownloadInsuranceService: Optional[bool] = None
    IsInstantDeliveryThankYouPage: Optional[bool] = None
    IsDisplayInPartnersCPanel: Optional[bool] = None
    ReturnMethod: Optional[ReturnMethod] = None


@attrs.define(kw_only=True)
class ReturnMethod(ApiObject):
    """Where the shopper goes after the purchase: the return ``URL`` and how (``Type``)."""

    Type: Optional[str] = None
    URL: Optional[str] = None


@attrs.define(kw_only=True)
class PricingConfiguration(ApiObject):
    """A product's pricing configuration. ``Code`` is read-only; ``PricingSchema`` (DYNAMIC or
    FLAT) cannot change on update."""

    Name: Optional[str] = None
    Code: Optional[str] = None
    Default: Optional[bool] = None
    BillingCountries: list[str] = attrs.Factory(list)
    PricingSchema: Optional[str] = None
    PriceType: Optional[str] = None
    DefaultCurrency: Optional[str] = None
    Prices: Optional[PricingConfigurationPrices] = None
    PriceOptions: list[PriceOptionAssignment] = attrs.Factory(list)


@attrs.define(kw_only=True)
class PricingConfigurationPrices(ApiObject):
    """The prices of a pricing configuration: for new purchases and for renewals."""

    Regular: list[ConfigurationPrice] = attrs.Factory(list)
    Renewal: list[ConfigurationPrice] = attrs.Factory(list)


@attrs.define(kw_only=True)
class ConfigurationPrice(ApiObject):
    """A regular or renewal price; ``Amount`` of ``-1`` deletes it on update."""

    Amount: Optional[Decimal] = None
    Currency: Optional[str] = None
    MinQuantity: Optional[int] = None
    MaxQuantity: Optional[int] = None
    OptionCodes: list[OptionCode] = attrs.Factory(list)


@attrs.define(kw_only=True)
class OptionCode(ApiObject):
    """A price options group, by code, with the codes of the options chosen in it."""

    Code: Optional[str] = None
    Options: list[str] = attrs.Factory(list)


@attrs.define(kw_only=True)
class PriceOptionAssignment(ApiObject):
    """A price options group assigned to a pricing configuration."""

    Code: Optional[str] = None
    Required: Optional[bool] = None


@attrs.define(kw_only=True)
class SKUDetails(ApiObject):
    """What ``getSKUDetails`` answers: the details an SKU code stands for."""

    PricingConfigurationCode: Optional[str] = None
    ProductCode: Optional[str] = None
    Currency: Optional[str] = None
    PriceOptions: list[OptionCode] = attrs.Factory(list)
    PurchaseType: Optional[str] = None
    FromQuantity: Optional[int] = None
    ToQuantity: Optional[int] = None


@attrs.define(kw_only=True)
class SKUDetailsQuery(ApiObject):
    """The argument of ``getSKUCodeByDetails``; only ``PricingConfigurationCode`` is required."""

    PricingConfigurationCode: Optional[str] = None
    Currency: Optional[str] = None
    PurchaseType: Optional[str] = None
    PriceOptions: list[OptionCode] = attrs.Factory(list)
    Quantity: Optional[int] = None


@attrs.define(kw_only=True)
class SKU(ApiObject):
    """One SKU of a schema (``setSku``): its code and the details it stands for."""

    Code: Optional[str] = None
    Currency: Optional[str] = None
    PurchaseType: Optional[str] = None
    PriceOptions: list[OptionCode] = attrs.Factory(list)
    FromQuantity: Optional[int] = None
    ToQuantity: Optional[int] = None


@attrs.define(kw_only=True)
class SKUSchemaConfiguration(ApiObject):
    """The SKUs of one pricing configuration, in an SKU schema."""

    PriceConfigurationCode: Optional[str] = None
    SKUs: list[SKU] = attrs.Factory(list)


@attrs.define(kw_only=True)
class SKUSchemaProduct(ApiObject):
    """A product's whole SKU schema, as ``setSku`` replaces it."""

    ProductCode: Optional[str] = None
    PriceConfigurations: list[SKUSchemaConfiguration] = attrs.Factory(list)


@attrs.define(kw_only=True)
class SKUCodeList(ApiObject):
    """SKU codes of one pricing configuration, as ``deleteSku`` takes them."""

    PriceConfigurationCode: Optional[str] = None
    SKUs: list[str] = attrs.Factory(list)


@attrs.define(kw_only=True)
class SKUDeletion(ApiObject):
    """One entry of ``deleteSku``: the SKU codes to remove, by product and configuration."""

    ProductCode: Optional[str] = None
    PriceConfigurations: list[SKUCodeList] = attrs.Factory(list)


@attrs.define(kw_only=True)
class RenewalPrice(ApiObject):
    """What ``getNextRenewalPrice`` answers: the price before and after taxes."""

    NetPrice: Optional[Decimal] = None
    NetCurrency: Optional[str] = None
    FinalPrice: Optional[Decimal] = None
    FinalCurrency: Optional[str] = None


@attrs.define(kw_only=True)
class ProductSearchResult(ApiObject):
    """One page of ``searchProducts``: the products and where the page stands."""

    Items: list[Product] = attrs.Factory(list)
    Pagination: Optional[Pagination] = None


@attrs.define(kw_only=True)
class Reseller(ApiObject):
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


@attrs.define(kw_only=True)
class Order(ApiObject):
    """An order, as ``getOrder`` answers it and ``placeOrder`` takes it (``RefNo`` null for a
    new one)."""

    RefNo: Optional[str] = None
    OrderNo: Optional[int] = None
    ExternalReference: Optional[str] = None
    ShopperRefNo: Optional[str] = None
    Status: Optional[str] = None
    ApproveStatus: Optional[str] = None
    VendorApproveStatus: Optional[str] = None
    Language: Optional[str] = None
    Country: Optional[str] = None
    Currency: Optional[str] = None
    CustomerIP: Optional[str] = None
    OrderDate: Optional[str] = None
    FinishDate: Optional[str] = None
    Source: Optional[str] = None
    LocalTime: Optional[str] = None
    TestOrder: Optional[bool] = None
    HasShipping: Optional[bool] = None
    RecurringEnabled: Optional[bool] = None
    CustomerReference: Optional[int] = None
    ExternalCustomerReference: Optional[str] = None
    Items: list[OrderItem] = attrs.Factory(list)
    BillingDetails: Optional[BillingDetails] = None
    DeliveryDetails: Optional[DeliveryDetails] = None
    PaymentDetails: Optional[OrderPaymentDetails] = None
    CustomerDetails: Optional[Customer] = None
    Promotions: list[str] = attrs.Factory(list)
    AdditionalFields: list[AdditionalField] = attrs.Factory(list)
    NetPrice: Optional[Decimal] = None
    GrossPrice: Optional[Decimal] = None
    NetDiscountedPrice: Optional[Decimal] = None
    GrossDiscountedPrice: Optional[Decimal] = None
    Discount: Optional[Decimal] = None
    VAT: Optional[Decimal] = None


@attrs.define(kw_only=True)
class OrderItem(ApiObject):
    """One line of an order: a catalog product (``Code``) or a dynamic one (``IsDynamic``)."""

    Code: Optional[str] = None
    Quantity: Optional[int] = None
    SKU: Optional[str] = None
    Name: Optional[str] = None
    Description: Optional[str] = None
    IsDynamic: Optional[bool] = None
    Tangible: Optional[bool] = None
    PurchaseType: Optional[str] = None
    PriceType: Optional[str] = None
    PriceOptions: list[LeadPriceOptions] = attrs.Factory(list)
    RecurringOptions: Optional[RecurringOptions] = None
    Price: Optional[OrderPrice] = None
    AdditionalFields: list[AdditionalField] = attrs.Factory(list)
    SubscriptionStartDate: Optional[str] = None
    Trial: Optional[bool] = None
    LineItemReference: Optional[str] = None
    ProductDetails: Optional[OrderProductDetails] = None


@attrs.define(kw_only=True)
class OrderPrice(ApiObject):
    """What a line of an order costs: the price sent (``Amount``, ``Type``) and the one charged."""

    Amount: Optional[Decimal] = None
    Type: Optional[str] = None
    Currency: Optional[str] = None
    UnitNetPrice: Optional[Decimal] = None
    UnitGrossPrice: Optional[Decimal] = None
    UnitVAT: Optional[Decimal] = None
    VATPercent: Optional[Decimal] = None
    NetPrice: Optional[Decimal] = None
    GrossPrice: Optional[Decimal] = None
    VAT: Optional[Decimal] = None
    Discount: Optional[Decimal] = None


@attrs.define(kw_only=True)
class OrderProductDetails(ApiObject):
    """The product a line of an order bought, and the subscriptions it made."""

    Name: Optional[str] = None
    ProductId: Optional[int] = None
    ExtraInfo: Optional[str] = None
    RenewalStatus: Optional[bool] = None
    Subscriptions: list[OrderSubscription] = attrs.Factory(list)


@attrs.define(kw_only=True)
class OrderSubscription(ApiObject):
    """A subscription an order line created, by its ``SubscriptionReference``."""

    SubscriptionReference: Optional[str] = None
    PurchaseDate: Optional[str] = None
    SubscriptionStartDate: Optional[str] = None
    ExpirationDate: Optional[str] = None
    Lifetime: Optional[bool] = None


@attrs.define(kw_only=True)
class Customer(ApiObject):
    """A customer; ``AvangateCustomerReference`` is the platform's,
    ``ExternalCustomerReference`` yours."""

    AvangateCustomerReference: Optional[int] = None
    ExternalCustomerReference: Optional[str] = None
    FirstName: Optional[str] = None
    LastName: Optional[str] = None
    Company: Optional[str] = None
    FiscalCode: Optional[str] = None
    Address1: Optional[str] = None
    Address2: Optional[str] = None
    City: Optional[str] = None
    State: Optional[str] = None
    Zip: Optional[str] = None
    CountryCode: Optional[str] = None
    Phone: Optional[str] = None
    Fax: Optional[str] = None
    Email: Optional[str] = None
    Enabled: Optional[bool] = None
    Trial: Optional[bool] = None
    Language: Optional[str] = None
    Credit: Optional[CustomerCredit] = None


@attrs.define(kw_only=True)
class CustomerCredit(ApiObject):
    """A customer's credit limit, what remains of it, and its currency."""

    Limit: Optional[Decimal] = None
    Remaining: Optional[Decimal] = None
    Currency: Optional[str] = None


@attrs.define(kw_only=True)
class OrderPaymentDetails(ApiObject):
    """How an order is paid: ``Type`` (``TEST`` in tests), currency and the payment method."""

    Type: Optional[str] = None
    Currency: Optional[str] = None
    PaymentMethod: Optional[OrderPaymentMethod] = None
    CustomerIP: Optional[str] = None
    RecurringEnabled: Optional[bool] = None


@attrs.define(kw_only=True)
class OrderPaymentMethod(ApiObject):
    """The card (or token) an order is paid with; read back, only its first and last digits."""

    RecurringEnabled: Optional[bool] = None
    CardPayment: Optional[CardPayment] = None
    CardNumber: Optional[str] = None
    CardType: Optional[str] = None
    ExpirationYear: Optional[str] = None
    ExpirationMonth: Optional[str] = None
    CCID: Optional[str] = None
    HolderName: Optional[str] = None
    HolderNameTime: Optional[Decimal] = None
    CardNumberTime: Optional[Decimal] = None
    EesToken: Optional[str] = None
    Vendor3DSReturnURL: Optional[str] = None
    Vendor3DSCancelURL: Optional[str] = None
    FirstDigits: Optional[str] = None
    LastDigits: Optional[str] = None


@attrs.define(kw_only=True)
class OrderSearchResult(ApiObject):
    """One page of ``searchOrders``: the orders found and where the page stands."""

    Items: list[Order] = attrs.Factory(list)
    Pagination: Optional[Pagination] = None


@attrs.define(kw_only=True)
class RefundItem(ApiObject):
    """One line of a partial refund: the order line (``LineItemReference``), how many, how much."""

    Quantity: Optional[int] = None
    LineItemReference: Optional[str] = None
    Amount: Optional[Decimal] = None


@attrs.define(kw_only=True)
class Subscription(ApiObject):
    """A subscription, as ``getSubscription`` answers it, ``addSubscription`` imports it and
    ``updateSubscription`` writes it back."""

    SubscriptionReference: Optional[str] = None
    ExternalSubscriptionReference: Optional[str] = None
    StartDate: Optional[str] = None
    ExpirationDate: Optional[str] = None
    ActivationDate: Optional[str] = None
    RecurringEnabled: Optional[bool] = None
    SubscriptionEnabled: Optional[bool] = None
    Product: Optional[SubscriptionProduct] = None
    EndUser: Optional[EndUser] = None
    SKU: Optional[str] = None
    DeliveryInfo: Optional[DeliveryInfo] = None
    ReceiveNotifications: Optional[bool] = None
    Lifetime: Optional[bool] = None
    PartnerCode: Optional[str] = None
    AvangateCustomerReference: Optional[int] = None
    ExternalCustomerReference: Optional[str] = None
    TestSubscription: Optional[bool] = None
    IsTrial: Optional[bool] = None
    Status: Optional[str] = None


@attrs.define(kw_only=True)
class SubscriptionProduct(ApiObject):
    """The product a subscription is for, and how many units."""

    ProductCode: Optional[str] = None
    ProductId: Optional[int] = None
    ProductName: Optional[str] = None
    ProductVersion: Optional[str] = None
    ProductQuantity: Optional[int] = None
    PriceOptionCodes: list[str] = attrs.Factory(list)


@attrs.define(kw_only=True)
class EndUser(ApiObject):
    """The person a subscription is delivered to (by default its customer's contact details)."""

    FirstName: Optional[str] = None
    LastName: Optional[str] = None
    Company: Optional[str] = None
    Email: Optional[str] = None
    Phone: Optional[str] = None
    Fax: Optional[str] = None
    Address1: Optional[str] = None
    Address2: Optional[str] = None
    Zip: Optional[str] = None
    City: Optional[str] = None
    State: Optional[str] = None
    CountryCode: Optional[str] = None
    Language: Optional[str] = None


@attrs.define(kw_only=True)
class DeliveryInfo(ApiObject):
    """What a subscription delivered: a description and its codes (license keys, files)."""

    Description: Optional[str] = None
    Codes: list[DeliveryCode] = attrs.Factory(list)


@attrs.define(kw_only=True)
class DeliveryCode(ApiObject):
    """One delivered code (a license key) or file of a subscription."""

    Code: Optional[str] = None
    File: Optional[str] = None
    Description: Optional[str] = None
    ExtraInfo: Optional[str] = None


@attrs.define(kw_only=True)
class SubscriptionHistory(ApiObject):
    """One entry of a subscription's history: the order (``ReferenceNo``) of a ``SALE``,
    ``RENEWAL`` or ``UPGRADE``, and the period it gave."""

    ReferenceNo: Optional[str] = None
    Type: Optional[str] = None
    SubscriptionReference: Optional[str] = None
    StartDate: Optional[str] = None
    ExpirationDate: Optional[str] = None
    Lifetime: Optional[bool] = None
    SKU: Optional[str] = None
    DeliveryInfo: Optional[DeliveryInfo] = None
    PartnerCode: Optional[str] = None


@attrs.define(kw_only=True)
class SubscriptionSearchResult(ApiObject):
    """One page of ``searchSubscriptions``: the subscriptions found and where the page stands."""

    Items: list[Subscription] = attrs.Factory(list)
    Pagination: Optional[Pagination] = None
