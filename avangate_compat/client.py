"""The facade: the documented 2Checkout 6.0 calls, the same on SOAP, JSON-RPC and REST.

PHP-era code translates line by line::

    $lead = $client->getLead($sessionID, '60E6C4B574');      # PHP
    lead = client.getLead("60E6C4B574")                      # here: the session is handled

A call is checked (bad input fails before any I/O), sent with a valid sessionID (login on first
use, renewal before expiry, one re-login on a session error), and converted into the same attrs
object whichever backend answered.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator, Mapping
from typing import Any, Optional, Union

import attrs

from . import backends, models
from .auth import login_params
from .backends._http import RetryableTransportError
from .config import Config
from .convert import ConversionError, structure
from .errors import APIError, SessionError, TransportError, api_error
from .operations import OPERATIONS, Operation
from .session import SessionManager

log = logging.getLogger("avangate_compat")


class Client:
    """One merchant account over one protocol.

    ``Client(backend="soap", merchant_code=..., secret_key=..., base_url=...)``, or
    ``Client(config)``, ``Client.from_env()``, ``Client.from_ini(path)``. Thread-safe: share one
    client between threads and they share its session and connection pool.
    """

    def __init__(self, config: Optional[Config] = None, /, **settings: Any) -> None:
        if config is not None and settings:
            config = Config(**{**_fields_of(config), **settings})
        self.config = config if config is not None else Config(**settings)
        self._backend = backends.create(self.config)
        self._session = SessionManager(self._login, self.config.session_lifetime,
                                       self.config.session_margin)

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None, **overrides: Any) -> Client:
        return cls(Config.from_env(environ, **overrides))

    @classmethod
    def from_ini(cls, path: Union[str, os.PathLike[str]], section: str = "avangate",
                 **overrides: Any) -> Client:
        return cls(Config.from_ini(path, section, **overrides))

    def __repr__(self) -> str:
        return (f"<Client backend={self.config.backend} merchant={self.config.merchant_code!r} "
                f"endpoint={self.config.endpoint!r}>")

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._backend.close()

    @property
    def backend(self) -> str:
        return self._backend.name

    @property
    def login_count(self) -> int:
        """Logins made so far (0 on REST, which signs each request instead)."""
        return self._session.login_count

    # -- the documented API ----------------------------------------------------------------

    def getLead(self, LeadCode: str) -> models.Lead:
        """The lead with this code."""
        return self.call("getLead", LeadCode)  # type: ignore[no-any-return]

    def searchLeads(self, **filters: Any) -> models.LeadSearchResult:
        """One page of leads. Filters: LeadCode (one or many), Email, Type, StartDate, EndDate
        (``YYYY-MM-DD``), ProductCode (one or many), Language, Country, GeneratedFrom, Page,
        Limit."""
        return self.call("searchLeads", filters)  # type: ignore[no-any-return]

    def iter_leads(self, **filters: Any) -> Iterator[models.Lead]:
        """Every lead matching ``filters``, fetching pages lazily as the loop needs them."""
        page = filters.pop("Page", 1)
        while True:
            result = self.searchLeads(**filters, Page=page)
            yield from result.Items
            pagination = result.Pagination
            count = pagination.Count if pagination else None
            limit = (pagination.Limit if pagination else None) or len(result.Items)
            if not result.Items or count is None or page * limit >= count:
                return
            page += 1

    def addLead(self, lead: Union[models.Lead, Mapping[str, Any]]) -> models.LeadResponse:
        """Create a lead; the answer holds its new ``LeadCode`` and ``CreatedAt``."""
        return self.call("addLead", lead)  # type: ignore[no-any-return]

    def updateLead(self, LeadCode: str,
                   lead: Union[models.Lead, Mapping[str, Any]]) -> models.LeadResponse:
        """Replace the lead ``LeadCode`` with ``lead``.

        As documented, this **overwrites all existing data** of the lead: fields left empty
        in ``lead`` are erased. Read it with :meth:`getLead`, change it, then write it back.
        """
        return self.call("updateLead", LeadCode, lead)  # type: ignore[no-any-return]

    def markLeads(self, leads: list[Union[models.MarkLead, Mapping[str, Any]]]
                  ) -> models.MarkLeadsResponse:
        """Mark leads used and/or stop their follow-ups; per-lead errors are in ``Errors``."""
        return self.call("markLeads", leads)  # type: ignore[no-any-return]

    def getProductByCode(self, ProductCode: str) -> models.Product:
        """The product with this code."""
        return self.call("getProductByCode", ProductCode)  # type: ignore[no-any-return]

    def updateProduct(self, product: Union[models.Product, Mapping[str, Any]]) -> bool:
        """Write a product back (read with getProductByCode, change, write): ``True``."""
        return self.call("updateProduct", product)  # type: ignore[no-any-return]

    def setProductStatus(self, ProductCode: str, Status: bool) -> bool:
        """Enable (``True``) or disable (``False``) a product: ``True``."""
        return self.call("setProductStatus", ProductCode, Status)  # type: ignore[no-any-return]

    # -- machinery ---------------------------------------------------------------------------

    def call(self, name: str, *args: Any) -> Any:
        """Call any operation of the table by name: check, send, convert."""
        operation = OPERATIONS.get(name)
        if operation is None or not operation.needs_session:  # login is the session's job
            raise ValueError(f"unknown operation {name!r}")
        wire_args = operation.check(args)
        if self._backend.uses_session:
            if operation.session_layout is not None:
                wire_args = operation.session_layout(self.config, wire_args)
            data = self._send_with_session(operation, wire_args)
        else:
            data = self._send(operation, wire_args)
        return self._read(operation, data)

    def _send_with_session(self, operation: Operation, args: list[Any]) -> Any:
        session_id = self._session.get()
        try:
            return self._send(operation, [session_id, *args])
        except SessionError:
            log.info("%s: session refused by the server, logging in again", operation.name)
            self._session.invalidate(session_id)
            return self._send(operation, [self._session.get(), *args])

    def _send(self, operation: Operation, args: list[Any]) -> Any:
        attempts = 1 + (self.config.max_retries if operation.idempotent else 0)
        for attempt in range(attempts):
            try:
                return self._backend.call(operation, args)
            except RetryableTransportError:
                if attempt + 1 >= attempts:
                    raise
                delay = self.config.retry_backoff * (2 ** attempt)
                log.warning("%s over %s: connection failed, retry %d in %.2fs",
                            operation.name, self.backend, attempt + 1, delay)
                time.sleep(delay)
        raise AssertionError("unreachable")

    def _login(self) -> str:
        config = self.config
        args = login_params(config.merchant_code, config.secret_key, config.hash_algorithm)
        data = self._send(OPERATIONS["login"], args)
        if not isinstance(data, str) or not data:
            raise TransportError("login", self.backend, "login answered no session id")
        log.debug("logged in over %s", self.backend)
        return data

    def _read(self, operation: Operation, data: Any) -> Any:
        if isinstance(data, Mapping):
            if "error_code" in data:
                raise api_error(operation.name, self.backend, str(data["error_code"]),
                                str(data.get("message", "")))
            errors = data.get("Errors")
            if operation.fails_without and errors and not data.get(operation.fails_without):
                first = errors[0] if isinstance(errors, list) else next(iter(errors.values()))
                raise api_error(operation.name, self.backend,
                                str(first.get("Code")) if isinstance(first, Mapping) else None,
                                "; ".join(_describe_errors(errors)))
        try:
            return structure(data, operation.result)
        except ConversionError as exc:
            raise APIError(operation.name, self.backend, "UNREADABLE_ANSWER", str(exc)) \
                from None


def _describe_errors(errors: Any) -> list[str]:
    items = errors if isinstance(errors, list) else list(errors.values())
    return [f"{e.get('Code')}: {e.get('Description')}" if isinstance(e, Mapping) else str(e)
            for e in items]


def _fields_of(config: Config) -> dict[str, Any]:
    return attrs.asdict(config, recurse=False)
