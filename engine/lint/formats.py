"""Lint findings in the shapes editors' tools read: plain text, JSON, GitHub Actions annotations
and SARIF 2.1.0 (code scanning, IDE viewers). Load problems (exit 2) go through the same formats."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

from engine.lint import linter
from engine.lint.registry import RULES
from engine.loader.errors import Problem, Severity

Formatter = Callable[[list[Problem], Path], str]

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
TOOL_NAME = "engine lint"
#: where SARIF results' relative paths start: the project root given to ``lint``
ROOT_BASE_ID = "%SRCROOT%"


def summary(problems: list[Problem]) -> str:
    errors = sum(p.severity is Severity.ERROR for p in problems)
    return f"{errors} error(s), {len(problems) - errors} warning(s)" if problems else "no problems found"


def _escape_data(text: str) -> str:
    """GitHub's workflow-command escaping of a message (actions/toolkit ``escapeData``)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    """... and of a property value, where ``:`` and ``,`` separate too (``escapeProperty``)."""
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _is_file(root: Path, file: str) -> bool:
    """Whether a location names a project file (not e.g. ``engine``: a text the engine uses)."""
    return (root / file).is_file()


def _workspace_path(root: Path, file: str) -> str:
    """The file as GitHub resolves it: relative to the job's working directory when it can be."""
    path = root / file
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def format_github(problems: list[Problem], root: Path) -> str:
    """One ``::error``/``::warning`` workflow command a finding, then the summary line.

    A finding outside the project's files (a text the engine itself uses) has no ``file``:
    GitHub lists it on the run's summary rather than beside a line."""
    lines = []
    for p in problems:
        where = f"title={_escape_property(p.code)}"
        if _is_file(root, p.location.file):
            where = (
                f"file={_escape_property(_workspace_path(root, p.location.file))},"
                f"line={p.location.line},col={p.location.column},{where}"
            )
        lines.append(f"::{p.severity.value} {where}::{_escape_data(p.message)}")
    lines.append(summary(problems))
    return "\n".join(lines)


def _tool_version() -> str:
    try:
        return metadata.version("kie-flow-bot")
    except metadata.PackageNotFoundError:
        return "0.0.0"


def _information_uri(root: Path) -> str:
    """The repository on GitHub inside Actions, otherwise the README that documents the rules."""
    server, repository = os.environ.get("GITHUB_SERVER_URL"), os.environ.get("GITHUB_REPOSITORY")
    if server and repository:
        return f"{server}/{repository}"
    return (root / "README.md").resolve().as_uri()


def sarif_log(problems: list[Problem], root: Path) -> dict[str, Any]:
    """A SARIF 2.1.0 log of one run: every registered rule, and one result a finding."""
    rules = sorted(RULES.values(), key=lambda r: r.code)
    index = {rule.code: i for i, rule in enumerate(rules)}
    results = []
    for p in problems:
        result: dict[str, Any] = {"ruleId": p.code, "level": p.severity.value, "message": {"text": p.message}}
        if p.code in index:
            result["ruleIndex"] = index[p.code]
        if _is_file(root, p.location.file):
            result["locations"] = [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": p.location.file, "uriBaseId": ROOT_BASE_ID},
                        "region": {
                            "startLine": max(p.location.line, 1),
                            "startColumn": max(p.location.column, 1),
                        },
                    }
                }
            ]
        results.append(result)
    driver = {
        "name": TOOL_NAME,
        "version": _tool_version(),
        "informationUri": _information_uri(root),
        "rules": [
            {
                "id": r.code,
                "shortDescription": {"text": r.summary},
                "defaultConfiguration": {"level": r.severity.value},
            }
            for r in rules
        ],
    }
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                "originalUriBaseIds": {ROOT_BASE_ID: {"uri": root.resolve().as_uri() + "/"}},
                "results": results,
            }
        ],
    }


def format_sarif(problems: list[Problem], root: Path) -> str:
    return json.dumps(sarif_log(problems, root), ensure_ascii=False, indent=2)


FORMATS: dict[str, Formatter] = {
    "text": lambda problems, _root: linter.format_text(problems),
    "json": lambda problems, _root: linter.format_json(problems),
    "github": format_github,
    "sarif": format_sarif,
}


def render(problems: list[Problem], fmt: str, root: Path) -> str:
    """``problems`` in format ``fmt``; a name this module does not know gets plain text."""
    return FORMATS.get(fmt, FORMATS["text"])(problems, root)
