"""The human-readable report of a conformance run (``--json`` prints the data as it is)."""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Mapping
from typing import Any, TextIO

# -- output --------------------------------------------------------------------------------------


def _short(value: Any, width: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= width else text[:width - 3] + "..."


def _from_fault(body: str) -> str:
    """A SOAP answer from its Fault element on (the envelope's start says nothing)."""
    found = re.search(r"<(?:[\w.-]+:)?Fault\b", body)
    return " ".join((body[found.start():] if found else body).split())


def render(data: Mapping[str, Any], out: TextIO) -> None:
    """The human-readable report."""
    def line(text: str = "") -> None:
        print(text, file=out)

    line(f"avangate-compat check: read-only conformance run against {data['base_url']}")
    line(f"  {data['started']}, version {data['version']}; merchant code and key not shown")
    line(f"  {data['write_rule']}")
    wsdl = data.get("wsdl", {})
    line()
    line(f"WSDL  {wsdl.get('url')}")
    if wsdl.get("fetched"):
        live = wsdl.get("live")
        if live:
            line(f"  live: {live['operations']} operations, {live['types']} complex types, "
                 f"{live['style']}, namespace {live['namespace']} ({wsdl.get('ms')} ms)")
        diffs = wsdl.get("differences", [])
        line(f"  compared with the {wsdl['reference']} WSDL: "
             + (f"{len(diffs)} difference(s)" if diffs else "identical"))
        for diff in diffs:
            line(f"    {diff['what']} {diff['name']}: {diff['detail']}")
        if wsdl.get("saved_to"):
            line(f"  saved to {wsdl['saved_to']} (configure it with wsdl=)")
    if wsdl.get("error"):
        line(f"  not read: {wsdl['error'].get('class')}: {wsdl['error'].get('message')}")
    line()
    line("Login: hash algorithms accepted (REST: a signed searchLeads)")
    for backend, entry in data.get("logins", {}).items():
        cells = []
        for algorithm, result in entry["algorithms"].items():
            verdict = "accepted" if result["accepted"] else \
                f"refused [{result.get('error', {}).get('code')}]"
            cells.append(f"{algorithm} {verdict} ({result['ms']} ms)")
        line(f"  {backend:<8} " + "  ".join(cells) + f"   -> using {entry['used']}")
    line()
    line("Reads (the same call on every backend)")
    for step in data.get("calls", []):
        if "skipped" in step:
            line(f"  {step['operation']}: skipped, {step['skipped']}")
            continue
        args = ", ".join(_short(a, 30) for a in step["args"])
        verdict = "equal" if step["agree"] else "DIFFER"
        line(f"  {step['operation']}({args}): {verdict}"
             + (f"  [{step['note']}]" if step.get("note") else ""))
        for backend, entry in step["backends"].items():
            extra = ""
            if "error" in entry:
                error = entry["error"]
                extra = f" {error['class']} [{error['code']}] {error['message'][:80]}"
            line(f"    {backend:<8} {entry['status']:<7} {entry['ms']:>8} ms{extra}")
        for diff in step["differences"]:
            values = "  ".join(f"{b}={_short(v, 40)}" for b, v in diff["values"].items())
            line(f"    differs at {diff['path']}: {values}")
        unknown = step["unknown_fields"]
        if unknown and len({tuple(f) for f in unknown.values()}) == 1 \
                and len(unknown) == len(step["backends"]):
            line(f"    unknown fields (every backend): {', '.join(next(iter(unknown.values())))}")
        else:
            for backend, fields in unknown.items():
                line(f"    unknown fields over {backend}: {', '.join(fields)}")
    line()
    line("Errors the server returned (provoked, harmless)")
    for case in data.get("errors", []):
        line(f"  {case['case']}: {case['call']} (expected {case['expected_class']})")
        for backend, entry in case["backends"].items():
            if "not_applicable" in entry:
                line(f"    {backend:<8} not applicable: {entry['not_applicable']}")
                continue
            if entry.get("status") == "ok":
                line(f"    {backend:<8} ACCEPTED by the server")
                continue
            wire = [f"{k}={entry[k]!r}" for k in ("faultcode", "rpc_code", "rpc_error_code",
                                                  "error_code") if entry.get(k) is not None]
            line(f"    {backend:<8} {entry['class']} code={entry['code']!r} "
                 f"HTTP {entry['http_status']} {' '.join(wire)}")
            line(f"             message: {entry['message'][:200]!r}")
            if entry.get("body"):
                line(f"             answer: {_short(_from_fault(entry['body']), 200)}")
    line()
    problems = data.get("problems", [])
    if problems:
        line(f"Result: {len(problems)} problem(s) (exit 1)")
        for problem in problems:
            line(f"  - {problem}")
    else:
        line("Result: everything agreed (exit 0)")
    line()
    line("What to send back")
    for text in textwrap.wrap(data.get("send_back", ""), width=96):
        line(f"  {text}")
