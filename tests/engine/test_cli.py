"""The linter as CI runs it: exit codes, text and JSON output, never a traceback."""

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import PROJECT_ROOT
from tests.support.projects import BASE_FLOW, write_project


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "engine", *args], capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=60
    )


def test_shipped_project_lints_clean() -> None:
    result = _run("lint")
    assert result.returncode == 0, result.stdout
    assert "0 error(s)" in result.stdout or "no problems found" in result.stdout


def test_findings_exit_1_with_json_list(tmp_path: Path) -> None:
    write_project(tmp_path, {"flows/main.yaml": BASE_FLOW.replace("go: help}", "go: hlep}")})
    result = _run("lint", str(tmp_path), "--format", "json")
    assert result.returncode == 1
    findings = json.loads(result.stdout)
    assert {"code", "severity", "file", "line", "message"} <= set(findings[0])
    assert ("FLOW001", "flows/main.yaml", 7) in [(f["code"], f["file"], f["line"]) for f in findings]


def test_malformed_yaml_exits_2_with_locations_not_a_traceback(tmp_path: Path) -> None:
    write_project(tmp_path, {"flows/main.yaml": "screens:\n  start: {text: [\n"})
    result = _run("lint", str(tmp_path))
    assert result.returncode == 2
    assert "Traceback" not in result.stdout + result.stderr
    assert "flows/main.yaml:3:1 LOAD001" in result.stdout


def test_graph_draws_every_transition(tmp_path: Path) -> None:
    write_project(tmp_path)
    mermaid = _run("graph", str(tmp_path)).stdout
    assert mermaid.startswith("flowchart LR")
    assert 'cmd -->|"/start"| main_start' in mermaid
    assert 'main_start -->|"main.help"| main_help' in mermaid
    dot = _run("graph", str(tmp_path), "--format", "dot").stdout
    assert "main_start -> main_help" in dot
    svg = _run("graph", str(tmp_path), "--format", "svg").stdout
    assert svg.startswith("<svg") and 'href="#screen-main.help"' in svg


def test_schema_is_json_schema_of_flow_files() -> None:
    schema = json.loads(_run("schema").stdout)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert {"screens", "commands"} <= set(schema["properties"])
    assert "Screen" in schema["$defs"] and "Button" in schema["$defs"]
