"""Legacy drop-in: PHP-era and suds-era code runs with one changed line.

- ``from avangate_compat.legacy import Client`` replaces ``from suds.client import Client``:
  ``Client(wsdl_url, location=...)``, ``client.service.login(merchantCode, date, hash[,
  algo])`` returns the sessionID, ``client.service.<operation>(sessionID, *args)`` calls any
  operation of the WSDL in use, results behave like suds objects (attributes, items,
  iteration over ``(name, value)`` pairs, :func:`asdict` like ``Client.dict``), a SOAP Fault
  raises :class:`WebFault` with ``e.fault.faultcode`` / ``e.fault.faultstring``.
- ``from avangate_compat.legacy import callRPC`` is the documented PHP JSON-RPC helper:
  ``callRPC(request, host)`` returns the ``result`` exactly as the server sent it.
- Sessions that outlive their 10 minutes: legacy code logs in once and keeps its sessionID for
  hours. Given the secret key (``secret_key=`` or ``AVANGATE_SECRET_KEY``), the sessionID
  handed out stays valid for the caller: when the server refuses it as expired, a new login is
  made behind it (one for every thread holding that id) and the call repeated once. Without
  the key the fault reaches the caller, as it always did.

Every call goes through the facade's pipeline (checks, auth flow, codecs, transport: deadline,
size cap, retries where safe); this module only shapes arguments and results.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any, Callable, Optional

from . import backends
from .config import Settings
from .errors import APIError, ConfigurationError, ValidationError, WebFault
from .operations import OPERATIONS, synthetic
from .pipeline import Pipeline
from .session import HeldSessions
from .validate import MAX_NESTING, sendable

__all__ = ["Client", "LegacyObject", "WebFault", "asdict", "callRPC"]

# suds options that change nothing here (caching the WSDL, pretty XML, plugins): accepted so a
# suds constructor call works unchanged.
_IGNORED_OPTIONS = frozenset({"cache", "cachingpolicy", "prettyxml", "plugins", "faults",
                              "retxml", "nosend", "service", "port", "xstq", "autoblend"})


# Settings the legacy Client derives itself (SOAP, the url's WSDL and endpoint, no merchant).
_DERIVED = frozenset({"backend", "wsdl", "soap_url", "merchant_code"})


class LegacyObject:
    """What suds returned for a complex value: attribute access (``lead.Items``), item access
    (``lead["Items"]``), iteration over ``(name, value)`` pairs, fields in the answer's order."""

    __keylist__: list[str]
    __metadata__: str

    def __init__(self, type_name: str = "", fields: Optional[Mapping[str, Any]] = None) -> None:
        object.__setattr__(self, "__metadata__", type_name)
        object.__setattr__(self, "__keylist__", [])
        for name, value in (fields or {}).items():
            setattr(self, name, value)

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in self.__keylist__:
            self.__keylist__.append(name)
        object.__setattr__(self, name, value)

    def __getattr__(self, name: str) -> Any:  # only for fields the answer did not carry
        kind = self.__dict__.get("__metadata__") or "object"
        raise AttributeError(f"{kind} has no field {name!r}")

    def __getitem__(self, name: str) -> Any:
        try:
            return getattr(self, name)
        except AttributeError:
            raise KeyError(name) from None

    def __setitem__(self, name: str, value: Any) -> None:
        setattr(self, name, value)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self.__keylist__

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        return ((name, getattr(self, name)) for name in self.__keylist__)

    def __len__(self) -> int:
        return len(self.__keylist__)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LegacyObject):
            return bool(_plain(self) == _plain(other))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, like suds objects

    def __repr__(self) -> str:
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__keylist__)
        return f"({self.__metadata__}){{{inner}}}"


def asdict(obj: LegacyObject) -> dict[str, Any]:
    """The fields of a result as a dict, like ``suds.client.Client.dict`` (one level deep)."""
    return dict(iter(obj))


def _wrap(value: Any, money: Callable[[Decimal], Any], type_name: str = "") -> Any:
    if isinstance(value, Mapping):
        return LegacyObject(type_name, {str(k): _wrap(v, money, str(k))
                                        for k, v in value.items()})
    if isinstance(value, list):
        return [_wrap(v, money, type_name) for v in value]
    if isinstance(value, Decimal):
        return money(value)
    return value


def _plain(value: Any, depth: int = 0) -> Any:
    """Results sent back as plain data again; anything else is left for :func:`_arguments`
    to check (bytes included), and nothing below the deepest level the checks accept is
    walked."""
    if depth > MAX_NESTING:
        return value
    if isinstance(value, LegacyObject):
        return {name: _plain(item, depth + 1) for name, item in value}
    if isinstance(value, Mapping):  # PHP-style integer keys become text, as they always did
        return {str(k) if type(k) is int else k: _plain(v, depth + 1)
                for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v, depth + 1) for v in value]
    return value


def _pipeline(settings: Settings, secret_key: Optional[str]) -> Pipeline:
    """The facade's pipeline over the legacy callers' own sessions; the key, if any, reaches
    their auth alone."""
    key = secret_key or os.environ.get("AVANGATE_SECRET_KEY") or None
    auth = HeldSessions(key, settings.backend, settings.deadline, settings.session_lifetime)
    return Pipeline(settings, backends.create(settings), auth)


