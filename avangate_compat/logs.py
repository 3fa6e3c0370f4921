"""The wire-log switch: ``AVANGATE_LOG=wire`` in the environment (or the CLI's ``-v``).

A library logs and leaves the handlers to the application, except when the person running it
asks for the log from outside the code, as httpx does for ``HTTPX_LOG_LEVEL``: then one stderr
handler goes on the ``avangate_compat.wire`` logger alone. The root logger is never touched, and
while that handler is on the wire logger does not propagate, so an application that logs to
stderr itself does not print each line twice. zeep logs under its own ``zeep.*`` loggers, which
are not children of this one: its DEBUG lines never reach the handler.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator, Mapping
from typing import Optional, TextIO

VARIABLE = "AVANGATE_LOG"
WIRE_LOGGER = "avangate_compat.wire"


def wire_requested(environ: Optional[Mapping[str, str]] = None) -> bool:
    """Whether ``AVANGATE_LOG`` asks for the wire log (``wire``, or a comma list holding it)."""
    value = (os.environ if environ is None else environ).get(VARIABLE, "")
    return "wire" in (part.strip().lower() for part in value.split(","))


class _WireHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The handler :func:`show_wire_log` attaches; its class marks it, so there is only one."""


def show_wire_log(stream: Optional[TextIO] = None) -> logging.Handler:
    """Print the wire log on ``stream`` (stderr): one handler on ``avangate_compat.wire``,
    however often this is called."""
    logger = logging.getLogger(WIRE_LOGGER)
    for handler in logger.handlers:
        if isinstance(handler, _WireHandler):
            return handler
    handler = _WireHandler(stream)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    return handler


@contextlib.contextmanager
def command_log(stream: TextIO, verbose: bool, command: str) -> Iterator[None]:
    """For the length of one command (``call``, ``export``): with ``-v`` the library's log
    (retries, logins) on ``stream``, each line prefixed with the command; without it a
    NullHandler, so Python's "last resort" handler prints no warnings beside the error line."""
    log = logging.getLogger("avangate_compat")
    handler: logging.Handler = logging.StreamHandler(stream) if verbose \
        else logging.NullHandler()
    level = log.level
    log.addHandler(handler)
    if verbose:
        handler.setFormatter(logging.Formatter(f"{command}: %(levelname)s %(message)s"))
        log.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        log.removeHandler(handler)
        log.setLevel(level)
