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
import os
import ssl
import threading
import urllib.request
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Optional

from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, create_server

from .app import SandboxApp
from .service import Service
from .store import Store

if TYPE_CHECKING:
    from .tls import Certificates

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
                 latency_ms: float = 0.0, tls: bool = False,
                 tls_client_ca: Optional[str] = None, max_connections: int = 100) -> None:
        """``session_error``: "documented" (INVALID_SESSION 10001 / SESSION_EXPIRED 10002) or
        "forbidden" (the one real answer on record: 10000 "Invalid hash provided or session
        expired", FORBIDDEN). ``latency_ms`` delays every protocol answer.

        ``tls``: serve HTTPS with a CA made at start (its bundle is :attr:`ca_path`);
        ``tls_client_ca``: also demand a client certificate signed by that CA (implies TLS).
        ``max_connections``: open connections kept; past it the longest idle keep-alive
        connection is closed for a new one, and with none idle the new one is answered 503."""
        _check_loopback(host)
        if tls_client_ca is not None and not os.path.isfile(tls_client_ca):
            raise ValueError(f"no such CA file {tls_client_ca!r}")
        if max_connections < 1:
            raise ValueError("max_connections must be at least 1")
        self.tls = tls or tls_client_ca is not None
        self.tls_client_ca = tls_client_ca
        self.max_connections = max_connections
        self._certificates: Optional[Certificates] = None
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
        return f"{'https' if self.tls else 'http'}://{host}:{self.port}"

    @property
    def ca_path(self) -> Optional[str]:
        """The PEM bundle of the CA that signed this sandbox's certificate (``None`` over
        plain http): what a client's ``verify_tls`` points at."""
        return self._certificates.ca_path if self._certificates is not None else None

    def open_connections(self) -> int:
        """Client connections open now (at most ``max_connections`` and the ones answered
        503)."""
        return len(self._server.active_channels) if self._server is not None else 0

    @property
    def credentials(self) -> dict[str, str]:
        return {"merchant_code": self.merchant_code, "secret_key": self.secret_key}

    @property
    def client_settings(self) -> dict[str, Any]:
        """Client settings that reach this sandbox: ``Client(backend=..., **settings)``."""
        settings: dict[str, Any] = {"base_url": self.url, **self.credentials}
        if self.ca_path is not None:
            settings["verify_tls"] = self.ca_path
        return settings

    def banner(self) -> str:
        """What to point a client at: credentials, the three endpoints, the CA to trust."""
        lines = [f"sandbox listening on {self.url} (port {self.port})",
                 f"  merchant code  {self.merchant_code}",
                 f"  secret key     {self.secret_key}",
                 f"  SOAP           {self.url}/soap/6.0/  (WSDL: {self.url}/soap/6.0/?wsdl)",
                 f"  JSON-RPC       {self.url}/rpc/6.0/",
                 f"  REST           {self.url}/rest/6.0/",
                 f"  control        {self.url}/_sandbox/"]
        if self.ca_path is not None:
            lines.append(f"  CA bundle      {self.ca_path}  (verify_tls / AVANGATE_VERIFY_TLS)")
        if self.tls_client_ca is not None:
            lines.append(f"  client certificates signed by {self.tls_client_ca} are demanded")
        return "\n".join(lines)

    def start(self, threads: int = 16) -> Sandbox:
        """Serve on a thread of this process; waitress keeps connections alive (HTTP/1.1),
        so the connection counter shows whether clients reuse them.

        waitress's loop timeout is left at its default (1 s): the setting is an integer, so a
        fraction became 0 and ``select`` never waited, spinning a core even when idle. Stopping
        does not wait for it: ``stop`` wakes the loop through waitress's trigger."""
        stats = self.service.stats
        limit = self.max_connections
        base: type[Any] = HTTPChannel
        if self.tls:
            from .tls import Certificates, TLSChannel

            if self._certificates is None:  # a restart keeps its CA: clients still trust it
                self._certificates = Certificates()
            context = self._certificates.server_context(self.tls_client_ca)
            base = type("SandboxTLSChannel", (TLSChannel,), {"tls_context": context})

        class CountingChannel(base):  # type: ignore[misc]
            overloaded = False
            spoke = False  # has sent a request (or part of one)

            def __init__(self, server: Any, *args: Any, **kwargs: Any) -> None:
                super().__init__(server, *args, **kwargs)
                with stats.lock:
                    stats.connections += 1
                self.overloaded = not make_room(server.active_channels.values(), self, limit)

            def received(self, data: bytes) -> bool:
                self.spoke = True
                if self.overloaded:  # answered at once, never queued behind busy ones
                    self.write_soon(OVERLOADED)
                    self.close_when_flushed = True
                    return False
                return bool(super().received(data))

        # waitress stops accepting at its own connection_limit, and a client waits in the
        # backlog until its deadline: make_room keeps the count below it instead. poll, not
        # select, so descriptor numbers past 1023 work.
        server = create_server(SandboxApp(self.service), host=self.host,
                               port=self.requested_port, threads=threads,
                               ident="avangate-compat-sandbox",
                               max_request_body_size=16 * 1024 * 1024, expose_tracebacks=False,
                               connection_limit=limit * 4 + 64, asyncore_use_poll=True,
                               url_scheme="https" if self.tls else "http")
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
        if self._certificates is not None:
            self._certificates.close()
            self._certificates = None

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the control API, over HTTP like any other client would use it -------------------------

    def control(self, method: str, action: str, body: Any = None) -> Any:
        """Call ``/_sandbox/<action>`` and return its JSON answer."""
        context = self._certificates.client_context() if self._certificates else None
        return control(self.url, method, action, body, context)

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


def control(base_url: str, method: str, action: str, body: Any = None,
            context: Optional[ssl.SSLContext] = None) -> Any:
    """Call the control API of a sandbox at ``base_url`` (in this process or another);
    ``context`` says which CA to trust over https."""
    if not base_url.startswith(("http://", "https://")):
        raise ValueError(f"the sandbox is served over http(s), not {base_url!r}")
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(  # noqa: S310 - http(s) only, checked above
        f"{base_url.rstrip('/')}/_sandbox/{action}", data=data, method=method,
        headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10,  # noqa: S310 - loopback
                                context=context) as response:
        return json.loads(response.read())


OVERLOADED = (b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\n"
              b"Retry-After: 1\r\nConnection: close\r\nContent-Length: 47\r\n\r\n"
              b"the sandbox has too many busy connections open\n")


def make_room(channels: Iterable[Any], newcomer: Any, limit: int) -> bool:
    """Keep at most ``limit`` connections open: close the longest idle keep-alive ones to
    let ``newcomer`` in. ``False`` when every other one is busy (the newcomer gets a 503).

    Idle means it has had a request and has none now; a connection that has sent nothing yet
    is not closed, as its request may be on its way (waitress's channel timeout ends it)."""
    others = [channel for channel in channels if channel is not newcomer]
    excess = len(others) + 1 - limit
    if excess <= 0:
        return True
    idle = sorted((channel for channel in others
                   if getattr(channel, "spoke", False)
                   and not channel.requests and channel.request is None
                   and not channel.total_outbufs_len and not channel.will_close),
                  key=lambda channel: channel.last_activity)
    for channel in idle[:excess]:
        channel.handle_close()
    return len(idle) >= excess


__all__ = ["DEMO_MERCHANT_CODE", "DEMO_SECRET_KEY", "Sandbox", "control"]
