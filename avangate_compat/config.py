"""Client configuration: one frozen object per client, from arguments, environment or INI file.

``base_url`` is the host root; the documented paths hang off it, so pointing a client at the
sandbox is one setting. Each protocol URL stays overridable on its own.
"""

from __future__ import annotations

import functools
import ipaddress
import json
import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Optional, TypeVar, Union
from urllib.parse import SplitResult, urlsplit

import attrs

from .errors import ConfigurationError

BACKENDS = ("soap", "jsonrpc", "rest")


@functools.lru_cache(maxsize=1)
def _endpoints() -> dict[str, str]:
    """The endpoint paths of ``spec.json``, read without :mod:`.spec`: building its classes
    is a twentieth of start-up, and a client needs only these before its first call."""
    text = (Path(__file__).parent / "spec.json").read_text(encoding="utf-8")
    return dict(json.loads(text)["endpoints"])


# AVANGATE_* variables that are not client settings: the wire-log switch, the pytest plugin's
# record mode, and the test suite's demand for PHP.
NOT_SETTINGS = frozenset({"LOG", "RECORD_MODE", "REQUIRE_PHP"})
HASH_ALGORITHMS = ("sha256", "sha3-256", "md5")
TLS_VERSIONS = ("1.2", "1.3")
DEFAULT_BASE_URL = "https://api.2checkout.com"
_S = TypeVar("_S", bound="Settings")


# A refused setting is named, with what it takes; its value is never shown: a secret key
# pasted into the wrong setting would otherwise be printed.
_HIDDEN = " (the value given is not shown)"


def _one_of(choices: tuple[str, ...]) -> Any:
    def check(_inst: Any, attribute: attrs.Attribute[Any], value: str) -> None:
        if value not in choices:
            raise ConfigurationError(
                f"{attribute.name} must be one of {', '.join(choices)}{_HIDDEN}")
    return check


