"""The facade: the documented 2Checkout 6.0 calls, the same on SOAP, JSON-RPC and REST.

PHP-era code translates line by line::

    $lead = $client->getLead($sessionID, '60E6C4B574');      # PHP
    lead = client.getLead("60E6C4B574")                      # here: the session is handled

A call is checked (bad input fails before any I/O), sent with a valid sessionID (login on first
use, renewal before expiry, one re-login on a session error), and converted into the same attrs
object whichever backend answered.
"""

from __future__ import annotations

import functools
import importlib
import os
import threading
import time
from collections.abc import Generator, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Callable, Generic, Optional, TypeVar, Union, overload

import attrs

from . import backends
from .auth import SignedHeader
from .config import Config
from .errors import AvangateError, ValidationError
from .pipeline import Pace, Pipeline
from .session import SessionAuth
from .subscription_calls import SubscriptionCalls

if TYPE_CHECKING:
    from . import models
    from . import operations as ops
    from . import validate as v
    from .operations import Operation
else:  # loaded by the first call, not by the import: building a client needs none of them
    def _lazy(alias: str, name: str) -> Any:
        class Lazy:
            def __getattr__(self, attr: str) -> Any:
                module = importlib.import_module(name, __package__)
                globals()[alias] = module  # later look-ups find the module itself
                return getattr(module, attr)
        return Lazy()

    models = _lazy("models", ".models")
    ops, v = _lazy("ops", ".operations"), _lazy("v", ".validate")

T = TypeVar("T")



class _ClientType(type):
    @property
    def __signature__(cls) -> Any:  # computed when asked: inspect is not imported at start-up
        return _signature()