def _arguments(operation: str, values: Any, name: str = "args") -> list[Any]:
    """Legacy arguments as the codecs take them, checked at the entry point, before any I/O:
    what the wire cannot carry (bytes that are not UTF-8, sets, NaN, objects) is a
    :class:`ValidationError` naming where it is; Python 2's byte strings become text."""
    return [sendable(operation, f"{name}[{i}]", _plain(value))
            for i, value in enumerate(values)]


def _invoke(pipeline: Pipeline, name: str, args: list[Any]) -> Any:
    """Call ``name`` with legacy arguments (the sessionID first): any operation, modelled or
    not, sent as given, its answer as plain data."""
    operation = OPERATIONS.get(name) or synthetic(name)
    return pipeline.run_as_given(operation, args,
                                 time.monotonic() + pipeline.settings.deadline)


class _Service:
    def __init__(self, client: Client) -> None:
        self._client = client

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if name.startswith("_"):
            raise AttributeError(name)
        return lambda *args: self._client._invoke(name, list(args))


class Client:
    """A suds-compatible SOAP client: ``Client(wsdl_url, location=..., **options)``.

    Options beyond suds': ``secret_key`` (sessions that never expire on the caller),
    ``money`` (``"float"``, as suds returned decimals, or ``"decimal"``, exact), and any
    setting of :class:`avangate_compat.Config` (``deadline``, ``allow_insecure_http``...).
    ``timeout`` is suds' read timeout in seconds."""

    def __init__(self, url: str, location: Optional[str] = None, *,
                 secret_key: Optional[str] = None, money: str = "float",
                 timeout: Optional[float] = None, **options: Any) -> None:
        if money not in ("float", "decimal"):
            raise ConfigurationError("money must be 'float' (as suds) or 'decimal'")
        if not isinstance(url, str) or not url.strip():
            raise ConfigurationError("url must be the WSDL's URL, a non-empty string")
        derived = sorted(_DERIVED & set(options))
        if derived:
            raise ConfigurationError(f"{', '.join(derived)}: set by the legacy Client from url "
                                     "and location, not an option")
        settings = {k: v for k, v in options.items() if k not in _IGNORED_OPTIONS}
        if timeout is not None:
            settings["read_timeout"] = timeout
        endpoint = location or url.split("?", 1)[0]
        self.options = Settings.create(backend="soap", wsdl=url, soap_url=endpoint, **settings)
        self._pipeline = _pipeline(self.options, secret_key)
        self._money: Callable[[Decimal], Any] = float if money == "float" else Decimal
        self.service = _Service(self)

    def _invoke(self, name: str, args: list[Any]) -> Any:
        plain = _arguments(name, args)
        try:
            data = _invoke(self._pipeline, name, plain)
        except APIError as exc:
            raise WebFault(exc) from exc
        return _wrap(data, self._money)

    @staticmethod
    def dict(obj: LegacyObject) -> dict[str, Any]:
        """``Client.dict(obj)``, as suds had it."""
        return asdict(obj)

    def close(self) -> None:
        self._pipeline.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# -- the PHP JSON-RPC helper ---------------------------------------------------------------------

_RPC: dict[tuple[str, Optional[str]], Pipeline] = {}
_RPC_LOCK = threading.Lock()


def callRPC(request: Any, host: str, debug: bool = False, *,
            secret_key: Optional[str] = None) -> Any:
    """The documented PHP helper ``callRPC($Request, $host)``: ``request`` holds ``jsonrpc``,
    ``method``, ``params`` and ``id`` (a dict or an object with those attributes); the
    ``result`` comes back exactly as the server sent it (``"0"``-keyed objects, string
    numbers), objects readable as attributes or items. An error answer raises
    :class:`~avangate_compat.APIError` (the PHP helper printed it and returned nothing). Any
    method passes through, modelled or not. The request goes out as the facade's JSON-RPC 2.0
    request: its ``id`` names the call, so an answer to another request is never read."""
    if not isinstance(host, str) or not host.strip():
        raise ConfigurationError("callRPC's host must be the JSON-RPC URL, a non-empty string")
    fields = request if isinstance(request, Mapping) else getattr(request, "__dict__", None)
    if not isinstance(fields, Mapping) or isinstance(request, type):
        raise ValidationError("callRPC", "the request must be a dict or an object with "
                                         "jsonrpc, method, params and id")
    method, params = fields.get("method"), fields.get("params", [])
    if not isinstance(method, str) or not method.strip() or not isinstance(params,
                                                                         (list, tuple)):
        raise ValidationError("callRPC", "the request needs a method name and a params list")
    params = _arguments(method, params, "params")
    for name in ("id", "jsonrpc"):  # not sent (the facade's request names the call), but checked
        value = sendable("callRPC", name, fields.get(name, 1))
        if isinstance(value, (list, dict)):
            raise ValidationError("callRPC", "the request's id and jsonrpc must be plain values")
    result = _invoke(_rpc_pipeline(host, secret_key), method, params)
    if debug:
        print(method, result)  # the PHP helper's $Debug
    return _wrap(result, _keep)


def _keep(value: Decimal) -> Decimal:
    return value


def _rpc_pipeline(host: str, secret_key: Optional[str]) -> Pipeline:
    """One pipeline per host and key, shared by every thread: one re-login per expiry."""
    key = (host, secret_key)
    with _RPC_LOCK:
        pipeline = _RPC.get(key)
        if pipeline is None:
            settings = Settings.create(backend="jsonrpc", jsonrpc_url=host)
            pipeline = _RPC[key] = _pipeline(settings, secret_key)
        return pipeline
