"""``avangate-compat export`` through ``main([...])``: JSON Lines and CSV, filters, the
progress bar, and ``--resume`` after a fault struck in the middle of an export."""

from __future__ import annotations

import csv
import io
import json
import socket
import urllib.parse
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

import pytest

from avangate_compat import Client, export
from avangate_compat.cli import main
from avangate_compat.cli_call import plain
from avangate_compat.sandbox import Sandbox

from . import fakehttp
from .conftest import BACKENDS
from .fakehttp import http

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> Run:
    """``main(["export", *words])`` against the sandbox: (status, stdout, stderr)."""
    monkeypatch.setenv("AVANGATE_MERCHANT_CODE", sandbox.merchant_code)
    monkeypatch.setenv("AVANGATE_SECRET_KEY", sandbox.credentials["secret_key"])
    monkeypatch.setenv("AVANGATE_BASE_URL", sandbox.url)
    monkeypatch.setenv("AVANGATE_MAX_RETRIES", "0")  # a fault stops the export at once

    def invoke(*words: str) -> tuple[int, str, str]:
        status = main(["export", *words])
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    return invoke


def _lines(text: str) -> list[Any]:
    return [json.loads(line, parse_float=Decimal) for line in text.splitlines()]


@pytest.mark.parametrize("backend", BACKENDS)
def test_json_lines_on_stdout_hold_every_lead_as_call_prints_it(
        run: Run, make_client: Callable[..., Client], backend: str) -> None:
    status, out, err = run("leads", "Limit=5", "--backend", backend)
    assert status == 0
    expected = [plain(lead) for lead in make_client(backend).iter_leads(Limit=100)]
    assert _lines(out) == expected and len(expected) == 42
    assert err == "avangate-compat export: 42 leads in 9 page(s)\n"  # no terminal: no bar


def test_filters_are_given_as_call_takes_them(run: Run,
                                              make_client: Callable[..., Client]) -> None:
    status, out, _ = run("leads", "Country=RO", "Type=New")
    expected = make_client("jsonrpc").searchLeads(Country="RO", Type="New", Limit=200)
    assert status == 0 and [line["LeadCode"] for line in _lines(out)] \
        == [lead.LeadCode for lead in expected.Items]
    status, out, _ = run("products", '{"Types": ["REGULAR"], "Enabled": true}')
    assert status == 0 and _lines(out) and all(
        p["ProductType"] == "REGULAR" and p["Enabled"] is True for p in _lines(out))


def test_csv_has_the_spec_columns_and_flattens_objects(run: Run, tmp_path: Path,
                                                       make_client: Callable[..., Client]) -> None:
    target = tmp_path / "products.csv"  # the name chooses CSV
    status, out, err = run("products", "Limit=1", "-o", str(target))
    assert (status, out) == (0, "")
    assert err == f"avangate-compat export: 4 products in 4 page(s) to {target}\n"
    with target.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == export.columns("products")
    assert rows[0][:2] == ["AvangateId", "ProductCode"] and rows[0][-1] == "_extra"
    assert "SubscriptionInformation.ContractPeriod.Action" in rows[0]
    table = [dict(zip(rows[0], row)) for row in rows[1:]]
    products = list(make_client("rest").iter_products())
    assert [r["ProductCode"] for r in table] == [p.ProductCode for p in products]
    softy = next(r for r in table if r["ProductCode"] == "04C26C50F8")
    assert softy["Enabled"] == "true" and softy["GiftOption"] == "false"
    assert softy["ShippingClass"] == "" and softy["AdditionalFields"] == "[]"
    assert softy["FulfillmentInformation.ReturnMethod.Type"] == "none"
    prices = json.loads(softy["PricingConfigurations"], parse_float=Decimal)
    assert prices[0]["Prices"]["Regular"][1]["Amount"] == Decimal("22.50")
    assert '"Amount":22.50' in softy["PricingConfigurations"]  # the exact digits


def test_format_flag_wins_over_the_name_and_csv_goes_to_stdout(run: Run, tmp_path: Path) -> None:
    status, _, _ = run("leads", "Country=RO", "--format", "jsonl", "-o",
                       str(tmp_path / "x.csv"))
    assert status == 0 and len(_lines((tmp_path / "x.csv").read_text())) == 7
    status, out, _ = run("leads", "Country=RO", "--format", "csv", "-q")
    rows = list(csv.reader(io.StringIO(out)))
    assert status == 0 and rows[0] == export.columns("leads") and len(rows) == 8
    assert rows[1][rows[0].index("BillingDetails.CountryCode")] == "RO"


