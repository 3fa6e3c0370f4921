"""TLS and proxy settings as urllib3 takes them, and TLS, connect and proxy failures in words.

Everything here runs once per client (the pool's options) or on the failure path only (the
words): nothing is added to a call that succeeds.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import re
import socket
import ssl
import sys
import warnings
from types import FrameType
from typing import Any, Optional, Protocol, Union
from urllib.parse import unquote, urlsplit

import urllib3
from urllib3 import exceptions as u3exc
from urllib3.util.ssl_ import create_urllib3_context

from .errors import InsecureTLSWarning, TransportError

log = logging.getLogger("avangate_compat")

_URLLIB3_2 = not urllib3.__version__.startswith("1.")  # type: ignore[attr-defined]

class TLSSettings(Protocol):
    """What the TLS and proxy options are made of: the transport's settings, or all of them."""

    @property
    def verify_tls(self) -> Union[bool, str]: ...
    @property
    def client_cert(self) -> Optional[str]: ...
    @property
    def client_key(self) -> Optional[str]: ...
    @property
    def tls_min_version(self) -> str: ...
    @property
    def proxy(self) -> Optional[str]: ...
    @property
    def endpoint(self) -> str: ...

_TLS_VERSIONS = {"1.2": ssl.TLSVersion.TLSv1_2, "1.3": ssl.TLSVersion.TLSv1_3}


def tls_options(config: TLSSettings) -> dict[str, Any]:
    """urllib3 pool keywords for the client's TLS settings, worked out once per client.

    ``verify_tls=True`` means the system's CA store, or the bundle ``SSL_CERT_FILE`` names when
    it is set (as OpenSSL and curl read it)."""
    options = minimum_version(config)
    if config.verify_tls is False:
        options.update(cert_reqs="CERT_NONE", assert_hostname=False)
    else:
        options["cert_reqs"] = "CERT_REQUIRED"
        bundle = config.verify_tls if isinstance(config.verify_tls, str) \
            else os.environ.get("SSL_CERT_FILE") or None
        if bundle:
            options["ca_certs"] = bundle
    if config.client_cert:
        options["cert_file"] = config.client_cert
        options["key_file"] = config.client_key
    return options


def minimum_version(config: TLSSettings) -> dict[str, Any]:
    """The pool keyword that sets the oldest TLS version accepted. urllib3 2 takes it as
    ``ssl_minimum_version``; urllib3 1.26 (what Python 3.9 gets beside vcrpy, which needs it
    there) only through an ``ssl_context`` of ours, which must then hold the CA store too."""
    version = _TLS_VERSIONS[config.tls_min_version]
    if _URLLIB3_2:
        return {"ssl_minimum_version": version}
    verify = config.verify_tls is not False
    context = create_urllib3_context(cert_reqs=ssl.CERT_REQUIRED if verify else ssl.CERT_NONE)
    context.minimum_version = version
    if verify and not isinstance(config.verify_tls, str) and not os.environ.get("SSL_CERT_FILE"):
        context.load_default_certs()  # urllib3 loads a given bundle into the context itself
    return {"ssl_context": context}


def _outside_the_package() -> int:
    """The ``stacklevel`` of the first caller outside this package, for the function that
    calls this one: a warning points at the user's line, however deep the library's calls."""
    package = os.path.dirname(os.path.abspath(__file__))
    frame: Optional[FrameType] = sys._getframe(2)  # the caller of the warning's function
    level = 2
    while frame is not None and frame.f_code.co_filename.startswith(package):
        frame, level = frame.f_back, level + 1
    return level


def warn_unverified(config: TLSSettings) -> None:
    """``verify_tls=False``, said loudly once per client (to the line that made it)."""
    warnings.warn(f"verify_tls=False: the certificate of {config.endpoint} is NOT checked; "
                  "anyone on the path can read and change this client's traffic, its "
                  "credentials included. Pass a CA bundle path instead.",
                  InsecureTLSWarning, stacklevel=_outside_the_package())
    log.warning("verify_tls=False: TLS certificates are not checked for %s", config.endpoint)


def proxy_target(proxy: str) -> tuple[str, Optional[dict[str, str]]]:
    """The proxy's URL without credentials, and the Proxy-Authorization header they make (sent
    to the proxy only: in its CONNECT for https)."""
    parts = urllib3.util.parse_url(proxy)
    if not parts.auth:
        return proxy, None
    user, _, password = parts.auth.partition(":")
    headers = urllib3.make_headers(proxy_basic_auth=f"{unquote(user)}:{unquote(password)}")
    return str(parts._replace(auth=None).url), headers


