"""Packaging: the wheel carries the WSDL, and REST/JSON-RPC users never load zeep or lxml."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

OFFLINE_SOAP = """
import socket, sys
def no_network(*args, **kwargs):
    raise OSError("network access attempted during an offline test")
socket.socket.connect = no_network
socket.create_connection = no_network
import avangate_compat
from avangate_compat import Client
client = Client(backend="soap", merchant_code="M", secret_key="S")
assert "site-packages" in avangate_compat.__file__, avangate_compat.__file__
print("operations:", sorted(client._codec._binding._operations))
"""


def test_import_and_non_soap_clients_load_no_zeep_or_lxml() -> None:
    code = (
        "import sys\n"
        "import avangate_compat\n"
        "from avangate_compat import Client\n"
        "for backend in ('rest', 'jsonrpc'):\n"
        "    Client(backend=backend, merchant_code='M', secret_key='S')\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('zeep', 'lxml'))\n"
        "print(loaded)\n"
        "Client(backend='soap', merchant_code='M', secret_key='S')\n"
        "print('zeep' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.splitlines() == ["[]", "True"]


@pytest.mark.skipif(os.environ.get("AVANGATE_SKIP_WHEEL_TEST") == "1",
                    reason="AVANGATE_SKIP_WHEEL_TEST=1")
def test_installed_wheel_builds_the_soap_client_offline(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                    "-w", str(dist), str(ROOT)], check=True, capture_output=True)
    (wheel,) = dist.glob("avangate_compat-*.whl")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / ("Scripts" if os.name == "nt" else "bin") / "python"
    install = subprocess.run([str(python), "-m", "pip", "install", "-q", str(wheel)],
                             capture_output=True, text=True, check=False)
    assert install.returncode == 0, install.stderr
    # Run from an empty directory so the checkout cannot be imported by accident.
    result = subprocess.run([str(python), "-c", OFFLINE_SOAP], capture_output=True, text=True,
                            cwd=tmp_path, check=False)
    assert result.returncode == 0, result.stderr
    assert "getLead" in result.stdout and "setProductStatus" in result.stdout
