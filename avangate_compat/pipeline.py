"""The one request pipeline of every client (the facade, the suds-style legacy client, callRPC),
read top to bottom:

    check -> customize -> auth flow -> encode -> sign -> send (deadline, cap, retries)
          -> decode -> read (convert to the operation's result)

- **check**: the operation's argument checks; bad input fails before any I/O.
- **customize**: a per-operation handler of :mod:`~avangate_compat.customizations`, if any.
- **auth flow**: a generator (httpx's ``Auth.auth_flow``) yielding the calls to make (a login,
  the call with its sessionID) and receiving each one's data, or its error thrown in; so log
  in, re-login once on a session error, one login shared across threads, need no callback.
- **encode / decode**: the codec; every protocol error and error status becomes an errors.py
  class there. **sign**: the auth's per-attempt header (REST). **send**: one HTTP exchange by
  the transport; the transport's :class:`~avangate_compat.transport.RetryPolicy` says whether
  and when a failed attempt is made again (the loop is here, as a refusal such as a rate limit
  is known only once decoded).

Each step calls only the one below it; nothing below calls back up.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Generator, Mapping
from typing import TYPE_CHECKING, Any, Callable, Optional, Protocol

from .auth import Call, Flow
from .errors import (
    APIError,
    AvangateError,
    ConversionError,
    OutcomeUnknownError,
    RateLimitError,
    TransportError,
    ValidationError,
    api_error,
)
from .transport import HttpRequest, HttpSettings, RetryPolicy, Transport
from .wire import Secrets, excerpt

if TYPE_CHECKING:
    from .backends import Codec
    from .config import Settings
    from .operations import Operation

log = logging.getLogger("avangate_compat")

Pace = Optional[Callable[[], None]]
"""Called before every request sent (retries and logins included): a rate cap's pacer."""


class Auth(Protocol):
    """What the pipeline needs of an authentication (:mod:`~avangate_compat.auth`,
    :mod:`~avangate_compat.session`)."""

    logs_in: bool
    secrets: Secrets

    @property
    def login_count(self) -> int: ...

    def flow(self, operation: Operation[Any], args: list[Any], deadline: float) -> Flow:
        """The calls that make this one: see the module's docstring."""

    def sign(self, request: HttpRequest) -> HttpRequest:
        """The request as sent this attempt (a fresh signature for REST)."""