class Client(SubscriptionCalls, metaclass=_ClientType):
    """One merchant account over one protocol.

    ``Client(backend="soap", merchant_code=..., secret_key=..., base_url=...)``, or
    ``Client(config)``, ``Client.from_env()``, ``Client.from_ini(path)``. Every keyword is a
    :class:`Config` setting (see ``help(Config)``). Thread-safe: share one client between
    threads and they share its session and connection pool.
    """

    def __init__(self, config: Optional[Config] = None, /, **settings: Any) -> None:
        if config is not None and settings:
            config = Config.create(**{**_fields_of(config), **settings})
        self.config = config if config is not None else Config.create(**settings)
        # the credentials go to the auth alone; every other layer gets the settings without
        self._auth: Union[SessionAuth, SignedHeader] = SignedHeader(
            self.config.merchant_code, self.config.secret_key, self.config.hash_algorithm) \
            if self.config.backend == "rest" else SessionAuth(self.config)
        without = self.config.settings
        self._codec = backends.create(without)
        self._pipeline = Pipeline(without, self._codec, self._auth)
        self._transport = self._pipeline.transport

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
        self._pipeline.close()

    def __getattr__(self, name: str) -> Any:
        """Every operation of the spec is a method, ``client.<operation>(*args)``, and every
        paged search a walker, ``client.iter_<family>(**filters)``, whether or not it has a
        typed one below."""
        if name.startswith("iter_"):  # every paged search of the spec has its walker
            from . import paginate
            from .spec import load
            if name[len("iter_"):] in load().paginators:
                return functools.partial(paginate.iterate, self, name[len("iter_"):])
        operation = ops.OPERATIONS.get(name)
        if operation is None or not operation.needs_session or name.startswith("_"):
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        return functools.partial(self.call, operation)

    @property
    def backend(self) -> str:
        return self._codec.name

    @property
    def login_count(self) -> int:
        """Logins made so far (0 on REST, which signs each request instead)."""
        return self._auth.login_count

    # -- the documented API ----------------------------------------------------------------

    def getLead(self, LeadCode: str) -> models.Lead:
        """The lead with this code."""
        return self.call(ops.GET_LEAD, LeadCode)

    def searchLeads(self, **filters: Any) -> models.LeadSearchResult:
        """One page of leads. Filters: LeadCode (one or many), Email, Type, StartDate, EndDate
        (``YYYY-MM-DD``), ProductCode (one or many), Language, Country, GeneratedFrom, Page,
        Limit."""
        return self.call(ops.SEARCH_LEADS, filters)

    def iter_leads(self, *, prefetch: bool = False,
                   progress: Optional[Callable[[int, int], None]] = None,
                   **filters: Any) -> Generator[models.Lead, None, None]:
        """Every lead matching ``filters`` (those of :meth:`searchLeads`; ``Page`` is the page
        to start from), fetching pages lazily as the loop needs them; only the current page
        is held, so memory stays flat however many leads there are. With ``prefetch=True``
        the next page is fetched (in one background thread) while the loop works on the
        current one. ``progress(done, total)`` is called after each page, as :meth:`map`
        calls it: leads handed out so far, and the leads the walk will give.

        A server that ignores ``Page`` would repeat one page forever: a page equal to the one
        before, a page other than the one asked for, or more pages than ``Count`` allows
        raise :class:`TransportError` instead."""
        from . import paginate
        return paginate.items(self, "leads", filters, prefetch=prefetch, progress=progress)

    def iter_products(self, *, prefetch: bool = False,
                      progress: Optional[Callable[[int, int], None]] = None,
                      **filters: Any) -> Generator[models.Product, None, None]:
        """Every product matching ``filters`` (those of ``searchProducts``: Name, Codes,
        Types, Enabled, ReviewStatus, GroupName, Limit; ``Page`` to start from), walked as
        :meth:`iter_leads` walks leads, with the same guards, ``prefetch`` and
        ``progress``."""
        from . import paginate
        return paginate.items(self, "products", filters, prefetch=prefetch, progress=progress)

    @overload
    def map(self, operation: Operation[T], calls: Iterable[Any], *, max_workers: int = 8,
            rate_limit: Optional[float] = None,
            progress: Optional[Callable[[int, int], None]] = None) -> list[Outcome[T]]: ...

    @overload
    def map(self, operation: str, calls: Iterable[Any], *, max_workers: int = 8,
            rate_limit: Optional[float] = None,
            progress: Optional[Callable[[int, int], None]] = None) -> list[Outcome[Any]]: ...

    def map(self, operation: Union[str, Operation[Any]], calls: Iterable[Any], *,
            max_workers: int = 8, rate_limit: Optional[float] = None,
            progress: Optional[Callable[[int, int], None]] = None) -> list[Outcome[Any]]:
        """Run ``operation`` once per item of ``calls`` (a tuple of arguments, or one
        argument), ``max_workers`` at a time over this client's session and pool; results in
        input order, each an :class:`Outcome` holding its value or the
        :class:`~avangate_compat.AvangateError` it raised (one failure does not stop the run).

        ``rate_limit`` caps the requests sent per second, retries and logins included (never
        more in any one-second window); ``progress(done, total)`` is called as each call ends.

        Ctrl-C, an exception from ``progress`` or a bug stops the run: no call starts after
        it, the calls in flight end (within their deadline), and the stop is raised carrying
        the outcomes so far: :class:`~avangate_compat.errors.MapInterrupted` (a
        ``KeyboardInterrupt``) or :class:`~avangate_compat.errors.MapAborted`, both
        :class:`~avangate_compat.errors.MapStopped` with ``.outcomes`` and ``.not_started``."""
        if isinstance(max_workers, bool) or not isinstance(max_workers, int) \
                or not 1 <= max_workers <= 256:
            raise ValidationError("map", "max_workers must be an integer from 1 to 256")
        if rate_limit is not None and (isinstance(rate_limit, bool)
                                       or not isinstance(rate_limit, (int, float))
                                       or not 0 < rate_limit <= 100_000):
            raise ValidationError("map", "rate_limit must be a number of calls per second")
        items = [item if isinstance(item, tuple) else (item,) for item in calls]
        from .bulk import run_map
        stopped = threading.Event()
        pacer = _Pacer(rate_limit) if rate_limit else None

        def call(*args: Any) -> Any:
            if pacer is None:
                return self._call(operation, args, None)
            started = [False]

            def pace() -> None:  # every request after the call's first: retries, logins
                if started[0]:
                    pacer.wait(stopped)
                started[0] = True

            return self._call(operation, args, pace)

        # the run paces each call's first request itself, so that none starts after a stop
        return run_map(call, items, max_workers, pacer.wait if pacer else None, progress,
                       stopped)

    def addLead(self, lead: Union[models.Lead, Mapping[str, Any]]) -> models.LeadResponse:
        """Create a lead; the answer holds its new ``LeadCode`` and ``CreatedAt``."""
        return self.call(ops.ADD_LEAD, lead)

    def updateLead(self, LeadCode: str,
                   lead: Union[models.Lead, Mapping[str, Any]]) -> models.LeadResponse:
        """Replace the lead ``LeadCode`` with ``lead``.

        As documented, this **overwrites all existing data** of the lead: fields left empty
        in ``lead`` are erased. Read it with :meth:`getLead`, change it, then write it back.
        """
        return self.call(ops.UPDATE_LEAD, LeadCode, lead)

    def markLeads(self, leads: Sequence[Union[models.MarkLead, Mapping[str, Any]]]
                  ) -> models.MarkLeadsResponse:
        """Mark leads used and/or stop their follow-ups; per-lead errors are in ``Errors``."""
        return self.call(ops.MARK_LEADS, leads)

    def getProductByCode(self, ProductCode: str) -> models.Product:
        """The product with this code."""
        return self.call(ops.GET_PRODUCT_BY_CODE, ProductCode)

    def updateProduct(self, product: Union[models.Product, Mapping[str, Any]]) -> bool:
        """Write a whole product back (read with getProductByCode, change, write): ``True``.

        The API replaces the product: every field left out is erased. A mapping must therefore
        hold every field of :class:`~avangate_compat.models.Product`, and a product must carry
        what every real one has (name, type, ``Enabled``); to change a few fields, use
        :meth:`update_product_fields`."""
        return self.call(ops.UPDATE_PRODUCT, product)

    def update_product_fields(self, ProductCode: str, **changes: Any) -> bool:
        """Read the product, apply ``changes`` (field=value), write it back: ``True``.

        Not atomic: a change another client makes between the read and the write is
        overwritten, as with any read, change, write of this API."""
        unknown = sorted(set(changes) - {f.name for f in attrs.fields(models.Product)})
        if unknown or "extra_fields" in changes or "ProductCode" in changes:
            raise ValidationError("updateProduct", "unknown or fixed Product field(s): "
                                                   f"{', '.join(unknown) or 'ProductCode'}")
        product = self.getProductByCode(ProductCode)
        return self.updateProduct(attrs.evolve(product, **changes))

    def setProductStatus(self, ProductCode: str, Status: bool,
                         ReviewProductUrl: Optional[str] = None,
                         ReviewAdditionalDetails: Optional[str] = None) -> bool:
        """Enable (``True``) or disable (``False``) a product: ``True``. Enabling a product that
        needs review takes ``ReviewProductUrl`` and ``ReviewAdditionalDetails``."""
        review = [v for v in (ReviewProductUrl, ReviewAdditionalDetails) if v is not None]
        if ReviewAdditionalDetails is not None and ReviewProductUrl is None:
            raise ValidationError("setProductStatus", "ReviewAdditionalDetails goes with a "
                                                      "ReviewProductUrl")
        return self.call(ops.SET_PRODUCT_STATUS, ProductCode, Status, *review)

    # -- machinery ---------------------------------------------------------------------------

    @overload
    def call(self, operation: Operation[T], *args: Any) -> T: ...

    @overload
    def call(self, operation: str, *args: Any) -> Any: ...

    def call(self, operation: Union[str, Operation[Any]], *args: Any) -> Any:
        """Call an operation of the spec (by name, or a typed handle of
        :mod:`avangate_compat.operations`): check, send, convert. The whole call, logins and
        retries included, ends within ``config.deadline`` seconds."""
        return self._call(operation, args, None)

    def _call(self, operation: Union[str, Operation[Any]], args: tuple[Any, ...],
              pace: Pace) -> Any:
        if isinstance(operation, str):
            found = ops.OPERATIONS.get(operation)
            if found is None or not found.needs_session:  # login is the session's job
                raise ValidationError(operation, f"unknown operation {operation!r}")
            operation = found
        return self._pipeline.call(operation, args, pace)

    def login(self) -> str:
        """Log in now (SOAP, JSON-RPC) and return the sessionID, for code that passes it on
        itself; the client keeps using and renewing it as usual. REST has no session."""
        if not isinstance(self._auth, SessionAuth):
            raise ValidationError("login", "REST has no session: every request is signed")
        deadline = time.monotonic() + self.config.deadline
        return str(self._pipeline.drive(self._auth.session("login", deadline), deadline))

    @property
    def session_id(self) -> Optional[str]:
        """The sessionID in use, if logged in (``None`` before the first call, and on REST)."""
        return self._auth.sessions.current if isinstance(self._auth, SessionAuth) else None

    def call_raw(self, method: str, *params: Any) -> Any:
        """Any call, modelled by the spec or not, with its answer as the server sent it (plain
        data, unconverted). SOAP and JSON-RPC: ``call_raw("getSubscription", ref)``, the
        sessionID added. REST: ``call_raw("GET", "/subscriptions/REF/")``, and a JSON body as
        third argument for a write. Never repeated once it may have run."""
        if not isinstance(method, str) or not method.strip():
            raise ValidationError("call_raw", "method must be a non-empty string")
        params = tuple(v.sendable("call_raw", f"params[{i}]", value)
                       for i, value in enumerate(params))
        return self._pipeline.call_raw(method, params)


