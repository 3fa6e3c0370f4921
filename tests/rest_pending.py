"""Operations whose REST form the generic REST backend cannot send yet, and why.

Their spec entry has ``"rest": {"inferred": ...}`` without code in ``backends/rest.py``, so the
REST backend refuses them with a ``TransportError`` ("no REST route") before any request. The
differential and cassette coverage tests compare them on SOAP and JSON-RPC only; a strict
xfail test per entry (tests/test_catalog.py) calls each over REST and starts failing the day
the backend learns to send it: then delete the entry here.
"""

from __future__ import annotations

REST_PENDING: dict[str, str] = {
    "getPricingConfigurationByName":
        "the optional priceType cannot stand in a path; the likely route takes the "
        "parameters as query fields, and the backend's query is one mapping parameter",
    "setCustomRenewalPrice":
        "PUT /subscriptions/{ref}/renewal/price/{currency}/ takes the body {Cycles, "
        "Currency, Price, Text}, built from several parameters; the backend's body is one "
        "parameter",
    "renewSubscription":
        "POST /subscriptions/{ref}/renewal/ takes the body {Days, Price, Currency}, built "
        "from several parameters",
}
"""operation -> what the REST backend would need (the REST route is in the spec's inferred)"""
