"""The sessionID of one client: log in once, reuse, renew before expiry, one login at a time.

The lifetime is treated as absolute from login (the documented 10 minutes; sliding or not is
unknown), and a session error from the server invalidates the id at once.
"""

from __future__ import annotations

import threading
import time
from typing import Callable, Optional


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

    def invalidate(self, session_id: str) -> None:
        """Forget ``session_id`` after the server refused it (no-op if already replaced)."""
        with self._lock:
            if self._state[0] == session_id:
                self._state = (None, 0.0)
