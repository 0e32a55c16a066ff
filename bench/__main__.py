"""`python -m bench [--quick] [--only NAME ...]`: runs the benchmarks and prints the figures."""

from __future__ import annotations

import argparse
import asyncio
import logging
import shlex
import shutil
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from bench import (
    burst,
    burst_discord,
    core_cost,
    failover,
    fanout,
    firing,
    growth,
    inbound_discord,
    inbound_telegram,
    latency,
    setup,
    startup,
)
from bench.common import Report, Verdict, machine
from bench.seed import Scale

BENCHMARKS = (
    "fanout",
    "fanout429",
    "firing",
    "inbound",
    "inbound_discord",
    "core",
    "latency",
    "startup",
    "growth",
    "failover",
    "burst",
    "burst_discord",
    "setup",
)


def parse(argv: list[str]) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, a few minutes")
    parser.add_argument("--only", nargs="+", choices=BENCHMARKS, help="run only these")
    parser.add_argument(
        "--groups", type=int, help="fan-out groups (default 10000; quick 400; firing A/B <= 1000)"
    )
    parser.add_argument(
        "--updates", type=int, help="inbound updates/interactions per bot (default 2000)"
    )
    parser.add_argument(
        "--growth-groups", type=int, help="groups in the growth benchmark (default 100; quick 4)"
    )
    parser.add_argument("--burst-members", type=int, help="burst group size (300; quick 40)")
    parser.add_argument("--organizers", type=int, help="setup organizers (300; quick 100)")
    parser.add_argument("--scale", type=float, help="latency data scale (1 = full; quick 0.1)")
    parser.add_argument(
        "--postgres", default="postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
    )
    parser.add_argument("--no-postgres", action="store_true", help="skip PostgreSQL")
    return parser.parse_args(argv)


async def main(options: argparse.Namespace) -> list[Report]:
    """Runs the chosen benchmarks one after another in this process."""
    chosen = options.only or list(BENCHMARKS)
    if "startup" in chosen and "latency" not in chosen:
        chosen.append("latency")  # start-up runs on the database the latency benchmark seeds
    quick = options.quick
    steps: dict[str, Callable[[], Awaitable[Report | list[Report]]]] = {
        "fanout": lambda: fanout.run(
            options.groups or (400 if quick else 10_000), give_up_after=120 if quick else 1200
        ),
        "inbound": lambda: inbound_telegram.run(
            options.updates or (200 if quick else 2000), rounds=2 if quick else 3
        ),
        "inbound_discord": lambda: inbound_discord.run(
            options.updates or (200 if quick else 2000), rounds=2 if quick else 3
        ),
        "growth": lambda: growth.run(
            options.growth_groups or (4 if quick else 100),
            15 if quick else 200,
            give_up_after=120 if quick else 600,
        ),
        "firing": lambda: firing.run(min(options.groups or 1000, 1000), rounds=2 if quick else 3),
        "burst": lambda: burst.run(
            options.burst_members or (40 if quick else 300),
            16 if quick else 120,
            old_give_up=40 if quick else 180,
        ),
        "burst_discord": lambda: burst_discord.run(
            options.burst_members or (40 if quick else 300), 16 if quick else 120
        ),
        "setup": lambda: setup.run(options.organizers or (100 if quick else 300), give_up=120),
        "fanout429": lambda: fanout.run(
            60 if quick else 600, give_up_after=120, forced_429s=4 if quick else 20
        ),
    }
    directory = Path(tempfile.mkdtemp(prefix="mentorbot-bench-"))
    scale = Scale(options.scale or (0.1 if quick else 1.0))
    postgres = None if options.no_postgres else options.postgres

    async def run_latency() -> list[Report]:
        report, database = await latency.run(scale, 30 if quick else 300, directory, postgres)
        if "startup" not in chosen:
            return [report]
        started = await startup.run(
            database, scale, round(10_000 * scale.factor), round(100_000 * scale.factor)
        )
        return [report, started]

    steps["latency"] = run_latency
    steps["core"] = lambda: core_cost.run(Scale(0.01), 20 if quick else 100, directory, postgres)
    if postgres is not None:
        steps["failover"] = lambda: failover.run(300, postgres)
    reports: list[Report] = []
    try:
        for name in chosen:
            if name not in steps:
                continue
            result = await steps[name]()
            reports.extend(result if isinstance(result, list) else [result])
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    return reports


def run(argv: list[str]) -> int:
    """Prints the machine and the command, then every benchmark's figures."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    options = parse(argv)
    print(f"machine: {machine()}")
    print(f"command: python -m bench {shlex.join(argv)}".rstrip())
    print("timings are noisy on a shared machine: compare the ratios measured side by side")
    started = time.perf_counter()
    reports = asyncio.run(main(options))
    print(f"\n== summary ({time.perf_counter() - started:.0f} s)")
    for report in reports:
        print(f"-- {report.title}")
        for line in report.lines:
            print(f"   {line}")
    print_verdicts([found for report in reports for found in report.all_verdicts()])
    return 0


def print_verdicts(verdicts: list[Verdict]) -> None:
    """Every target of the run in one table: verdict, benchmark, figure, target."""
    print(f"\n== targets of issue #19: {sum(v.met for v in verdicts)} of {len(verdicts)} met")
    for found in verdicts:
        name = found.benchmark.split(": ")[0]
        what = f"{name}: {found.what}" if found.what else name
        figure = " ".join(found.figure.split())
        figure = figure if len(figure) <= 90 else figure[:87] + "..."
        mark = "met   " if found.met else "MISSED"
        print(f"   {mark} {what}\n          {figure}  [target {found.target}]")


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
