"""Production start-up: time to ready and resident memory, beside a bare ``import aiogram``.

Each run starts ``python main.py`` as production does (a bot token, DATABASE_URL, KIE_API_KEY;
Telegram is the local emulator, Kie.ai the sandbox) and measures the wall time from the
process's start until ``/ready`` answers 200, and its resident memory (VmRSS) then. The
baseline is ``python -c "import aiogram"`` on the same machine, in the same run, measured the
same way (start to exit; peak RSS). Target (issue #16): at most +0.5 s and +30 MB.

The checkout is first built as the image is (the Dockerfile's steps): its code compiled to
bytecode — aiogram's is, by pip — and the bundle's lint verdict remembered.

    python bench/startup_bench.py [--runs 5] [--dsn postgresql://…]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.databases import server_dsn, temporary_database  # noqa: E402
from emulators.kie.sandbox import KieSandbox  # noqa: E402
from emulators.telegram.server import TelegramEmulator  # noqa: E402
from engine.storage.database import open_database  # noqa: E402


def build_as_the_image() -> None:
    """The Dockerfile's build steps here: bytecode, and the lint verdict (in ``.data``)."""
    for step in (["-m", "compileall", "-q", "engine", "plugins", "app"], ["-m", "app.lint_verdict"]):
        subprocess.run([sys.executable, *step], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def baseline() -> tuple[float, float]:
    """A bare ``import aiogram``: seconds to exit, and its peak RSS in MB (VmHWM at exit)."""
    code = "import aiogram, sys; print(open('/proc/self/status').read())"
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(sys.executable, "-c", code, stdout=asyncio.subprocess.PIPE)
    out, _ = await process.communicate()
    seconds = time.perf_counter() - started
    hwm = next(line for line in out.decode().splitlines() if line.startswith("VmRSS:"))
    return seconds, int(hwm.split()[1]) / 1024


async def production(dsn: str, telegram: TelegramEmulator, sandbox: KieSandbox) -> tuple[float, float]:
    port = _free_port()
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": telegram.token,
        "TELEGRAM_API_URL": telegram.base_url,
        "DATABASE_URL": dsn,
        "KIE_API_KEY": sandbox.api_key,
        "KIE_API_URL": sandbox.base_url,
        "KIE_SANDBOX": "1",
        "HTTP_PORT": str(port),
        "LOG_LEVEL": "WARNING",
    }
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(sys.executable, "main.py", cwd=ROOT, env=env)
    try:
        async with aiohttp.ClientSession() as http:
            while True:
                try:
                    async with http.get(f"http://127.0.0.1:{port}/ready") as response:
                        if response.status == 200:
                            break
                except aiohttp.ClientError:
                    pass
                if process.returncode is not None:
                    raise RuntimeError("the bot exited before it was ready")
                await asyncio.sleep(0.01)
        seconds = time.perf_counter() - started
        return seconds, _rss_mb(process.pid)
    finally:
        process.terminate()
        await process.wait()


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--dsn", default=os.environ.get("TEST_DATABASE_URL"))
    args = parser.parse_args()
    build_as_the_image()
    with server_dsn(args.dsn) as server:
        async with (
            temporary_database(server, "startup") as dsn,
            TelegramEmulator() as telegram,
            KieSandbox() as sandbox,
        ):
            pool = await open_database(dsn)  # migrated once, as a deployed database is
            await pool.close()
            bare = [await baseline() for _ in range(args.runs)]
            ours = [await production(dsn, telegram, sandbox) for _ in range(args.runs)]
    b_time, b_rss = statistics.median(t for t, _ in bare), statistics.median(m for _, m in bare)
    p_time, p_rss = statistics.median(t for t, _ in ours), statistics.median(m for _, m in ours)
    print(f"import aiogram:          {b_time:6.2f} s  {b_rss:6.1f} MB   (median of {args.runs})")
    print(f"production start→ready:  {p_time:6.2f} s  {p_rss:6.1f} MB")
    print(
        f"added:                   {p_time - b_time:+6.2f} s  {p_rss - b_rss:+6.1f} MB"
        "   (target ≤ +0.50 s, ≤ +30 MB)"
    )


if __name__ == "__main__":
    asyncio.run(main())
