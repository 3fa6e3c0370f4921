"""HTTPS as users meet it: the TLS sandbox, the settings a corporate network needs (a CA bundle,
SSL_CERT_FILE, client certificates, a minimum version, a proxy, verify_tls=False), and every TLS
failure as a TransportError that names the host and the reason in words."""

from __future__ import annotations

import logging
import os
import re
import shutil
import signal
import ssl
import subprocess
import sys
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme

from avangate_compat import Client, Config, ConfigurationError, InsecureTLSWarning, TransportError
from avangate_compat.sandbox import Sandbox

from .conftest import BACKENDS
from .tlsservers import Tinyproxy, expired_cert, handshake_server, server_context

QUICK = {"deadline": 10.0, "max_retries": 0}


def _client(sandbox: Sandbox, backend: str = "jsonrpc", **settings: Any) -> Client:
    return Client(backend=backend, **{**sandbox.client_settings, **QUICK, **settings})


# -- the crash of issue 20, and the TLS sandbox ---------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_https_call_reaches_the_server_on_every_backend(https_sandbox: Sandbox,
                                                           backend: str) -> None:
    """Every https call raised TypeError before any connection (a pool method borrowed from
    the http pool class, whose super() does not fit the https pool)."""
    with _client(https_sandbox, backend) as client:
        assert client.getLead("60E6C4B574").LeadCode == "60E6C4B574"
    assert https_sandbox.url.startswith("https://127.0.0.1:")


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_https_server_that_is_not_there_is_a_connect_error_naming_host_and_port(
        backend: str) -> None:
    client = Client(backend=backend, merchant_code="M", secret_key="K",
                    base_url="https://127.0.0.1:1", **QUICK)
    with client, pytest.raises(TransportError) as caught:
        client.getLead("X")
    assert caught.value.failure == "connect"
    assert "cannot connect to 127.0.0.1:1 (" in str(caught.value)


def test_the_sandbox_serves_ipv6_loopback_and_localhost_over_tls() -> None:
    for host in ("::1", "localhost"):
        with Sandbox(host=host, tls=True) as sandbox, _client(sandbox) as client:
            assert client.getLead("60E6C4B574").LeadCode == "60E6C4B574"


def test_the_ca_bundle_is_the_sandbox_own_and_goes_away_with_it() -> None:
    with Sandbox(tls=True) as sandbox:
        path = sandbox.ca_path
        assert path is not None and "BEGIN CERTIFICATE" in Path(path).read_text()
        assert sandbox.control("GET", "stats")["connections"] >= 1  # control over https
    assert not Path(path).exists()
    assert Sandbox().ca_path is None


def test_a_restarted_tls_sandbox_keeps_its_ca() -> None:
    sandbox = Sandbox(tls=True).start()
    try:
        path = sandbox.ca_path
        sandbox.stop()
        sandbox.start()
        assert sandbox.ca_path == path
        with _client(sandbox) as client:
            assert client.getLead("60E6C4B574").LeadCode == "60E6C4B574"
    finally:
        sandbox.close()


def test_the_sandbox_command_prints_what_a_client_needs_over_tls(tmp_path: Path) -> None:
    """Credentials, the three endpoints and the CA bundle, each usable as printed."""
    command = [sys.executable, "-m", "avangate_compat", "sandbox", "--tls", "--port", "0"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    watchdog = threading.Timer(60, process.kill)  # a banner that never comes fails, not hangs
    watchdog.start()
    try:
        assert process.stdout is not None
        lines: list[str] = []
        while not lines or (lines[-1] and "CA bundle" not in lines[-1]):
            lines.append(process.stdout.readline())
        banner = "".join(lines)
        fields = dict(re.findall(r"^  (merchant code|secret key|SOAP|JSON-RPC|REST|CA bundle)"
                                 r"\s+(\S+)", banner, re.M))
        assert set(fields) == {"merchant code", "secret key", "SOAP", "JSON-RPC", "REST",
                               "CA bundle"}, banner
        assert fields["JSON-RPC"].startswith("https://127.0.0.1:")
        base = fields["REST"].rsplit("/rest/", 1)[0]
        for backend in BACKENDS:
            with Client(backend=backend, base_url=base, verify_tls=fields["CA bundle"],
                        merchant_code=fields["merchant code"], secret_key=fields["secret key"],
                        **QUICK) as client:
                assert client.getLead("60E6C4B574").LeadCode == "60E6C4B574"
    finally:
        watchdog.cancel()
        process.send_signal(signal.SIGTERM)
        process.wait(20)
        if process.stdout:
            process.stdout.close()
    assert process.returncode == 0


def test_the_readme_demo_runs_over_https_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    from avangate_compat.cli import main

    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^sandbox on https://127\.0\.0\.1:\d+ .*certificate checked against "
                     r"\S+sandbox-ca\.pem\)$", out, re.M), out[:300]
    assert "returned equal objects for every call, fetched over https" in out


