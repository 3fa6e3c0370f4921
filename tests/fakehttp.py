"""A scripted HTTP server on 127.0.0.1 for faults a real server does not make on purpose:
answers cut inside their headers, trickled bytes, bombs, wrong ids. Each request is read whole
and handed with the connection's socket to ``respond``, which writes whatever bytes it likes."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from collections.abc import Iterator
from typing import Any, Callable, Optional

import attrs


@attrs.define
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


Responder = Callable[[Request, socket.socket], None]


class FakeServer:
    def __init__(self, respond: Responder) -> None:
        self.respond = respond
        self.requests: list[Request] = []
        self.connections = 0
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self._sock.settimeout(0.1)
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                continue
            self.connections += 1
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(10)
            reader = conn.makefile("rb")
            while not self._stop.is_set():
                request = _read_request(reader)
                if request is None:
                    return
                self.requests.append(request)
                try:
                    self.respond(request, conn)
                except OSError:
                    return
                if request.headers.get("connection", "").lower() == "close":
                    return

    def close(self) -> None:
        self._stop.set()
        self._sock.close()
        self._thread.join(timeout=5)


def _read_request(reader: Any) -> Optional[Request]:
    try:
        line = reader.readline()
    except OSError:
        return None
    if not line.strip():
        return None
    method, path, _ = line.decode("latin-1").split(" ", 2)
    headers: dict[str, str] = {}
    while True:
        header = reader.readline().decode("latin-1")
        if header in ("\r\n", "\n", ""):
            break
        name, _, value = header.partition(":")
        headers[name.strip().lower()] = value.strip()
    body = reader.read(int(headers.get("content-length", "0")))
    return Request(method, path, headers, body)


@contextlib.contextmanager
def serve(respond: Responder) -> Iterator[FakeServer]:
    server = FakeServer(respond)
    try:
        yield server
    finally:
        server.close()


def http(status: str, body: bytes = b"", content_type: str = "application/json",
         extra: str = "", version: str = "HTTP/1.1", length: bool = True) -> bytes:
    """Raw answer bytes; ``length=False`` leaves Content-Length out (body ends at close)."""
    head = f"{version} {status}\r\nContent-Type: {content_type}\r\n{extra}"
    if length:
        head += f"Content-Length: {len(body)}\r\n"
    return head.encode("latin-1") + b"\r\n" + body


def answer(data: bytes) -> Responder:
    """Always the same bytes, then the connection closes (and says so, where it can)."""
    if data.startswith(b"HTTP/") and b"\r\n\r\n" in data:
        data = data.replace(b"\r\n", b"\r\nConnection: close\r\n", 1)

    def respond(_request: Request, conn: socket.socket) -> None:
        conn.sendall(data)
        conn.shutdown(socket.SHUT_RDWR)
    return respond


def jsonrpc(result_for: Callable[[Request, Any], Any]) -> Responder:
    """A JSON-RPC server: login answers a session id; other calls get the JSON object that
    ``result_for(request, payload)`` returns (``"id"`` filled in unless given)."""
    def respond(request: Request, conn: socket.socket) -> None:
        payload = request.json()
        if payload["method"] == "login":
            data: Any = {"jsonrpc": "2.0", "id": payload["id"], "result": "SESSION"}
        else:
            data = result_for(request, payload)
            if isinstance(data, dict):
                data = {"jsonrpc": "2.0", "id": payload["id"], **data}
        body = data if isinstance(data, bytes) else json.dumps(data).encode()
        conn.sendall(http("200 OK", body))
    return respond
