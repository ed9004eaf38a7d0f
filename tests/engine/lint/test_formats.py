"""The lint formats CI reads: GitHub workflow-command annotations and SARIF 2.1.0, the latter
validated against the published schema (vendored beside this file: sarif-schema-2.1.0.json,
from oasis-tcs/sarif-spec sarif-2.1/schema)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from engine.lint.formats import format_github, sarif_log
from engine.lint.registry import RULES
from engine.loader.errors import Location, Problem, Severity
from tests.conftest import PROJECT_ROOT
from tests.support.projects import BASE_FLOW, BASE_TEXTS, lint_project, write_project

SARIF_SCHEMA = json.loads((Path(__file__).parent / "sarif-schema-2.1.0.json").read_text("utf-8"))


def _assert_valid_sarif(log: dict[str, Any]) -> None:
    validator = jsonschema.Draft4Validator(
        SARIF_SCHEMA, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(log)]
    assert errors == []


def _project_with_findings(root: Path) -> list[Problem]:
    """An error (FLOW001, and the FLOW002 it causes) and a warning (TEXT002)."""
    texts = BASE_TEXTS + "spare: Spare\n"
    write_project(
        root,
        {
            "flows/main.yaml": BASE_FLOW.replace("go: help}", "go: hlep}"),
            "locales/ru.yaml": texts,
            "locales/en.yaml": texts,
        },
    )
    return lint_project(root)


def _run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "engine", *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=60
    )


def test_github_annotations_one_a_finding_then_the_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    problems = _project_with_findings(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert format_github(problems, tmp_path).splitlines() == [
        '::error file=flows/main.yaml,line=7,col=32,title=FLOW001::button "main.help" points to '
        'unknown screen "main.hlep" (did you mean "main.help"?)',
        '::error file=flows/main.yaml,line=8,col=3,title=FLOW002::screen "main.help" cannot be '
        "reached from any command",
        '::warning file=locales/ru.yaml,line=7,col=8,title=TEXT002::text "spare" is not used anywhere',
        "2 error(s), 1 warning(s)",
    ]


def test_github_escapes_messages_and_properties(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    odd = tmp_path / "flows" / "a,b:c%.yaml"
    odd.parent.mkdir()
    odd.write_text("screens: {}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    problem = Problem("FLOW001", Location("flows/a,b:c%.yaml", 3, 5), "100% wrong:\r\nsee, here")
    engine_text = Problem("TEXT002", Location("engine", 1, 1), "x", Severity.WARNING)
    assert format_github([problem, engine_text], tmp_path).splitlines() == [
        "::error file=flows/a%2Cb%3Ac%25.yaml,line=3,col=5,title=FLOW001::100%25 wrong:%0D%0Asee, here",
        "::warning title=TEXT002::x",  # not a project file: GitHub shows it on the run's summary
        "1 error(s), 1 warning(s)",
    ]


def test_clean_github_output_is_the_summary_alone(tmp_path: Path) -> None:
    assert format_github([], tmp_path) == "no problems found"


def test_sarif_log_is_valid_and_complete(tmp_path: Path) -> None:
    problems = _project_with_findings(tmp_path)
    log = sarif_log(problems, tmp_path)
    _assert_valid_sarif(log)
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] and driver["version"] and driver["informationUri"]
    assert {
        r["id"]: (r["shortDescription"]["text"], r["defaultConfiguration"]["level"]) for r in driver["rules"]
    } == {c: (r.summary, r.severity.value) for c, r in RULES.items()}
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.resolve().as_uri() + "/"
    found = [
        (
            r["ruleId"],
            r["level"],
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            r["locations"][0]["physicalLocation"]["region"]["startColumn"],
        )
        for r in run["results"]
    ]
    assert found == [
        ("FLOW001", "error", "flows/main.yaml", 7, 32),
        ("FLOW002", "error", "flows/main.yaml", 8, 3),
        ("TEXT002", "warning", "locales/ru.yaml", 7, 8),
    ]
    assert run["results"][0]["message"]["text"].startswith('button "main.help" points to unknown screen')
    for result in run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] == "%SRCROOT%"


def test_sarif_of_the_shipped_project_is_valid_and_empty() -> None:
    result = _run(PROJECT_ROOT, "lint", "--format", "sarif")
    assert result.returncode == 0, result.stdout[-2000:]
    log = json.loads(result.stdout)
    _assert_valid_sarif(log)
    assert log["runs"][0]["results"] == []


def test_load_errors_exit_2_in_the_chosen_format(tmp_path: Path) -> None:
    write_project(tmp_path, {"flows/main.yaml": "screens:\n  start: {text: [\n"})
    github = _run(tmp_path, "lint", "--format", "github")
    assert github.returncode == 2
    assert github.stdout.splitlines()[0].startswith(
        "::error file=flows/main.yaml,line=3,col=1,title=LOAD001::"
    )
    assert github.stdout.splitlines()[-1] == "1 error(s), 0 warning(s)"
    sarif = _run(tmp_path, "lint", "--format", "sarif")
    assert sarif.returncode == 2
    log = json.loads(sarif.stdout)
    _assert_valid_sarif(log)
    [result] = log["runs"][0]["results"]
    assert result["ruleId"] == "LOAD001" and result["level"] == "error"
    assert result["locations"][0]["physicalLocation"]["region"] == {"startLine": 3, "startColumn": 1}