def test_the_sandbox_command_refuses_a_missing_client_ca(
        capsys: pytest.CaptureFixture[str]) -> None:
    from avangate_compat.cli import main

    assert main(["sandbox", "--tls-client-ca", "/no/such/ca.pem", "--port", "0"]) == 2
    assert "no such CA file" in capsys.readouterr().err


# -- trusting a CA ---------------------------------------------------------------------------------


def test_without_the_sandbox_ca_the_certificate_is_refused(https_sandbox: Sandbox) -> None:
    settings = {**https_sandbox.client_settings, **QUICK}
    del settings["verify_tls"]
    with Client(backend="rest", **settings) as client, pytest.raises(TransportError) as caught:
        client.getLead("60E6C4B574")
    assert caught.value.failure == "tls"
    assert f"127.0.0.1:{https_sandbox.port}" in caught.value.message
    assert "unknown CA" in caught.value.message


def test_an_https_wsdl_from_an_untrusted_server_is_a_tls_error() -> None:
    """The legacy suds-style Client loads its WSDL through requests: same typed error. (A
    sandbox of its own: a WSDL once loaded is parsed once per process and URL.)"""
    from avangate_compat.legacy import Client as LegacyClient

    with Sandbox(tls=True) as sandbox:
        with pytest.raises(TransportError) as caught:
            LegacyClient(f"{sandbox.url}/soap/6.0/?wsdl")
        assert caught.value.failure == "tls"
        assert f"TLS failed with 127.0.0.1:{sandbox.port}: the server's certificate is " \
               "signed by an unknown CA" in caught.value.message


def test_verify_tls_comes_from_the_environment_as_a_path(https_sandbox: Sandbox) -> None:
    environ = {"AVANGATE_MERCHANT_CODE": https_sandbox.merchant_code,
               "AVANGATE_SECRET_KEY": https_sandbox.secret_key,
               "AVANGATE_BASE_URL": https_sandbox.url,
               "AVANGATE_VERIFY_TLS": str(https_sandbox.ca_path)}
    config = Config.from_env(environ)
    assert config.verify_tls == https_sandbox.ca_path
    with Client(config) as client:
        assert client.getLead("60E6C4B574").LeadCode == "60E6C4B574"


@pytest.mark.parametrize("backend", BACKENDS)
def test_ssl_cert_file_is_honoured_when_verify_tls_is_left_on(
        https_sandbox: Sandbox, backend: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(https_sandbox.ca_path))
    settings = {k: v for k, v in https_sandbox.client_settings.items() if k != "verify_tls"}
    with Client(backend=backend, **settings, **QUICK) as client:
        assert client.getLead("60E6C4B574").LeadCode == "60E6C4B574"


def test_a_missing_ca_bundle_is_a_configuration_error_before_any_connection() -> None:
    with pytest.raises(ConfigurationError, match="verify_tls: no such file"):
        Config(merchant_code="M", secret_key="K", verify_tls="/nonexistent/ca.pem")
    with pytest.raises(ConfigurationError, match="client_key needs client_cert"):
        Config(merchant_code="M", secret_key="K", client_key=__file__)
    with pytest.raises(ConfigurationError, match=r"tls_min_version must be one of 1\.2, 1\.3"):
        Config(merchant_code="M", secret_key="K", tls_min_version="1.0")


def test_verify_tls_false_works_with_one_loud_warning_per_client(
        https_sandbox: Sandbox, caplog: pytest.LogCaptureFixture) -> None:
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        with _client(https_sandbox, "soap", verify_tls=False) as client:
            for _ in range(3):
                assert client.getLead("60E6C4B574").LeadCode == "60E6C4B574"
    ours = [w for w in seen if issubclass(w.category, InsecureTLSWarning)]
    assert len(ours) == 1, [str(w.message) for w in seen]
    assert "NOT checked" in str(ours[0].message)
    assert ours[0].filename == __file__  # it points at the line that made the client
    assert not [w for w in seen if "Unverified HTTPS" in str(w.message)]
    assert "verify_tls=False" in caplog.text


# -- the minimum version, client certificates -----------------------------------------------------


def test_tls_1_3_minimum_still_reaches_the_sandbox(https_sandbox: Sandbox) -> None:
    with _client(https_sandbox, tls_min_version="1.3") as client:
        assert client.getLead("60E6C4B574").LeadCode == "60E6C4B574"


