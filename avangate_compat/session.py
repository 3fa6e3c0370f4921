"""Sessions: the facade's (log in once, reuse, renew before expiry, one login at a time) and the
legacy callers' (they log in themselves; given the key, an id they hold outlives its expiry).

The lifetime is treated as absolute from login (the documented 10 minutes; sliding or not is
unknown), and a session error from the server invalidates the id at once. Both auths are flows
(see :data:`~avangate_compat.auth.Flow`): a login is a call they yield, so one thread's login
is the only one however many threads wait for it, with no callback into the client.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Generator
from typing import TYPE_CHECKING, Any, Callable, Optional

from .auth import Call, Flow, login_params
from .errors import SessionError, TransportError
from .transport import HttpRequest
from .wire import Secrets

if TYPE_CHECKING:
    from .config import Config
    from .operations import Operation

log = logging.getLogger("avangate_compat")

Login = Callable[[float], Generator[Call, Any, str]]
"""Makes a login within a deadline: yields the login call, returns the new sessionID."""


class SessionManager:
    """Holds one sessionID; thread-safe, so N threads starting together cause one login: the
    first holds the lock while its login call is out, the others wait for its result."""

    def __init__(self, login: Login, lifetime: float, margin: float,
                 clock: Callable[[], float] = time.monotonic,
                 secrets: Optional[Secrets] = None) -> None:
        self._login = login
        self._usable_for = lifetime - margin
        self._clock = clock
        self._secrets = secrets if secrets is not None else Secrets()
        self._lock = threading.Lock()
        # (session id, monotonic expiry) swapped as one tuple, so a lock-free read is consistent.
        self._state: tuple[Optional[str], float] = (None, 0.0)
        self._seeded: Optional[str] = None
        self.login_count = 0
        """How many logins this manager made (tests and benchmarks read it)."""

    def __repr__(self) -> str:  # never show the id itself
        state = "active" if self._state[0] else "none"
        return f"<SessionManager session={state} logins={self.login_count}>"

    def valid(self) -> Optional[str]:
        """The sessionID if it is usable for at least the safety margin, without waiting."""
        session_id, expires_at = self._state
        return session_id if session_id is not None and self._clock() < expires_at else None

    def acquire(self, deadline: float) -> Generator[Call, Any, str]:
        """A valid sessionID; logs in when needed, within ``deadline`` (a
        ``time.monotonic()`` instant), waiting for another thread's login no longer than
        that (:class:`TimeoutError` past it)."""
        session_id = self.valid()
        if session_id is not None:
            return session_id
        wait = min(threading.TIMEOUT_MAX, max(0.0, deadline - time.monotonic()))
        if not self._lock.acquire(timeout=wait):
            raise TimeoutError("waited past the call's deadline for another thread's login")
        try:  # held across the login's yield: the flow runs in this thread, to its end or close
            session_id = self.valid()
            if session_id is None:
                started = self._clock()
                session_id = yield from self._login(deadline)
                self._replace(session_id, started + self._usable_for)
                self.login_count += 1
            return session_id
        finally:
            self._lock.release()

    def seed(self, session_id: str, expires_at: float = float("inf")) -> None:
        """Start from a sessionID made elsewhere (a legacy caller's own login), which stays
        its maker's to keep secret."""
        with self._lock:
            self._seeded = session_id
            self._state = (session_id, expires_at)

    @property
    def current(self) -> Optional[str]:
        return self._state[0]

    def invalidate(self, session_id: str) -> None:
        """Forget ``session_id`` after the server refused it (no-op if already replaced)."""
        with self._lock:
            if self._state[0] == session_id:
                self._replace(None, 0.0)

    def _replace(self, session_id: Optional[str], expires_at: float) -> None:
        if self._state[0] != self._seeded:
            self._secrets.discard(self._state[0])  # expired and replaced: no longer kept
        if session_id is not None:
            self._secrets.add(session_id)
        self._state = (session_id, expires_at)


class SessionAuth:
    """The SOAP and JSON-RPC authentication: a sessionID first in every call's arguments,
    logged in on first use, renewed before its lifetime ends, and on a session error from the
    server (documented codes or the real ``10000 FORBIDDEN`` answer) logged in again once with
    the call repeated once. ``login`` itself is sent as it is."""

    logs_in = True

    def __init__(self, config: Config) -> None:
        self._credentials = (config.merchant_code, config.secret_key, config.hash_algorithm)
        self._backend, self._deadline = config.backend, config.deadline
        self.secrets = Secrets([config.secret_key, config.merchant_code])
        self.sessions = SessionManager(self._login, config.session_lifetime,
                                       config.session_margin, secrets=self.secrets)

    @property
    def login_count(self) -> int:
        return self.sessions.login_count

    def flow(self, operation: Operation[Any], args: list[Any], deadline: float) -> Flow:
        if not operation.needs_session:
            return (yield Call(operation, args))
        session_id = self.sessions.valid() or (yield from self.session(operation.name, deadline))
        try:
            return (yield Call(operation, [session_id, *args]))
        except SessionError:
            log.info("%s: session refused by the server, logging in again", operation.name)
            self.sessions.invalidate(session_id)
        session_id = yield from self.session(operation.name, deadline)
        return (yield Call(operation, [session_id, *args]))

    def sign(self, request: HttpRequest) -> HttpRequest:
        return request

    def session(self, label: str, deadline: float) -> Generator[Call, Any, str]:
        """A valid sessionID for the call ``label``, logging in if needed, by ``deadline``."""
        try:
            return (yield from self.sessions.acquire(deadline))
        except TimeoutError:
            raise TransportError(label, self._backend, "no session within the call's "
                                 f"deadline of {self._deadline:g} s", failure="deadline") from None

    def _login(self, deadline: float) -> Generator[Call, Any, str]:
        from .operations import OPERATIONS  # the table imports the models: not at start-up

        data = yield Call(OPERATIONS["login"], login_params(*self._credentials), quiet=True)
        if not isinstance(data, str) or not data:
            raise TransportError("login", self._backend, "login answered no session id")
        log.debug("logged in over %s", self._backend)
        return data


class _Held:
    """One sessionID a legacy caller was handed, and the session in use behind it."""

    __slots__ = ("login", "sessions", "used")

    def __init__(self, login: tuple[str, Optional[str]], sessions: Optional[SessionManager],
                 used: float) -> None:
        self.login = login  # (merchant code, algorithm) of the caller's own login
        self.sessions = sessions  # None without the key: nothing is renewed
        self.used = used


class HeldSessions:
    """The legacy callers' authentication: they log in themselves and pass the sessionID first
    in every call. Given the secret key, an id handed out here stays valid for its holder: when
    the server refuses it, one login is made behind it (one per expiry, shared by every thread
    holding the id) and the call repeated once. Without the key, calls go as they are.

    Ids stay known (renewable, scrubbed from errors and logs) while they may be in use: one
    that a newer login replaced and that went unused for a whole session lifetime is
    forgotten, and at most ``keep`` are known at once, the oldest replaced ones going first."""

    logs_in = False

    def __init__(self, secret_key: Optional[str], backend: str, deadline: float,
                 lifetime: float, keep: int = 64,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._secret_key = secret_key
        self._backend, self._deadline, self._lifetime = backend, deadline, lifetime
        self._keep, self._clock = keep, clock
        self._held: dict[str, _Held] = {}  # in the order handed out
        self._lock = threading.Lock()
        self.secrets = Secrets([secret_key] if secret_key else [])

    @property
    def login_count(self) -> int:
        """Logins made behind held ids (the callers' own are theirs)."""
        return sum(h.sessions.login_count for h in list(self._held.values()) if h.sessions)

    def flow(self, operation: Operation[Any], args: list[Any], deadline: float) -> Flow:
        if operation.name == "login":
            session_id = yield Call(operation, args, quiet=True)
            if isinstance(session_id, str) and session_id and args:
                self._hand_out(session_id, str(args[0]), str(args[3]) if len(args) > 3 else None)
            return session_id
        held = self._held.get(args[0]) if args and isinstance(args[0], str) else None
        if held is not None:
            held.used = self._clock()
        if held is None or held.sessions is None:
            return (yield Call(operation, args))
        sessions, rest = held.sessions, args[1:]
        session_id = sessions.valid() or (yield from self._session(sessions, operation, deadline))
        try:
            return (yield Call(operation, [session_id, *rest]))
        except SessionError:
            log.info("%s: held session refused by the server, logging in behind it",
                     operation.name)
            sessions.invalidate(session_id)
        session_id = yield from self._session(sessions, operation, deadline)
        return (yield Call(operation, [session_id, *rest]))

    def sign(self, request: HttpRequest) -> HttpRequest:
        return request

    def _session(self, sessions: SessionManager, operation: Operation[Any],
                 deadline: float) -> Generator[Call, Any, str]:
        try:
            return (yield from sessions.acquire(deadline))
        except TimeoutError:
            raise TransportError(operation.name, self._backend, "no session within the call's "
                                 f"deadline of {self._deadline:g} s", failure="deadline") from None

    def _hand_out(self, session_id: str, merchant_code: str, algorithm: Optional[str]) -> None:
        now = self._clock()
        sessions = None
        if self._secret_key is not None:
            key = self._secret_key

            def login(_deadline: float) -> Generator[Call, Any, str]:
                from .operations import OPERATIONS

                data = yield Call(OPERATIONS["login"], login_params(
                    merchant_code, key, algorithm or "md5"), quiet=True)
                if not isinstance(data, str) or not data:
                    raise TransportError("login", self._backend, "login answered no session id")
                return data

            sessions = SessionManager(login, float("inf"), 0.0, self._clock, self.secrets)
            sessions.seed(session_id)
        self.secrets.add(session_id)
        with self._lock:
            self._held[session_id] = _Held((merchant_code, algorithm), sessions, now)
            self._forget_stale(now)

    def _forget_stale(self, now: float) -> None:
        newest: dict[str, str] = {}
        for held_id, held in self._held.items():
            newest[held.login[0]] = held_id
        replaced = [i for i, h in self._held.items() if newest[h.login[0]] != i]
        stale = [i for i in replaced if now - self._held[i].used >= self._lifetime]
        excess = len(self._held) - len(stale) - self._keep
        if excess > 0:  # the oldest replaced ids first, however recently used
            stale += sorted((i for i in replaced if i not in stale),
                            key=lambda i: self._held[i].used)[:excess]
        for held_id in stale:
            held = self._held.pop(held_id)
            self.secrets.discard(held_id)
            if held.sessions is not None and held.sessions.current != held_id:
                self.secrets.discard(held.sessions.current)

