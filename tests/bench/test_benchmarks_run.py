"""Every benchmark still runs (on tiny sizes): a benchmark nobody can run measures nothing.

The figures are not judged here — speed targets live in the benchmarks' own output."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import PROJECT_ROOT

pytestmark = pytest.mark.bench  # deselected by default: `pytest -m bench` runs these

RUNS = {
    "admin_queries.py": ["--users", "500", "--ledger", "5000", "--jobs", "1500", "--reps", "1"],
    "broadcast.py": ["--users", "60", "--rate", "100"],
    "lint_bench.py": ["--runs", "1", "--factor", "2"],
    "runtime_bench.py": ["--updates", "60", "--users", "6", "--reps", "1", "--profile", "none", "--no-pin"],
    "flood_bench.py": [
        "--users",
        "3",
        "--steps",
        "3",
        "--pace",
        "0.4",
        "--flood-rate",
        "200",
        "--flood-seconds",
        "0.5",
    ],
    "jobs_bench.py": ["--jobs", "12"],
    "wallet_bench.py": ["--pairs", "40", "--seconds", "1", "--rounds", "1"],
    "startup_bench.py": ["--runs", "1"],
    "scale_bench.py": ["--users", "4", "--instances", "1,2", "--flood", "40"],
}


@pytest.mark.parametrize("script", sorted(RUNS))
def test_benchmark_runs_and_prints_figures(script: str, pg_server_dsn: str) -> None:
    env = {**os.environ, "TEST_DATABASE_URL": pg_server_dsn}
    result = subprocess.run(
        [sys.executable, f"bench/{script}", *RUNS[script]],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    assert any(ch.isdigit() for ch in result.stdout), result.stdout
