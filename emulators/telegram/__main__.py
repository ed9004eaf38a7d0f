"""``python -m emulators.telegram --port 8080 --token TOKEN``: the emulator on its own,
for running the bot against it and chatting in the browser."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal

from .server import DEFAULT_TOKEN, TelegramEmulator
from .state import DEFAULT_USERS, EmulatedUser


def parse_user(spec: str) -> EmulatedUser:
    """``ID:NAME[:LANG[:admin]]``, e.g. ``1001:Anna:ru`` or ``9001:Admin:ru:admin``."""
    parts = spec.split(":")
    if len(parts) < 2 or not parts[0].lstrip("-").isdigit():
        raise argparse.ArgumentTypeError(f"expected ID:NAME[:LANG[:admin]], got {spec!r}")
    language = parts[2] if len(parts) > 2 and parts[2] else "ru"
    return EmulatedUser(
        int(parts[0]),
        parts[1],
        language,
        username=parts[1].lower(),
        is_admin=len(parts) > 3 and parts[3] == "admin",
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m emulators.telegram", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--token", default=DEFAULT_TOKEN, help="the bot token the emulator accepts")
    parser.add_argument(
        "--user",
        dest="users",
        action="append",
        type=parse_user,
        metavar="ID:NAME[:LANG[:admin]]",
        help="a test user (repeatable); default: "
        + ", ".join(f"{u.id}:{u.first_name}:{u.language_code}" for u in DEFAULT_USERS),
    )
    parser.add_argument("--bot-username", default="kie_flow_bot")
    parser.add_argument("--verbose", action="store_true", help="log every Bot API call")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(asctime)s %(message)s"
    )
    asyncio.run(serve(args.host, args.port, args.token, args.users, args.bot_username))


async def serve(
    host: str, port: int, token: str, users: list[EmulatedUser] | None, bot_username: str
) -> None:
    emulator = TelegramEmulator(token, users, host=host, port=port, bot_username=bot_username)
    base = await emulator.start()
    print(f"Telegram emulator: chat page {base}/  Bot API {base}/bot<token>/<method>", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await emulator.stop()


if __name__ == "__main__":
    main()
