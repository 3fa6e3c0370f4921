"""What users' own tests need to record 2Checkout traffic with vcrpy and commit it safely.

    from avangate_compat.testing import make_vcr

    recorder = make_vcr(secrets=[MERCHANT_CODE, SECRET_KEY], record_mode="once")
    with recorder.use_cassette("cassettes/get_lead.yaml"):
        client.getLead("60E6C4B574")

(With pytest-recording: call :func:`register` in ``pytest_recording_configure`` and return
:func:`vcr_config` from the ``vcr_config`` fixture.)

vcrpy's defaults are wrong for this API in two ways (see the project's pitfalls notes):

- every SOAP and JSON-RPC call POSTs to one URL, so default matching replays answers to the wrong
  calls; :func:`match_operation` matches on the operation and its arguments instead, ignoring the
  sessionID, the login date and hash, and the host (so a replay needs no server);
- cassettes would hold the merchant code, login hashes and session ids in clear: requests are
  scrubbed before recording (deterministically, as vcrpy also applies that to live requests
  before matching), and on save the persister replaces every session id a login returned, and
  every value given in ``secrets``, wherever it appears.

Requests to the sandbox control API (``/_sandbox/``) are never recorded. Recording needs vcrpy,
which the ``test`` extra installs (``pip install 'avangate-compat[test]'``).
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable
from typing import Any, Optional
from urllib.parse import parse_qsl, urlsplit

SCRUBBED = "SCRUBBED"
SCRUBBED_SESSION = "SCRUBBED-SESSION-ID"
_ENV = "http://schemas.xmlsoap.org/soap/envelope/"


# -- reading a request, whatever its protocol --------------------------------------------------


def _text(body: Any) -> str:
    if body is None:
        return ""
    if isinstance(body, bytes):
        return body.decode("utf-8", "replace")
    return str(body)


def _kind(request: Any) -> str:
    path = urlsplit(request.uri).path
    if "/rpc/" in path:
        return "jsonrpc"
    if "/soap/" in path:
        return "soap"
    return "rest"


def _soap_call(body: str) -> Optional[Any]:
    from lxml import etree  # only SOAP cassettes need it

    try:
        root = etree.fromstring(body.encode("utf-8"), parser=etree.XMLParser(
            resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return None
    found = root.find(f"{{{_ENV}}}Body")
    return None if found is None else next(found.iterchildren(tag=etree.Element), None)


def _tree(element: Any) -> Any:
    """An element as comparable data: local names, text and children, no prefixes or types."""
    children = [c for c in element if isinstance(c.tag, str)]
    name = element.tag.rsplit("}", 1)[-1]
    if not children:
        nil = element.get("{http://www.w3.org/2001/XMLSchema-instance}nil") in ("true", "1")
        return [name, None if nil else (element.text or "")]
    return [name, [_tree(c) for c in children]]


def operation_key(request: Any) -> tuple[Any, ...]:
    """What identifies a call: protocol, path, operation and arguments, without credentials."""
    kind = _kind(request)
    path = urlsplit(request.uri).path
    body = _text(request.body)
    if kind == "jsonrpc":
        try:
            payload = json.loads(body)
        except ValueError:
            return (kind, path, body)
        method = payload.get("method")
        params = payload.get("params") or []
        args = [] if method == "login" else params[1:]  # the sessionID never matters
        return (kind, path, method, json.dumps(args, sort_keys=True))
    if kind == "soap":
        call = _soap_call(body)
        if call is None:
            return (kind, path, body)
        name = call.tag.rsplit("}", 1)[-1]
        parts = [c for c in call if isinstance(c.tag, str)]
        args = [] if name == "login" else [_tree(p) for p in parts[1:]]
        return (kind, path, name, json.dumps(args))
    query = sorted(parse_qsl(urlsplit(request.uri).query, keep_blank_values=True))
    try:
        content: Any = json.loads(body) if body else None
    except ValueError:
        content = body
    return (kind, request.method, path, json.dumps(query), json.dumps(content, sort_keys=True))


def match_operation(r1: Any, r2: Any) -> None:
    """vcrpy matcher: the same operation with the same arguments (asserts, as vcrpy expects)."""
    key1, key2 = operation_key(r1), operation_key(r2)
    if key1 != key2:
        raise AssertionError(f"{key1[:3]} != {key2[:3]}")


# -- scrubbing -----------------------------------------------------------------------------------


def scrub_request(request: Any) -> Any:
    """Remove credentials from a request before it is recorded (deterministic)."""
    if "/_sandbox/" in urlsplit(request.uri).path:
        return None  # control API calls set up the server; they are not part of the API
    if "X-Avangate-Authentication" in request.headers:
        request.headers["X-Avangate-Authentication"] = \
            f'code="{SCRUBBED}" date="{SCRUBBED}" hash="{SCRUBBED}"'
    kind = _kind(request)
    body = _text(request.body)
    if kind == "jsonrpc" and body:
        try:
            payload = json.loads(body)
        except ValueError:
            return request
        params = payload.get("params")
        if isinstance(params, list) and params:
            if payload.get("method") == "login":
                payload["params"] = [SCRUBBED] * 3 + params[3:]  # keep algo: it is no secret
            else:
                payload["params"] = [SCRUBBED_SESSION, *params[1:]]
            request.body = json.dumps(payload).encode("utf-8")
    elif kind == "soap" and body:
        call = _soap_call(body)
        if call is not None:
            from lxml import etree

            parts = [c for c in call if isinstance(c.tag, str)]
            is_login = call.tag.endswith("login")
            for part in parts[:3] if is_login else parts[:1]:
                part.text = SCRUBBED if is_login else SCRUBBED_SESSION
            request.body = etree.tostring(call.getroottree(), xml_declaration=True,
                                          encoding="utf-8")
    return request


def _login_session_id(request: Any, response: dict[str, Any]) -> Optional[str]:
    body = _text(response.get("body", {}).get("string"))
    kind = _kind(request)
    if kind == "jsonrpc":
        try:
            if json.loads(_text(request.body)).get("method") != "login":
                return None
            result = json.loads(body).get("result")
        except (ValueError, AttributeError):
            return None
        return result if isinstance(result, str) else None
    if kind == "soap" and "login" in _text(request.body):
        call = _soap_call(body)
        if call is not None and call.tag.endswith("loginResponse"):
            value = next((c.text for c in call if isinstance(c.tag, str)), None)
            return value or None
    return None


def _replace_everywhere(value: Any, secrets: list[tuple[str, str]]) -> Any:
    if isinstance(value, (bytes, str)):
        text = _text(value)
        for secret, replacement in secrets:
            text = text.replace(secret, replacement)
        return text.encode("utf-8") if isinstance(value, bytes) else text
    if isinstance(value, dict):
        return {k: _replace_everywhere(v, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace_everywhere(v, secrets) for v in value]
    return value


def _vcr() -> Any:
    """vcrpy, an optional dependency (the ``test`` extra): its absence says what to install."""
    try:
        import vcr
    except ImportError as exc:
        raise ModuleNotFoundError(
            "avangate_compat.testing records cassettes with vcrpy, which is not installed: "
            "pip install 'avangate-compat[test]'", name="vcr") from exc
    return vcr


def _vcr_persister() -> Any:
    _vcr()
    from vcr.persisters.filesystem import FilesystemPersister

    return FilesystemPersister


class ScrubbingPersister:
    """vcrpy persister: on save, replace session ids and the given secrets, then write."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self.secrets = [s for s in secrets if s]

    def load_cassette(self, cassette_path: Any, serializer: Any) -> Any:
        return _vcr_persister().load_cassette(cassette_path, serializer)

    def save_cassette(self, cassette_path: Any, cassette_dict: dict[str, Any],
                      serializer: Any) -> None:
        requests, responses = cassette_dict["requests"], cassette_dict["responses"]
        found = {sid for request, response in zip(requests, responses)
                 if (sid := _login_session_id(request, response))}
        pairs = [(sid, SCRUBBED_SESSION) for sid in sorted(found, key=len, reverse=True)]
        pairs += [(secret, SCRUBBED) for secret in self.secrets]
        for request in requests:
            request.body = _replace_everywhere(request.body, pairs)
            request.uri = _replace_everywhere(request.uri, pairs)
        cassette_dict["responses"] = [_replace_everywhere(r, pairs) for r in responses]
        _vcr_persister().save_cassette(cassette_path, cassette_dict, serializer)


