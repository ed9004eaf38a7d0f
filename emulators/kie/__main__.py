"""``python -m emulators.kie --port 8090 --api-key sandbox-key``: the sandbox on its own."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal

from emulators.kie.sandbox import KieSandbox
from emulators.kie.state import Latency


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m emulators.kie", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090, help="0 picks a free port")
    parser.add_argument("--api-key", default="sandbox-key")
    parser.add_argument("--credits", default="1000")
    parser.add_argument(
        "--latency",
        type=float,
        default=3.0,
        help="seconds from create to result (split over waiting/queuing/generating)",
    )
    parser.add_argument("--webhook-key", default=None, help="sign callbacks with this HMAC key")
    parser.add_argument("--public-url", default=None, help="origin to put into result/upload URLs")
    parser.add_argument("--strict-models", action="store_true", help="refuse models not in the catalog")
    parser.add_argument("--rate-limit", action="store_true", help="enforce Kie's 20 createTask per 10 s")
    return parser.parse_args(argv)


async def run(args: argparse.Namespace) -> None:
    sandbox = KieSandbox(
        args.api_key,
        host=args.host,
        port=args.port,
        credits=args.credits,
        latency=Latency.total(args.latency),
        webhook_key=args.webhook_key,
        public_url=args.public_url,
        accept_unknown_models=not args.strict_models,
        create_rate_limit=(20, 10.0) if args.rate_limit else None,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await sandbox.start()
    print(f"Kie.ai sandbox on {sandbox.base_url} (control API under /sandbox/)", flush=True)
    try:
        await stop.wait()
    finally:
        await sandbox.stop()


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    asyncio.run(run(parse_args(argv)))


if __name__ == "__main__":
    main()
