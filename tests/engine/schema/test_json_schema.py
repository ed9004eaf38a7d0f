"""The printed JSON Schemas, checked by an independent validator (check-jsonschema), agree with
the loader: every shipped file passes, every shorthand the loader takes is in the schema, and
what the loader refuses (an unknown key, a wrong type) the schema refuses too."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

from engine.loader.yaml_source import parse_yaml
from engine.schema.json_schema import SCHEMAS
from tests.conftest import PROJECT_ROOT

SHIPPED = {
    "flow": sorted((PROJECT_ROOT / "flows").glob("*.yaml")),
    "models": sorted((PROJECT_ROOT / "models").rglob("*.yaml")),  # models/texts/ too
}

MODEL_HEAD = """\
models:
  - id: vendor/model
    vendor: Vendor
    category: image
    name: {ru: Модель, en: Model}
    description: {ru: Описание, en: Description}
"""

#: (kind, name, YAML, whether the loader accepts it)
CASES: list[tuple[str, str, str, bool]] = [
    (
        "flow",
        "shorthands",
        """\
commands:
  start: start
  help: {screen: help, description: commands.help}
screens:
  start:
    text: main.title
    data: {balance: wallet.balance, ops: {query: wallet.operations, args: {page: 1}}}
    keyboard:
      - {text: main.help, go: help}
      - [{text: main.back, back: true}]
      - {for_each: catalog.tasks, button: {text: main.task, go: help}}
    input: {accept: photo, next: help}
  help:
    text: main.help
    input: {accept: [text, voice], next: start}
""",
        True,
    ),
    ("flow", "unknown_key", "screens:\n  start: {text: main.title, txt: main.title}\n", False),
    (
        "flow",
        "wrong_type",
        """\
screens:
  start:
    text: main.title
    keyboard: [{for_each: catalog.tasks, page_size: many, button: {text: a.b, back: true}}]
""",
        False,
    ),
    ("flow", "query_not_a_name", "screens:\n  start: {text: main.title, data: {balance: 5}}\n", False),
    ("flow", "unknown_input_kind", "screens:\n  s: {text: a.b, input: {accept: gif, next: s}}\n", False),
    ("flow", "empty_accept", "screens:\n  s: {text: a.b, input: {accept: [], next: s}}\n", False),
    ("flow", "row_of_text", "screens:\n  s: {text: a.b, keyboard: [just text]}\n", False),
    (
        "models",
        "shorthands",
        """\
field_texts:
  voice: {labels: {alice: Alice, bob: {ru: Боб, en: Bob}}}
"""
        + MODEL_HEAD
        + """\
    price:
      cases:
        - {when: {quality: high}, credits: 2.5, per: duration}
        - {when: {quality: [low, medium]}, credits: "1.5"}
    input:
      voice: {type: enum, options: [alice, {value: bob, label: Bob}, {value: carol}]}
      quality: {type: enum, options: [low, medium, high], default: low}
      duration: {type: integer, options: [5, 10], ask_when: {quality: high}}
""",
        True,
    ),
    ("models", "unknown_field_key", MODEL_HEAD + "    input:\n      p: {type: string, colour: red}\n", False),
    ("models", "options_mapping", MODEL_HEAD + "    input:\n      p: {type: enum, options: {a: 1}}\n", False),
    (
        "models",
        "empty_label",
        MODEL_HEAD + "    input:\n      p: {type: enum, options: [{value: a, label: ''}]}\n",
        False,
    ),
    ("models", "credits_not_a_number", MODEL_HEAD + "    price: {cases: [{credits: free}]}\n", False),
    ("models", "unknown_field_type", MODEL_HEAD + "    input:\n      p: {type: colour}\n", False),
]


def _loader_accepts(model: type[BaseModel], text: str) -> bool:
    doc, problems = parse_yaml(text, "case.yaml")
    assert doc is not None, problems
    try:
        model.model_validate(doc.data)
    except ValidationError:
        return False
    return True


def _schema_errors(tmp_path: Path, kind: str, files: list[Path]) -> dict[str, list[str]]:
    """check-jsonschema's errors by file, against the schema ``python -m engine schema`` prints."""
    printed = subprocess.run(
        [sys.executable, "-m", "engine", "schema", "--kind", kind],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        check=True,
        timeout=60,
    )
    schema_file = tmp_path / f"{kind}.schema.json"
    schema_file.write_text(printed.stdout, encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--schemafile",
            str(schema_file),
            "--output-format",
            "json",
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    report = json.loads(result.stdout)
    assert not report.get("parse_errors"), report["parse_errors"]
    errors: dict[str, list[str]] = {}
    for error in report["errors"]:
        errors.setdefault(Path(error["filename"]).name, []).append(
            f"{error['path']}: {error['message'][:200]}"
        )
    return errors


@pytest.mark.parametrize("kind", sorted(SHIPPED))
def test_every_shipped_file_is_valid_under_the_schema(tmp_path: Path, kind: str) -> None:
    assert SHIPPED[kind]
    errors = _schema_errors(tmp_path, kind, SHIPPED[kind])
    assert errors == {}, json.dumps(errors, ensure_ascii=False, indent=1)[:4000]


@pytest.mark.parametrize("kind", sorted(SHIPPED))
def test_schema_and_loader_agree_on_shorthands_and_mistakes(tmp_path: Path, kind: str) -> None:
    cases = [(name, text, accepted) for k, name, text, accepted in CASES if k == kind]
    files = []
    for name, text, accepted in cases:
        assert _loader_accepts(SCHEMAS[kind], text) is accepted, name
        files.append(tmp_path / f"{name}.yaml")
        files[-1].write_text(text, encoding="utf-8")
    errors = _schema_errors(tmp_path, kind, files)
    verdicts = {name: f"{name}.yaml" not in errors for name, _, _ in cases}
    assert verdicts == {name: accepted for name, _, accepted in cases}, errors