@pytest.mark.parametrize(("words", "message"), [
    (["leads", "Page=2"], "Page is not a filter of an export"),
    (["leads", "Limit=201"], "from 1 to 200"),
    (["leads", "Limit=0"], "from 1 to 200"),
    (["leads", "Colour=red"], "did you mean 'Country'"),
    (["leads", "Type=Old"], "Type"),
    (["leads", "--resume"], "--resume needs an output file"),
    (["products", "Enabled=maybe"], "Enabled"),
])
def test_bad_command_lines_exit_2_before_anything_is_sent(
        run: Run, sandbox: Sandbox, words: list[str], message: str) -> None:
    status, out, err = run(*words)
    assert (status, out) == (2, "") and message in err and err.count("\n") == 1
    assert sandbox.control("GET", "stats")["requests"] == {}


def test_an_unknown_family_is_refused_by_the_parser(run: Run) -> None:
    with pytest.raises(SystemExit) as exited:
        run("orderz")
    assert exited.value.code == 2


def test_a_bar_on_a_terminal_and_none_when_quiet(run: Run, sandbox: Sandbox,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    sandbox.generate_leads(58)
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    status, out, _ = run("leads", "Limit=10")
    assert status == 0 and len(_lines(out)) == 100
    shown = terminal.getvalue()
    assert "100/100" in shown and "items/s" in shown and "page 10/10" in shown
    assert "<00:00" in shown  # the time left
    assert shown.rstrip().endswith("leads in 10 page(s)")
    terminal.seek(0)
    terminal.truncate()
    status, out, _ = run("leads", "Limit=10", "--quiet")
    assert status == 0 and len(_lines(out)) == 100 and terminal.getvalue() == ""


# -- --resume ----------------------------------------------------------------------------------


def _interrupted(run: Run, sandbox: Sandbox, target: Path, *words: str) -> str:
    """An export of 100 leads, 10 a page, broken by a fault on its fifth page."""
    sandbox.generate_leads(58)
    sandbox.inject_fault("http_error", count=1, after=4, operations=["searchLeads"])
    status, _, err = run("leads", "Limit=10", *words, "-o", str(target))
    assert status == 1
    assert "stopped after page 4 (40 items written); run the same command with --resume" in err
    return err


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_resume_continues_from_the_last_complete_page_without_duplicates(
        run: Run, sandbox: Sandbox, tmp_path: Path, fmt: str) -> None:
    target = tmp_path / f"leads.{fmt}"
    _interrupted(run, sandbox, target)
    state = json.loads((tmp_path / f"leads.{fmt}.export-state").read_text())
    assert (state["page"], state["items"], state["bytes"]) == (4, 40, target.stat().st_size)
    status, _, err = run("leads", "Limit=10", "--resume", "-o", str(target))
    assert status == 0 and "100 leads in 10 page(s)" in err and "resumed at page 5" in err
    assert not (tmp_path / f"leads.{fmt}.export-state").exists()
    whole = tmp_path / f"whole.{fmt}"
    assert run("leads", "Limit=10", "-o", str(whole))[0] == 0
    assert target.read_bytes() == whole.read_bytes()


def test_resume_drops_a_page_half_written_when_the_run_stopped(
        run: Run, sandbox: Sandbox, tmp_path: Path) -> None:
    target = tmp_path / "leads.jsonl"
    _interrupted(run, sandbox, target)
    with target.open("a", encoding="utf-8") as handle:
        handle.write('{"LeadCode": "GEN00000')  # what a kill in mid-write leaves
    assert run("leads", "Limit=10", "--resume", "-o", str(target))[0] == 0
    codes = [line["LeadCode"] for line in _lines(target.read_text())]
    assert len(codes) == len(set(codes)) == 100


def test_resume_refuses_other_filters_and_a_finished_export(
        run: Run, sandbox: Sandbox, tmp_path: Path) -> None:
    target = tmp_path / "leads.jsonl"
    _interrupted(run, sandbox, target)
    status, _, err = run("leads", "Limit=10", "Country=RO", "--resume", "-o", str(target))
    assert status == 2 and "written for another export" in err and "Country" in err
    status, _, err = run("leads", "Limit=20", "--resume", "-o", str(target))
    assert status == 2 and "limit 10 then, 20 now" in err
    status, _, err = run("leads", "Limit=10", "--format", "csv", "--resume", "-o", str(target))
    assert status == 2 and "format 'jsonl' then, 'csv' now" in err
    assert run("leads", "Limit=10", "--resume", "-o", str(target))[0] == 0
    status, _, err = run("leads", "Limit=10", "--resume", "-o", str(target))
    assert status == 2 and "nothing to resume" in err


def test_resume_with_no_state_and_no_output_starts_afresh(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "new.jsonl"
    status, _, err = run("leads", "--resume", "-o", str(target))
    assert status == 0 and "42 leads in 1 page(s)" in err and "resumed" not in err


def test_an_interrupt_keeps_what_was_written_resumable(
        run: Run, sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sandbox.generate_leads(58)
    target = tmp_path / "leads.jsonl"
    real = export.render
    pages = [0]

    def interrupted(*args: Any) -> str:
        pages[0] += 1
        if pages[0] == 3:
            raise KeyboardInterrupt
        return real(*args)

    monkeypatch.setattr(export, "render", interrupted)
    status, _, err = run("leads", "Limit=10", "-o", str(target))
    assert status == 130 and "interrupted; stopped after page 2 (20 items written)" in err
    monkeypatch.setattr(export, "render", real)
    assert run("leads", "Limit=10", "--resume", "-o", str(target))[0] == 0
    codes = [line["LeadCode"] for line in _lines(target.read_text())]
    assert len(codes) == len(set(codes)) == 100


def test_items_added_before_the_cut_while_stopped_are_not_written_twice(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A server whose order shifts (items inserted at the front) between the runs."""
    leads = [f"L{n:03d}" for n in range(25)]
    failing = [True]

    def respond(request: fakehttp.Request, conn: socket.socket) -> None:
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(request.path).query)
        page, limit = int(query["Page"][0]), int(query["Limit"][0])
        if page == 2 and failing[0]:
            failing[0] = False
            conn.sendall(http("503 Service Unavailable"))
            return
        body = {"Items": [{"LeadCode": code} for code in
                          leads[(page - 1) * limit:page * limit]],
                "Pagination": {"Page": page, "Limit": limit, "Count": len(leads)}}
        conn.sendall(http("200 OK", json.dumps(body).encode()))

    monkeypatch.setenv("AVANGATE_MERCHANT_CODE", "M")
    monkeypatch.setenv("AVANGATE_SECRET_KEY", "S")
    monkeypatch.setenv("AVANGATE_MAX_RETRIES", "0")
    target = tmp_path / "leads.jsonl"
    with fakehttp.serve(respond) as server:
        words = ["export", "leads", "Limit=10", "--backend", "rest", "--base-url", server.url,
                 "-o", str(target)]
        assert main(words) == 1
        leads[:0] = ["NEW1", "NEW2"]  # page 2 now starts two items earlier
        assert main([*words, "--resume"]) == 0
    err = capsys.readouterr().err
    assert "matched 25 items when the export stopped and 27 now; 2 item(s) already written " \
           "were skipped" in err
    codes = [line["LeadCode"] for line in _lines(target.read_text())]
    assert codes == [f"L{n:03d}" for n in range(25)]


def test_extra_fields_of_a_newer_server_are_kept(monkeypatch: pytest.MonkeyPatch,
                                                 tmp_path: Path) -> None:
    page = {"Items": [{"LeadCode": "A", "Score": 7,
                       "BillingDetails": {"Email": "a@example.com", "Fax": "123"}}],
            "Pagination": {"Page": 1, "Limit": 200, "Count": 1}}
    monkeypatch.setenv("AVANGATE_MERCHANT_CODE", "M")
    monkeypatch.setenv("AVANGATE_SECRET_KEY", "S")
    with fakehttp.serve(fakehttp.answer(http("200 OK", json.dumps(page).encode()))) as server:
        target = tmp_path / "leads.csv"
        assert main(["export", "leads", "--backend", "rest", "--base-url", server.url, "-q",
                     "-o", str(target)]) == 0
    rows = list(csv.DictReader(target.open(newline="", encoding="utf-8")))
    assert rows[0]["BillingDetails.Email"] == "a@example.com"
    assert json.loads(rows[0]["_extra"]) == {"Score": 7, "BillingDetails.Fax": "123"}


def test_resume_refuses_an_output_cut_shorter_than_its_state(
        run: Run, sandbox: Sandbox, tmp_path: Path) -> None:
    target = tmp_path / "leads.jsonl"
    _interrupted(run, sandbox, target)
    target.write_bytes(target.read_bytes()[:100])
    status, _, err = run("leads", "Limit=10", "--resume", "-o", str(target))
    assert status == 2 and "is shorter than" in err and "without --resume" in err


@pytest.mark.parametrize(("value", "expected"), [
    ({"Amount": Decimal("22.50"), "Tiny": Decimal("-0.000001"), "Big": Decimal("1E+3")},
     '{"Amount":22.50,"Tiny":-0.000001,"Big":1E+3}'),
    ({"Text": 'quote " back \\ newline \n é', "List": [Decimal("0.10"), None, True, 3, 1.5]},
     '{"Text":"quote \\" back \\\\ newline \\n é","List":[0.10,null,true,3,1.5]}'),
    ({"Marked": "\udc00", "Amount": Decimal("9.90")}, '{"Marked":"\udc00","Amount":9.90}'),
    ({"NaN": Decimal("NaN"), "Nested": {"A": [{"B": Decimal("1.000")}]}},
     '{"NaN":"NaN","Nested":{"A":[{"B":1.000}]}}'),
])
def test_json_keeps_decimal_digits_whatever_the_text_holds(value: Any, expected: str) -> None:
    assert export.to_json(value) == export._exact_json(value) == expected


def test_a_lone_surrogate_from_the_server_is_written_as_its_json_escape(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    body = (b'{"Items": [{"LeadCode": "A", "CartId": "x\\udc00y"}], '
            b'"Pagination": {"Page": 1, "Limit": 200, "Count": 1}}')
    monkeypatch.setenv("AVANGATE_MERCHANT_CODE", "M")
    monkeypatch.setenv("AVANGATE_SECRET_KEY", "S")
    with fakehttp.serve(fakehttp.answer(http("200 OK", body))) as server:
        target = tmp_path / "leads.jsonl"
        assert main(["export", "leads", "--backend", "rest", "--base-url", server.url, "-q",
                     "-o", str(target)]) == 0
    raw = target.read_bytes()
    assert b'"CartId":"x\\udc00y"' in raw
    assert json.loads(raw.decode("utf-8"))["CartId"] == "x\udc00y"


def test_a_state_file_of_the_wrong_shape_is_refused(run: Run, sandbox: Sandbox,
                                                    tmp_path: Path) -> None:
    target = tmp_path / "leads.jsonl"
    _interrupted(run, sandbox, target)
    state_file = tmp_path / "leads.jsonl.export-state"
    state = json.loads(state_file.read_text())
    state_file.write_text(json.dumps({**state, "bytes": "many"}))
    status, _, err = run("leads", "Limit=10", "--resume", "-o", str(target))
    assert status == 2 and "cannot be read" in err
    state_file.write_text("{not json")
    status, _, err = run("leads", "Limit=10", "--resume", "-o", str(target))
    assert status == 2 and "cannot be read" in err


def test_an_output_that_cannot_be_written_is_one_error_line(run: Run, tmp_path: Path) -> None:
    status, out, err = run("leads", "-o", str(tmp_path / "no-such-folder" / "leads.jsonl"))
    assert (status, out) == (1, "") and err.count("\n") == 1
    assert "cannot write" in err and "No such file or directory" in err


def test_a_reader_that_stops_early_ends_the_export_quietly(
        run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    class ClosedPipe(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr("sys.stdout", ClosedPipe())
    status, _, err = run("leads", "Limit=5")
    assert (status, err) == (1, "")


def test_the_bar_library_is_loaded_only_to_show_a_bar(sandbox: Sandbox, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    code = ("import sys; from avangate_compat.cli import main; "
            "status = main(['export', 'leads', '-o', sys.argv[1]]); "
            "print(status, 'tqdm' in sys.modules)")
    env = {**os.environ, "AVANGATE_MERCHANT_CODE": sandbox.merchant_code,
           "AVANGATE_SECRET_KEY": sandbox.credentials["secret_key"],
           "AVANGATE_BASE_URL": sandbox.url}
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "leads.jsonl")],
                          capture_output=True, text=True, env=env, timeout=120, check=True)
    assert done.stdout.split() == ["0", "False"]
