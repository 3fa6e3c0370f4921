"""A merchant's notification listener on loopback, for the sandbox's IPNs and LCNs: it reads
each POST with the client's ``verify`` and answers the client's read receipt."""

from __future__ import annotations

import http.server
import threading
from typing import Any, Callable, Generic, TypeVar

from avangate_compat import ipn, lcn

N = TypeVar("N")


class Listener(Generic[N]):
    """Serves ``path`` on 127.0.0.1: ``read(body)`` verifies a notification (kept in
    ``received``), ``answer(notification)`` is the body sent back."""

    def __init__(self, read: Callable[[bytes], N], answer: Callable[[N], str],
                 path: str) -> None:
        self.received: list[N] = []
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                notification = read(body)
                owner.received.append(notification)
                reply = answer(notification).encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}{path}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def ipn_listener(secret: str) -> Listener[ipn.Notification]:
    """An IPN listener that verifies what it receives and answers the receipt."""
    return Listener(lambda body: ipn.verify(body, secret, allow_md5_only=False),
                    lambda notification: ipn.response(notification, secret), "/ipn")


def lcn_listener(secret: str, algo: str = "sha256",
                 wrong: bool = False) -> Listener[lcn.Notification]:
    """An LCN listener: verifies each notification with ``lcn.verify`` and answers
    ``lcn.response`` (or, ``wrong``, a receipt made with another key)."""
    key = "not-the-secret-key" if wrong else secret
    return Listener(lambda body: lcn.verify(body, secret, allow_md5_only=False),
                    lambda notification: lcn.response(notification, key, algo), "/lcn")


IPNListener = Listener[ipn.Notification]
LCNListener = Listener[lcn.Notification]
