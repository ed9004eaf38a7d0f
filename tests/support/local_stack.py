"""``python main.py`` with no secrets — the bot, the emulator's web chat and the Kie.ai sandbox
in one process, as an editor runs it — started from a copy of the project, so a test can edit
its flows and locales, and restarted on the same web chat port, so an open page can reconnect.
Used by tests/e2e/test_hot_reload.py and scripts/shots.py."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import sys
import time
from pathlib import Path

import aiohttp

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
CODE = ("app", "engine", "plugins", "emulators", "flows", "locales", "models")


def copy_project(target: Path, source: Path = PROJECT_ROOT) -> Path:
    """The code and the bundle, without caches, .venv or data: what ``main.py`` needs."""
    target.mkdir(parents=True, exist_ok=True)
    for name in CODE:
        shutil.copytree(source / name, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy2(source / "main.py", target / "main.py")
    return target


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class LocalStack:
    """One ``main.py`` process on ``root``; ``restart()`` keeps the web chat's port."""

    def __init__(
        self,
        root: Path,
        dsn: str | None,
        *,
        chat_port: int | None = None,
        log: Path | None = None,
        **env: str,
    ) -> None:
        """``dsn`` None: the embedded PostgreSQL, in ``DATA_DIR`` (pass one in ``env``)."""
        self.root = root
        self.dsn = dsn
        self.chat_port = chat_port or free_port()
        self.env = env
        self.process: asyncio.subprocess.Process | None = None
        self.log = log or root / "main.log"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.chat_port}"

    async def start(self, timeout: float = 90.0) -> None:
        environment = {
            **{
                k: v
                for k, v in os.environ.items()
                if k not in ("TELEGRAM_BOT_TOKEN", "KIE_API_KEY", "DATABASE_URL", "HOT_RELOAD")
            },
            "PYTHONPATH": str(self.root),
            **({"DATABASE_URL": self.dsn} if self.dsn else {}),
            "LOCAL_CHAT_PORT": str(self.chat_port),
            "LOCAL_KIE_PORT": str(free_port()),
            "HTTP_PORT": "0",
            **self.env,
        }
        with self.log.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "main.py", cwd=self.root, env=environment, stdout=log, stderr=log
            )
        await self.wait_ready(timeout)

    async def wait_ready(self, timeout: float) -> None:
        """Until the bot has published its commands to the emulator: it polls right after."""
        deadline = time.monotonic() + timeout
        async with aiohttp.ClientSession() as http:
            while True:
                if self.process is not None and self.process.returncode is not None:
                    raise RuntimeError(f"main.py exited ({self.process.returncode}):\n{self.tail()}")
                try:
                    async with http.get(f"{self.base_url}/ui/chat/1001?since=0") as response:
                        if response.status == 200 and (await response.json())["commands"]:
                            return
                except (aiohttp.ClientError, OSError):
                    pass
                if time.monotonic() > deadline:
                    raise TimeoutError(f"main.py did not start:\n{self.tail()}")
                await asyncio.sleep(0.2)

    def tail(self, chars: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""

    async def stop(self) -> None:
        if self.process is None or self.process.returncode is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.process.wait(), 20)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    async def __aenter__(self) -> LocalStack:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()
