"""One exception hierarchy for every backend.

The same situation raises the same class whichever protocol answered: a missing lead is a
:class:`NotFoundError` over SOAP, JSON-RPC and REST alike. Backends only report a server's
``code`` and ``message``; :func:`api_error` picks the class, in one place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

import attrs

if TYPE_CHECKING:
    from .client import Outcome


@attrs.frozen
class RawAnswer:
    """What an error keeps of the server's answer, for debugging: the HTTP status, the headers
    and the start of the body, with the client's secrets and anything shaped like a hash or a
    session id replaced."""

    status: int
    headers: dict[str, str]
    body: str


class AvangateError(Exception):
    """Base class of everything this library raises."""


class ConfigurationError(AvangateError, ValueError):
    """The client configuration is incomplete or inconsistent."""


class ValidationError(AvangateError, ValueError):
    """An argument was rejected before any network I/O; ``path`` names the field
    (``Lead.Items[0].Price.Amount``) when the fault is inside an argument."""

    def __init__(self, operation: str, message: str, path: Optional[str] = None) -> None:
        super().__init__(f"{operation}: {message}")
        self.operation = operation
        self.message = message
        self.path = path


class TransportError(AvangateError):
    """The server could not be reached, timed out, or answered outside the protocol.

    ``failure`` says which, and decides whether a retry is safe (see ``Client``):

    - ``"connect"``: no connection; the request was never sent.
    - ``"timeout"``, ``"disconnected"``: sent, then no complete answer; it may have run.
    - ``"http"``: an HTTP status without the protocol's error body (a proxy page, a bare 503),
      or an error answer in which the server reports its own failure (``INTERNAL_ERROR``).
    - ``"deadline"``: the call's total deadline passed.
    - ``"too_large"``: the answer exceeded ``max_answer_bytes``.
    - ``"tls"``: the TLS handshake or certificate failed; ``"url"``: the URL is unusable.
    - ``"answer"``: an answer that is not the protocol, or does not confirm the call.
    """

    def __init__(self, operation: str, backend: str, message: str,
                 http_status: Optional[int] = None, *, failure: str = "answer",
                 retry_after: Optional[float] = None) -> None:
        status = f" (HTTP {http_status})" if http_status is not None else ""
        super().__init__(f"{operation} over {backend}: {message}{status}")
        self.operation = operation
        self.backend = backend
        self.message = message
        self.http_status = http_status
        self.failure = failure
        self.retry_after = retry_after
        self.answer: Optional[RawAnswer] = None
        """The answer that caused this, when there was one."""

    @property
    def sent(self) -> bool:
        """Whether the request may have reached the server (and run there)."""
        return self.failure not in ("connect", "tls", "url")


class OutcomeUnknownError(TransportError):
    """A write that is not safe to repeat (``placeOrder``, ``issueRefund``, ``addLead``...) may
    have reached the server, and no answer says whether it ran: it may have happened. The
    library never sends it again (that could place a second order or a second refund).
    ``check`` says how to find out for this operation before you decide to send it again."""

    def __init__(self, cause: TransportError, check: str) -> None:
        super().__init__(cause.operation, cause.backend,
                         f"{cause.message}; the write may have happened and was not repeated: "
                         f"{check}", cause.http_status, failure=cause.failure,
                         retry_after=cause.retry_after)
        self.check = check
        self.answer = cause.answer


class APIError(AvangateError):
    """The server understood the call and refused it."""

    def __init__(self, operation: str, backend: str, code: Optional[str], message: str,
                 http_status: Optional[int] = None, *,
                 retry_after: Optional[float] = None) -> None:
        super().__init__(f"{operation} over {backend} failed: [{code}] {message}")
        self.operation = operation
        self.backend = backend
        self.code = code
        self.message = message
        self.http_status = http_status
        self.retry_after = retry_after
        self.answer: Optional[RawAnswer] = None
        """The answer that caused this, when there was one."""


class AuthenticationError(APIError):
    """Login or the REST signature was refused: wrong merchant code, key, algorithm or clock."""


class SessionError(APIError):
    """The sessionID is unknown or expired; the client logs in again once by itself."""


class NotFoundError(APIError):
    """The object named in the call does not exist."""


class InvalidRequestError(APIError):
    """The server refused the arguments (for example an update the API does not allow)."""


class WebFault(APIError):
    """A SOAP Fault, raised by the suds-compatible :mod:`avangate_compat.legacy` client as suds
    raised it: ``e.fault.faultcode`` and ``e.fault.faultstring`` as the server sent them; also an
    :class:`APIError` (``code``, ``message``) and so an :class:`AvangateError`."""

    def __init__(self, cause: APIError) -> None:
        super().__init__(cause.operation, cause.backend, cause.code, cause.message,
                         cause.http_status, retry_after=cause.retry_after)
        self.answer = cause.answer
        self.cause = cause
        self.fault = Fault(faultcode=cause.code, faultstring=cause.message)
        self.document = cause.answer.body if cause.answer is not None else None


@attrs.frozen
class Fault:
    """What suds called ``WebFault.fault``."""

    faultcode: Optional[str]
    faultstring: str


class RateLimitError(APIError):
    """The server refused the call for now (HTTP 429); ``retry_after`` holds its advice in
    seconds. The call was not run, so the client retries it, whatever the operation."""


class DroppedFieldWarning(UserWarning):
    """A field was left out of a SOAP request because the configured WSDL does not declare it
    (a warning, not an error: the call still goes out, without it)."""


class InsecureTLSWarning(UserWarning):
    """``verify_tls=False``: the server's certificate is not checked, so anyone on the path can
    read and change the traffic, credentials included (warned once per client)."""


class ConversionError(AvangateError, ValueError):
    """A value could not be read as the model's declared type; ``path`` locates it below the
    converted object (``.Items[0].Price.Amount``), ``reason`` says what is wrong."""

    def __init__(self, reason: str, path: str = "", root: str = "") -> None:
        where = f"{root}{path}".lstrip(".")
        super().__init__(f"{where}: {reason}" if where else reason)
        self.reason = reason
        self.path = path


# Server error codes (SOAP faultcode, JSON-RPC data.error_code, REST error_code) by class.
# The 6.0 codes are only partly documented (docs/api-facts.md); unknown codes stay plain APIError.
_CODES: dict[str, type[APIError]] = {
    "AUTHENTICATION_ERROR": AuthenticationError,
    "AUTHENTICATION_FAILED": AuthenticationError,
    "INVALID_HASH": AuthenticationError,
    "FORBIDDEN": SessionError,
    "INVALID_SESSION": SessionError,
    "SESSION_EXPIRED": SessionError,
    "NOT_FOUND": NotFoundError,
    "LEAD_NOT_FOUND": NotFoundError,
    "PRODUCT_NOT_FOUND": NotFoundError,
    "INVALID_PRODUCT": InvalidRequestError,
    "PRODUCT_ERROR": InvalidRequestError,
    "INVALID_LEAD": InvalidRequestError,
    "LEAD_ERROR": InvalidRequestError,
    "INVALID_PARAMETERS": InvalidRequestError,
    "ORDER_PRODUCT_CODE_INVALID": InvalidRequestError,
    # placeOrder's documented refusals (docs/api-facts.md, "Orders, refunds and customers")
    **dict.fromkeys((
        "ORDER_PRODUCTS_EMPTY", "ORDER_ITEMS_INVALID", "ORDER_ITEMS_QUANTITY_INVALID",
        "ORDER_PRODUCT_NAME_INVALID", "ORDER_PRODUCT_PRICE_TYPE_INVALID",
        "ORDER_PRODUCT_PRICE_AMOUNT_INVALID", "ORDER_CURRENCY_INVALID",
        "PAYMENT_NOT_SUPPORTED", "REFUND_NOT_ALLOWED"), InvalidRequestError),
    # the subscription calls' refusals (docs/api-facts.md, "Subscriptions")
    **dict.fromkeys(("FIELD_NOT_EDITABLE", "EXPIRATION_DATE_IN_THE_PAST",
                     "INVALID_CHURN_REASON"), InvalidRequestError),
    "RATE_LIMIT_EXCEEDED": RateLimitError,
}
# Numeric JSON-RPC codes of the older Avangate API (docs/api-facts.md, "Session").
_NUMERIC: dict[str, type[APIError]] = {
    "10000": SessionError, "10001": SessionError, "10002": SessionError,
    "-32602": InvalidRequestError,
}
_STATUS: dict[int, type[APIError]] = {
    429: RateLimitError, 401: AuthenticationError, 403: AuthenticationError, 404: NotFoundError,
    400: InvalidRequestError, 422: InvalidRequestError,
}


# Codes by which a server reports its own failure (REST's INTERNAL_ERROR, JSON-RPC 2.0's
# "Internal error"): not a refusal, so not an APIError.
_SERVER_FAILURES = frozenset({"INTERNAL_ERROR", "-32603"})


def api_error(operation: str, backend: str, code: Optional[str], message: str,
              http_status: Optional[int] = None, *,
              retry_after: Optional[float] = None) -> AvangateError:
    """The error of a server's error answer: the right :class:`APIError` subclass for a
    refusal. An answer naming the server's own failure is a :class:`TransportError`
    (``failure="http"``) instead, on every backend: the server did not refuse the call, it
    failed while running it, so the call may have run, exactly as after a bare HTTP 500."""
    bare = code.rsplit(":", 1)[-1].strip() if code else None
    if bare in _SERVER_FAILURES:
        return TransportError(operation, backend, f"the server failed: [{bare}] {message}",
                              http_status, failure="http", retry_after=retry_after)
    cls = _CODES.get(bare or "") or _NUMERIC.get(bare or "")
    if http_status == 429:
        cls = RateLimitError  # whatever the body calls it, the call was refused, not run
    if cls is None and http_status is not None:
        cls = _STATUS.get(http_status)
    if cls is None and bare and bare.endswith("_NOT_FOUND"):
        cls = NotFoundError
    if operation == "login" and cls in (None, SessionError):
        cls = AuthenticationError  # a refused login is never a stale session
    return (cls or APIError)(operation, backend, bare, message, http_status,
                             retry_after=retry_after)


class MapStopped(BaseException):
    """A :meth:`Client.map <avangate_compat.Client.map>` run that ended early, and what it had
    done: ``outcomes`` holds every call that was sent, in input order (an ``Outcome`` each,
    its value or its :class:`AvangateError`), ``not_started`` the arguments of every call
    that never was; ``__cause__`` is what stopped the run. Never raised itself: catch it to
    get the outcomes whatever stopped the run, or catch the two classes below."""

    def __init__(self, message: str, outcomes: list[Outcome[Any]],
                 not_started: list[tuple[Any, ...]]) -> None:
        super().__init__(message)
        self.outcomes = outcomes
        self.not_started = not_started


class MapInterrupted(MapStopped, KeyboardInterrupt):
    """Ctrl-C (a :class:`KeyboardInterrupt`) stopped a ``map`` run. Still a
    ``KeyboardInterrupt``, so ``except Exception`` and ``except AvangateError`` do not swallow
    it and the program stops as after any Ctrl-C; it only carries the outcomes with it."""


class MapAborted(MapStopped, AvangateError):
    """An exception other than an API error stopped a ``map`` run: one raised by the
    ``progress`` callback, or a bug; it is chained as ``__cause__``."""


class SignatureError(AvangateError):
    """A notification from 2Checkout failed its signature check. ``signature`` names the
    field that failed (``SIGNATURE_SHA3_256``, ``SIGNATURE_SHA2_256`` or ``HASH``), or is
    ``None`` when the notification carried none."""

    def __init__(self, signature: Optional[str], message: str) -> None:
        super().__init__(message)
        self.signature = signature
        self.message = message


class IPNSignatureError(SignatureError):
    """An instant payment notification (IPN) failed its signature check."""


class LCNSignatureError(SignatureError):
    """A license change notification (LCN) failed its signature check."""
