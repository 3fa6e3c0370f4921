"""The human-readable report of a conformance run (``--json`` prints the data as it is)."""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TextIO

from .._version import ISSUES_URL

if TYPE_CHECKING:
    from .run import Options

ISSUE_TRACKER = f"the avangate-compat project's issue tracker ({ISSUES_URL})"


def _short(value: Any, width: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= width else text[:width - 3] + "..."


def _from_fault(body: str) -> str:
    """A SOAP answer from its Fault element on (the envelope's start says nothing)."""
    found = re.search(r"<(?:[\w.-]+:)?Fault\b", body)
    return " ".join((body[found.start():] if found else body).split())


def render(data: Mapping[str, Any], out: TextIO) -> None:
    """The human-readable report: one section after the other, a blank line between them."""
    sections = [_header(data), _wsdl(data.get("wsdl", {})), _logins(data.get("logins", {})),
                _reads(data.get("calls", [])), _observed(data.get("observed", {})),
                _errors(data.get("errors", [])),
                _result(data.get("problems", [])), _send_back(data.get("send_back", ""))]
    for n, lines in enumerate(sections):
        for text in ([""] if n else []) + lines:
            print(text, file=out)


def _header(data: Mapping[str, Any]) -> list[str]:
    return [f"avangate-compat check: read-only conformance run against {data['base_url']}",
            f"  {data['started']}, version {data['version']}; merchant code and key not shown",
            f"  {data['write_rule']}"]


def _wsdl(wsdl: Mapping[str, Any]) -> list[str]:
    lines = [f"WSDL  {wsdl.get('url')}"]
    if wsdl.get("fetched"):
        live = wsdl.get("live")
        if live:
            lines.append(f"  live: {live['operations']} operations, {live['types']} complex "
                         f"types, {live['style']}, namespace {live['namespace']} "
                         f"({wsdl.get('ms')} ms)")
        diffs = wsdl.get("differences", [])
        lines.append(f"  compared with the {wsdl['reference']} WSDL: "
                     + (f"{len(diffs)} difference(s)" if diffs else "identical"))
        lines += [f"    {diff['what']} {diff['name']}: {diff['detail']}" for diff in diffs]
        if wsdl.get("saved_to"):
            lines.append(f"  saved to {wsdl['saved_to']} (configure it with wsdl=)")
    if wsdl.get("error"):
        lines.append(f"  not read: {wsdl['error'].get('class')}: "
                     f"{wsdl['error'].get('message')}")
    return lines


def _logins(logins: Mapping[str, Any]) -> list[str]:
    lines = ["Login: hash algorithms accepted (REST: a signed searchLeads)"]
    for backend, entry in logins.items():
        cells = []
        for algorithm, result in entry["algorithms"].items():
            verdict = "accepted" if result["accepted"] else \
                f"refused [{result.get('error', {}).get('code')}]"
            cells.append(f"{algorithm} {verdict} ({result['ms']} ms)")
        lines.append(f"  {backend:<8} " + "  ".join(cells) + f"   -> using {entry['used']}")
    return lines


def _reads(steps: list[Mapping[str, Any]]) -> list[str]:
    lines = ["Reads (the same call on every backend)"]
    for step in steps:
        if "skipped" in step:
            lines.append(f"  {step['operation']}: skipped, {step['skipped']}")
        else:
            lines += _read(step)
    return lines


def _read(step: Mapping[str, Any]) -> list[str]:
    """One read: its verdict, each backend's status and time, the differences, the fields
    the models do not know (once when every backend sent the same)."""
    args = ", ".join(_short(a, 30) for a in step["args"])
    verdict = "equal" if step["agree"] else "DIFFER"
    lines = [f"  {step['operation']}({args}): {verdict}"
             + (f"  [{step['note']}]" if step.get("note") else "")]
    for backend, entry in step["backends"].items():
        extra = ""
        if "error" in entry:
            error = entry["error"]
            extra = f" {error['class']} [{error['code']}] {error['message'][:80]}"
        lines.append(f"    {backend:<8} {entry['status']:<7} {entry['ms']:>8} ms{extra}")
    for diff in step["differences"]:
        values = "  ".join(f"{b}={_short(v, 40)}" for b, v in diff["values"].items())
        lines.append(f"    differs at {diff['path']}: {values}")
    unknown = step["unknown_fields"]
    if unknown and len({tuple(f) for f in unknown.values()}) == 1 \
            and len(unknown) == len(step["backends"]):
        lines.append("    unknown fields (every backend): "
                     f"{', '.join(next(iter(unknown.values())))}")
    else:
        lines += [f"    unknown fields over {backend}: {', '.join(fields)}"
                  for backend, fields in unknown.items()]
    return lines


def _observed(observed: Mapping[str, Any]) -> list[str]:
    """Values the documentation does not list, as this account answers them."""
    lines = ["Undocumented values seen"]
    for field, seen in observed.items():
        values = ", ".join(seen["values"]) or "none"
        lines.append(f"  {field}: {values} (in {seen['subscriptions_read']} subscription(s) "
                     f"read; {seen['why']})")
    if not observed:
        lines.append("  none read (searchSubscriptions was skipped or failed)")
    return lines


def _errors(cases: list[Mapping[str, Any]]) -> list[str]:
    lines = ["Errors the server returned (provoked, harmless)"]
    for case in cases:
        lines.append(f"  {case['case']}: {case['call']} (expected {case['expected_class']})")
        for backend, entry in case["backends"].items():
            lines += _error(backend, entry)
    return lines


def _error(backend: str, entry: Mapping[str, Any]) -> list[str]:
    """What one backend answered to a provoked error: the class it became, the code, status
    and wire details, the message and the start of the raw answer."""
    if "not_applicable" in entry:
        return [f"    {backend:<8} not applicable: {entry['not_applicable']}"]
    if entry.get("status") == "ok":
        return [f"    {backend:<8} ACCEPTED by the server"]
    wire = [f"{k}={entry[k]!r}" for k in ("faultcode", "rpc_code", "rpc_error_code",
                                          "error_code") if entry.get(k) is not None]
    lines = [f"    {backend:<8} {entry['class']} code={entry['code']!r} "
             f"HTTP {entry['http_status']} {' '.join(wire)}",
             f"             message: {entry['message'][:200]!r}"]
    if entry.get("body"):
        lines.append(f"             answer: {_short(_from_fault(entry['body']), 200)}")
    return lines


def _result(problems: list[str]) -> list[str]:
    if not problems:
        return ["Result: everything agreed (exit 0)"]
    return [f"Result: {len(problems)} problem(s) (exit 1)"] + [f"  - {p}" for p in problems]


def _send_back(text: str) -> list[str]:
    return ["What to send back"] + [f"  {line}" for line in textwrap.wrap(text, width=96)]


def send_back(problems: Sequence[str], options: Options) -> str:
    """What to attach to an issue when something differed, naming the files this run wrote."""
    if not problems:
        return ("Everything agreed. Nothing to send back (a report is still welcome on "
                f"{ISSUE_TRACKER}: it turns what the library infers into what is known).")
    attach = ["this report (--json writes the machine-readable form)",
              "the live WSDL (--save-wsdl live.wsdl)" + (
                  f", saved to {options.save_wsdl}" if options.save_wsdl else ""),
              "the recorded cassettes (--record DIR)" + (
                  f", in {options.record}" if options.record else "")]
    return ("Something differed. Please open an issue on " + ISSUE_TRACKER + " and attach: "
            + "; ".join(attach) + ". Credentials, login hashes and session ids are scrubbed "
            "from the cassettes, but the records read are kept as the server sent them (a "
            "lead holds a customer's name and email): read them first, or run with "
            "--lead/--product naming test records.")