@attrs.frozen
class Outcome(Generic[T]):
    """One call of :meth:`Client.map`: its arguments, and its value or its error."""

    args: tuple[Any, ...]
    value: Optional[T] = None
    error: Optional[AvangateError] = None

    @property
    def ok(self) -> bool:
        return self.error is None


class _Pacer:
    """Calls started one at a time, each at least ``1.01/rate`` after the one before: never
    more than ``rate`` in any one-second window, even when threads wake a little late (1%
    of headroom absorbs that), and no burst after an idle spell."""

    def __init__(self, rate: float) -> None:
        self._interval = 1.01 / rate
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self, stopped: threading.Event) -> None:
        with self._lock:  # held while waiting: the next caller's slot follows this start
            delay = self._next - time.monotonic()
            if delay > 0 and stopped.wait(delay):
                return  # the run stopped: no call follows, no slot is taken
            self._next = time.monotonic() + self._interval


def _fields_of(config: Config) -> dict[str, Any]:
    return attrs.asdict(config, recurse=False)


def _signature() -> Any:
    """``Client(config=None, /, *, backend=..., ...)``: every setting, for help() and IDEs."""
    import inspect

    params = [inspect.Parameter("config", inspect.Parameter.POSITIONAL_ONLY, default=None)]
    for field in attrs.fields(Config):
        default = inspect.Parameter.empty if field.default is attrs.NOTHING else field.default
        params.append(inspect.Parameter(field.name, inspect.Parameter.KEYWORD_ONLY,
                                        default=default, annotation=field.type))
    return inspect.Signature(params)
