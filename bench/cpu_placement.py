"""Where the benchmark's processes run: the bot on one CPU, PostgreSQL off it.

The runtime benchmark measures the engine "on one core". On a machine with few cores an
unpinned PostgreSQL server lands on that same core between the bot's time slices: its work
shows up as the bot's wall time, and the caches it evicts as the bot's CPU time (here about a
sixth of every run of the engine, and none of the ways without a database). In production the
database has its own machine, so the benchmark moves the server's processes (the postmaster,
whose later backends inherit it, and the backends already running) to the other CPUs for the
run, and gives them back their CPUs afterwards. Possible only for a server on this machine
that the benchmark may re-pin (its own embedded one, or any as root); otherwise it says why.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

import asyncpg


@dataclass(frozen=True)
class Pinning:
    cpu: int | None  # the bot's CPU; None when not pinned
    others: frozenset[int]  # the CPUs it was allowed besides that one
    note: str


def pin_to_one_core() -> Pinning:
    """Pin this process to its first allowed CPU (processes it starts later inherit that, so
    an embedded PostgreSQL started afterwards must be moved off it too)."""
    if not hasattr(os, "sched_setaffinity"):
        return Pinning(None, frozenset(), "not pinned (os.sched_setaffinity is unavailable here)")
    try:
        allowed = sorted(os.sched_getaffinity(0))
        cpu = allowed[0]
        os.sched_setaffinity(0, {cpu})
    except OSError as exc:
        return Pinning(None, frozenset(), f"not pinned ({exc})")
    return Pinning(cpu, frozenset(allowed[1:]), f"pinned to CPU {cpu} (of {len(allowed)} allowed)")


def _parent(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])  # the field after the state letter


def _children(parent: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and _parent(int(entry.name)) == parent:
            pids.append(int(entry.name))
    return pids


class PostgresOffCore:
    """Keeps a local PostgreSQL server's processes off ``cpu`` until ``restore``."""

    def __init__(self) -> None:
        self._saved: dict[int, set[int]] = {}

    async def move(self, pool: asyncpg.Pool, pinning: Pinning) -> str:
        if pinning.cpu is None:
            return "PostgreSQL not moved (the benchmark is not pinned)"
        if not pinning.others:
            return "PostgreSQL not moved (there is no other CPU)"
        backend = await pool.fetchval("SELECT pg_backend_pid()")
        postmaster = _parent(backend)
        if postmaster is None:
            return "PostgreSQL not moved (its processes are not on this machine)"
        others = set(pinning.others)
        try:
            for pid in [postmaster, *_children(postmaster)]:
                self._saved[pid] = set(os.sched_getaffinity(pid))
                os.sched_setaffinity(pid, others)
        except OSError as exc:
            self.restore()
            return f"PostgreSQL not moved ({exc})"
        return f"PostgreSQL's processes moved to CPU {','.join(map(str, sorted(others)))}"

    def restore(self) -> None:
        for pid, cpus in self._saved.items():
            with contextlib.suppress(OSError):  # gone since: nothing to give back
                os.sched_setaffinity(pid, cpus)
        self._saved.clear()