MATCHER = "avangate_operation"


def register(recorder: Any) -> Any:
    """Register :func:`match_operation` on a ``vcr.VCR`` under the name ``avangate_operation``."""
    recorder.register_matcher(MATCHER, match_operation)
    return recorder


def vcr_config(secrets: Iterable[str] = (), record_mode: str = "none") -> dict[str, Any]:
    """Keyword arguments for ``use_cassette`` of a VCR that :func:`register` has prepared.

    ``secrets``: values to replace wherever they appear (merchant code, secret key...).
    ``record_mode="none"`` replays only and fails loudly on any unrecorded call.
    """
    return {
        "record_mode": record_mode,
        "match_on": ("method", MATCHER),
        "before_record_request": scrub_request,
        "persister": ScrubbingPersister(secrets),
        "decode_compressed_response": True,
    }


def make_vcr(secrets: Iterable[str] = (), record_mode: str = "none", **options: Any) -> Any:
    """A ``vcr.VCR`` configured for this API: operation matcher, scrubbing, replay-only default."""
    vcr = _vcr()
    config = vcr_config(secrets, record_mode)
    persister = config.pop("persister")
    recorder = register(vcr.VCR(**{**config, **options}))
    recorder.register_persister(persister)
    return recorder


_BASE64_RUN = re.compile(r"[A-Za-z0-9+/=\s]{16,}")


def leaked(text: str, values: Iterable[str]) -> list[str]:
    """Which of ``values`` appear in ``text``, in clear or inside any base64 run (YAML stores
    binary bodies as ``!!binary``), for cassette audits."""
    decoded = []
    for run in _BASE64_RUN.findall(text):
        compact = "".join(run.split())
        for start in range(4):  # a run may begin mid-token: try each alignment
            chunk = compact[start:]
            chunk = chunk[: len(chunk) - len(chunk) % 4]
            try:
                decoded.append(base64.b64decode(chunk, validate=False).decode("latin-1"))
            except ValueError:
                continue
    return [value for value in values if value and (
        value in text or any(value in blob for blob in decoded))]
