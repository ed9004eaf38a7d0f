"""CPU seconds spent by groups of processes over a benchmark round, read from ``/proc``.

A throughput ratio alone cannot say whether the bot scaled badly or the machine ran out: on
a small machine the driver, the emulator, nginx and PostgreSQL share the cores the instances
need. Splitting the round's CPU by who spent it shows which.
"""

from __future__ import annotations

import os
import resource
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def process_seconds(pid: int) -> float:
    """User and system CPU of a running process (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime (fields 14 and 15)


def pids_named(name: str) -> list[int]:
    """Running processes whose command name is ``name`` (nginx's workers, PostgreSQL's backends)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == name:
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def own_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@dataclass
class CpuMeter:
    """Named groups, each a way to list its processes now (or this process itself)."""

    groups: dict[str, Callable[[], Iterable[int]] | None]
    _start: dict[str, dict[int, float]] = field(default_factory=dict)

    def _read(self) -> dict[str, dict[int, float]]:
        return {
            name: {0: own_seconds()} if pids is None else {pid: process_seconds(pid) for pid in pids()}
            for name, pids in self.groups.items()
        }

    def start(self) -> None:
        self._start = self._read()

    def spent(self) -> dict[str, float]:
        """Seconds each group spent since ``start`` (processes that exited meanwhile are lost)."""
        now = self._read()
        return {
            name: sum(seconds - self._start.get(name, {}).get(pid, 0.0) for pid, seconds in now[name].items())
            for name in now
        }
