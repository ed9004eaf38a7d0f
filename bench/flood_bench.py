"""Does a flood from one user delay the others? Their latency with and without a flood.

The 3-screen menu of bench/runtime_bench.py, served by the engine with sessions in memory
(engine.runtime.memory_sessions) over the in-process fake Telegram (bench/recording_session.py),
through ``build_dispatcher`` as the app builds it. ``--users`` people navigate at a human pace
(one update every ``--pace`` seconds each: /start, A, Back, B, Back …), and every step's
latency (update fed → handled, the reply sent) is recorded; the screen each sees afterwards is
checked. Three scenarios:

  quiet        no flood, flood control on (the baseline);
  flood, on    one more user sends ``--flood-rate`` messages a second for ``--flood-seconds``,
               fed as polling feeds them (a batch of up to 100 every tick, each its own task),
               flood control on (``--rate`` a second after a burst of ``--burst``);
  flood, off   the same flood with flood control off.

Prints the others' latency (median, 95th percentile, worst) in each, and how much of the
flood was answered. The figures are for one process on a shared machine: compare the rows of
one run, not runs.

    .venv/bin/python bench/flood_bench.py [--users 20] [--steps 10] [--pace 0.5]
        [--flood-rate 1000] [--flood-seconds 5] [--rate 3] [--burst 12]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aiogram.types import Update  # noqa: E402

from bench.recording_session import Recorder  # noqa: E402
from bench.runtime_bench import SCRIPT, Way, new_bot, write_flow_project  # noqa: E402
from engine import event_loop  # noqa: E402
from engine.loader.bundle import load_bundle  # noqa: E402
from engine.plugin import PluginSet  # noqa: E402
from engine.runtime.interpreter import Runtime  # noqa: E402
from engine.runtime.memory_sessions import MemorySessionStore  # noqa: E402
from engine.telegram.flood import FloodLimit  # noqa: E402
from engine.telegram.messenger import AiogramMessenger  # noqa: E402
from engine.telegram.response_models import hold_response_models  # noqa: E402
from engine.telegram.router import build_dispatcher  # noqa: E402
from plugins.user import UserPlugin  # noqa: E402

FLOODER = 999
BATCH = 100  # getUpdates gives at most 100 updates at a time
TICK = 0.05  # seconds between the flood's batches


@dataclass
class Outcome:
    latencies: list[float]  # seconds, every step of every navigating user
    flood_sent: int
    flood_answered: int  # messages the flooder got back (screens and notes)

    def row(self, title: str) -> str:
        ms = sorted(x * 1000 for x in self.latencies)
        p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
        flood = f"{self.flood_answered:>6} of {self.flood_sent:>6}" if self.flood_sent else f"{'-':>16}"
        return f"  {title:<12} {statistics.median(ms):>9.2f} {p95:>9.2f} {ms[-1]:>9.2f}   {flood}"


def build(project: Path, flood: FloodLimit | None) -> Way:
    recorder = Recorder()
    bot = new_bot(recorder)
    runtime = Runtime(
        load_bundle(project), PluginSet.of([UserPlugin()]), MemorySessionStore(), AiogramMessenger(bot)
    )
    return Way("e", "engine", bot, build_dispatcher(runtime, flood=flood), recorder, runtime)


def flood_update(way: Way, number: int) -> Update:
    update_id = way.next_update
    way.next_update += 1
    message_id = way.recorder.user_message(FLOODER, f"flood {number}")
    user = way.user(FLOODER)
    raw: dict[str, Any] = {
        "update_id": update_id,
        "message": {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": FLOODER, "type": "private", "first_name": user["first_name"]},
            "from": user,
            "text": f"flood {number}",
        },
    }
    return Update.model_validate(raw, context={"bot": way.bot})


async def navigate(way: Way, uid: int, steps: int, pace: float, out: list[float]) -> None:
    await asyncio.sleep(pace * (uid % 10) / 10)  # people do not press in step
    for i in range(steps):
        started = time.perf_counter()
        await way.step(uid, SCRIPT[i % len(SCRIPT)])
        out.append(time.perf_counter() - started)
        await asyncio.sleep(max(0.0, pace - (time.perf_counter() - started)))


async def flood(way: Way, rate: float, seconds: float, tasks: list[asyncio.Task[Any]]) -> int:
    """Send ``rate * seconds`` messages on schedule (late batches catch up, 100 at a time)."""
    total, sent, started = int(rate * seconds), 0, time.perf_counter()
    while sent < total:
        elapsed = time.perf_counter() - started
        due = min(int(elapsed * rate), total) - sent
        due = min(due, BATCH)
        for _ in range(max(0, due)):
            tasks.append(asyncio.create_task(way.dispatcher.feed_update(way.bot, flood_update(way, sent))))
            sent += 1
        await asyncio.sleep(TICK)
    return sent


async def scenario(project: Path, args: argparse.Namespace, *, flooding: bool, control: bool) -> Outcome:
    limit = FloodLimit(args.rate, args.burst) if control else None
    way = build(project, limit)
    users = [1_000_000 + i for i in range(args.users)]
    await way.step(FLOODER, SCRIPT[0])  # the flooder is on the menu, like the rest
    latencies: list[float] = []
    flood_tasks: list[asyncio.Task[Any]] = []
    navigation = asyncio.gather(*(navigate(way, uid, args.steps, args.pace, latencies) for uid in users))
    sent = await flood(way, args.flood_rate, args.flood_seconds, flood_tasks) if flooding else 0
    await navigation
    await asyncio.gather(*flood_tasks)
    replies = sum(1 for m in way.recorder.chat(FLOODER).messages.values() if m.from_bot)
    return Outcome(latencies, sent, replies - 1)  # less the answer to its /start


async def measure(args: argparse.Namespace) -> None:
    hold_response_models()
    project = write_flow_project(Path(tempfile.mkdtemp(prefix="floodbench-")))
    print(
        f"{args.users} users navigate, one update each every {args.pace}s, {args.steps} steps"
        f" each; the flood: {args.flood_rate:g} messages/s for {args.flood_seconds:g}s from"
        f" one user; flood control {args.rate:g}/s after a burst of {args.burst}"
    )
    await scenario(project, args, flooding=False, control=True)  # warm-up
    rows = [
        ("quiet", await scenario(project, args, flooding=False, control=True)),
        ("flood, on", await scenario(project, args, flooding=True, control=True)),
        ("flood, off", await scenario(project, args, flooding=True, control=False)),
    ]
    print("\nthe other users' latency per update, ms        flood answered")
    print(f"  {'scenario':<12} {'median':>9} {'p95':>9} {'worst':>9}")
    for title, outcome in rows:
        print(outcome.row(title))
    quiet, on, off = (o for _, o in rows)
    print(f"\np95 under a flood vs quiet: control on {_ratio(on, quiet)}, control off {_ratio(off, quiet)}")


def _p95(outcome: Outcome) -> float:
    ms = sorted(outcome.latencies)
    return ms[min(len(ms) - 1, int(len(ms) * 0.95))]


def _ratio(outcome: Outcome, base: Outcome) -> str:
    return f"{_p95(outcome) / _p95(base):.2f}x"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--pace", type=float, default=0.5)
    parser.add_argument("--flood-rate", type=float, default=1000)
    parser.add_argument("--flood-seconds", type=float, default=5)
    parser.add_argument("--rate", type=float, default=3)
    parser.add_argument("--burst", type=int, default=12)
    args = parser.parse_args()
    if args.pace * args.rate < 1:
        parser.error("--pace must keep the navigating users within --rate")
    event_loop.run(measure(args))


if __name__ == "__main__":
    main()
