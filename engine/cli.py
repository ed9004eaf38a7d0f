"""``python -m engine lint|graph|schema|rules``: the tools product editors and CI run.

The project (found by ``engine.project``) supplies the plug-ins' declarations, its own lint rules
and further sub-commands (a model catalog's listing, say); ``--project DIR`` says where its
pyproject.toml is (default: the current folder).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from engine.graph import to_dot, to_mermaid
from engine.graph_svg import to_svg
from engine.lint.formats import FORMATS, render
from engine.lint.linter import has_errors, lint, rules_table
from engine.loader.bundle import Bundle, load_bundle
from engine.loader.errors import BundleLoadError
from engine.project import Project, ProjectError, load_project
from engine.schema.json_schema import SCHEMAS, json_schema

EXIT_CLEAN, EXIT_FINDINGS, EXIT_UNLOADABLE = 0, 1, 2


def _load(root: str, fmt: str) -> Bundle | int:
    try:
        return load_bundle(Path(root))
    except BundleLoadError as exc:
        print(render(exc.problems, fmt, Path(root)))
        return EXIT_UNLOADABLE


def _lint(args: argparse.Namespace) -> int:
    bundle = _load(args.root, args.format)
    if isinstance(bundle, int):
        return bundle
    problems = lint(bundle, args.project.declarations())
    print(render(problems, args.format, Path(args.root)))
    return EXIT_FINDINGS if has_errors(problems) else EXIT_CLEAN


def _graph(args: argparse.Namespace) -> int:
    bundle = _load(args.root, "text")
    if isinstance(bundle, int):
        return bundle
    drawers: dict[str, Callable[[Bundle], str]] = {"dot": to_dot, "mermaid": to_mermaid, "svg": to_svg}
    sys.stdout.write(drawers[args.format](bundle).rstrip("\n") + "\n")
    return EXIT_CLEAN


def _schema(args: argparse.Namespace) -> int:
    print(json.dumps(json_schema(args.kind), ensure_ascii=False, indent=2))
    return EXIT_CLEAN


def _explore(args: argparse.Namespace) -> int:
    from engine.explorer.cli import run

    return run(args)


def _rules(_: argparse.Namespace) -> int:
    print(rules_table())
    return EXIT_CLEAN


def build_parser(project: Project) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m engine", allow_abbrev=False)
    parser.add_argument(
        "--project",
        metavar="DIR",
        dest="project_folder",
        default=".",
        help="where the project's pyproject.toml names its plug-ins "
        "([tool.engine] project; default: the current folder)",
    )
    parser.set_defaults(project=project)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("lint", help="check flows, models and locales")
    p.add_argument("root", nargs="?", default=".")
    p.add_argument("--format", choices=list(FORMATS), default="text")
    p.set_defaults(run=_lint)
    p = sub.add_parser("graph", help="draw screens and transitions")
    p.add_argument("root", nargs="?", default=".")
    p.add_argument("--format", choices=["mermaid", "dot", "svg"], default="mermaid")
    p.set_defaults(run=_graph)
    p = sub.add_parser("schema", help="print the JSON Schema of flow (or model) files")
    p.add_argument("--kind", choices=sorted(SCHEMAS), default="flow")
    p.set_defaults(run=_schema)
    p = sub.add_parser(
        "explore",
        help="drive the bot through every screen and button, as a user and an admin, in every language",
    )
    from engine.explorer.cli import add_arguments

    add_arguments(p)
    p.set_defaults(run=_explore)
    p = sub.add_parser("rules", help="list the lint rules and their codes")
    p.set_defaults(run=_rules)
    for command in project.commands:  # listed for --help; main() hands them their arguments
        sub.add_parser(command.name, help=command.summary, add_help=False)
    return parser


def _project_folder(argv: list[str]) -> tuple[Path, list[str]]:
    """``--project DIR`` (before the sub-command), and the arguments after it."""
    before = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    before.add_argument("--project", default=".")
    known, rest = before.parse_known_args(argv)
    return Path(known.project), rest


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    folder, rest = _project_folder(argv)
    try:
        project = load_project(folder)
    except ProjectError as exc:
        print(f"python -m engine: {exc}", file=sys.stderr)
        return EXIT_UNLOADABLE
    commands = {command.name: command for command in project.commands}
    if rest and rest[0] in commands:
        return commands[rest[0]].main(rest[1:])
    args = build_parser(project).parse_args(argv)
    return int(args.run(args))
