"""Load + lint time of the shipped bundle and of a generated bundle 10x its size.

Baseline in the same process: plain ``yaml.safe_load`` of the same files, so the figures say
what the engine adds over merely reading the YAML. Target: shipped bundle under 1 s.

    python bench/lint_bench.py [--runs 5]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.project import builtin_declarations  # noqa: E402
from engine.lint.linter import lint  # noqa: E402
from engine.loader.bundle import load_bundle  # noqa: E402


def _timed(func: Callable[[], object], runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def _load_and_lint(root: Path) -> int:
    return len(lint(load_bundle(root), builtin_declarations()))


def _plain_yaml(root: Path) -> int:
    files = [f for sub in ("flows", "models", "locales") for f in (root / sub).rglob("*.yaml")]
    return sum(1 for f in files if yaml.safe_load(f.read_text()) is not None)


def make_scaled(source: Path, target: Path, factor: int) -> None:
    """Copy the project, then add factor-1 renamed copies of every flow and model file."""
    for sub in ("flows", "models", "locales"):
        if (source / sub).exists():
            shutil.copytree(source / sub, target / sub)
    for copy in range(1, factor):
        for flow in (source / "flows").glob("*.yaml"):
            data = yaml.safe_load(flow.read_text()) or {}
            data["namespace"] = f"{data.get('namespace') or flow.stem}_c{copy}"
            data.pop("commands", None)
            (target / "flows" / f"{flow.stem}_c{copy}.yaml").write_text(
                yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
            )
        for models in (source / "models").glob("*.yaml"):
            data = yaml.safe_load(models.read_text()) or {}
            data.pop("tasks", None)
            for entry in data.get("models", []):
                entry["id"] = f"{entry['id']}-c{copy}"
            for recipe in data.get("recipes", []):  # a recipe keeps its model: only its id is new
                recipe["id"] = f"{recipe['id']}_c{copy}"
            (target / "models" / f"{models.stem}_c{copy}.yaml").write_text(
                yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--factor", type=int, default=10)
    args = parser.parse_args()
    bundle = load_bundle(ROOT)
    print(
        f"shipped bundle: {len(bundle.screens)} screens, {len(bundle.models)} models, "
        f"{sum(len(loc.texts) for loc in bundle.locales.values())} texts"
    )
    with tempfile.TemporaryDirectory() as tmp:
        scaled = Path(tmp)
        make_scaled(ROOT, scaled, args.factor)
        big = load_bundle(scaled)
        print(f"scaled bundle ({args.factor}x): {len(big.screens)} screens, {len(big.models)} models")
        for name, root in (("shipped", ROOT), (f"{args.factor}x", scaled)):
            engine = _timed(partial(_load_and_lint, root), args.runs)
            baseline = _timed(partial(_plain_yaml, root), args.runs)
            print(
                f"{name:8} load+lint {engine * 1000:8.1f} ms | yaml.safe_load only "
                f"{baseline * 1000:8.1f} ms | ratio {engine / baseline:5.2f}x"
                + ("  (target < 1000 ms)" if name == "shipped" else "")
            )


if __name__ == "__main__":
    main()
