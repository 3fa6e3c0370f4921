"""The operation table: every API call declared once, for all three protocols.

An entry names the method (SOAP operation and JSON-RPC method alike), its positional parameters
after the sessionID with their checks, its REST route, the type its result converts to, and
whether repeating it is safe. Backends read entries; they never special-case an operation,
except REST where no route is documented (see ``backends.rest.INFERRED``).
"""

from __future__ import annotations

from typing import Any, Callable, Optional

import attrs

from . import models
from . import validate as v
from .config import Config
from .errors import ValidationError


@attrs.frozen
class Param:
    name: str
    check: v.Checker


@attrs.frozen
class RestRoute:
    """How one operation maps onto REST 6.0.

    ``path`` holds ``{Param}`` placeholders filled from the parameters (URL-quoted); ``body``
    names the parameter sent as the JSON body, ``query`` the one sent as query string;
    ``unwrap`` names the key the result is nested under, if any.
    """

    method: str
    path: str
    body: Optional[str] = None
    query: Optional[str] = None
    unwrap: Optional[str] = None


@attrs.frozen
class Operation:
    name: str
    params: tuple[Param, ...]
    result: Any
    rest: Optional[RestRoute]
    idempotent: bool
    """Safe to send again after a connection failure."""
    needs_session: bool = True
    confirmed_by: Optional[str] = None
    """A write's answer confirms it only when it holds this key, non-empty; without it, its
    ``Errors`` (or the lack of any confirmation) is raised. Writes returning ``bool`` are
    confirmed by ``True`` alone."""
    session_layout: Optional[Callable[[Config, list[Any]], list[Any]]] = None
    """Rearranges the arguments for SOAP and JSON-RPC where their layout is a setting."""

    def check(self, args: tuple[Any, ...]) -> list[Any]:
        """Validate user arguments and return them as wire data; no I/O happens here."""
        if len(args) != len(self.params):
            names = ", ".join(p.name for p in self.params)
            raise ValidationError(self.name, f"takes {len(self.params)} argument(s) "
                                               f"({names}), got {len(args)}")
        wire = [p.check(self.name, p.name, a) for p, a in zip(self.params, args)]
        for param, value in zip(self.params, wire):
            v.sendable(self.name, param.name, value)
        return wire


def _update_lead_layout(config: Config, args: list[Any]) -> list[Any]:
    """docs/api-facts.md: updateLead's SOAP/JSON-RPC layout is unknown. ``"code,lead"`` sends
    ``(sessionID, LeadCode, Lead)``; ``"lead"`` sends ``(sessionID, Lead)`` with the code inside."""
    code, lead = args
    return [code, lead] if config.update_lead_layout == "code,lead" \
        else [{**lead, "LeadCode": code}]


def _op(name: str, params: list[tuple[str, v.Checker]], result: Any,
        rest: Optional[RestRoute], *, idempotent: bool, **extra: Any) -> Operation:
    return Operation(name, tuple(Param(n, c) for n, c in params), result, rest,
                     idempotent, **extra)


OPERATIONS: dict[str, Operation] = {op.name: op for op in [
    _op("login", [("merchantCode", v.text), ("date", v.text), ("hash", v.text),
                  ("algo", v.text)], str, None, idempotent=True, needs_session=False),
    _op("getLead", [("LeadCode", v.code)], models.Lead,
        RestRoute("GET", "/leads/{LeadCode}/"), idempotent=True),
    _op("searchLeads", [("SearchOptions", v.search_filters)], models.LeadSearchResult,
        RestRoute("GET", "/leads/", query="SearchOptions"), idempotent=True),
    _op("addLead", [("Lead", v.lead)], models.LeadResponse,
        RestRoute("POST", "/leads/", body="Lead", unwrap="LeadResponse"),
        idempotent=False, confirmed_by="LeadCode"),
    _op("updateLead", [("LeadCode", v.code), ("Lead", v.lead)], models.LeadResponse,
        RestRoute("PUT", "/leads/{LeadCode}/", body="Lead", unwrap="LeadResponse"),
        idempotent=True, confirmed_by="LeadCode", session_layout=_update_lead_layout),
    _op("markLeads", [("Leads", v.mark_leads)], models.MarkLeadsResponse,
        RestRoute("PUT", "/leads/", body="Leads"), idempotent=False, confirmed_by="Response"),
    _op("getProductByCode", [("ProductCode", v.code)], models.Product,
        RestRoute("GET", "/products/{ProductCode}/"), idempotent=True),
    _op("updateProduct", [("Product", v.product)], bool,
        RestRoute("PUT", "/products/{Product.ProductCode}/", body="Product"), idempotent=True),
    # No documented REST endpoint: backends.rest.INFERRED holds the inferred mapping.
    _op("setProductStatus", [("ProductCode", v.code), ("Status", v.boolean)], bool, None,
        idempotent=True),
]}
