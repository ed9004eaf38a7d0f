"""Lint rules by stable code: each code means one thing forever, so CI logs stay comparable."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from engine.loader.errors import Location, Problem, Severity


@dataclass(frozen=True)
class Rule:
    code: str
    severity: Severity
    summary: str


RULES: dict[str, Rule] = {}
CHECKS: list[Callable[..., Iterator[Problem]]] = []


def declare(code: str, summary: str, severity: Severity = Severity.ERROR) -> Rule:
    if code in RULES:
        raise ValueError(f"rule {code} declared twice")
    RULES[code] = Rule(code, severity, summary)
    return RULES[code]


def check(func: Callable[..., Iterator[Problem]]) -> Callable[..., Iterator[Problem]]:
    CHECKS.append(func)
    return func


def finding(code: str, location: Location, message: str) -> Problem:
    return Problem(code, location, message, RULES[code].severity)


# Load-time problems: the project could not be read at all (exit 2).
declare("LOAD001", "a file cannot be read or is not valid YAML")
declare("LOAD002", "a value has the wrong shape, type or an unknown key")
declare("LOAD003", "a YAML feature the project does not use (merge keys)")
declare("LOAD004", "the same key, command, task or model is defined twice")
declare("LOAD005", "texts (models/texts/) for a model no models/ file defines")
