"""Split assignment: a pure function of the split and the user, by weight; a winner in the
YAML overrides it, one that is not is ignored."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from pathlib import Path

from engine.loader.bundle import load_bundle
from engine.runtime.splits import Splits, assign
from tests.engine.lint.test_split_rules import SPLIT_FLOW
from tests.support.projects import write_project


class Fixed:
    def __init__(self, chosen: dict[str, str]) -> None:
        self.chosen = chosen
        self.reads = 0

    async def winners(self) -> Mapping[str, str]:
        self.reads += 1
        return self.chosen


def project(tmp_path: Path, weights: str = "{start: 1, start_b: 3}") -> Path:
    flow = SPLIT_FLOW.replace("{start: 1, start_b: 1}", weights)
    return write_project(tmp_path, {"flows/main.yaml": flow})


def test_assignment_is_deterministic_and_follows_the_weights(tmp_path: Path) -> None:
    split = load_bundle(project(tmp_path)).splits["main.welcome"]
    first = [assign(split, user) for user in range(4000)]
    assert first == [assign(split, user) for user in range(4000)]
    shares = Counter(first)
    assert 0.22 < shares["main.start"] / 4000 < 0.28  # weight 1 of 4


async def test_routing_and_winners(tmp_path: Path) -> None:
    bundle = load_bundle(project(tmp_path))
    source = Fixed({})
    splits = Splits(bundle, source, ttl=3600)
    assert await splits.route("main.help", 7) == ("main.help", None)
    chosen, label = await splits.route("main.start", 7)
    assert chosen == assign(bundle.splits["main.welcome"], 7)
    assert label == f"main.welcome:{chosen}"
    source.chosen = {"main.welcome": "main.start_b"}
    assert (await splits.route("main.start", 7))[0] == chosen  # cached for ttl
    splits.forget()
    assert await splits.route("main.start", 7) == ("main.start_b", "main.welcome:main.start_b")
    source.chosen = {"main.welcome": "main.gone"}  # no longer in the YAML: the weights decide
    splits.forget()
    assert (await splits.route("main.start", 7))[0] == chosen
    assert source.reads == 3
