"""Production start-up: time to ready and resident memory, beside a bare ``import aiogram``.

Each run starts ``python main.py`` as production does (a bot token, DATABASE_URL, KIE_API_KEY;
Telegram is the local emulator, Kie.ai the sandbox) and measures the wall time from the
process's start until ``/ready`` answers 200, and its resident memory (VmRSS) then. The
baseline is ``python -c "import aiogram"`` on the same machine, in the same run, measured the
same way: from its start until aiogram is imported (not until it has exited: tearing the
interpreter down takes another 0.4-0.9 s here), and its RSS then. Each baseline runs beside
one of production's, so that the pair meets the machine's same load; their CPU seconds are
shown too (less noisy than wall time on a busy machine). Target (issue #16): at most +0.5 s
and +30 MB.

The checkout is first built as the image is (the Dockerfile's steps): its code compiled to
bytecode — aiogram's is, by pip — and the bundle's lint verdict remembered.

    python bench/startup_bench.py [--runs 5] [--dsn postgresql://…]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from statistics import median

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


@dataclass(frozen=True)
class Start:
    seconds: float  # wall time, from the process's start
    cpu: float  # its user + system CPU seconds by then
    rss: float  # its resident memory then, MB


def _status_rss(status: str) -> float:
    line = next(line for line in status.splitlines() if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


async def baseline(collector: bool = True) -> Start:
    """A bare ``import aiogram``: until it is imported, and its RSS then. ``collector=False``:
    with the cyclic collector off, as production imports (main.py), which shows what
    production's own code costs rather than what it saves on aiogram's import."""
    code = (
        ("" if collector else "import gc; gc.disable()\n") + "import aiogram, os, sys; t = os.times()\n"
        "sys.stdout.write(f'{t.user + t.system}\\n' + open('/proc/self/status').read()); sys.stdout.flush()"
    )
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(sys.executable, "-c", code, stdout=asyncio.subprocess.PIPE)
    assert process.stdout is not None
    cpu = await process.stdout.readline()  # written once aiogram is imported
    seconds = time.perf_counter() - started
    status, _ = await process.communicate()
    return Start(seconds, float(cpu), _status_rss(status.decode()))


async def production(dsn: str, telegram: TelegramEmulator, sandbox: KieSandbox) -> Start:
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
        status = Path(f"/proc/{process.pid}/status").read_text()
        return Start(seconds, _cpu_seconds(process.pid), _status_rss(status))
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
    pairs: list[tuple[Start, Start]] = []
    quiet: list[Start] = []  # the baseline with the collector off
    with server_dsn(args.dsn) as server:
        async with (
            temporary_database(server, "startup") as dsn,
            TelegramEmulator() as telegram,
            KieSandbox() as sandbox,
        ):
            pool = await open_database(dsn)  # migrated once, as a deployed database is
            await pool.close()
            for _ in range(args.runs):  # side by side: each pair meets the machine's same load
                pairs.append((await baseline(), await production(dsn, telegram, sandbox)))
                quiet.append(await baseline(collector=False))
    bare, ours = [b for b, _ in pairs], [p for _, p in pairs]
    print(f"median of {args.runs} pairs      wall      RSS         CPU")
    for name, starts in (("import aiogram:", bare), ("production start→ready:", ours)):
        print(
            f"{name:24s} {median(s.seconds for s in starts):6.2f} s "
            f"{median(s.rss for s in starts):6.1f} MB   {median(s.cpu for s in starts):5.2f} s"
        )
    print(
        f"{'added:':24s} {median(p.seconds - b.seconds for b, p in pairs):+6.2f} s "
        f"{median(p.rss for p in ours) - median(b.rss for b in bare):+6.1f} MB   "
        f"{median(p.cpu - b.cpu for b, p in pairs):+5.2f} s   (target ≤ +0.50 s, ≤ +30 MB)"
    )
    beside = [(p, q) for (_, p), q in zip(pairs, quiet, strict=True)]
    print(
        f"{'our own code:':24s} {median(p.seconds - q.seconds for p, q in beside):+6.2f} s "
        f"{'':9s}   {median(p.cpu - q.cpu for p, q in beside):+5.2f} s   "
        "(beside `import aiogram` with the collector off too, as production imports)"
    )


if __name__ == "__main__":
    asyncio.run(main())
