#!/usr/bin/env python3
"""Bootstrap and run the project: ``python3 dev.py start`` or ``python3 dev.py test``.

Creates ``.venv`` on first use and reinstalls when pyproject.toml changes, so both Quick start
commands work on a fresh machine with nothing but Python 3.11+.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
CHROMIUM = "/usr/bin/chromium"


def _ensure_venv(extras: str) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py must explain, not crash
        sys.exit("Python 3.11 or newer is needed (this is %d.%d)" % sys.version_info[:2])  # noqa: UP031
    stamp = VENV / f".installed-{extras}"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest and PYTHON.exists():
        return
    if not PYTHON.exists():
        print("creating .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print(f"installing packages ({extras}) …", flush=True)
    subprocess.check_call([str(PYTHON), "-m", "pip", "install", "-q", "--upgrade", "pip"])
    subprocess.check_call([str(PYTHON), "-m", "pip", "install", "-q", "-e", f".[{extras}]"],
                          cwd=ROOT)
    stamp.write_text(digest)


def _ensure_chromium() -> None:
    """The web chat test drives Debian's Chromium; install it where we may (root with apt)."""
    if Path(CHROMIUM).exists() or not shutil.which("apt-get") or os.geteuid() != 0:
        return
    print("installing chromium for the web chat test …", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=False, env=env)


def start(argv: list[str]) -> int:
    _ensure_venv("embedded")
    return subprocess.call([str(PYTHON), "main.py", *argv], cwd=ROOT)


def workers() -> str:
    """pytest-xdist workers: one per core, at most 4 (the tests mostly wait on sockets and
    PostgreSQL, and each worker starts its own emulators and, without a server, PostgreSQL)."""
    return str(max(1, min(os.cpu_count() or 1, 4)))


def test(argv: list[str]) -> int:
    _ensure_venv("dev")
    _ensure_chromium()
    steps = [
        [str(PYTHON), "-m", "engine", "lint"],
        [str(PYTHON), "-m", "ruff", "check", "."],
        [str(PYTHON), "-m", "mypy", "engine"],   # the core is typed strictly ([tool.mypy])
        # extra arguments come last, so `-n 0` (serial) or `-n 4` replaces the default
        [str(PYTHON), "-m", "pytest", "-q", "-n", workers(), *argv],
    ]
    for step in steps:
        print("$", " ".join(Path(step[0]).name if i == 0 else a for i, a in enumerate(step)),
              flush=True)
        code = subprocess.call(step, cwd=ROOT)
        if code != 0:
            return code
    return 0


if __name__ == "__main__":
    commands = {"start": start, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit("usage: python3 dev.py start|test [args…]")
    sys.exit(commands[sys.argv[1]](sys.argv[2:]))
