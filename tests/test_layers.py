"""The layering of the request pipeline holds: each layer calls only the one below it, the
transport knows no operation, login or API error code, the secret key reaches the auth alone."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from avangate_compat import Client, errors
from avangate_compat.config import Config, Settings
from avangate_compat.legacy import Client as LegacyClient
from avangate_compat.sandbox import Sandbox

PACKAGE = Path(errors.__file__).parent


def _imports(name: str) -> set[str]:
    """Every module and name ``name`` imports (``from .x import y`` gives ``.x`` and ``.x.y``)."""
    found = set()
    for node in ast.walk(ast.parse((PACKAGE / name).read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_the_transport_knows_no_operation_login_or_api_error_code() -> None:
    text = (PACKAGE / "transport.py").read_text(encoding="utf-8")
    assert not re.search(r"login", text, re.IGNORECASE)
    codes = set(errors._CODES) | set(errors._NUMERIC)
    assert not [code for code in codes if code in text]
    imported = _imports("transport.py")
    assert not {".operations", ".session", ".auth", ".backends", ".pipeline"} & imported
    assert ".errors.api_error" not in imported and ".errors.APIError" not in imported


def test_no_layer_calls_back_up() -> None:
    """The auths, codecs and transport import nothing of the layers above them."""
    above = {".client", ".pipeline", ".legacy", "..client", "..pipeline", "..legacy"}
    for name in ("auth.py", "session.py", "transport.py", "wire.py", "backends/__init__.py",
                 "backends/jsonrpc.py", "backends/rest.py", "backends/soap.py",
                 "customizations.py"):
        assert not above & _imports(name), name
    assert ".backends.rest.RestCodec" not in _imports("client.py")


def test_the_secret_key_reaches_the_auth_alone(sandbox: Sandbox) -> None:
    client = Client(backend="jsonrpc", base_url=sandbox.url, merchant_code=sandbox.merchant_code,
                    secret_key=sandbox.secret_key)
    client.getLead("60E6C4B574")
    pipeline = client._pipeline
    for layer in (pipeline, pipeline.codec, pipeline.transport, pipeline.transport.config,
                  pipeline.retry):
        held = [getattr(layer, slot, None) for slot in getattr(layer, "__slots__", ())]
        held += list(getattr(layer, "__dict__", {}).values())
        assert not [v for v in held if isinstance(v, Config)], type(layer).__name__
        assert sandbox.secret_key not in [v for v in held if isinstance(v, str)]
    assert type(pipeline.settings) is Settings
    assert sandbox.secret_key in list(pipeline.auth.secrets)  # to scrub, the only copy below


def test_the_legacy_clients_invent_no_credentials(sandbox: Sandbox) -> None:
    legacy = LegacyClient(f"{sandbox.url}/soap/6.0/?wsdl")
    assert type(legacy.options) is Settings
    assert not hasattr(legacy.options, "secret_key")
    text = (PACKAGE / "legacy.py").read_text(encoding="utf-8")
    assert "legacy-client" not in text and "not-used" not in text
