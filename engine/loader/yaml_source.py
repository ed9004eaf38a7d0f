"""YAML reading that can say where every value came from.

pyyaml's composer gives nodes with marks; we turn the node tree into plain data and, when
asked, a map from each value's path (``("screens", "start", "keyboard", 0)``) to its line and
column, so that pydantic errors and lint findings can point an editor at the exact spot.

Only problems need those positions, and a clean start has none: for the shipped bundle they
were some 80,000 objects (9 MB of a production process). So a document keeps its text
(compressed: 1.2 MB as strings, 0.15 MB so), and works its positions out from it the first
time one is asked for (``YamlSource``).
"""

from __future__ import annotations

import sys
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from engine.loader.errors import Location, Problem

PathKey = tuple[str | int, ...]
_STR = "tag:yaml.org,2002:str"
#: libyaml's parser when present: the model catalog is large enough for it to matter
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SHORT = 64  # strings up to this long are interned (see ``_Builder._scalar``)


class YamlSource:
    """Where each value of one YAML file is written: from the text, on first use."""

    __slots__ = ("_key_positions", "_packed", "_positions", "file")

    def __init__(
        self,
        file: str,
        text: str,
        positions: dict[PathKey, Location] | None = None,
        key_positions: dict[PathKey, Location] | None = None,
    ) -> None:
        self.file = file
        self._packed = zlib.compress(text.encode("utf-8"), 1) if positions is None else b""  # 1: fast
        self._positions, self._key_positions = positions, key_positions or {}

    @property
    def positions(self) -> dict[PathKey, Location]:
        if self._positions is None:  # the text parsed once already: it parses again
            text = zlib.decompress(self._packed).decode("utf-8")
            builder, node = _Builder(self.file, located=True), yaml.compose(text, Loader=_LOADER)
            if node is not None:  # it was not, the first time
                builder.build(node, ())
            self._positions, self._key_positions = builder.positions, builder.key_positions
            self._packed = b""
        return self._positions

    @property
    def key_positions(self) -> dict[PathKey, Location]:
        self.positions  # noqa: B018  (worked out together)
        return self._key_positions

    def locate(self, path: PathKey) -> Location:
        """The position of ``path``, or of its closest ancestor that has one."""
        positions = self.positions
        probe = tuple(path)
        while probe:
            if probe in positions:
                return positions[probe]
            probe = probe[:-1]
        return positions.get((), Location(self.file, 1, 1))

    def locate_key(self, path: PathKey) -> Location:
        """Where the key naming ``path`` is written (``help:``), else where its value is."""
        return self.key_positions.get(tuple(path)) or self.locate(path)


@dataclass
class YamlDocument:
    """Plain data from one YAML file, and its source to locate values in. What outlives the
    loading is the source alone: the data is read into the schema's objects."""

    data: Any
    source: YamlSource

    @property
    def file(self) -> str:
        return self.source.file

    def locate(self, path: PathKey) -> Location:
        return self.source.locate(path)

    def locate_key(self, path: PathKey) -> Location:
        return self.source.locate_key(path)


class _Builder:
    def __init__(self, file: str, located: bool) -> None:
        self.file = file
        self.located = located
        self.positions: dict[PathKey, Location] = {}
        self.key_positions: dict[PathKey, Location] = {}
        self.problems: list[Problem] = []
        self.constructor = yaml.constructor.SafeConstructor()

    def loc(self, node: yaml.Node) -> Location:
        return Location(self.file, node.start_mark.line + 1, node.start_mark.column + 1)

    def build(self, node: yaml.Node, path: PathKey) -> Any:
        """The plain data under ``node``; positions under ``path`` too when located."""
        located = self.located
        if located:
            self.positions[path] = self.loc(node)
        if isinstance(node, yaml.MappingNode):
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    self.problems.append(
                        Problem(
                            "LOAD003",
                            self.loc(key_node),
                            "YAML merge keys ('<<') are not supported; write the values out",
                        )
                    )
                    continue
                key = self._scalar(key_node)
                if not isinstance(key, str | int | bool | float) or isinstance(key, bool):
                    key = str(key)
                if key in result:
                    self.problems.append(
                        Problem(
                            "LOAD004",
                            self.loc(key_node),
                            f"key '{key}' appears twice in the same block; keep one",
                        )
                    )
                    continue
                if located:
                    self.key_positions[(*path, key)] = self.loc(key_node)
                    result[key] = self.build(value_node, (*path, key))
                else:
                    result[key] = self.build(value_node, path)
            return result
        if isinstance(node, yaml.SequenceNode):
            if located:
                return [self.build(child, (*path, i)) for i, child in enumerate(node.value)]
            return [self.build(child, path) for child in node.value]
        return self._scalar(node)

    def _scalar(self, node: yaml.Node) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            return str(node.value)
        if node.tag == _STR:  # most values: no need for the constructor's machinery
            value: str = node.value
            # names and short values repeat across files ("duration" in 200 models): one copy
            return sys.intern(value) if len(value) <= _SHORT else value
        return self.constructor.construct_object(node, deep=True)


def read_yaml(path: Path, root: Path, located: bool = False) -> tuple[YamlDocument | None, list[Problem]]:
    """Parse one file; on a syntax error return no document and a located problem.
    ``located``: work out every value's position now (when most will be asked for)."""
    rel = path.relative_to(root).as_posix()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem("LOAD001", Location(rel, 1, 1), f"cannot read the file: {exc}")]
    return parse_yaml(text, rel, located)


def parse_yaml(text: str, file: str, located: bool = False) -> tuple[YamlDocument | None, list[Problem]]:
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or "invalid YAML"
        if exc.context:
            what = f"{exc.context}, {what}"
        return None, [Problem("LOAD001", Location(file, line, col), f"YAML syntax error: {what}")]
    except yaml.YAMLError as exc:
        return None, [Problem("LOAD001", Location(file, 1, 1), f"YAML syntax error: {exc}")]
    if node is None:
        return YamlDocument({}, YamlSource(file, text, {(): Location(file, 1, 1)})), []
    builder = _Builder(file, located)
    try:
        data = builder.build(node, ())
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return None, [Problem("LOAD001", Location(file, line, col), f"YAML value error: {exc}")]
    source = YamlSource(file, text, builder.positions, builder.key_positions) if located else None
    return YamlDocument(data, source or YamlSource(file, text)), builder.problems
