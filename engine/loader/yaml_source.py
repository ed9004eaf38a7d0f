"""YAML reading that remembers where every value came from.

pyyaml's composer gives nodes with marks; we turn the node tree into plain data and a map
from each value's path (``("screens", "start", "keyboard", 0)``) to its line and column, so
that pydantic errors and lint findings can point an editor at the exact spot.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from engine.loader.errors import Location, Problem

PathKey = tuple[str | int, ...]
_STR = "tag:yaml.org,2002:str"
#: libyaml's parser when present: the model catalog is large enough for it to matter
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class YamlDocument:
    """Plain data from one YAML file plus the position of every value in it."""

    file: str
    data: Any
    positions: dict[PathKey, Location] = field(default_factory=dict)
    key_positions: dict[PathKey, Location] = field(default_factory=dict)

    def locate(self, path: PathKey) -> Location:
        """The position of ``path``, or of its closest ancestor that has one."""
        probe = tuple(path)
        while probe:
            if probe in self.positions:
                return self.positions[probe]
            probe = probe[:-1]
        return self.positions.get((), Location(self.file, 1, 1))

    def locate_key(self, path: PathKey) -> Location:
        """Where the key naming ``path`` is written (``help:``), else where its value is."""
        return self.key_positions.get(tuple(path)) or self.locate(path)


class _Builder:
    def __init__(self, file: str) -> None:
        self.file = file
        self.positions: dict[PathKey, Location] = {}
        self.key_positions: dict[PathKey, Location] = {}
        self.problems: list[Problem] = []
        self.constructor = yaml.constructor.SafeConstructor()

    def loc(self, node: yaml.Node) -> Location:
        return Location(self.file, node.start_mark.line + 1, node.start_mark.column + 1)

    def build(self, node: yaml.Node, path: PathKey) -> Any:
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
                self.key_positions[(*path, key)] = self.loc(key_node)
                result[key] = self.build(value_node, (*path, key))
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, (*path, i)) for i, child in enumerate(node.value)]
        return self._scalar(node)

    def _scalar(self, node: yaml.Node) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            return str(node.value)
        if node.tag == _STR:  # most values: no need for the constructor's machinery
            return node.value
        return self.constructor.construct_object(node, deep=True)


def read_yaml(path: Path, root: Path) -> tuple[YamlDocument | None, list[Problem]]:
    """Parse one file; on a syntax error return no document and a located problem."""
    rel = path.relative_to(root).as_posix()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem("LOAD001", Location(rel, 1, 1), f"cannot read the file: {exc}")]
    return parse_yaml(text, rel)


def parse_yaml(text: str, file: str) -> tuple[YamlDocument | None, list[Problem]]:
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
        return YamlDocument(file, {}, {(): Location(file, 1, 1)}), []
    builder = _Builder(file)
    try:
        data = builder.build(node, ())
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return None, [Problem("LOAD001", Location(file, line, col), f"YAML value error: {exc}")]
    return YamlDocument(file, data, builder.positions, builder.key_positions), builder.problems
