"""pytest fixtures for users' tests.

Enable them with ``pytest_plugins = ["avangate_compat.testing.pytest_plugin"]`` in a conftest.

- ``avangate_sandbox``: a running sandbox on a free loopback port, for the session.
- ``avangate_tls_sandbox``: the same over HTTPS, its certificate signed by a CA made at start;
  ``Client(backend=..., **avangate_tls_sandbox.client_settings)`` trusts that CA
  (``verify_tls=sandbox.ca_path``).
- ``avangate_vcr``: :func:`avangate_compat.testing.make_vcr` with the merchant code and secret
  key from ``AVANGATE_MERCHANT_CODE`` / ``AVANGATE_SECRET_KEY`` as secrets to scrub, and the
  record mode from ``AVANGATE_RECORD_MODE`` (default ``none``: replay only).
- ``avangate_cassette``: the current test inside ``cassettes/<test name>.yaml`` next to the test
  file, recorded or replayed with that VCR.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..sandbox import Sandbox
from . import make_vcr


@pytest.fixture(scope="session")
def avangate_sandbox() -> Iterator[Sandbox]:
    with Sandbox() as sandbox:
        yield sandbox


@pytest.fixture(scope="session")
def avangate_tls_sandbox() -> Iterator[Sandbox]:
    with Sandbox(tls=True) as sandbox:
        yield sandbox


@pytest.fixture
def avangate_vcr() -> Any:
    secrets = [os.environ.get("AVANGATE_MERCHANT_CODE", ""),
               os.environ.get("AVANGATE_SECRET_KEY", "")]
    return make_vcr(secrets=secrets,
                    record_mode=os.environ.get("AVANGATE_RECORD_MODE", "none"))


@pytest.fixture
def avangate_cassette(request: pytest.FixtureRequest, avangate_vcr: Any) -> Iterator[Any]:
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    path = Path(str(request.node.path)).parent / "cassettes" / f"{name}.yaml"
    with avangate_vcr.use_cassette(str(path)) as cassette:
        yield cassette
