"""The sandbox's subscription sweep: what one clock advance costs when it renews 1,000 and
10,000 subscriptions (a renewal order, history and LCN each, stored in one write).

    .venv/bin/python -m benchmarks.subscription_sweep            # prints the section
    .venv/bin/python -m benchmarks.subscription_sweep --write    # and puts it in RESULTS.md

In process, against the sandbox's Service (the sweep is server work; no HTTP in the figure).
The subscriptions are copies of the one a real recurring placeOrder made, each due once. Ratios:
the cost per renewal at 10,000 over the one at 1,000 (the sweep stays linear), and the cost per
renewal over one placeOrder of one subscription product (renewing in bulk costs no more than
selling one by one).
"""

from __future__ import annotations

import argparse
import copy
import statistics
import time
from pathlib import Path
from typing import Any

from . import sections
from .run import machine

HERE = Path(__file__).resolve().parent
SIZES = (1_000, 10_000)
ORDER = {"Currency": "EUR", "Items": [{"Code": "TeamPlan2024", "Quantity": 3}],
         "BillingDetails": {"FirstName": "Ada", "LastName": "Lovelace",
                            "Email": "ada@example.com", "CountryCode": "RO"},
         "PaymentDetails": {"Type": "TEST", "Currency": "EUR", "RecurringEnabled": True}}


def fresh() -> Any:
    from avangate_compat.sandbox.service import Service
    from avangate_compat.sandbox.store import Store
    return Service(Store(), "BENCH", "bench-secret")


def sweep_seconds(count: int) -> float:
    """One sweep over ``count`` due copies of a placeOrder subscription."""
    from avangate_compat.sandbox.resources import subscription_clock
    service = fresh()
    placed = service.placeOrder(copy.deepcopy(ORDER))
    reference = placed["Items"][0]["ProductDetails"]["Subscriptions"][0]["SubscriptionReference"]
    template = service.store.get("subscription", reference)
    rows = []
    for number in range(count):
        record = copy.deepcopy(template)
        record["SubscriptionReference"] = code = f"BENCH{number:07d}"
        record["ExpirationDate"] = time.strftime("%Y-%m-%d", time.gmtime())  # due today
        rows.append(("subscription", code, record))
    service.store.put_many(rows)
    start = time.perf_counter()
    swept = subscription_clock.sweep(service)
    elapsed = time.perf_counter() - start
    assert swept.renewals == count, swept  # the template itself is due next month
    return elapsed


def place_order_seconds(rounds: int = 300) -> float:
    """The median time of one placeOrder of one subscription product."""
    service = fresh()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        service.placeOrder(copy.deepcopy(ORDER))
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def section(repeat: int) -> str:
    per: dict[int, float] = {}
    totals: dict[int, float] = {}
    for size in SIZES:
        runs = [sweep_seconds(size) for _ in range(repeat)]
        totals[size] = statistics.median(runs)
        per[size] = totals[size] / size
    order = place_order_seconds()
    linear = per[SIZES[1]] / per[SIZES[0]]
    versus = per[SIZES[0]] / order
    rows = [f"| sweep of {size:,} due subscriptions | {totals[size]:.3f} s | "
            f"{per[size] * 1000:.3f} ms per renewal | | |" for size in SIZES]
    rows += [f"| per renewal, {SIZES[1]:,} / {SIZES[0]:,} | {linear:.2f} | | <= 1.5 | "
             f"{'yes' if linear <= 1.5 else '**NO**'} |",
             f"| per renewal at {SIZES[0]:,} / one placeOrder ({order * 1000:.3f} ms) | "
             f"{versus:.2f} | | <= 1.0 | {'yes' if versus <= 1.0 else '**NO**'} |"]
    return "\n".join([
        "## Subscriptions: renewals of one clock advance",
        "",
        f"- command: `python -m benchmarks.subscription_sweep --write` (median of {repeat} "
        "sweeps per size)",
        f"- date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        f"- machine: {machine()}",
        "- in process, the sandbox's Service: each renewal prices the subscription, files a "
        "renewal order, writes its history and queues its LCN (no listener set); all stored "
        "in one transaction",
        "",
        "| what | figure | | target | met |",
        "|---|---|---|---|---|",
        *rows,
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="put the section in RESULTS.md")
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    text = section(options.repeat)
    print(text)
    if options.write:
        sections.write(HERE / "RESULTS.md", "subscription_sweep", text)


if __name__ == "__main__":
    main()
