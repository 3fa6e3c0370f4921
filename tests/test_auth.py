"""The documented hash, against the published vectors (docs/api-facts.md, "Authentication")."""

from __future__ import annotations

import re

import pytest

from avangate_compat.auth import login_hash, login_params, rest_auth_header, utc_date

DATE = "2010-05-13 12:12:12"


@pytest.mark.parametrize(("algorithm", "expected"), [
    ("md5", "bf763db7d333e9c3038698cf59ada3e6"),
    ("sha256", "29e85dbf92ce0113e7755c31c0438a7db98a4de9f910bf0a527e005f35e43739"),
    ("sha3-256", "0c7e9c0c96148e5bf8e199a0a0e27977edc099ff0b27794e761853b96e04c7fb"),
])
def test_published_vectors(algorithm: str, expected: str) -> None:
    assert login_hash("AVANGATE", "SECRET_KEY", DATE, algorithm) == expected


def test_lengths_are_utf8_bytes_not_characters() -> None:
    # "CAFÉ" is 4 characters but 5 bytes: the message must say 5.
    import hashlib
    import hmac
    expected = hmac.new(b"k", f"5CAFÉ{len(DATE)}{DATE}".encode(), hashlib.sha256).hexdigest()
    assert login_hash("CAFÉ", "k", DATE, "sha256") == expected


def test_unknown_algorithm_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported"):
        login_hash("A", "B", DATE, "sha1")


def test_login_params_send_algo_except_for_legacy_md5() -> None:
    assert login_params("AVANGATE", "SECRET_KEY", "sha256", DATE)[3] == "sha256"
    assert len(login_params("AVANGATE", "SECRET_KEY", "md5", DATE)) == 3


def test_rest_header_format() -> None:
    header = rest_auth_header("AVANGATE", "SECRET_KEY", "sha256", DATE)
    assert header == ('code="AVANGATE" date="2010-05-13 12:12:12" '
                      'hash="29e85dbf92ce0113e7755c31c0438a7db98a4de9f910bf0a527e005f35e43739" '
                      'algo="sha256"')
    assert "algo" not in rest_auth_header("AVANGATE", "SECRET_KEY", "md5", DATE)


def test_date_is_taken_at_each_call(monkeypatch: pytest.MonkeyPatch) -> None:
    assert utc_date(lambda: 0) == "1970-01-01 00:00:00"
    import time
    from types import SimpleNamespace

    from avangate_compat import auth
    clock = iter([1_000_000_000.0, 1_000_000_061.0])
    # replace auth's view of the time module only: patching time.time itself would reach
    # every thread of the process (the sandbox's server threads included)
    monkeypatch.setattr(auth, "time", SimpleNamespace(
        time=lambda: next(clock), gmtime=time.gmtime, strftime=time.strftime))
    first = re.search(r'date="([^"]+)"', rest_auth_header("A", "B", "sha256"))
    second = re.search(r'date="([^"]+)"', rest_auth_header("A", "B", "sha256"))
    assert first and second
    assert (first.group(1), second.group(1)) == ("2001-09-09 01:46:40", "2001-09-09 01:47:41")
