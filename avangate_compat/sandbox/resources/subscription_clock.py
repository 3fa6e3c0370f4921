"""Subscriptions on the sandbox's clock: when the clock passes a subscription's ExpirationDate
(its start, UTC), an enabled subscription with recurring billing is renewed, and one without
expires (docs/sandbox.md, "Subscriptions and time").

A renewal is an order at the subscription's next renewal price (the price getNextRenewalPrice
answers: one cycle of a custom renewal price is used up), filed like placeOrder's orders and
read by getOrder; the ExpirationDate moves one billing cycle on, a RENEWAL history entry is
written and an LCN (``CHANGED_BY`` SYSTEM) goes out. A clock jump over several cycles renews
several times, each at the price of its time. An expiry disables the subscription (Status
EXPIRED) and sends its LCN. Disabled and lifetime subscriptions are left alone.

A manual renewal (renewSubscription) is filed the same way, as an order at the price the
caller gives, for the days it gives.
"""

from __future__ import annotations

import calendar
import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Optional

import attrs

from avangate_compat.sandbox.resources import order_flow
from avangate_compat.sandbox.resources import subscription_life as life
from avangate_compat.sandbox.resources.base import (
    Fault,
    existing,
    handles,
    invalid,
    made_code,
    typed,
)
from avangate_compat.sandbox.resources.customers import END_USER_FIELDS
from avangate_compat.sandbox.resources.order_lines import line_price
from avangate_compat.sandbox.resources.orders import (
    after,
    order_record,
    payment_details,
    ref_numbers,
)
from avangate_compat.sandbox.resources.pricing import find_configuration
from avangate_compat.sandbox.resources.subscriptions import (
    CENT,
    VAT,
    RenewalPrice,
    amount,
    currency_code,
    renewal_price,
    use_custom_cycle,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from avangate_compat.sandbox.service import Service


@attrs.frozen
class Swept:
    """What one sweep did: subscriptions renewed (``renewals`` orders made) and expired."""

    renewed: int = 0
    renewals: int = 0
    expired: int = 0


def sweep(service: Service) -> Swept:
    """Renew or expire every subscription whose ExpirationDate the clock has passed, in one
    write; then send their LCNs and the IPNs of renewal orders already complete."""
    lcns: list[life.Note] = []
    ipns: list[order_flow.Note] = []
    with service.writing:
        today = _today(service)
        due = [record for record in service.store.all("subscription") if _due(record, today)]
        if not due:
            return Swept()
        run = _Run(service, today, lcns, ipns)
        for record in due:
            run.live(record)
        service.store.put_many(run.rows)
    life.send(service, lcns)
    order_flow.send(service, ipns)
    return Swept(run.renewed, run.renewals, run.expired)


@handles("renewSubscription")
def renew_subscription(service: Service, reference: Any, days: Any, price: Any,
                       currency: Any) -> bool:
    """Renew by hand: the ExpirationDate moves ``days`` on, and the renewal is charged as an
    order at ``price`` in ``currency`` (gross or net, as the subscription's prices are), as
    the stored payment data would be; one cycle of a custom renewal price is used up."""
    count = typed(days, "int")
    if count is None or not 1 <= count <= 36500:
        raise invalid("days must be between 1 and 36500")
    total = amount(typed(price, "decimal"), "price")
    currency = currency_code(currency)
    lcns: list[life.Note] = []
    ipns: list[order_flow.Note] = []
    with service.writing:
        record = existing(service, "subscription", reference)
        try:
            expires = datetime.date.fromisoformat(str(record["ExpirationDate"])[:10]) + \
                datetime.timedelta(days=count)
        except OverflowError:
            raise invalid("the expiration date would pass the year 9999") from None
        now = service.clock.now()
        run = _Run(service, _today(service), lcns, ipns)
        product = run.product(record.get("ProductCode"))
        record.setdefault("Renewals", []).append(
            {"Days": count, "Price": total, "Currency": currency, "Date": service.clock.stamp()})
        use_custom_cycle(record)
        record["Modified"] = service.clock.stamp()
        run.charge(record, product, _given_price(record, product, total, currency), expires,
                   now, "VENDOR")
        run.rows.append(("subscription", record["SubscriptionReference"], record))
        service.store.put_many(run.rows)
    life.send(service, lcns)
    order_flow.send(service, ipns)
    return True


def _given_price(record: dict[str, Any], product: Optional[dict[str, Any]],
                 total: Decimal, currency: str) -> RenewalPrice:
    """A manual renewal's charge: ``total`` for the subscription's quantity, gross when its
    prices are (a dynamic line's, or its pricing configuration's), VAT by billing country."""
    dynamic = record.get("DynamicRenewalPrice") or {}
    if dynamic:
        gross = dynamic.get("PriceType") == "GROSS"
    elif product is not None:
        gross = find_configuration(product, record.get("PricingConfigurationCode")).get(
            "PriceType") == "GROSS"
    else:
        gross = False
    quantity = int(record.get("Quantity") or 1)
    rate = VAT.get(str(record.get("CountryCode") or "").upper(), Decimal(0))
    net = (total / (1 + rate) if gross else total).quantize(CENT)
    final = (total if gross else total * (1 + rate)).quantize(CENT)
    return RenewalPrice(unit=total / quantity, gross=gross, quantity=quantity, rate=rate,
                        currency=currency, net=net, final=final, custom=False)


def _today(service: Service) -> datetime.date:
    """The sandbox clock's date, UTC."""
    return datetime.datetime.fromtimestamp(service.clock.now(), datetime.timezone.utc).date()


def _due(record: dict[str, Any], today: datetime.date) -> bool:
    expires = _expiration(record)
    return (expires is not None and expires <= today and not record.get("Lifetime")
            and record.get("SubscriptionEnabled", True) is not False)


def _expiration(record: dict[str, Any]) -> Optional[datetime.date]:
    try:
        return datetime.date.fromisoformat(str(record.get("ExpirationDate") or "")[:10])
    except ValueError:
        return None


def _moment(day: datetime.date) -> float:
    return float(calendar.timegm(day.timetuple()))


class _Run:
    """One sweep's work: the records and renewal orders to store, the notes to send, and
    what it read once (products, customers, the next order numbers)."""

    def __init__(self, service: Service, today: datetime.date, lcns: list[life.Note],
                 ipns: list[order_flow.Note]) -> None:
        self.service, self.today, self.lcns, self.ipns = service, today, lcns, ipns
        self.rows: list[tuple[str, str, Any]] = []
        self.renewed = self.renewals = self.expired = 0
        self._numbers: Iterator[tuple[int, str]] = ref_numbers(service)
        self._products: dict[str, Optional[dict[str, Any]]] = {}
        self._customers: dict[str, Optional[dict[str, Any]]] = {}

    def live(self, record: dict[str, Any]) -> None:
        """Renew ``record`` for every cycle the clock passed, or expire it."""
        renewals = 0
        expires = _expiration(record)
        while expires is not None and expires <= self.today:
            following = self._renew(record, expires) \
                if record.get("RecurringEnabled") is True else None
            if following is None:
                self._expire(record, expires)
                break
            renewals += 1
            expires = following
        self.renewed += renewals > 0
        self.renewals += renewals
        self.rows.append(("subscription", record["SubscriptionReference"], record))

    def _expire(self, record: dict[str, Any], expires: datetime.date) -> None:
        record.update(SubscriptionEnabled=False, Status=life.EXPIRED)
        life.changed(self.service, record, self.lcns, "SYSTEM",
                     when=order_flow.stamp(_moment(expires)))
        self.expired += 1

    def _renew(self, record: dict[str, Any],
               expires: datetime.date) -> Optional[datetime.date]:
        """Charge one renewal at ``expires``: the next ExpirationDate, or None when the
        subscription cannot renew (no renewal price in its currency, past the year 9999)."""
        product = self.product(record.get("ProductCode"))
        try:
            price = renewal_price(self.service, record, self._currency(record, product),
                                  product)
            following = after(expires, *self._cycle(record, product))
        except (Fault, ValueError, OverflowError):
            return None
        if price.custom:
            use_custom_cycle(record)
        self.charge(record, product, price, following, _moment(expires), "SYSTEM")
        return following

    def charge(self, record: dict[str, Any], product: Optional[dict[str, Any]],
               price: RenewalPrice, following: datetime.date, moment: float,
               changed_by: str) -> None:
        """File one renewal of ``record`` at ``moment``: its ExpirationDate moves to
        ``following``, an order at ``price`` (moved on as far as the clock has gone), a RENEWAL
        history entry naming it, and the LCN (``changed_by``)."""
        number, ref_no = next(self._numbers)
        record["ExpirationDate"] = following.isoformat() + str(record["ExpirationDate"])[10:]
        order = self._order(record, product, price, moment, (number, ref_no))
        order_flow.advance(self.service, order, self.ipns)
        self.rows.append(("order", ref_no, order))
        life.history(record, "RENEWAL", ref_no)
        life.changed(self.service, record, self.lcns, changed_by,
                     when=order_flow.stamp(moment))

    def _order(self, record: dict[str, Any], product: Optional[dict[str, Any]],
               price: RenewalPrice, moment: float, numbers: tuple[int, str]) -> dict[str, Any]:
        """The renewal order: one line, the subscription's product and quantity, charged the
        renewal price's totals, billed to the subscription's end user."""
        end_user = record.get("EndUser") or {}
        name = product["ProductName"] if product else record.get("ProductName")
        charged = line_price(price.unit, price.quantity, price.gross, price.rate,
                             price.currency, None)
        charged.update(NetPrice=price.net, GrossPrice=price.final, VAT=price.final - price.net)
        line = {
            "Code": record.get("ProductCode"), "Name": name, "Quantity": price.quantity,
            "IsDynamic": product is None, "PriceType": "GROSS" if price.gross else "NET",
            "Price": charged, "LineItemReference": made_code("line", numbers[1], 0),
            "ProductDetails": {
                "Name": name, "ProductId": product.get("AvangateId") if product else None,
                "ExtraInfo": None, "RenewalStatus": True, "Subscriptions": [{
                    "SubscriptionReference": record["SubscriptionReference"],
                    "PurchaseDate": order_flow.stamp(moment),
                    "SubscriptionStartDate": order_flow.stamp(moment),
                    "ExpirationDate": record["ExpirationDate"], "Lifetime": False}]}}
        value = {"Currency": price.currency, "Language": end_user.get("Language"),
                 "Source": "RENEWAL", "ExternalReference": None,
                 "BillingDetails": {key: end_user.get(key) for key in END_USER_FIELDS
                                    if key != "Language"}}
        payment = payment_details({"Type": "FREE" if price.final == 0 else "TEST",
                                   "RecurringEnabled": True}, price.final, price.currency)
        customer = self._customer(record) or {
            "AvangateCustomerReference": record.get("AvangateCustomerReference"),
            "ExternalCustomerReference": record.get("ExternalCustomerReference")}
        return order_record(value, [line], payment, price.currency, customer, numbers, moment)

    @staticmethod
    def _currency(record: dict[str, Any], product: Optional[dict[str, Any]]) -> str:
        """A custom renewal price's currency while it lasts, else the subscription's (its
        order's), else its pricing configuration's default."""
        custom = record.get("CustomRenewalPrice") or {}
        dynamic = record.get("DynamicRenewalPrice") or {}
        if custom.get("CyclesLeft", 0) > 0:
            return str(custom["Currency"])
        found = dynamic.get("Currency") or record.get("Currency")
        if not found and product is not None:
            found = find_configuration(product, record.get("PricingConfigurationCode")).get(
                "DefaultCurrency")
        if not found:
            raise Fault("NO_CURRENCY", f"Subscription {record['SubscriptionReference']!r} has "
                                       "no currency")
        return str(found)

    @staticmethod
    def _cycle(record: dict[str, Any], product: Optional[dict[str, Any]]) -> tuple[int, str]:
        """The billing cycle: the subscription's, else its product's, else one month."""
        information = (product or {}).get("SubscriptionInformation") or {}
        count = record.get("BillingCycle") or information.get("BillingCycle") or 1
        unit = record.get("BillingCycleUnits") or information.get("BillingCycleUnits") or "M"
        return int(count), str(unit)

    def product(self, code: Any) -> Optional[dict[str, Any]]:
        if not isinstance(code, str) or not code:
            return None
        if code not in self._products:
            self._products[code] = self.service.store.get("product", code)
        return self._products[code]

    def _customer(self, record: dict[str, Any]) -> Optional[dict[str, Any]]:
        code = str(record.get("AvangateCustomerReference") or "")
        if code and code not in self._customers:
            self._customers[code] = self.service.store.get("customer", code)
        return self._customers.get(code)
