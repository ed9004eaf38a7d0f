"""The deploy files, exercised. This machine runs no container engine, so the Dockerfile's own
steps are run the same way in a fresh environment: its install line into a new virtualenv, its
COPY list into a new folder, its CMD started there with production settings against the local
Telegram emulator and Kie.ai sandbox, its HEALTHCHECK run. render.yaml's build and start
commands are the same steps, and are checked to be."""

from __future__ import annotations

import asyncio
import json
import re
import shlex
import shutil
import signal
import socket
import subprocess
import venv
from pathlib import Path

import pytest
import yaml

from emulators.kie.sandbox import KieSandbox
from emulators.telegram.server import TelegramEmulator
from tests.conftest import PROJECT_ROOT
from tests.support.waiting import until

DOCKERFILE = (PROJECT_ROOT / "Dockerfile").read_text()
# what production must never import: the local stand-ins, the tooling, the test code
DEV_ONLY = re.compile(
    r"^(emulators|scripts|tests|bench|pgserver|matplotlib|plugins\.catalog\.(cli|importer|sync|drafts|openapi|drift))(\.|$)"
)


def instructions(kind: str) -> list[str]:
    """The Dockerfile's instructions of one kind, continuation lines joined."""
    joined = DOCKERFILE.replace("\\\n", " ")
    return [line.split(None, 1)[1] for line in joined.splitlines() if line.startswith(kind + " ")]


def test_the_dockerfile_is_multi_stage_locked_non_root_and_checked() -> None:
    assert len(instructions("FROM")) >= 2
    installs = [run for run in instructions("RUN") if "pip install" in run]
    assert installs and all(
        "--require-hashes -r" in run and "requirements.prod.lock" in run for run in installs
    )
    assert instructions("USER") and instructions("USER")[-1] not in ("root", "0")
    assert instructions("HEALTHCHECK")
    copied = {
        src for line in instructions("COPY") if not line.startswith("--from") for src in line.split()[:-1]
    }
    assert not copied & {"emulators", "tests", "scripts", "bench", ".", "./"}
    ignored = (PROJECT_ROOT / ".dockerignore").read_text().split()
    assert {"emulators", "tests", "scripts", ".env"} <= set(ignored)


def test_render_builds_and_starts_as_the_dockerfile_does() -> None:
    blueprint = yaml.safe_load((PROJECT_ROOT / "render.yaml").read_text())
    service = blueprint["services"][0]
    env = {item["key"]: item for item in service["envVars"]}
    assert service["buildCommand"] == "pip install --require-hashes -r requirements.prod.lock"
    assert shlex.split(service["startCommand"]) == json.loads(instructions("CMD")[-1])
    assert service["healthCheckPath"] in ("/health", "/ready")
    assert "fromDatabase" in env["DATABASE_URL"] and "TELEGRAM_WEBHOOK_URL" in env
    assert all(
        item.get("sync") is False or "generateValue" in item for k, item in env.items() if "SECRET" in k
    )


def test_compose_runs_two_replicas_behind_the_proxy_on_one_database() -> None:
    compose = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert services["bot"]["deploy"]["replicas"] == 2
    assert services["bot"]["environment"]["DATABASE_URL"].endswith("@db:5432/bot")
    assert "pgdata" in compose["volumes"]
    nginx = (PROJECT_ROOT / "deploy" / "nginx.conf").read_text()
    assert f"server bot:{services['bot']['environment']['HTTP_PORT']}" in nginx


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Dockerfile's build, step by step, in a fresh folder: /opt/venv and /app."""
    root = tmp_path_factory.mktemp("image")
    venv.EnvBuilder(with_pip=True).create(root / "venv")
    for run in instructions("RUN"):
        if "pip install" in run:
            line = run.replace("/tmp/requirements", f"{PROJECT_ROOT}/requirements")
            line = line.replace("/opt/venv", str(root / "venv"))
            # the image compiles its bytecode; here that is minutes of CI for nothing tested
            subprocess.run([*shlex.split(line), "--no-compile"], check=True, capture_output=True, timeout=600)
    app = root / "app"
    app.mkdir()
    for line in instructions("COPY"):
        if line.startswith("--from"):
            continue
        *sources, _ = line.split()
        for source in sources:
            if source.endswith(".lock"):
                continue
            src = PROJECT_ROOT / source
            if src.is_dir():
                shutil.copytree(src, app / source, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy(src, app / source)
    for run in instructions("RUN"):  # the build's own steps in /app (the lint verdict)
        if run.startswith("python "):
            line = run.replace("/app", str(app))
            python = str(root / "venv" / "bin" / "python")
            subprocess.run(
                [python, *shlex.split(line)[1:]], cwd=app, check=True, capture_output=True, timeout=600
            )
    assert (app / ".data" / "lint-verdict").is_file()
    return root


async def test_the_image_starts_answers_and_imports_nothing_of_development(
    image: Path, database_dsn: str
) -> None:
    python = str(image / "venv" / "bin" / "python")
    port = _free_port()
    async with TelegramEmulator() as telegram, KieSandbox() as sandbox:
        env = {
            "PATH": f"{image / 'venv' / 'bin'}:/usr/bin:/bin",
            "HOME": str(image),
            "PYTHONPROFILEIMPORTTIME": "1",  # every import, written to stderr
            "TELEGRAM_BOT_TOKEN": telegram.token,
            "TELEGRAM_API_URL": telegram.base_url,
            "DATABASE_URL": database_dsn,
            "KIE_API_KEY": sandbox.api_key,
            "KIE_API_URL": sandbox.base_url,
            "KIE_SANDBOX": "1",
            "HTTP_HOST": "127.0.0.1",
            "HTTP_PORT": str(port),
            "LOG_FORMAT": "json",
        }
        command = json.loads(instructions("CMD")[-1])
        process = await asyncio.create_subprocess_exec(
            python, *command[1:], cwd=image / "app", env=env, stderr=asyncio.subprocess.PIPE
        )
        try:
            health = json.loads(instructions("HEALTHCHECK")[-1].split("CMD", 1)[1])
            healthcheck = [python, *health[1:]]

            async def healthy() -> bool:
                check = await asyncio.create_subprocess_exec(
                    *healthcheck, env={**env, "PYTHONPROFILEIMPORTTIME": ""}
                )
                return await check.wait() == 0

            for _ in range(120):
                if await healthy():
                    break
                await asyncio.sleep(0.5)
            else:
                pytest.fail("the HEALTHCHECK never passed")
            await telegram.send_text(1001, "/start")
            await until(lambda: bool(telegram.bot_messages(1001)), what="an answer to /start", timeout=30)
        finally:
            process.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0
    lines = stderr.decode().splitlines()
    imported = [line.split("|")[-1].strip() for line in lines if line.startswith("import time:")]
    assert "aiogram" in imported
    assert not [name for name in imported if DEV_ONLY.match(name)]
    logged = [json.loads(line) for line in lines if not line.startswith("import time:") and line.strip()]
    assert logged and all({"ts", "level", "logger", "message"} <= set(entry) for entry in logged)