@pytest.fixture(scope="module")
def client_ca(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A CA of the merchant's own, a client certificate it signed (one file, and cert and key
    apart), and a certificate from a CA the sandbox does not know."""
    folder = tmp_path_factory.mktemp("client-ca")
    ca, stranger = trustme.CA(), trustme.CA()
    paths = {name: str(folder / f"{name}.pem") for name in
             ("ca", "both", "cert", "key", "stranger")}
    ca.cert_pem.write_to_path(paths["ca"])
    identity = ca.issue_cert("merchant@example.com")
    identity.private_key_and_cert_chain_pem.write_to_path(paths["both"])
    identity.cert_chain_pems[0].write_to_path(paths["cert"])
    identity.private_key_pem.write_to_path(paths["key"])
    stranger.issue_cert("someone@example.com").private_key_and_cert_chain_pem.write_to_path(
        paths["stranger"])
    return paths


@pytest.mark.parametrize("backend", BACKENDS)
def test_mutual_tls_with_a_client_certificate(client_ca: dict[str, str], backend: str) -> None:
    with Sandbox(tls_client_ca=client_ca["ca"]) as sandbox:
        with _client(sandbox, backend, client_cert=client_ca["both"]) as client:
            assert client.getLead("60E6C4B574").LeadCode == "60E6C4B574"
        with _client(sandbox, backend, client_cert=client_ca["cert"],
                     client_key=client_ca["key"]) as client:
            assert client.getLead("60E6C4B574").LeadCode == "60E6C4B574"
        with _client(sandbox, backend) as client, pytest.raises(TransportError) as caught:
            client.getLead("60E6C4B574")
        assert caught.value.failure == "tls"
        assert "demands a client certificate" in caught.value.message
        assert f"127.0.0.1:{sandbox.port}" in caught.value.message
        with _client(sandbox, backend, client_cert=client_ca["stranger"]) as client, \
                pytest.raises(TransportError) as caught:
            client.getLead("60E6C4B574")
        assert caught.value.failure == "tls"
        assert "refused the client certificate" in caught.value.message


def test_the_client_key_stays_out_of_repr(client_ca: dict[str, str]) -> None:
    config = Config(merchant_code="M", secret_key="K", client_cert=client_ca["cert"],
                    client_key=client_ca["key"])
    assert client_ca["key"] not in repr(config)


# -- every TLS failure, each with a certificate made for it ---------------------------------------


def _failure(url: str, **settings: Any) -> TransportError:
    client = Client(backend="jsonrpc", merchant_code="M", secret_key="K", base_url=url,
                    **{**QUICK, **settings})
    with client, pytest.raises(TransportError) as caught:
        client.getLead("60E6C4B574")
    return caught.value


@pytest.fixture(scope="module")
def trusted_ca(tmp_path_factory: pytest.TempPathFactory) -> tuple[trustme.CA, str]:
    ca = trustme.CA()
    path = tmp_path_factory.mktemp("trusted") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return ca, str(path)


def test_unknown_ca(trusted_ca: tuple[trustme.CA, str]) -> None:
    other = trustme.CA().issue_cert("127.0.0.1")
    with handshake_server(server_context(other)) as server:
        error = _failure(server.url, verify_tls=trusted_ca[1])
    assert error.failure == "tls"
    assert f"TLS failed with 127.0.0.1:{server.port}: the server's certificate is signed by " \
           "an unknown CA" in error.message


def test_hostname_mismatch(trusted_ca: tuple[trustme.CA, str]) -> None:
    wrong_name = trusted_ca[0].issue_cert("api.example.org")
    with handshake_server(server_context(wrong_name)) as server:
        error = _failure(server.url, verify_tls=trusted_ca[1])
    assert error.failure == "tls"
    assert f"127.0.0.1:{server.port}" in error.message
    assert "not valid for this IP address (hostname mismatch)" in error.message
    with handshake_server(server_context(wrong_name)) as server:
        error = _failure(f"https://localhost:{server.port}", verify_tls=trusted_ca[1])
    assert f"localhost:{server.port}" in error.message
    assert "not valid for this host name (hostname mismatch)" in error.message


def test_expired_certificate(trusted_ca: tuple[trustme.CA, str]) -> None:
    with handshake_server(server_context(expired_cert(trusted_ca[0]))) as server:
        error = _failure(server.url, verify_tls=trusted_ca[1])
    assert error.failure == "tls"
    assert f"127.0.0.1:{server.port}: the server's certificate has expired" in error.message


def test_handshake_failure(trusted_ca: tuple[trustme.CA, str]) -> None:
    """An RSA certificate on a server that allows only ECDSA ciphers: no cipher in common."""
    rsa = trusted_ca[0].issue_cert("127.0.0.1", key_type=trustme.KeyType.RSA)
    context = server_context(rsa, maximum=ssl.TLSVersion.TLSv1_2,
                             ciphers="ECDHE-ECDSA-AES128-GCM-SHA256")
    with handshake_server(context) as server:
        error = _failure(server.url, verify_tls=trusted_ca[1])
    assert error.failure == "tls"
    assert f"127.0.0.1:{server.port}: handshake failure" in error.message
    assert server.handshakes_failed >= 1


def test_protocol_too_old(trusted_ca: tuple[trustme.CA, str]) -> None:
    """A server capped at TLS 1.2 while the client asks for 1.3 at least."""
    cert = trusted_ca[0].issue_cert("127.0.0.1")
    with handshake_server(server_context(cert, maximum=ssl.TLSVersion.TLSv1_2)) as server:
        error = _failure(server.url, verify_tls=trusted_ca[1], tls_min_version="1.3")
        assert _failure(server.url, verify_tls=trusted_ca[1], deadline=5.0) \
            .failure == "answer"  # 1.2 is fine by default: the handshake passed
    assert error.failure == "tls"
    assert f"127.0.0.1:{server.port}: no TLS version in common" in error.message
    assert "tls_min_version 1.3" in error.message


# -- through a proxy -------------------------------------------------------------------------------


PROXY_USER, PROXY_PASSWORD = "merchant", "pr0xy-s3cret.word"


@pytest.fixture(scope="module")
def proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tinyproxy]:
    if not (shutil.which("tinyproxy") or os.path.exists("/usr/sbin/tinyproxy")):
        if os.environ.get("AVANGATE_REQUIRE_PHP") == "1":  # CI: every peer must be there
            pytest.fail("AVANGATE_REQUIRE_PHP=1 but tinyproxy is not installed")
        pytest.skip("tinyproxy is not installed (apt-get install tinyproxy)")
    # tinyproxy's configuration takes letters, digits and a few marks in a password
    server = Tinyproxy(tmp_path_factory.mktemp("proxy"), PROXY_USER, PROXY_PASSWORD)
    yield server
    server.close()


def _proxy_url(proxy: Tinyproxy, password: str = PROXY_PASSWORD) -> str:
    from urllib.parse import quote

    return f"http://{PROXY_USER}:{quote(password, safe='')}@127.0.0.1:{proxy.port}"


@pytest.mark.parametrize("backend", BACKENDS)
def test_https_through_a_connect_proxy_with_credentials(
        https_sandbox: Sandbox, proxy: Tinyproxy, backend: str,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with _client(https_sandbox, backend, proxy=_proxy_url(proxy), log_wire=True) as client:
        assert client.getLead("60E6C4B574").LeadCode == "60E6C4B574"
        shown = repr(client.config) + caplog.text
    log = proxy.log.read_text()
    assert re.search(rf"CONNECT .*127\.0\.0\.1:{https_sandbox.port}", log), log[-2000:]
    assert PROXY_PASSWORD not in shown and "***:***@127.0.0.1" in shown


def test_a_wrong_proxy_password_is_named_without_the_password(
        https_sandbox: Sandbox, proxy: Tinyproxy) -> None:
    wrong = "not-the-s3cret"
    with _client(https_sandbox, proxy=_proxy_url(proxy, wrong)) as client, \
            pytest.raises(TransportError) as caught:
        client.getLead("60E6C4B574")
    error = caught.value
    assert error.failure == "connect"
    assert f"proxy 127.0.0.1:{proxy.port} refused the tunnel to " \
           f"127.0.0.1:{https_sandbox.port}" in error.message
    assert re.search(r"\((401 Unauthorized|407 Proxy Authentication Required)\)$",
                     error.message)  # tinyproxy says 401 to a CONNECT
    assert wrong not in str(error) and "s3cret" not in repr(error)


def test_a_proxy_that_is_not_there_is_named(https_sandbox: Sandbox) -> None:
    with _client(https_sandbox, proxy="http://u:hidden@127.0.0.1:1") as client, \
            pytest.raises(TransportError) as caught:
        client.getLead("60E6C4B574")
    assert caught.value.failure == "connect"
    assert "cannot connect to proxy 127.0.0.1:1" in caught.value.message
    assert "hidden" not in str(caught.value)


def test_a_proxy_url_is_checked_and_redacted_before_any_connection() -> None:
    with pytest.raises(ConfigurationError) as caught:
        Config(merchant_code="M", secret_key="K", proxy="socks5://u:topsecret@host:1080")
    assert "topsecret" not in str(caught.value)