def _text(name: str, value: str) -> None:
    """Text that can be sent: not holding lone surrogates, which is what ``os.environ``
    makes of bytes that are not UTF-8."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ConfigurationError(f"{name} must be UTF-8 text, and the environment or file "
                                 f"gave it bytes that are not{_HIDDEN}") from None


def _non_empty(_inst: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ConfigurationError(f"{attribute.name} must be a non-empty string")
    _text(attribute.name, value)


def _positive(_inst: Any, attribute: attrs.Attribute[Any], value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0 \
            or not math.isfinite(value):
        raise ConfigurationError(f"{attribute.name} must be a positive finite number"
                                 f"{_HIDDEN}")


def _not_negative(_inst: Any, attribute: attrs.Attribute[Any], value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0 \
            or not math.isfinite(value):
        raise ConfigurationError(f"{attribute.name} must be a finite number >= 0{_HIDDEN}")


def _int_between(low: int, high: int) -> Any:
    def check(_inst: Any, attribute: attrs.Attribute[Any], value: int) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ConfigurationError(f"{attribute.name} must be an integer from {low} to "
                                     f"{high}{_HIDDEN}")
    return check


def _flag(_inst: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, bool):
        raise ConfigurationError(f"{attribute.name} must be True or False{_HIDDEN}")


def _optional_text(_inst: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise ConfigurationError(f"{attribute.name} must be a non-empty string or None")
    if value is not None:
        _text(attribute.name, value)


def _url(name: str, url: str) -> SplitResult:
    """The parts of an http(s) URL with a host; a URL may hold credentials, so it is not
    shown when refused."""
    try:
        parts = urlsplit(url)
        usable = parts.scheme in ("http", "https") and bool(parts.hostname)
        parts.port  # noqa: B018 - read for its check: a port that is not a number raises
    except ValueError:
        usable = False
    if not usable:
        raise ConfigurationError(f"{name} must be an http(s) URL with a host{_HIDDEN}")
    return parts


def redact_url(url: Optional[str]) -> Optional[str]:
    """``url`` with any password (and user) in it replaced: proxy URLs carry credentials."""
    if not url or "@" not in url:
        return url
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return parts._replace(netloc=f"***:***@{host}").geturl()


def _is_loopback(host: Optional[str]) -> bool:
    if host in (None, ""):
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host or "").is_loopback
    except ValueError:
        return False


def _credentials_first(_cls: type, fields: list[attrs.Attribute[Any]]
                       ) -> list[attrs.Attribute[Any]]:
    """Config lists its credentials first (help(), the Client signature), as before the split."""
    return sorted(fields, key=lambda f: f.name not in _CREDENTIALS)


_CREDENTIALS = ("merchant_code", "secret_key")


@attrs.frozen(kw_only=True)
class Settings:
    """Every setting but the credentials: what the layers below the auth may see (the legacy
    clients, whose callers log in themselves, have nothing else). Checked like :class:`Config`.
    """

    backend: str = attrs.field(default="jsonrpc", validator=_one_of(BACKENDS))
    base_url: str = attrs.field(default=DEFAULT_BASE_URL, validator=_non_empty)
    soap_url: Optional[str] = attrs.field(default=None, validator=_optional_text)
    jsonrpc_url: Optional[str] = attrs.field(default=None, validator=_optional_text)
    rest_url: Optional[str] = attrs.field(default=None, validator=_optional_text)
    wsdl: Optional[str] = attrs.field(default=None, validator=_optional_text)
    """WSDL location (path or URL). ``None`` uses the WSDL shipped in the package."""
    hash_algorithm: str = attrs.field(default="sha256", validator=_one_of(HASH_ALGORITHMS))
    connect_timeout: float = attrs.field(default=5.0, validator=_positive)
    """Seconds to open a connection."""
    read_timeout: float = attrs.field(default=30.0, validator=_positive)
    """Seconds one socket read may wait."""
    deadline: float = attrs.field(default=60.0, validator=_positive)
    """Seconds a whole call may take, logins and retries included; never unbounded."""
    max_answer_bytes: int = attrs.field(default=16 * 1024 * 1024,
                                        validator=_int_between(1024, 2 ** 31))
    """Largest answer body read, counted after decompression."""
    log_wire: bool = attrs.field(default=False, validator=_flag)
    """Log every request and answer body (secrets replaced) on ``avangate_compat.wire``; also
    switched on by the environment variable ``AVANGATE_LOG=wire``."""
    verify_tls: Union[bool, str] = True
    """``True``: the system's CA store (or the bundle ``SSL_CERT_FILE`` names, when set); a
    path: that CA bundle (a corporate CA); ``False``: no check at all, with a loud warning."""
    client_cert: Optional[str] = attrs.field(default=None, validator=_optional_text)
    """PEM file of a client certificate, for servers that demand one (mutual TLS)."""
    client_key: Optional[str] = attrs.field(default=None, validator=_optional_text, repr=False)
    """PEM file of the client certificate's private key, when not in ``client_cert``."""
    tls_min_version: str = attrs.field(default="1.2", validator=_one_of(TLS_VERSIONS))
    """Oldest TLS version accepted: 1.2 or 1.3."""
    proxy: Optional[str] = attrs.field(default=None, validator=_optional_text,
                                       repr=lambda url: repr(redact_url(url)))
    """An HTTP proxy URL (``http://[user:password@]host:port``) for every request, https
    tunnelled through it with CONNECT; the environment's proxies are not used."""
    allow_insecure_http: bool = attrs.field(default=False, validator=_flag)
    session_lifetime: float = attrs.field(default=600.0, validator=_positive)
    """Seconds a sessionID lives after login (documented: 10 minutes)."""
    session_margin: float = attrs.field(default=60.0, validator=_not_negative)
    """Log in again this many seconds before the lifetime ends."""
    max_retries: int = attrs.field(default=2, validator=_int_between(0, 10))
    """Retries of one call (see the retry policy in the README)."""
    retry_backoff: float = attrs.field(default=0.2, validator=_not_negative)
    """First retry's wait in seconds; doubled each retry, with jitter."""
    retry_backoff_max: float = attrs.field(default=5.0, validator=_not_negative)
    """Longest wait between two retries (a server's Retry-After may ask for more)."""
    update_lead_layout: str = attrs.field(default="code,lead",
                                          validator=_one_of(("code,lead", "lead")))
    """SOAP/JSON-RPC updateLead arguments: (LeadCode, Lead) or (Lead with LeadCode); unknown."""

    def __attrs_post_init__(self) -> None:
        if not self.session_margin < self.session_lifetime:
            raise ConfigurationError("session_margin must be >= 0 and below session_lifetime")
        if not (isinstance(self.verify_tls, bool) or (isinstance(self.verify_tls, str)
                                                      and self.verify_tls.strip())):
            raise ConfigurationError("verify_tls must be True, False or the path of a CA "
                                     "bundle")
        for name in ("verify_tls", "client_cert", "client_key"):
            path = getattr(self, name)
            if isinstance(path, str):
                _text(name, path)
                if not os.path.isfile(path):
                    raise ConfigurationError(f"{name}: no such file, or not a file"
                                             f"{_HIDDEN}")
        if self.client_key and not self.client_cert:
            raise ConfigurationError("client_key needs client_cert (the certificate it signs)")
        if self.proxy is not None:
            _url("proxy", self.proxy)
        for name in ("base_url", "soap_url", "jsonrpc_url", "rest_url"):
            url = getattr(self, name)
            if url is None:
                continue
            parts = _url(name, url)
            if parts.scheme == "http" and not self.allow_insecure_http \
                    and not _is_loopback(parts.hostname):
                raise ConfigurationError(
                    f"{name} uses plain http to a non-loopback host; credentials would travel "
                    "in clear (set allow_insecure_http=True to accept that)")

    @property
    def endpoint(self) -> str:
        """The URL the configured backend talks to."""
        return {"soap": self.soap_endpoint, "jsonrpc": self.jsonrpc_endpoint,
                "rest": self.rest_endpoint}[self.backend]

    @property
    def soap_endpoint(self) -> str:
        return self.soap_url or self.base_url.rstrip("/") + _endpoints()["soap"]

    @property
    def jsonrpc_endpoint(self) -> str:
        return self.jsonrpc_url or self.base_url.rstrip("/") + _endpoints()["jsonrpc"]

    @property
    def rest_endpoint(self) -> str:
        return (self.rest_url or self.base_url.rstrip("/") + _endpoints()["rest"]).rstrip("/")

    @property
    def timeout(self) -> tuple[float, float]:
        return (self.connect_timeout, self.read_timeout)

    # -- other sources -------------------------------------------------------------------------

    @classmethod
    def create(cls: type[_S], **settings: Any) -> _S:
        """Like ``Config(**settings)``, but an unknown or missing setting is a
        :class:`ConfigurationError` that names it (with a suggestion for a typo)."""
        known = [f.name for f in attrs.fields(cls)]
        for name in settings:
            if name not in known:
                import difflib

                close = difflib.get_close_matches(name, known, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise ConfigurationError(f"unknown setting {name!r}{hint}")
        missing = [f.name for f in attrs.fields(cls)
                   if f.default is attrs.NOTHING and f.name not in settings]
        if missing:
            variables = ", ".join("AVANGATE_" + name.upper() for name in missing)
            raise ConfigurationError(f"missing required setting(s): {', '.join(missing)} "
                                     f"(from the environment: {variables})")
        return cls(**settings)

    @classmethod
    def from_mapping(cls: type[_S], values: Mapping[str, str], **overrides: Any) -> _S:
        """Build from string values (environment, INI); keys are the field names."""
        known = {f.name: f for f in attrs.fields(cls)}
        kwargs: dict[str, Any] = {}
        for key, raw in values.items():
            key = key.lower()
            kwargs[key] = _parse(known[key], raw) if key in known else raw
        kwargs.update(overrides)
        return cls.create(**kwargs)

    @classmethod
    def from_env(cls: type[_S], environ: Optional[Mapping[str, str]] = None,
                 prefix: str = "AVANGATE_", **overrides: Any) -> _S:
        """Read ``AVANGATE_BACKEND``, ``AVANGATE_MERCHANT_CODE``, ``AVANGATE_SECRET_KEY``, ..."""
        env = os.environ if environ is None else environ
        values = {k[len(prefix):]: v for k, v in env.items()
                  if k.startswith(prefix) and k[len(prefix):] not in NOT_SETTINGS}
        return cls.from_mapping(values, **overrides)

    @classmethod
    def from_ini(cls: type[_S], path: Union[str, os.PathLike[str]], section: str = "avangate",
                 **overrides: Any) -> _S:
        """Read one section of an INI file, where legacy deployments keep credentials."""
        import configparser

        parser = configparser.ConfigParser(interpolation=None)
        try:
            found = parser.read(path, encoding="utf-8")
        except (UnicodeDecodeError, configparser.Error) as exc:
            what = "UTF-8 text" if isinstance(exc, UnicodeDecodeError) else "an INI file"
            raise ConfigurationError(f"configuration file {os.fspath(path)!r} is not "
                                     f"{what}") from None
        if not found:
            raise ConfigurationError(f"cannot read configuration file {os.fspath(path)!r}")
        if not parser.has_section(section):
            raise ConfigurationError(f"no [{section}] section in {os.fspath(path)!r}")
        return cls.from_mapping(dict(parser.items(section)), **overrides)


@attrs.frozen(kw_only=True, field_transformer=_credentials_first)
class Config(Settings):
    """Everything a client needs; immutable, so two clients never share credentials by accident.

    The secret key is kept out of ``repr``; plain ``http://`` is refused except on loopback (the
    sandbox) or with ``allow_insecure_http``, because the login hash and session id would travel
    in clear. Only the auth is given the credentials; every other layer gets :attr:`settings`.
    """

    merchant_code: str = attrs.field(validator=_non_empty)
    secret_key: str = attrs.field(validator=_non_empty, repr=False,
                                  metadata={"secret": True})

    @property
    def settings(self) -> Settings:
        """These settings without the credentials."""
        return Settings(**{f.name: getattr(self, f.name) for f in attrs.fields(Settings)})


@attrs.frozen
class Setting:
    """One row of the settings table (a field of :class:`Config`), as the command line derives
    its flags from it."""

    name: str
    type: str
    """The annotation as written: ``bool``, ``float``, ``Optional[str]``..."""
    default: Any
    """``attrs.NOTHING`` for a required setting."""
    secret: bool
    """A secret value (the secret key): never a command-line option, which the process list
    and the shell history would show."""

    @property
    def required(self) -> bool:
        return self.default is attrs.NOTHING

    @property
    def variable(self) -> str:
        """Its environment variable, ``AVANGATE_<NAME>``."""
        return "AVANGATE_" + self.name.upper()

    def parse(self, raw: str) -> Any:
        """The setting's value from text, as the environment and INI files give it."""
        return _parse(attrs.fields_dict(Config)[self.name], raw)


def settings_table() -> tuple[Setting, ...]:
    """Every setting of :class:`Config`, in order."""
    return tuple(Setting(f.name, f.type if isinstance(f.type, str)
                         else getattr(f.type, "__name__", str(f.type)), f.default,
                         bool(f.metadata.get("secret")))
                 for f in attrs.fields(Config))


def _parse(field: attrs.Attribute[Any], raw: str) -> Any:
    type_name = field.type if isinstance(field.type, str) \
        else getattr(field.type, "__name__", "")
    try:
        if field.name == "verify_tls":
            lowered = raw.strip().lower()
            return raw if lowered not in ("1", "true", "yes", "0", "false", "no") \
                else lowered in ("1", "true", "yes")
        if type_name == "bool":
            lowered = raw.strip().lower()
            if lowered not in ("1", "true", "yes", "on", "0", "false", "no", "off"):
                raise ValueError(raw)
            return lowered in ("1", "true", "yes", "on")
        if type_name == "int":
            return int(raw)
        if type_name == "float":
            return float(raw)
    except ValueError:
        raise ConfigurationError(f"{field.name} must be {_EXPECTED.get(type_name, type_name)}"
                                 f"{_HIDDEN}") from None
    return raw


_EXPECTED = {"bool": "yes or no (true/false, on/off, 1/0)", "int": "an integer",
             "float": "a number"}
