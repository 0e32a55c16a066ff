"""Shared helpers: the machine, percentiles, memory, a quiet log, and the report lines."""

from __future__ import annotations

import os
import platform
import re
import resource
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field


def cpu_model() -> str:
    """The CPU model from /proc/cpuinfo (or what `platform` knows)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine() -> str:
    """One line describing where the numbers were taken."""
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return (
        f"{os.cpu_count()} CPU(s), {cpu_model()}, Python {sys.version.split()[0]} "
        f"on {platform.system()} {platform.release()}; load average {load}"
    )


def percentile(samples: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile (fraction in 0..1) of the samples."""
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[rank]


def peak_rss_mb() -> float:
    """This process's peak resident set size, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def verdict(ok: bool) -> str:
    """A short mark for a target met or missed."""
    return "MET" if ok else "MISSED"


INLINE_VERDICT = re.compile(r"\[([^\[\]]*?):\s*(MET|MISSED)\]")
"""A verdict written into a line by hand: `... [target >= 0.7x: MISSED]`."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """One target of the issue as measured: what, the figure reached, the target, met or not."""

    benchmark: str
    what: str
    figure: str
    target: str
    met: bool


@dataclass
class Report:
    """Lines of one benchmark, printed as they come and kept for the summary."""

    title: str
    lines: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.perf_counter)
    verdicts: list[Verdict] = field(default_factory=list)

    def __post_init__(self) -> None:
        print(f"\n== {self.title}", flush=True)

    def line(self, text: str) -> None:
        """Prints and keeps one result line."""
        self.lines.append(text)
        print(f"   {text}", flush=True)

    def judge(self, what: str, figure: str, target: str, met: bool) -> str:
        """Records a target's verdict for the summary; returns `[target: MET]` for the line."""
        self.verdicts.append(Verdict(self.title, what, figure, target, met))
        return f"[{target}: {verdict(met)}]"

    def all_verdicts(self) -> list[Verdict]:
        """The judged targets, plus verdicts written inline in lines by benchmarks that do
        not call `judge` (the figure is then the line's text before the bracket)."""
        found = list(self.verdicts)
        judged = {f"[{v.target}: {verdict(v.met)}]" for v in self.verdicts}
        for line in self.lines:
            for match in INLINE_VERDICT.finditer(line):
                if match.group(0) in judged:
                    continue
                figure = line[: match.start()].strip().rstrip(",;")
                target = match.group(1).removeprefix("target").strip() or "as stated"
                found.append(Verdict(self.title, "", figure, target, match.group(2) == "MET"))
        return found

    def done(self) -> None:
        """Prints how long the benchmark itself took."""
        print(f"   ({time.perf_counter() - self.started:.1f} s)", flush=True)


def mean(samples: Sequence[float]) -> float:
    """The arithmetic mean, NaN for no samples."""
    return statistics.fmean(samples) if samples else float("nan")
