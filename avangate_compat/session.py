"""The sessionID of one client: log in once, reuse, renew before expiry, one login at a time.

The lifetime is treated as absolute from login (the documented 10 minutes; sliding or not is
unknown), and a session error from the server invalidates the id at once.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING, Any, Callable, Optional

from .auth import login_params
from .config import Config
from .errors import SessionError, TransportError
from .transport import HttpRequest

if TYPE_CHECKING:
    from .operations import Operation

log = logging.getLogger("avangate_compat")


class SessionManager:
    """Holds one sessionID; thread-safe, so N threads starting together cause one login."""

    def __init__(self, login: Callable[[float], str], lifetime: float, margin: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._login = login
        self._usable_for = lifetime - margin
        self._clock = clock
        self._lock = threading.Lock()
        # (session id, monotonic expiry) swapped as one tuple, so a lock-free read is consistent.
        self._state: tuple[Optional[str], float] = (None, 0.0)
        self.login_count = 0
        """How many logins this client made (tests and benchmarks read it)."""

    def __repr__(self) -> str:  # never show the id itself
        state = "active" if self._state[0] else "none"
        return f"<SessionManager session={state} logins={self.login_count}>"

    def get(self, deadline: float) -> str:
        """A sessionID valid for at least the safety margin; logs in when needed, within
        ``deadline`` (a ``time.monotonic()`` instant), waiting for another thread's login
        no longer than that."""
        session_id, expires_at = self._state
        if session_id is not None and self._clock() < expires_at:
            return session_id
        wait = min(threading.TIMEOUT_MAX, max(0.0, deadline - time.monotonic()))
        if not self._lock.acquire(timeout=wait):
            raise TimeoutError("waited past the call's deadline for another thread's login")
        try:
            session_id, expires_at = self._state
            if session_id is None or self._clock() >= expires_at:
                started = self._clock()
                session_id = self._login(deadline)
                self._state = (session_id, started + self._usable_for)
                self.login_count += 1
            return session_id
        finally:
            self._lock.release()

    @property
    def current(self) -> Optional[str]:
        return self._state[0]

    def invalidate(self, session_id: str) -> None:
        """Forget ``session_id`` after the server refused it (no-op if already replaced)."""
        with self._lock:
            if self._state[0] == session_id:
                self._state = (None, 0.0)


Send = Callable[["Operation[Any]", list[Any], float], Any]


class SessionAuth:
    """The SOAP and JSON-RPC authentication: a sessionID first in every call's arguments,
    logged in on first use, renewed before its lifetime ends, and on a session error from the
    server (documented codes or the real ``10000 FORBIDDEN`` answer) logged in again once with
    the call repeated once. ``login`` itself is sent as it is."""

    def __init__(self, config: Config, send: Send) -> None:
        self._config = config
        self._send = send
        self.sessions = SessionManager(self._login, config.session_lifetime,
                                       config.session_margin)

    @property
    def login_count(self) -> int:
        return self.sessions.login_count

    def run(self, operation: Operation[Any], args: list[Any], deadline: float) -> Any:
        if not operation.needs_session:
            return self._send(operation, args, deadline)
        if operation.layout is not None:
            args = operation.layout(self._config, args)
        session_id = self.session_id(operation.name, deadline)
        try:
            return self._send(operation, [session_id, *args], deadline)
        except SessionError:
            log.info("%s: session refused by the server, logging in again", operation.name)
            self.sessions.invalidate(session_id)
            return self._send(operation, [self.session_id(operation.name, deadline), *args],
                              deadline)

    def sign(self, request: HttpRequest) -> HttpRequest:
        return request

    def secrets(self) -> list[str]:
        current = self.sessions.current
        return [self._config.secret_key, self._config.merchant_code,
                *([current] if current else [])]

    def session_id(self, operation: str, deadline: float) -> str:
        """A valid sessionID for ``operation``, logging in if needed, by ``deadline``."""
        try:
            return self.sessions.get(deadline)
        except TimeoutError:
            raise TransportError(operation, self._config.backend, "no session within the "
                                 f"call's deadline of {self._config.deadline:g} s",
                                 failure="deadline") from None

    def _login(self, deadline: float) -> str:
        from .operations import OPERATIONS  # the table imports the models: not at start-up

        config = self._config
        args = login_params(config.merchant_code, config.secret_key, config.hash_algorithm)
        data = self._send(OPERATIONS["login"], args, deadline)
        if not isinstance(data, str) or not data:
            raise TransportError("login", config.backend, "login answered no session id")
        log.debug("logged in over %s", config.backend)
        return data
