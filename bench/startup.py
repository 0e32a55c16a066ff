"""Start-up to ready and memory of `python -m bot run` at scale, polling a fake Bot API."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from pathlib import Path

from sqlalchemy.ext.asyncio import create_async_engine

from bench.common import Report
from bench.seed import Scale, seed_delivery
from tests.telegram_fake import TOKEN, FakeBotApi

TARGET_MB = 150.0
TARGET_SECONDS = 2.0
READY = "mentorbot is running"


def _status_mb(pid: int, field: str) -> float:
    with open(f"/proc/{pid}/status", encoding="utf-8") as status:
        for line in status:
            if line.startswith(field):
                return int(line.split()[1]) / 1024
    return float("nan")


def _cpu_seconds(pid: int) -> float:
    """CPU the process has used so far (user + system): steadier than the wall clock here."""
    with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def run(database: Path, scale: Scale, schedules: int, outbox: int) -> Report:
    """Seeds schedules and pending reminders into the latency database, then starts the bot."""
    report = Report(
        f"Start-up and memory: python -m bot run with {schedules:,} schedules and "
        f"{outbox:,} pending outbox rows"
    )
    url = f"sqlite+aiosqlite:///{database}"
    engine = create_async_engine(url)
    try:
        await seed_delivery(engine, scale, schedules, outbox)
    finally:
        await engine.dispose()
    api = FakeBotApi()
    base_url = await api.start()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "TELEGRAM_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": base_url,
        "LOG_LEVEL": "INFO",
    }
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    ready_after = cpu = float("nan")
    tail: list[str] = []
    try:
        assert process.stderr is not None
        async with asyncio.timeout(120):
            while True:
                line = (await process.stderr.readline()).decode(errors="replace")
                if not line:
                    break
                tail = [*tail[-5:], line.strip()]
                if READY in line:
                    ready_after = time.perf_counter() - started
                    cpu = _cpu_seconds(process.pid)
                    break
        await asyncio.sleep(3.0)  # let start-up work that runs after "ready" settle
        rss, peak = _status_mb(process.pid, "VmRSS"), _status_mb(process.pid, "VmHWM")
    finally:
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGTERM)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(30):
                if process.stderr is not None:
                    await process.stderr.read()
                await process.wait()
        if process.returncode is None:
            process.kill()
        await api.close()
    if ready_after != ready_after:  # NaN: never became ready
        report.line(f"the bot never said it was ready; last log lines: {tail}")
    report.line(
        f"process start to '{READY}': {ready_after:.2f} s ({cpu:.2f} s CPU) "
        + report.judge(
            "start-up to ready",
            f"{ready_after:.2f} s",
            f"<= {TARGET_SECONDS:.0f} s",
            ready_after <= TARGET_SECONDS,
        )
    )
    report.line(
        f"RSS 3 s after ready {rss:.0f} MB, peak {peak:.0f} MB "
        + report.judge("memory", f"peak {peak:.0f} MB", f"<= {TARGET_MB:.0f} MB", peak <= TARGET_MB)
    )
    report.done()
    return report
