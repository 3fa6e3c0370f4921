"""The embedded 2Checkout sandbox: one threaded HTTP server on loopback speaking SOAP, JSON-RPC
and REST over one state store, as stripe-mock and moto do for their APIs.

    with Sandbox() as sandbox:
        client = Client(backend="soap", base_url=sandbox.url, **sandbox.credentials)

It must not import the client's backends or converter: a bug shared by both would pass every test.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import threading
import urllib.request
from typing import Any, Optional

from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, create_server

from .app import SandboxApp
from .service import Service
from .store import Store

DEMO_MERCHANT_CODE = "SANDBOXMERCHANT"
DEMO_SECRET_KEY = "sandbox-secret-key-not-a-real-one"  # noqa: S105 - public demo value


def _check_loopback(host: str) -> None:
    if host == "localhost":
        return
    try:
        if ipaddress.ip_address(host).is_loopback:
            return
    except ValueError:
        pass
    raise ValueError(f"the sandbox serves loopback addresses only, not {host!r}")


class Sandbox:
    """Start and stop the sandbox in-process; a context manager and the base of the fixtures."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0,
                 merchant_code: str = DEMO_MERCHANT_CODE, secret_key: str = DEMO_SECRET_KEY,
                 session_ttl: float = 600.0, db: Optional[str] = None,
                 max_skew: float = 600.0, session_error: str = "documented",
                 latency_ms: float = 0.0) -> None:
        """``session_error``: "documented" (INVALID_SESSION 10001 / SESSION_EXPIRED 10002) or
        "forbidden" (the one real answer on record: 10000 "Invalid hash provided or session
        expired", FORBIDDEN). ``latency_ms`` delays every protocol answer."""
        _check_loopback(host)
        self.host = host
        self.requested_port = port
        self.merchant_code = merchant_code
        self.secret_key = secret_key
        store = Store(db)
        try:
            self.service = Service(store, merchant_code, secret_key, session_ttl, max_skew,
                                   session_error, latency_ms)
        except ValueError:
            store.close()
            raise
        self._server: Optional[BaseWSGIServer] = None
        self._thread: Optional[threading.Thread] = None

    def __repr__(self) -> str:
        return f"<Sandbox {self.url if self._server else 'stopped'}>"

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the sandbox is not running")
        return int(self._server.effective_port)

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host  # IPv6: http://[::1]:port
        return f"http://{host}:{self.port}"

    @property
    def credentials(self) -> dict[str, str]:
        return {"merchant_code": self.merchant_code, "secret_key": self.secret_key}

    def start(self, threads: int = 16) -> Sandbox:
        """Serve on a thread of this process; waitress keeps connections alive (HTTP/1.1),
        so the connection counter shows whether clients reuse them.

        waitress's loop timeout is left at its default (1 s): the setting is an integer, so a
        fraction became 0 and ``select`` never waited, spinning a core even when idle. Stopping
        does not wait for it: ``stop`` wakes the loop through waitress's trigger."""
        stats = self.service.stats

        class CountingChannel(HTTPChannel):  # type: ignore[misc]
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, **kwargs)
                with stats.lock:
                    stats.connections += 1

        server = create_server(SandboxApp(self.service), host=self.host,
                               port=self.requested_port, threads=threads,
                               ident="avangate-compat-sandbox",
                               max_request_body_size=16 * 1024 * 1024, expose_tracebacks=False)
        server.channel_class = CountingChannel
        self._server = server
        self._thread = threading.Thread(target=server.run, name="avangate-sandbox",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving: workers finish the requests they hold first (they wake the loop
        through its trigger when done, so it must still be open), then the loop closes every
        connection, the listening socket and the trigger, and ends."""
        server, self._server = self._server, None
        if server is None:
            return
        server.task_dispatcher.shutdown()

        def close_everything() -> None:
            # Runs inside the server's own loop thread (waitress's trigger), so no socket is
            # closed under a select() in progress; an empty map then ends the loop.
            for channel in list(server._map.values()):
                if channel is not server and channel is not server.trigger:
                    channel.handle_close()  # open keep-alive connections too
            server.close()  # the listening socket and the trigger
            # A worker still busy past the shutdown's wait (a long latency fault) would write
            # its wake-up byte to the closed trigger's descriptor number, which a new socket
            # may have taken by then: make that write fail instead.
            if isinstance(getattr(server.trigger, "trigger", None), int):
                server.trigger.trigger = -1

        # A wake-up byte already waiting can make the loop run our thunk, which closes the
        # trigger, between the thunk being queued and our own byte being written: it ran.
        with contextlib.suppress(OSError):
            server.trigger.pull_trigger(close_everything)
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def close(self) -> None:
        self.stop()
        self.service.store.close()

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the control API, over HTTP like any other client would use it -------------------------

    def control(self, method: str, action: str, body: Any = None) -> Any:
        """Call ``/_sandbox/<action>`` and return its JSON answer."""
        return control(self.url, method, action, body)

    def send_ipn(self, url: str, fields: Any) -> Any:
        """Sign ``fields`` (``[[name, value], ...]`` or ``{name: value}``) as 2Checkout would,
        POST them to ``url`` (loopback only) and return the delivery report, whose
        ``answer_valid`` says whether the listener's read receipt was right."""
        return self.control("POST", "ipn", {"url": url, "fields": fields})

    def inject_fault(self, kind: str, count: Optional[int] = None,
                     seconds: Optional[float] = None, **options: Any) -> Any:
        """Arm a fault for the next ``count`` matching requests (1 by default) or for
        ``seconds``: kind is latency (ms), http_error (status), html (status), drop, truncate,
        session_expiry or rate_limit (retry_after); ``protocols=[...]`` and
        ``operations=[...]`` narrow what it matches; ``after=N`` lets the first N matching
        requests through before it fires. Returns the armed fault."""
        body: dict[str, Any] = {"kind": kind, **options}
        if count is not None:
            body["count"] = count
        if seconds is not None:
            body["seconds"] = seconds
        return self.control("POST", "faults", body)

    def generate_leads(self, count: int) -> Any:
        """Add ``count`` generated leads (``GEN0000000``...), for big listings."""
        return self.control("POST", "seed/generated", {"leads": count})

    def clear_faults(self) -> Any:
        return self.control("DELETE", "faults")


def control(base_url: str, method: str, action: str, body: Any = None) -> Any:
    """Call the control API of a sandbox at ``base_url`` (in this process or another)."""
    if not base_url.startswith("http://"):
        raise ValueError(f"the sandbox is served over http, not {base_url!r}")
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(  # noqa: S310 - http only, checked above
        f"{base_url.rstrip('/')}/_sandbox/{action}", data=data, method=method,
        headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
        return json.loads(response.read())


__all__ = ["DEMO_MERCHANT_CODE", "DEMO_SECRET_KEY", "Sandbox", "control"]
