"""HTTPS for the sandbox: a throwaway CA made at start by ``trustme``, and waitress channels
that speak TLS through the standard library's ``ssl`` module.

waitress has no TLS of its own (its authors advise a terminating proxy in front). A proxy
would be a second server, process and port to run and stop for every sandbox; swapping the
server would change how the sandbox keeps connections, counts them and cuts them for fault
injection. Instead each accepted socket is wrapped server-side, non-blocking, and the channel
adapts waitress's reads and writes to what a non-blocking TLS socket does differently:

- a read may find only part of a TLS record (``SSLWantReadError``): nothing to hand on yet,
  and the connection is not closed;
- a read may leave whole decrypted bytes buffered inside OpenSSL, which ``select`` cannot see:
  they are read at once (``pending()``);
- a write may have to wait (``SSLWantWriteError``): waitress retries the same bytes later;
- the handshake runs inside the first read, so a slow or silent client never blocks the loop;
  a failed handshake (wrong CA, no client certificate, an old protocol) closes that connection.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import ssl
import tempfile
import time
from typing import Any, Optional

from waitress.channel import HTTPChannel

LOOPBACK_NAMES = ("127.0.0.1", "::1", "localhost")


class Certificates:
    """A CA and a server certificate for the loopback names, written to a private directory
    that :meth:`close` removes. ``ca_path`` is the bundle a client trusts."""

    def __init__(self) -> None:
        import trustme  # only a TLS sandbox pays for it

        self.ca = trustme.CA(organization_name="avangate-compat sandbox")
        self.server = self.ca.issue_cert(*LOOPBACK_NAMES)
        self.directory = tempfile.mkdtemp(prefix="avangate-sandbox-tls-")
        self.ca_path = os.path.join(self.directory, "sandbox-ca.pem")
        self.ca.cert_pem.write_to_path(self.ca_path)
        # the sandbox's own control calls, when it demands client certificates
        self.control_identity = self.ca.issue_cert("sandbox-control@localhost")
        self.control_path = os.path.join(self.directory, "control-client.pem")
        self.control_identity.private_key_and_cert_chain_pem.write_to_path(self.control_path)

    def server_context(self, client_ca: Optional[str] = None) -> ssl.SSLContext:
        """TLS 1.2 or newer; with ``client_ca``, a client certificate signed by it (or by the
        sandbox's own CA, for its control calls) is demanded."""
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        self.server.configure_cert(context)
        if client_ca is not None:
            context.load_verify_locations(cafile=client_ca)
            self.ca.configure_trust(context)
            context.verify_mode = ssl.CERT_REQUIRED
        return context

    def client_context(self) -> ssl.SSLContext:
        """What the sandbox's control helper trusts (and presents, if asked)."""
        context = ssl.create_default_context(cafile=self.ca_path)
        self.control_identity.configure_cert(context)
        return context

    def close(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)


class TLSChannel(HTTPChannel):  # type: ignore[misc]
    """A waitress channel over a server-side TLS socket (see the module's docstring)."""

    tls_context: ssl.SSLContext  # set on the subclass the sandbox makes

    def __init__(self, server: Any, sock: Any, addr: Any, adj: Any, map: Any = None) -> None:
        sock.setblocking(False)
        sock = self.tls_context.wrap_socket(sock, server_side=True,
                                            do_handshake_on_connect=False)
        super().__init__(server, sock, addr, adj, map)

    failed = False  # the handshake failed: the alert is out, the rest is discarded

    def handle_read(self) -> None:
        if self.failed:
            self._discard()
            return
        while True:
            try:
                data = self.socket.recv(self.adj.recv_bytes)
            except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
                return  # part of a record, or the handshake waits for the client
            except ssl.SSLError:  # a failed handshake: OpenSSL has sent its alert
                self._after_alert()
                return
            except OSError:  # the client went
                self.handle_close()
                return
            if not data:
                self.handle_close()
                self.connected = False
                return
            self.last_activity = time.time()
            self.received(data)
            if not self.socket.pending():
                return

    def _after_alert(self) -> None:
        """Make the alert (such as "certificate required") what the client reads. Closing at
        once, with the client's request still unread or still coming, would be a reset, and
        the client would see only a dropped connection: so the write side is closed after the
        alert and anything that still comes is read and dropped until the client closes."""
        self.failed = True
        with contextlib.suppress(OSError):
            socket.socket.shutdown(self.socket, socket.SHUT_WR)
        self._discard()

    def _discard(self) -> None:
        try:
            data = socket.socket.recv(self.socket, 65536)  # the plain bytes, not TLS
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            self.handle_close()

    def send(self, data: bytes, do_close: bool = True) -> int:
        try:
            return int(self.socket.send(data))
        except (ssl.SSLWantWriteError, ssl.SSLWantReadError):
            return 0  # waitress offers the same bytes again when the socket is writable
        except OSError:
            if do_close:
                self.handle_close()
            return 0