def proxy_error(operation: str, backend: str, causes: list[BaseException], proxy: str,
                 url: str, config: Optional[TLSSettings]) -> TransportError:
    """A failure on the way through the proxy: it names the proxy (never its credentials), or
    the server behind it when TLS with that server failed."""
    at = f"proxy {host_port(proxy)}"
    if any(isinstance(c, (u3exc.NewConnectionError, u3exc.ConnectTimeoutError))
           for c in causes):
        return TransportError(operation, backend, f"cannot connect to {at} "
                                                  f"({os_reason(causes)})", failure="connect")
    if any(isinstance(c, (ssl.SSLError, u3exc.SSLError)) for c in causes):
        return TransportError(operation, backend, f"TLS failed with {host_port(url)} through "
                                                  f"{at}: {tls_reason(causes, config)}",
                              failure="tls")
    refusal = next((str(c) for c in causes if type(c) is OSError and not c.errno
                    and "tunnel" in str(c).lower()), None)
    if refusal is not None:  # the proxy answered the CONNECT with an error status
        status = refusal.rsplit(":", 1)[-1].strip()
        return TransportError(operation, backend, f"{at} refused the tunnel to "
                                                  f"{host_port(url)} ({status})",
                              failure="connect")
    return TransportError(operation, backend, f"{at} failed ({os_reason(causes)})",
                          failure="disconnected")


def host_port(url: str) -> str:
    """``host:port`` of a URL, without any user or password in it."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError:
        return ""
    if not host:
        return ""
    host = f"[{host}]" if ":" in host else host
    return f"{host}:{port or {'https': 443, 'http': 80}.get(parts.scheme, '')}".rstrip(":")


def os_reason(causes: list[BaseException]) -> str:
    for cause in causes:
        if isinstance(cause, OSError) and cause.strerror:
            return str(cause.strerror).lower()
        if isinstance(cause, ConnectionError):
            return type(cause).__name__
        if isinstance(cause, (socket.timeout, TimeoutError)):
            return "timed out"
    return "no answer"


# OpenSSL's verify codes, in words (X509_V_ERR_*).
_UNTRUSTED = frozenset({2, 18, 19, 20, 21, 27})
_VERIFY_WORDS = {
    9: "the server's certificate is not valid yet",
    10: "the server's certificate has expired",
    62: "the server's certificate is not valid for this host name (hostname mismatch)",
    64: "the server's certificate is not valid for this IP address (hostname mismatch)",
}
# OpenSSL's reason codes of handshake failures, in words.
_REASON_WORDS = [
    (("PROTOCOL_VERSION", "UNSUPPORTED_PROTOCOL", "NO_PROTOCOLS_AVAILABLE",
      "VERSION_TOO_LOW", "VERSION_TOO_HIGH"),
     "no TLS version in common: the server offers only versions below the minimum "
     "(tls_min_version {minimum})"),
    (("CERTIFICATE_REQUIRED",),
     "the server demands a client certificate (set client_cert and client_key)"),
    (("UNKNOWN_CA", "BAD_CERTIFICATE", "CERTIFICATE_UNKNOWN"),
     "the server refused the client certificate"),
    (("HANDSHAKE_FAILURE", "NO_SHARED_CIPHER", "NO_CIPHERS_AVAILABLE"),
     "handshake failure: the server and the client share no cipher or parameters it accepts"),
    (("WRONG_VERSION_NUMBER", "RECORD_LAYER_FAILURE", "PACKET_LENGTH_TOO_LONG",
      "HTTP_REQUEST"),
     "the server does not speak TLS on this port (plain http?)"),
]


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def tls_reason(causes: list[BaseException], config: Optional[TLSSettings]) -> str:
    minimum = config.tls_min_version if config is not None else "1.2"
    for cause in causes:
        if isinstance(cause, ssl.SSLCertVerificationError):
            code = cause.verify_code
            if code in _UNTRUSTED:
                return ("the server's certificate is signed by an unknown CA (unknown issuer); "
                        "point verify_tls at the CA bundle that signed it")
            return _VERIFY_WORDS.get(code, f"certificate verification failed "
                                           f"({cause.verify_message})")
    for cause in causes:
        if type(cause).__name__ == "CertificateError":  # urllib3 1.26 matches names itself
            named = re.search(r"hostname '([^']*)'", str(cause))
            return _VERIFY_WORDS[64 if named and _is_ip(named.group(1)) else 62]
    for cause in causes:
        if isinstance(cause, ssl.SSLError):
            reason = str(cause.reason or "") + " " + str(cause)
            for marks, words in _REASON_WORDS:
                if any(mark in reason.upper() for mark in marks):
                    return words.format(minimum=minimum)
            if isinstance(cause, ssl.SSLEOFError):
                return "the server closed the connection during the handshake"
            return f"handshake failed ({cause.reason or cause.__class__.__name__})"
    for cause in causes:
        if isinstance(cause, (FileNotFoundError, IsADirectoryError)):
            return f"cannot read a certificate or key file ({cause.strerror})"
    return "handshake failed"