class Pipeline:
    """One client's codec, auth and transport, and the path of every call through them."""

    def __init__(self, settings: Settings, codec: Codec, auth: Auth) -> None:
        self.settings = settings
        self.codec = codec
        self.auth = auth
        self.backend = codec.name
        self.retry = RetryPolicy(settings)
        # the transport sees the settings it needs and the secrets it must scrub, no more
        self.transport = Transport(HttpSettings(settings), codec.name, auth.secrets)
        self._tweaks: dict[str, tuple[Any, Any]] = {}

    def close(self) -> None:
        self.transport.close()

    # -- from the top ------------------------------------------------------------------------

    def call(self, operation: Operation[Any], args: tuple[Any, ...], pace: Pace = None) -> Any:
        """Check, run, read: the operation's result, within the settings' deadline."""
        wire_args = operation.check(args)
        deadline = time.monotonic() + self.settings.deadline
        return self.read(operation, self.run(operation, wire_args, deadline, pace))

    def call_raw(self, method: str, params: tuple[Any, ...]) -> Any:
        """A call nobody modelled, its answer as plain data (``Client.call_raw``)."""
        from .operations import synthetic

        args = self.codec.raw_args(method, params)
        if self.auth.logs_in and method == "login":
            raise ValidationError("login", "the client logs in by itself; see Client.login()")
        return self.run(synthetic(method), args, time.monotonic() + self.settings.deadline)

    def run(self, operation: Operation[Any], args: list[Any], deadline: float,
            pace: Pace = None) -> Any:
        """The plain data of one call: its tweak applied, its auth flow driven to the end."""
        arrange, _ = self._tweaks_of(operation)
        if arrange is not None:
            args = arrange(self.settings, args)
        return self.run_as_given(operation, args, deadline, pace)

    def run_as_given(self, operation: Operation[Any], args: list[Any], deadline: float,
                     pace: Pace = None) -> Any:
        """The plain data of one call whose arguments are already laid out as the wire wants
        them (legacy code lays out its own, the sessionID first)."""
        return self.drive(self.auth.flow(operation, args, deadline), deadline, pace)

    def drive(self, flow: Generator[Call, Any, Any], deadline: float, pace: Pace = None) -> Any:
        """Run an auth flow: each call it yields is sent, its data (or error) goes back in."""
        return _drive(flow, lambda call: self.send(call, deadline, pace))

    # -- below the auth ----------------------------------------------------------------------

    def send(self, call: Call, deadline: float, pace: Pace = None) -> Any:
        """One call as the auth made it: encoded (or the several requests of a protocol that
        documents no single one), sent, decoded."""
        operation = call.operation
        _, several = self._tweaks_of(operation)
        if several is not None:
            return _drive(several(self.codec, call.args),
                          lambda request: self.exchange(operation, request, deadline, pace))
        request = self.codec.encode(operation, call.args)
        if call.quiet:
            request = HttpRequest(request.method, request.url, request.body, request.headers,
                                  request.params, request.context, request.label, quiet=True)
        return self.exchange(operation, request, deadline, pace)

    def exchange(self, operation: Operation[Any], request: HttpRequest, deadline: float,
                 pace: Pace = None) -> Any:
        """Sign, send, decode; again while the retry policy allows. An error keeps an excerpt
        of the answer, secrets scrubbed."""
        attempt = 0
        while True:
            try:
                if pace is not None:
                    pace()
                answer = self.transport.send(self.auth.sign(request), deadline)
                try:
                    return self.codec.decode(operation, request, answer)
                except (APIError, TransportError) as exc:
                    exc.answer = excerpt(answer, list(self.auth.secrets))
                    raise
            except (TransportError, RateLimitError) as exc:
                delay = self.retry.delay(exc, operation.idempotent, attempt, deadline)
                if delay is None:
                    if isinstance(exc, TransportError) and exc.sent \
                            and not operation.idempotent and not operation.raw:
                        raise OutcomeUnknownError(exc, operation.if_unknown) from exc
                    raise
                attempt += 1
                log.warning("%s over %s: %s; retry %d in %.2fs", operation.name, self.backend,
                            exc.message if isinstance(exc, TransportError)
                            else "rate limited by the server", attempt, delay)
                self.transport.sleep(delay)

    # -- after the answer --------------------------------------------------------------------

    def read(self, operation: Operation[Any], data: Any) -> Any:
        """Plain answer data -> the operation's result; an answer that does not confirm a
        write, or cannot be read as the result, is an :class:`APIError`, never a success."""
        from . import convert

        if operation.confirmed_by is not None:
            confirmed = isinstance(data, Mapping) and data.get(operation.confirmed_by)
            if not confirmed:
                errors = data.get("Errors") if isinstance(data, Mapping) else None
                code, message = _describe_errors(errors)
                raise api_error(operation.name, self.backend, code or "NOT_CONFIRMED",
                                message or f"the answer holds no {operation.confirmed_by}")
        if operation.result is bool:  # a write: only a clear "true" acknowledges it
            try:
                confirmed = convert.structure(data, bool)
            except ConversionError:
                confirmed = False
            if not confirmed:
                raise APIError(operation.name, self.backend, "NOT_CONFIRMED",
                               f"the server answered {str(data)[:64]!r}, not true")
            return True
        try:
            return convert.structure(data, operation.result)
        except ConversionError as exc:
            raise APIError(operation.name, self.backend, "UNREADABLE_ANSWER", str(exc)) \
                from None

    def _tweaks_of(self, operation: Operation[Any]) -> tuple[Any, Any]:
        """(arguments handler, requests handler) of the operation on this backend."""
        tweaks = self._tweaks.get(operation.name)
        if tweaks is None:
            from .customizations import HANDLERS

            tweaks = (None, None) if operation.raw else (
                HANDLERS.lookup("arguments", self.backend, operation.name),
                HANDLERS.lookup("requests", self.backend, operation.name))
            self._tweaks[operation.name] = tweaks
        return tweaks


def _drive(flow: Generator[Any, Any, Any], step: Callable[[Any], Any]) -> Any:
    """Run a generator that yields work and takes results: ``step`` does each item; its
    result is sent back in, its :class:`AvangateError` thrown in. The flow is closed however
    this ends, so a lock it holds (a login in progress) is released."""
    try:
        item = next(flow)
        while True:
            try:
                result = step(item)
            except AvangateError as exc:
                item = flow.throw(exc)
            else:
                item = flow.send(result)
    except StopIteration as done:
        return done.value
    finally:
        flow.close()


def _describe_errors(errors: Any) -> tuple[Optional[str], str]:
    """(first code, readable text) of an ``Errors`` member, whatever its shape."""
    if not errors:
        return None, ""
    if isinstance(errors, Mapping):
        items = list(errors.values()) if all(str(k).isdigit() for k in errors) else [errors]
    elif isinstance(errors, list):
        items = errors
    else:
        items = [errors]
    code = next((str(e["Code"])[:200] for e in items
                 if isinstance(e, Mapping) and e.get("Code") is not None), None)
    texts = [f"{e.get('Code')}: {e.get('Description')}" if isinstance(e, Mapping)
             else str(e) for e in items]
    return code, "; ".join(texts)[:2000]
