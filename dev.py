#!/usr/bin/env python3
"""Bootstrap and run the project: ``python3 dev.py start`` or ``python3 dev.py test``.

``python3 dev.py shots [folder]`` saves screenshots of the main screens in both languages
(default docs/shots/), taken in headless Chromium from the local bot (scripts/shots.py).

Creates ``.venv`` on first use and reinstalls when pyproject.toml or requirements.lock changes, so
both Quick start commands work on a fresh machine with nothing but Python 3.11+.
``python3 dev.py lock`` regenerates requirements.lock (hashes included) from pyproject.toml.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
CHROMIUM = "/usr/bin/chromium"
EMOJI_FONT = "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf"
#: what `test` type-checks: all the Python but the tests (pyproject's [tool.mypy] says how)
MYPY_PATHS = ("engine", "plugins", "app", "emulators", "scripts", "bench", "main.py", "dev.py")
LOCK = ROOT / "requirements.lock"
PROD_LOCK = ROOT / "requirements.prod.lock"
PROD_LOCK_HEADER = """\
# Locked runtime dependencies with hashes for Linux, CPython 3.11: what production installs
# (the Dockerfile and render.yaml: `pip install --require-hashes -r requirements.prod.lock`).
# The same pins as requirements.lock, without the dev tools, emulator extras and the embedded
# PostgreSQL. Regenerated together with it: python3 dev.py lock
"""
LOCK_HEADER = """\
# Locked dependencies with hashes for Linux, CPython 3.11: runtime + the `dev` extra
# (embedded, test, bench) and the build backend. Both `dev.py start` and `dev.py test`
# install exactly this (`pip install --require-hashes -r requirements.lock`, then
# `pip install --no-deps --no-build-isolation -e .`).
# Regenerate after changing pyproject.toml's dependencies: python3 dev.py lock
# (`python3 dev.py lock --upgrade` moves every pin to the newest allowed release).
"""


def _ensure_venv() -> None:
    """Install exactly the locked packages (hash-checked), then the project itself without deps."""
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py must explain, not crash
        sys.exit("Python 3.11 or newer is needed (this is %d.%d)" % sys.version_info[:2])  # noqa: UP031
    stamp = VENV / ".installed-lock"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + LOCK.read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest and PYTHON.exists():
        return
    if not PYTHON.exists():
        print("creating .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print(f"installing packages from {LOCK.name} …", flush=True)
    pip = [str(PYTHON), "-m", "pip", "install", "-q"]
    subprocess.check_call([*pip, "--require-hashes", "-r", str(LOCK)], cwd=ROOT)
    # setuptools comes from the lock too, so the build needs no unpinned download
    subprocess.check_call([*pip, "--no-deps", "--no-build-isolation", "-e", "."], cwd=ROOT)
    stamp.write_text(digest)


def lock(argv: list[str]) -> int:
    """Regenerate the lock with uv, installed into a throwaway venv (never the project's)."""
    with tempfile.TemporaryDirectory(prefix="kie-lock-") as tmp:
        tools = Path(tmp) / "tools"
        venv.EnvBuilder(with_pip=True).create(tools)
        tools_bin = tools / ("Scripts" if os.name == "nt" else "bin")
        subprocess.check_call([str(tools_bin / "python"), "-m", "pip", "install", "-q", "uv"])
        build = Path(tmp) / "build-requirements.in"
        build.write_text(_build_requirements() + "\n")
        output = Path(tmp) / LOCK.name  # the current pins are kept unless `--upgrade`
        if LOCK.exists():
            shutil.copyfile(LOCK, output)
        compile_ = [
            str(tools_bin / "uv"),
            "pip",
            "compile",
            "--quiet",
            "--generate-hashes",
            "--python-version",
            "3.11",
            "--python-platform",
            "x86_64-unknown-linux-gnu",
            "--no-header",
            "--no-annotate",
        ]
        subprocess.check_call(
            [*compile_, "--extra", "dev", "--output-file", str(output), *argv, "pyproject.toml", str(build)],
            cwd=ROOT,
        )
        LOCK.write_text(LOCK_HEADER + output.read_text())
        # production: the runtime dependencies only, pinned as the full lock pins them
        prod = Path(tmp) / PROD_LOCK.name
        subprocess.check_call(
            [*compile_, "--constraint", str(LOCK), "--output-file", str(prod), "pyproject.toml"], cwd=ROOT
        )
        PROD_LOCK.write_text(PROD_LOCK_HEADER + prod.read_text())
    print(f"wrote {LOCK.name} and {PROD_LOCK.name}", flush=True)
    return 0


def _build_requirements() -> str:
    """The build backend from [build-system] (setuptools), locked so `-e .` builds offline."""
    text = (ROOT / "pyproject.toml").read_text()
    start = text.index("requires = [", text.index("[build-system]"))
    return text[start : text.index("]", start)].split("[", 1)[1].strip().strip('"')


def _ensure_chromium() -> None:
    """The web chat tests and the screenshots drive Debian's Chromium (and its emoji font, or
    the buttons' emoji are empty boxes); install them where we may (root with apt)."""
    if Path(CHROMIUM).exists() and Path(EMOJI_FONT).exists():
        return
    if not shutil.which("apt-get") or os.geteuid() != 0:
        return
    print("installing chromium for the web chat tests …", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
    packages = ["chromium", "fonts-noto-color-emoji"]
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", *packages], check=False, env=env, stdout=subprocess.DEVNULL
    )


def start(argv: list[str]) -> int:
    _ensure_venv()
    return subprocess.call([str(PYTHON), "main.py", *argv], cwd=ROOT)


def shots(argv: list[str]) -> int:
    _ensure_venv()
    _ensure_chromium()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.call([str(PYTHON), "scripts/shots.py", *argv], cwd=ROOT, env=env)


def workers() -> str:
    """pytest-xdist workers: one per core, at most 4 (the tests mostly wait on sockets and
    PostgreSQL, and each worker starts its own emulators and, without a server, PostgreSQL)."""
    return str(max(1, min(os.cpu_count() or 1, 4)))


def test(argv: list[str]) -> int:
    _ensure_venv()
    _ensure_chromium()
    steps = [
        [str(PYTHON), "-m", "engine", "lint"],
        [str(PYTHON), "-m", "ruff", "check", "."],
        [str(PYTHON), "-m", "ruff", "format", "--check", "."],
        [str(PYTHON), "-m", "mypy", *MYPY_PATHS],  # typed strictly ([tool.mypy])
        # extra arguments come last, so `-n 0` (serial) or `-n 4` replaces the default; an idle
        # worker takes tests queued on a busy one (a few conversations take a minute or more)
        [str(PYTHON), "-m", "pytest", "-q", "--dist", "worksteal", "-n", workers(), *argv],
    ]
    for step in steps:
        print("$", " ".join(Path(step[0]).name if i == 0 else a for i, a in enumerate(step)), flush=True)
        code = subprocess.call(step, cwd=ROOT)
        if code != 0:
            return code
    return 0


if __name__ == "__main__":
    commands = {"start": start, "test": test, "lock": lock, "shots": shots}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit("usage: python3 dev.py start|test|lock|shots [args…]")
    sys.exit(commands[sys.argv[1]](sys.argv[2:]))
