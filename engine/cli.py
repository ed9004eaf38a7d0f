"""``python -m engine lint|graph|schema|rules``: the tools product editors and CI run."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from engine.graph import to_dot, to_mermaid
from engine.lint.linter import format_json, format_text, has_errors, lint, rules_table
from engine.loader.bundle import Bundle, load_bundle
from engine.loader.errors import BundleLoadError
from engine.plugins import builtin_declarations
from engine.schema.json_schema import SCHEMAS, json_schema

EXIT_CLEAN, EXIT_FINDINGS, EXIT_UNLOADABLE = 0, 1, 2


def _load(root: str, fmt: str) -> Bundle | int:
    try:
        return load_bundle(Path(root))
    except BundleLoadError as exc:
        print(format_json(exc.problems) if fmt == "json" else format_text(exc.problems))
        return EXIT_UNLOADABLE


def _lint(args: argparse.Namespace) -> int:
    bundle = _load(args.root, args.format)
    if isinstance(bundle, int):
        return bundle
    problems = lint(bundle, builtin_declarations())
    print(format_json(problems) if args.format == "json" else format_text(problems))
    return EXIT_FINDINGS if has_errors(problems) else EXIT_CLEAN


def _graph(args: argparse.Namespace) -> int:
    bundle = _load(args.root, "text")
    if isinstance(bundle, int):
        return bundle
    sys.stdout.write(to_dot(bundle) if args.format == "dot" else to_mermaid(bundle))
    return EXIT_CLEAN


def _schema(args: argparse.Namespace) -> int:
    print(json.dumps(json_schema(args.kind), ensure_ascii=False, indent=2))
    return EXIT_CLEAN


def _catalog(args: argparse.Namespace) -> int:
    from engine.catalog.cli import run

    bundle = _load(args.root, "json" if args.format == "json" else "text")
    return bundle if isinstance(bundle, int) else run(bundle, args.format)


def _explore(args: argparse.Namespace) -> int:
    from engine.explorer.cli import run

    return run(args)


def _rules(_: argparse.Namespace) -> int:
    print(rules_table())
    return EXIT_CLEAN


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m engine")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("lint", help="check flows, models and locales")
    p.add_argument("root", nargs="?", default=".")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(run=_lint)
    p = sub.add_parser("graph", help="draw screens and transitions")
    p.add_argument("root", nargs="?", default=".")
    p.add_argument("--format", choices=["mermaid", "dot"], default="mermaid")
    p.set_defaults(run=_graph)
    p = sub.add_parser("schema", help="print the JSON Schema of flow (or model) files")
    p.add_argument("--kind", choices=sorted(SCHEMAS), default="flow")
    p.set_defaults(run=_schema)
    p = sub.add_parser("catalog", help="list the models: status, price from, fields "
                                       "('catalog sync --help': compare them with Kie.ai)")
    p.add_argument("root", nargs="?", default=".")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(run=_catalog)
    p = sub.add_parser("explore", help="drive the bot through every screen and button")
    from engine.explorer.cli import add_arguments

    add_arguments(p)
    p.set_defaults(run=_explore)
    p = sub.add_parser("rules", help="list the lint rules and their codes")
    p.set_defaults(run=_rules)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:2] == ["catalog", "sync"]:  # a sub-action beside the listing's optional ROOT
        from engine.catalog.cli import sync_main

        return sync_main(argv[2:])
    args = build_parser().parse_args(argv)
    return int(args.run(args))
