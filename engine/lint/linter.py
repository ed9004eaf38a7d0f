"""Run every rule over a bundle and report the findings in a stable order."""

from __future__ import annotations

import json

from engine.lint import (  # noqa: F401  (importing a rule module registers its rules)
    callback_rules,
    flow_rules,
    follow_up_rules,
    guard_rules,
    model_rules,
    param_rules,
    plugin_rules,
    split_rules,
    template_rules,
    text_rules,
)
from engine.lint.context import LintContext
from engine.lint.registry import CHECKS, RULES
from engine.loader.bundle import Bundle
from engine.loader.errors import Problem, Severity
from engine.plugin import PluginSet


def lint(bundle: Bundle, plugins: PluginSet) -> list[Problem]:
    ctx = LintContext(bundle, plugins)
    found = [problem for check in CHECKS for problem in check(ctx)]
    return sorted(set(found), key=lambda p: (p.location, p.code, p.message))


def has_errors(problems: list[Problem]) -> bool:
    return any(p.severity is Severity.ERROR for p in problems)


def format_text(problems: list[Problem]) -> str:
    lines = [f"{p.location} {p.code} {p.severity.value}: {p.message}" for p in problems]
    errors = sum(p.severity is Severity.ERROR for p in problems)
    warnings = len(problems) - errors
    lines.append(f"{errors} error(s), {warnings} warning(s)" if problems else "no problems found")
    return "\n".join(lines)


def format_json(problems: list[Problem]) -> str:
    return json.dumps([p.as_json() for p in problems], ensure_ascii=False, indent=2)


def rules_table() -> str:
    return "\n".join(
        f"{r.code:9} {r.severity.value:8} {r.summary}" for r in sorted(RULES.values(), key=lambda r: r.code)
    )
