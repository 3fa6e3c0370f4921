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
  made behind it and the call repeated once. Without the key the fault reaches the caller, as
  it always did.

Everything goes through the library's transport (deadline, size cap, retries where safe) and
codecs; nothing here re-implements a protocol.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any, Callable, Optional

from .auth import login_params
from .config import Config
from .errors import APIError, ConfigurationError, SessionError, ValidationError, WebFault
from .operations import OPERATIONS, Operation, synthetic
from .transport import HttpRequest, Transport
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


def _arguments(operation: str, values: Any, name: str = "args") -> list[Any]:
    """Legacy arguments as the codecs take them, checked at the entry point, before any I/O:
    what the wire cannot carry (bytes that are not UTF-8, sets, NaN, objects) is a
    :class:`ValidationError` naming where it is; Python 2's byte strings become text."""
    return [sendable(operation, f"{name}[{i}]", _plain(value))
            for i, value in enumerate(values)]


class _Sessions:
    """The sessionIDs legacy code holds, each mapped to the one in use behind it."""

    def __init__(self, secret_key: Optional[str]) -> None:
        self.secret_key = secret_key or os.environ.get("AVANGATE_SECRET_KEY") or None
        self._live: dict[str, str] = {}
        self._login: dict[str, tuple[str, Optional[str]]] = {}  # handed out -> (code, algo)
        self._lock = threading.Lock()

    def handed_out(self, session_id: str, merchant_code: str, algo: Optional[str]) -> None:
        with self._lock:
            self._live[session_id] = session_id
            self._login[session_id] = (merchant_code, algo)

    def live(self, session_id: Any) -> Any:
        with self._lock:
            return self._live.get(session_id, session_id) if isinstance(session_id, str) \
                else session_id

    def renewable(self, session_id: Any) -> bool:
        return self.secret_key is not None and session_id in self._login

    def renew(self, session_id: str, login: Callable[[list[str]], Any]) -> str:
        """A new session behind ``session_id``, made with the secret key."""
        merchant_code, algo = self._login[session_id]
        new = login(login_params(merchant_code, self.secret_key or "", algo or "md5"))
        if not isinstance(new, str) or not new:
            raise SessionError("login", "legacy", None, "login answered no session id")
        with self._lock:
            self._live[session_id] = new
        return new

    def secrets(self) -> list[str]:
        with self._lock:
            return [*self._live, *self._live.values(),
                    *([self.secret_key] if self.secret_key else [])]


class _PassThrough:
    """Legacy code signs its own calls (the sessionID is its first argument)."""

    def __init__(self, sessions: _Sessions) -> None:
        self._sessions = sessions

    def sign(self, request: HttpRequest) -> HttpRequest:
        return request

    def secrets(self) -> list[str]:
        return self._sessions.secrets()


class _Caller:
    """One protocol endpoint for legacy calls: a codec, the transport, the session keeper."""

    def __init__(self, config: Config, sessions: _Sessions) -> None:
        from . import backends

        self.config = config
        self.transport = Transport(config, config.backend)
        self.codec = backends.create(config)
        self.sessions = sessions
        self._auth = _PassThrough(sessions)

    def send(self, operation: Operation[Any], args: list[Any],
             request: Optional[HttpRequest] = None) -> Any:
        deadline = time.monotonic() + self.config.deadline
        request = request or self.codec.encode(operation, args)
        return self.transport.call(self.codec, self._auth, operation, request, deadline)

    def invoke(self, name: str, args: list[Any],
               encode: Optional[Callable[[Operation[Any], list[Any]], HttpRequest]] = None
               ) -> Any:
        """Call ``name`` with legacy arguments (sessionID first); logins are recorded, and an
        expired sessionID handed out earlier is renewed behind the caller's back."""
        operation = OPERATIONS.get(name) or synthetic(name)
        build = encode or self.codec.encode
        if name == "login":
            session_id = self.send(operation, args, build(operation, args))
            if isinstance(session_id, str) and args:
                self.sessions.handed_out(session_id, str(args[0]),
                                         str(args[3]) if len(args) > 3 else None)
            return session_id
        held = args[0] if args else None
        live = [self.sessions.live(held), *args[1:]]
        try:
            return self.send(operation, live, build(operation, live))
        except SessionError:
            if not isinstance(held, str) or not self.sessions.renewable(held):
                raise
            login = OPERATIONS["login"]
            fresh = self.sessions.renew(held, lambda params: self.send(
                login, list(params), build(login, list(params))))
            again = [fresh, *args[1:]]
            return self.send(operation, again, build(operation, again))

    def close(self) -> None:
        self.transport.close()


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
        self._sessions = _Sessions(secret_key)
        config = Config.create(backend="soap", wsdl=url, soap_url=endpoint,
                               merchant_code="legacy-client",
                               secret_key=self._sessions.secret_key or "not-used", **settings)
        self._caller = _Caller(config, self._sessions)
        self._money: Callable[[Decimal], Any] = float if money == "float" else Decimal
        self.service = _Service(self)
        self.options = config

    def _invoke(self, name: str, args: list[Any]) -> Any:
        plain = _arguments(name, args)
        try:
            data = self._caller.invoke(name, plain)
        except APIError as exc:
            raise WebFault(exc) from exc
        return _wrap(data, self._money)

    @staticmethod
    def dict(obj: LegacyObject) -> dict[str, Any]:
        """``Client.dict(obj)``, as suds had it."""
        return asdict(obj)

    def close(self) -> None:
        self._caller.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# -- the PHP JSON-RPC helper ---------------------------------------------------------------------

_RPC: dict[tuple[str, Optional[str]], _Caller] = {}
_RPC_LOCK = threading.Lock()


def callRPC(request: Any, host: str, debug: bool = False, *,
            secret_key: Optional[str] = None) -> Any:
    """The documented PHP helper ``callRPC($Request, $host)``: ``request`` holds ``jsonrpc``,
    ``method``, ``params`` and ``id`` (a dict or an object with those attributes); the
    ``result`` comes back exactly as the server sent it (``"0"``-keyed objects, string
    numbers), objects readable as attributes or items. An error answer raises
    :class:`~avangate_compat.APIError` (the PHP helper printed it and returned nothing). Any
    method passes through, modelled or not."""
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
    request_id = sendable("callRPC", "id", fields.get("id", 1))
    version = sendable("callRPC", "jsonrpc", fields.get("jsonrpc", "2.0"))
    if isinstance(request_id, (list, dict)) or isinstance(version, (list, dict)):
        raise ValidationError("callRPC", "the request's id and jsonrpc must be plain values")
    caller = _rpc_caller(host, secret_key)

    def encode(operation: Operation[Any], args: list[Any]) -> HttpRequest:
        from .backends._json import dumps

        body = dumps({"jsonrpc": version, "method": operation.name,
                      "params": args, "id": request_id})
        return HttpRequest("POST", host, body, {"Content-Type": "application/json",
                                                 "Accept": "application/json"},
                           context=request_id)

    result = caller.invoke(method, params, encode)
    if debug:
        print(method, result)  # the PHP helper's $Debug
    return _wrap(result, _keep)


def _keep(value: Decimal) -> Decimal:
    return value


def _rpc_caller(host: str, secret_key: Optional[str]) -> _Caller:
    key = (host, secret_key)
    with _RPC_LOCK:
        caller = _RPC.get(key)
        if caller is None:
            sessions = _Sessions(secret_key)
            config = Config.create(backend="jsonrpc", jsonrpc_url=host,
                                   merchant_code="legacy-client",
                                   secret_key=sessions.secret_key or "not-used")
            caller = _RPC[key] = _Caller(config, sessions)
        return caller
