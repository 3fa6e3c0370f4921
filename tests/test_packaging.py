"""Packaging: the wheel carries the WSDL, and REST/JSON-RPC users never load zeep or lxml."""

from __future__ import annotations

import configparser
import os
import re
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


def test_the_metadata_names_the_license_the_urls_and_one_version() -> None:
    from importlib.metadata import metadata

    from avangate_compat import __version__
    from avangate_compat._version import ISSUES_URL, PROJECT_URL

    meta = metadata("avangate-compat")
    assert meta["Version"] == __version__
    assert meta["License"] == "MIT"
    license_text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert license_text.startswith("MIT License\n\nCopyright (c) ")
    assert "Permission is hereby granted, free of charge" in license_text
    urls = dict(entry.split(", ", 1) for entry in meta.get_all("Project-URL") or [])
    assert urls["Source"] == PROJECT_URL and urls["Issue Tracker"] == ISSUES_URL
    assert all(url.startswith(PROJECT_URL) for url in urls.values())


def test_the_changelog_keeps_a_changelog() -> None:
    from avangate_compat import __version__
    from avangate_compat._version import PROJECT_URL

    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert text.startswith("# Changelog\n")
    assert "https://keepachangelog.com/en/1.1.0/" in text and "https://semver.org/" in text
    headings = re.findall(r"^## \[([^\]]+)\](.*)$", text, re.M)
    assert headings[0] == ("Unreleased", "")
    for version, date in headings[1:]:
        assert re.fullmatch(r"\d+\.\d+\.\d+", version) and re.fullmatch(
            r" - \d{4}-\d{2}-\d{2}", date), (version, date)
    assert headings[1][0] == __version__  # the version the package carries is described
    for version, _ in headings:  # each heading links to its changes
        assert re.search(rf"^\[{re.escape(version)}\]: {re.escape(PROJECT_URL)}/", text, re.M)
    sections = set(re.findall(r"^### (.+)$", text, re.M))
    assert sections <= {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}


def test_pip_on_python_27_says_which_python_is_needed(tmp_path: Path) -> None:
    """``pip install .`` under Python 2.7 ends in pip's python_requires message, not in a
    missing setuptools."""
    from .test_legacy import find_python27

    python = find_python27()
    if python is None:
        pytest.skip("no Python 2.7 interpreter on this machine")
    result = subprocess.run([python, "-m", "pip", "install", "--disable-pip-version-check",
                             "--target", str(tmp_path / "target"), str(ROOT)],
                            capture_output=True, text=True, timeout=600, check=False)
    output = result.stdout + result.stderr
    if "requires a different Python" not in output and "setuptools<45" in output:
        pytest.skip(f"no setuptools for Python 2.7 from the package index: {output[-300:]}")
    assert result.returncode != 0
    assert re.search(r"requires a different Python: 2\.7\.\d+ not in '>=3\.9'", output), \
        output[-2000:]
    assert "setuptools>=61" not in output


def test_every_package_directory_is_listed_in_setup_cfg() -> None:
    """setuptools leaves out of the wheel a subpackage that packages= does not name."""
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    listed = set(config["options"]["packages"].split())
    found = {".".join(path.parent.relative_to(ROOT).parts)
             for path in (ROOT / "avangate_compat").rglob("__init__.py")}
    assert found - listed == set()
