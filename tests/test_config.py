"""Configuration: keyword arguments, environment, INI; defaults; secrets kept out of sight."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable, Optional

import attrs
import pytest

from avangate_compat import Client, Config, ConfigurationError


def test_defaults_are_the_real_endpoints() -> None:
    config = Config(merchant_code="M", secret_key="S")
    assert config.soap_endpoint == "https://api.2checkout.com/soap/6.0/"
    assert config.jsonrpc_endpoint == "https://api.2checkout.com/rpc/6.0/"
    assert config.rest_endpoint == "https://api.2checkout.com/rest/6.0"
    assert config.hash_algorithm == "sha256"
    assert config.verify_tls is True
    assert config.connect_timeout > 0 and config.read_timeout > 0


def test_base_url_moves_every_endpoint_and_each_stays_overridable() -> None:
    config = Config(merchant_code="M", secret_key="S", base_url="http://127.0.0.1:9000",
                    soap_url="http://127.0.0.1:9001/custom/")
    assert config.jsonrpc_endpoint == "http://127.0.0.1:9000/rpc/6.0/"
    assert config.rest_endpoint == "http://127.0.0.1:9000/rest/6.0"
    assert config.soap_endpoint == "http://127.0.0.1:9001/custom/"


def test_secret_never_in_repr_or_str() -> None:
    config = Config(merchant_code="M", secret_key="TOP-SECRET-VALUE")
    assert "TOP-SECRET-VALUE" not in repr(config)
    assert "TOP-SECRET-VALUE" not in str(config)
    client = Client(config)
    assert "TOP-SECRET-VALUE" not in repr(client)


def test_from_env() -> None:
    env = {"AVANGATE_BACKEND": "rest", "AVANGATE_MERCHANT_CODE": "M",
           "AVANGATE_SECRET_KEY": "S", "AVANGATE_BASE_URL": "http://localhost:1",
           "AVANGATE_READ_TIMEOUT": "2.5", "AVANGATE_HASH_ALGORITHM": "sha3-256",
           "AVANGATE_MAX_RETRIES": "0", "OTHER": "ignored"}
    config = Config.from_env(env)
    assert (config.backend, config.merchant_code, config.read_timeout) == ("rest", "M", 2.5)
    assert config.hash_algorithm == "sha3-256" and config.max_retries == 0


def test_from_env_rejects_unknown_and_unreadable_settings() -> None:
    with pytest.raises(ConfigurationError, match="unknown setting"):
        Config.from_env({"AVANGATE_MERCHANT_CODE": "M", "AVANGATE_SECRET_KEY": "S",
                         "AVANGATE_SECRT_KEY": "typo"})
    with pytest.raises(ConfigurationError, match="read_timeout"):
        Config.from_env({"AVANGATE_MERCHANT_CODE": "M", "AVANGATE_SECRET_KEY": "S",
                         "AVANGATE_READ_TIMEOUT": "soon"})


def test_from_ini(tmp_path: Path) -> None:
    path = tmp_path / "avangate.ini"
    path.write_text("[avangate]\nbackend = soap\nmerchant_code = M\nsecret_key = S%d\n"
                    "allow_insecure_http = no\n[other]\nmerchant_code = X\n")
    config = Config.from_ini(path)
    assert (config.backend, config.merchant_code, config.secret_key) == ("soap", "M", "S%d")
    assert Config.from_ini(path, "other", secret_key="K").merchant_code == "X"
    with pytest.raises(ConfigurationError, match=r"no \[missing\] section"):
        Config.from_ini(path, "missing")
    with pytest.raises(ConfigurationError, match="cannot read"):
        Config.from_ini(tmp_path / "absent.ini")


@pytest.mark.parametrize(("settings", "message"), [
    ({"merchant_code": ""}, "merchant_code"),
    ({"secret_key": "  "}, "secret_key"),
    ({"backend": "xmlrpc"}, "backend"),
    ({"hash_algorithm": "sha1"}, "hash_algorithm"),
    ({"read_timeout": 0}, "read_timeout"),
    ({"connect_timeout": None}, "connect_timeout"),
    ({"session_margin": 700}, "session_margin"),
    ({"base_url": "ftp://example.com"}, "base_url"),
    ({"base_url": "http://api.2checkout.com"}, "plain http"),
    ({"verify_tls": 0}, "verify_tls"),
    ({"verify_tls": " "}, "verify_tls"),
    ({"verify_tls": "/no/such/ca-bundle.pem"}, "verify_tls: no such file"),
    ({"client_cert": "/no/such/cert.pem"}, "client_cert: no such file"),
    ({"tls_min_version": "1.1"}, "tls_min_version"),
    ({"proxy": "127.0.0.1:3128"}, "proxy must be an http"),
    ({"max_retries": -1}, "max_retries"),
])
def test_invalid_settings_are_refused(settings: dict[str, object], message: str) -> None:
    values: dict[str, object] = {"merchant_code": "M", "secret_key": "S", **settings}
    with pytest.raises(ConfigurationError, match=message):
        Config(**values)  # type: ignore[arg-type]


def test_plain_http_allowed_on_loopback_or_when_asked() -> None:
    Config(merchant_code="M", secret_key="S", base_url="http://127.0.0.1:8080")
    Config(merchant_code="M", secret_key="S", base_url="http://[::1]:8080")
    Config(merchant_code="M", secret_key="S", base_url="http://proxy.internal",
           allow_insecure_http=True)


def test_config_is_frozen() -> None:
    import attrs
    config = Config(merchant_code="M", secret_key="S")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        config.secret_key = "other"  # type: ignore[misc]


def test_from_env_ignores_the_variables_that_are_not_settings() -> None:
    environ = {"AVANGATE_MERCHANT_CODE": "M", "AVANGATE_SECRET_KEY": "S",
               "AVANGATE_LOG": "wire", "AVANGATE_RECORD_MODE": "once",
               "AVANGATE_REQUIRE_PHP": "1", "AVANGATE_LOG_WIRE": "yes"}
    config = Config.from_env(environ)
    assert (config.merchant_code, config.log_wire) == ("M", True)
    with pytest.raises(ConfigurationError, match="unknown setting 'colour'"):
        Config.from_env({**environ, "AVANGATE_COLOUR": "red"})


def test_a_missing_setting_names_its_environment_variable() -> None:
    with pytest.raises(ConfigurationError) as missing:
        Config.from_env({"AVANGATE_BACKEND": "soap"})
    assert str(missing.value) == (
        "missing required setting(s): merchant_code, secret_key (from the environment: "
        "AVANGATE_MERCHANT_CODE, AVANGATE_SECRET_KEY)")
# A secret key pasted into the wrong setting: no error may show it (issue 24, item 8).
PASTED = "sk_Zq9x7-PASTED-SECRET-KEY"
CREDENTIALS = {"merchant_code": "M", "secret_key": "S"}
_SETTINGS = [f.name for f in attrs.fields(Config) if f.name not in CREDENTIALS]


def _refusal(build: Callable[[], object]) -> Optional[ConfigurationError]:
    try:
        build()
    except ConfigurationError as exc:
        return exc
    return None


@pytest.mark.parametrize("name", _SETTINGS)
def test_a_refused_setting_is_named_and_its_value_never_shown(name: str, tmp_path: Path) -> None:
    ini = tmp_path / "avangate.ini"
    ini.write_text(f"[avangate]\nmerchant_code = M\nsecret_key = S\n{name} = {PASTED}\n")
    refusals = [
        _refusal(lambda: Config.from_env({"AVANGATE_MERCHANT_CODE": "M",
                                          "AVANGATE_SECRET_KEY": "S",
                                          f"AVANGATE_{name.upper()}": PASTED})),
        _refusal(lambda: Config.from_ini(ini)),
        _refusal(lambda: Config(**CREDENTIALS, **{name: PASTED})),  # type: ignore[arg-type]
        _refusal(lambda: Config(**CREDENTIALS, **{name: [PASTED]})),  # type: ignore[arg-type]
        _refusal(lambda: Client(**CREDENTIALS, **{name: PASTED})),
    ]
    for refusal in refusals:
        if refusal is not None:
            assert PASTED not in str(refusal) and PASTED not in repr(refusal.args)
            assert name in str(refusal)
    assert any(refusals) or name in ("wsdl", "proxy", "verify_tls")  # these take any text


@pytest.mark.parametrize("url", ["http://[::1", "http://user:" + PASTED + "@[::1",
                                 "ftp://user:" + PASTED + "@example.com/"])
def test_an_unusable_url_is_a_configuration_error_that_hides_it(url: str) -> None:
    refusal = _refusal(lambda: Config(merchant_code="M", secret_key="S", base_url=url))
    assert refusal is not None and "base_url" in str(refusal)
    assert PASTED not in str(refusal)


@pytest.mark.parametrize("name", ["merchant_code", "secret_key", "base_url", "wsdl", "proxy"])
def test_text_that_is_not_utf8_is_refused_by_name(name: str) -> None:
    raw = os.fsdecode(b"\xff" + PASTED.encode())  # as os.environ holds undecodable bytes
    settings: dict[str, Any] = {**CREDENTIALS, name: raw}
    refusal = _refusal(lambda: Config(**settings))
    assert refusal is not None and name in str(refusal) and "UTF-8" in str(refusal)
    assert PASTED not in str(refusal)


def test_an_ini_file_that_is_not_utf8_or_not_ini_is_a_configuration_error(
        tmp_path: Path) -> None:
    latin = tmp_path / "latin.ini"
    latin.write_bytes(b"[avangate]\nmerchant_code = M\nsecret_key = S\xe9cret\n")
    broken = tmp_path / "broken.ini"
    broken.write_text("merchant_code = M\n")
    for path in (latin, broken):
        refusal = _refusal(lambda: Config.from_ini(path))  # noqa: B023 - called at once
        assert refusal is not None and str(path) in str(refusal)
        assert "cret" not in str(refusal)


def test_the_cli_refuses_a_secret_key_that_is_not_utf8(tmp_path: Path) -> None:
    """``AVANGATE_SECRET_KEY`` set from bytes that are not UTF-8: a usage error (exit 2)
    naming the variable, never a traceback, and nothing sent."""
    environ = {key: value for key, value in os.environb.items()
               if not key.startswith(b"AVANGATE_")}
    environ.update({b"AVANGATE_MERCHANT_CODE": b"M",
                    b"AVANGATE_SECRET_KEY": b"\xff" + PASTED.encode(),
                    b"AVANGATE_BASE_URL": b"http://127.0.0.1:9"})
    done = subprocess.run([sys.executable, "-m", "avangate_compat", "call", "getLead",
                           "60E6C4B574"], env=environ, capture_output=True, timeout=120,
                          check=False)
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 2, err
    assert "Traceback" not in err and "secret_key" in err and "UTF-8" in err
    assert PASTED not in err


def test_a_client_is_built_without_loading_the_spec_and_its_endpoints_are_the_specs() -> None:
    """Building the spec's classes is a share of start-up a client needs only at its first
    call; the endpoints it needs before are read from the same spec.json."""
    code = (
        "import sys\n"
        "from avangate_compat import Client\n"
        "for backend in ('rest', 'jsonrpc'):\n"
        "    Client(backend=backend, merchant_code='M', secret_key='S')\n"
        "print('avangate_compat.spec' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.split() == ["False"]
    from avangate_compat.config import _endpoints
    from avangate_compat.spec import load

    assert _endpoints() == load().endpoints
