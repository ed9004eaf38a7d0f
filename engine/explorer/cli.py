"""``python -m engine explore``: load a driver factory by dotted name, explore, print the report.

The engine names no driver: the factory (an async context manager taking the project root)
is imported by name, so the core never imports the emulators or plug-ins it drives.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from engine.explorer.driver import Role
from engine.explorer.explore import LANGUAGES, explore

DEFAULT_DRIVER = "app.explore_driver:make_driver"


def load_factory(dotted: str) -> Callable[..., Any]:
    module, _, name = dotted.partition(":")
    return getattr(importlib.import_module(module), name or "make_driver")  # type: ignore[no-any-return]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("root", nargs="?", default=".")
    parser.add_argument("--seed", type=int, default=0, help="order and choices (deterministic)")
    parser.add_argument("--budget", type=int, default=None, help="stop after this many actions")
    parser.add_argument("--models", type=int, default=None, help="walk at most this many forms")
    parser.add_argument("--roles", default="user,admin", help="user, admin or both")
    parser.add_argument("--languages", default=",".join(LANGUAGES))
    parser.add_argument(
        "--driver", default=None, help="module:factory (default: the project's explorer driver)"
    )


async def _run(args: argparse.Namespace) -> int:
    project = getattr(args, "project", None)
    factory = (
        load_factory(args.driver)
        if args.driver
        else getattr(project, "explorer_driver", None) or load_factory(DEFAULT_DRIVER)
    )
    async with factory(Path(args.root).resolve()) as driver:
        report = await explore(
            driver,
            seed=args.seed,
            budget=args.budget,
            models=args.models,
            roles=tuple(Role(r) for r in args.roles.split(",") if r),
            languages=tuple(x for x in args.languages.split(",") if x),
        )
    print(report.format())
    return 0 if report.clean else 1


def run(args: argparse.Namespace) -> int:
    from engine.event_loop import run as run_loop

    return int(run_loop(_run(args)))
