"""Several `python main.py` instances in webhook mode behind a real nginx, on one database.

The emulator posts updates to nginx, which spreads them over the instances and, when one
fails (refused, reset, 502/503), passes the request to the next — with the very proxy
configuration docker-compose ships (deploy/nginx.conf), its replicas swapped for these.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from emulators.telegram.server import TelegramEmulator
from tests.conftest import PROJECT_ROOT

SECRET = "fleet-webhook-secret"
DEPLOY_CONF = PROJECT_ROOT / "deploy" / "nginx.conf"
#: what this machine needs around the shipped configuration: no daemon, and its files in the
#: test's folder (the image's nginx has its own)
LOCAL_MAIN = "daemon off;\npid {root}/nginx.pid;\nerror_log {root}/error.log warn;\n"
LOCAL_HTTP = (
    "http {{\n    access_log off;\n    client_body_temp_path {root}/body;\n"
    "    proxy_temp_path {root}/proxy;\n    fastcgi_temp_path {root}/fastcgi;\n"
    "    uwsgi_temp_path {root}/uwsgi;\n    scgi_temp_path {root}/scgi;\n"
)


def nginx_conf(root: Path, ports: Sequence[int], port: int) -> str:
    """The shipped ``deploy/nginx.conf`` (docker-compose's proxy), with the replicas Docker's
    DNS would name (``server bot:8081``) replaced by these instances and its port by ``port``:
    what the scale-out tests exercise is the proxy setup a deploy copies."""
    conf = DEPLOY_CONF.read_text()
    replicas = "\n".join(f"        server 127.0.0.1:{p} max_fails=0;" for p in ports)
    for old, new in (
        ("        server bot:8081;", replicas + "\n        #"),
        ("listen 8080;", f"listen 127.0.0.1:{port};"),
        ("events {}", LOCAL_MAIN.format(root=root) + "events {}"),
        ("http {\n", LOCAL_HTTP.format(root=root)),
    ):
        assert conf.count(old) == 1, f"deploy/nginx.conf changed: {old!r} is not there once"
        conf = conf.replace(old, new)
    return conf


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def nginx_binary() -> str | None:
    """nginx, installed quietly with apt when missing and possible; None if not."""
    found = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)
    if found is None and shutil.which("apt-get") and os.geteuid() == 0:
        subprocess.run(
            ["apt-get", "install", "-y", "-q", "nginx"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
            check=False,
        )
        found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    return found


@dataclass
class Instance:
    port: int
    process: asyncio.subprocess.Process

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def handled(self) -> int:
        """Updates this instance's interpreter handled (its /metrics: the engine's own count)."""
        async with aiohttp.ClientSession() as http, http.get(f"{self.url}/metrics") as resp:
            for line in (await resp.text()).splitlines():
                if line.startswith('bot_engine_events_total{event="updates"} '):
                    return int(float(line.split()[1]))
        return 0


@dataclass
class Fleet:
    emulator: TelegramEmulator
    instances: list[Instance] = field(default_factory=list)

    def kill(self, index: int) -> None:
        self.instances[index].process.send_signal(signal.SIGKILL)

    def terminate(self, index: int) -> None:
        self.instances[index].process.send_signal(signal.SIGTERM)


async def start_instance(
    emulator: TelegramEmulator, dsn: str, port: int, webhook_url: str, **env: str
) -> Instance:
    environment = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": emulator.token,
        "TELEGRAM_API_URL": emulator.base_url,
        "DATABASE_URL": dsn,
        "HTTP_PORT": str(port),
        "TELEGRAM_WEBHOOK_URL": webhook_url,
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "DATABASE_POOL_SIZE": "4",
        "WEBHOOK_LOCK_CONNECTIONS": "6",
        "FLOOD_RATE": "0",
        "SEND_RATE": "0",  # the emulator has no flood control: only the order and once-ness are tested
        "SEND_CHAT_RATE": "0",
        "KIE_API_KEY": "unused-in-this-test",
        "KIE_API_URL": "http://127.0.0.1:9",
        "ADMIN_IDS": "9001",
        "LOG_LEVEL": "WARNING",
        **env,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "main.py",
        cwd=PROJECT_ROOT,
        env=environment,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=None if os.environ.get("FLEET_LOGS") else asyncio.subprocess.DEVNULL,
    )
    return Instance(port, process)


@contextlib.asynccontextmanager
async def fleet(
    emulator: TelegramEmulator,
    dsn: str,
    size: int,
    tmp: Path,
    start_timeout: float = 60.0,
    each: Sequence[Mapping[str, str]] = (),
    **env: str,
) -> AsyncIterator[Fleet]:
    """``size`` instances behind nginx; returns once every one has registered the webhook
    (within ``start_timeout`` seconds: several starting at once on a busy machine take long).
    ``env`` is every instance's; ``each[i]``, if given, adds to instance ``i``'s."""
    nginx = nginx_binary()
    assert nginx is not None, "nginx is needed (apt-get install -y nginx)"
    ports = [free_port() for _ in range(size)]
    proxy_port = free_port()
    (tmp / "nginx.conf").write_text(nginx_conf(tmp, ports, proxy_port))
    proxy = await asyncio.create_subprocess_exec(
        nginx, "-p", str(tmp), "-c", str(tmp / "nginx.conf"), "-e", str(tmp / "error.log")
    )
    url = f"http://127.0.0.1:{proxy_port}/telegram/webhook"
    registered = len(emulator.calls("setWebhook", ok=True))
    running = Fleet(emulator)
    try:
        running.instances = list(
            await asyncio.gather(
                *(
                    start_instance(emulator, dsn, port, url, **{**env, **(each[i] if i < len(each) else {})})
                    for i, port in enumerate(ports)
                )
            )
        )
        await emulator.wait_for(
            lambda: len(emulator.calls("setWebhook", ok=True)) >= registered + size, timeout=start_timeout
        )
        yield running
    finally:
        for instance in running.instances:
            if instance.process.returncode is None:
                instance.process.send_signal(signal.SIGKILL)
                await instance.process.wait()
        proxy.send_signal(signal.SIGQUIT)
        try:
            await asyncio.wait_for(proxy.wait(), 10)
        except TimeoutError:
            proxy.kill()
            await proxy.wait()
