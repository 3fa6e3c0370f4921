"""TLS peers for the tests: certificates made for one failure each, a bare TLS server that
only shakes hands, and a real HTTP CONNECT proxy process (tinyproxy)."""

from __future__ import annotations

import contextlib
import datetime
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Optional

import trustme


class HandshakeServer:
    """Accepts TLS connections on 127.0.0.1 with ``context`` and answers any request 200; the
    tests use it to meet the client's handshake with a certificate or protocol of their own."""

    def __init__(self, context: ssl.SSLContext) -> None:
        self.context = context
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.url = f"https://127.0.0.1:{self.port}"
        self.handshakes_failed = 0
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                raw, _ = self.listener.accept()
            except OSError:
                return
            raw.settimeout(5)
            try:
                with self.context.wrap_socket(raw, server_side=True) as conn:
                    conn.recv(65536)
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n"
                                 b"Connection: close\r\n\r\n{}")
            except OSError:
                self.handshakes_failed += 1
                raw.close()

    def close(self) -> None:
        self.listener.close()
        self._thread.join(5)


@contextlib.contextmanager
def handshake_server(context: ssl.SSLContext) -> Iterator[HandshakeServer]:
    server = HandshakeServer(context)
    try:
        yield server
    finally:
        server.close()


def server_context(cert: trustme.LeafCert, maximum: Optional[ssl.TLSVersion] = None,
                   ciphers: Optional[str] = None) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    cert.configure_cert(context)
    if maximum is not None:
        context.maximum_version = maximum
    if ciphers is not None:
        context.set_ciphers(ciphers)
    return context


def expired_cert(ca: trustme.CA) -> trustme.LeafCert:
    past = datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc)
    return ca.issue_cert("127.0.0.1", "localhost", not_before=past,
                         not_after=past + datetime.timedelta(days=30))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Tinyproxy:
    """The system's tinyproxy on 127.0.0.1, foreground, with an optional BasicAuth user; its
    log file is kept so a test can check what the proxy saw."""

    def __init__(self, folder: Path, user: Optional[str] = None,
                 password: Optional[str] = None) -> None:
        binary = shutil.which("tinyproxy") or "/usr/sbin/tinyproxy"
        self.port = free_port()
        self.log = folder / "tinyproxy.log"
        config = folder / "tinyproxy.conf"
        lines = [f"Port {self.port}", "Listen 127.0.0.1", "Timeout 30", "MaxClients 50",
                 f"LogFile \"{self.log}\"", "LogLevel Info", "Allow 127.0.0.1",
                 "DisableViaHeader Yes"]
        if user is not None:
            lines.append(f"BasicAuth {user} {password}")
        config.write_text("\n".join(lines) + "\n")
        self.process = subprocess.Popen([binary, "-d", "-c", str(config)],
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        for _ in range(200):  # listening within a few seconds, or the test fails here
            if self.process.poll() is not None:
                output = self.process.stdout.read() if self.process.stdout else b""
                raise RuntimeError(f"tinyproxy exited: {output.decode(errors='replace')}")
            with contextlib.suppress(OSError), socket.create_connection(
                    ("127.0.0.1", self.port), timeout=1):
                break
            time.sleep(0.05)
        else:
            self.close()
            raise RuntimeError("tinyproxy did not start listening")

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
        if self.process.stdout:
            self.process.stdout.close()
