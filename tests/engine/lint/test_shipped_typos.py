"""The typos that used to lint clean and crash at run time, each made in a copy of the shipped
bundle: the linter names the file, line and column, and what was meant."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.project import builtin_declarations
from engine.lint.linter import lint
from engine.loader.bundle import load_bundle
from tests.conftest import PROJECT_ROOT


def _shipped_with(tmp_path: Path, file: str, old: str, new: str) -> Path:
    for part in ("flows", "models", "locales"):
        shutil.copytree(PROJECT_ROOT / part, tmp_path / part)
    path = tmp_path / file
    text = path.read_text()
    assert text.count(old) == 1, f"the shipped {file} changed: update this test"
    path.write_text(text.replace(old, new))
    return tmp_path


def _line_col(root: Path, file: str, needle: str) -> tuple[int, int]:
    for number, line in enumerate((root / file).read_text().splitlines(), 1):
        if needle in line:
            return number, line.index(needle)
    raise AssertionError(needle)


TYPOS = [
    pytest.param(
        "flows/catalog.yaml",
        'go: generation.form, args: {model: "{{ args.model }}"}',
        'go: generation.form, args: {model: "{{ args.modle }}"}',
        "TPL002",
        'has no "modle" (did you mean "model"?)',
        id="args.modle",
    ),
    pytest.param(
        "flows/wallet.yaml",
        'args: {receipt: "{{ result.id }}"',
        'args: {receipt: "{{ result.idd }}"',
        "TPL002",
        'has no "idd" (did you mean "id"?)',
        id="result.idd",
    ),
    pytest.param(
        "flows/catalog.yaml",
        'go: card, args: {model: "{{ item.id }}"}',
        'go: card, args: {model: "{{ item.idx }}"}',
        "TPL002",
        'has no "idx" (did you mean "id"?)',
        id="item.idx",
    ),
    pytest.param(
        "flows/main.yaml",
        'go: catalog.task, args: {task: "{{ item.id }}"}',
        'go: catalog.task, args: {tsk: "{{ item.id }}"}',
        "ARG002",
        'passes "tsk", which catalog.task does not take (did you mean "task"?)',
        id="tsk",
    ),
]


@pytest.mark.parametrize(("file", "old", "new", "code", "message"), TYPOS)
def test_a_typo_in_the_shipped_bundle_is_caught_where_it_is(
    tmp_path: Path, file: str, old: str, new: str, code: str, message: str
) -> None:
    assert lint(load_bundle(PROJECT_ROOT), builtin_declarations()) == []
    root = _shipped_with(tmp_path, file, old, new)
    problems = [p for p in lint(load_bundle(root), builtin_declarations()) if p.code == code]
    assert problems, f"{code} not reported"
    first = problems[0]
    typo = new.split("{{ ")[-1].split(" }}")[0] if code == "TPL002" else "tsk"
    line, _ = _line_col(root, file, typo)
    assert (first.location.file, first.location.line) == (file, line)
    assert first.location.column > 1
    assert message in first.message


def test_a_screen_opened_without_a_required_parameter(tmp_path: Path) -> None:
    root = _shipped_with(
        tmp_path, "flows/catalog.yaml", 'go: card, args: {model: "{{ item.id }}"}', "go: card"
    )
    problems = lint(load_bundle(root), builtin_declarations())
    assert [(p.code, p.location.file) for p in problems] == [("ARG001", "flows/catalog.yaml")]
    assert "opens catalog.card without model" in problems[0].message


def test_an_argument_of_the_wrong_type(tmp_path: Path) -> None:
    root = _shipped_with(
        tmp_path,
        "flows/admin/money.yaml",
        'go: star, args: {payment: "{{ item.id }}"',
        'go: star, args: {payment: "{{ item.date }}"',
    )
    problems = lint(load_bundle(root), builtin_declarations())
    assert [p.code for p in problems] == ["ARG003"]
    assert "is str, the parameter is integer" in problems[0].message


def test_a_literal_model_that_does_not_exist(tmp_path: Path) -> None:
    root = _shipped_with(
        tmp_path,
        "flows/catalog.yaml",
        'go: generation.form, args: {model: "{{ args.model }}"}',
        "go: generation.form, args: {model: google/nano-banana-typo}",
    )
    problems = lint(load_bundle(root), builtin_declarations())
    assert [p.code for p in problems] == ["ARG003"]
    assert "is no model in models/" in problems[0].message


def test_a_screen_that_reads_a_result_it_is_not_given(tmp_path: Path) -> None:
    root = _shipped_with(tmp_path, "locales/ru.yaml", "{% if args.free %}", "{% if result.free %}")
    problems = lint(load_bundle(root), builtin_declarations())
    assert [p.code for p in problems] == ["TEXT004"]
    assert '"result" is not available on screen generation.started' in problems[0].message


def test_an_unknown_parameter_type(tmp_path: Path) -> None:
    root = _shipped_with(tmp_path, "flows/catalog.yaml", "params: {model: model}", "params: {model: modle}")
    problems = [p for p in lint(load_bundle(root), builtin_declarations()) if p.code == "ARG004"]
    assert len(problems) == 1
    assert 'unknown type "modle" (did you mean "model"?)' in problems[0].message


def test_a_command_cannot_open_a_screen_that_needs_parameters(tmp_path: Path) -> None:
    root = _shipped_with(
        tmp_path, "flows/wallet.yaml", "paysupport: {screen: paysupport,", "paysupport: {screen: manual_sent,"
    )
    problems = [p for p in lint(load_bundle(root), builtin_declarations()) if p.code == "ARG001"]
    assert len(problems) == 1 and "command /paysupport" in problems[0].message


def test_a_form_offer_for_a_refusal_its_submit_never_gives(tmp_path: Path) -> None:
    root = _shipped_with(
        tmp_path, "flows/generation.yaml", "when: generation.not_enough", "when: generation.not_enuogh"
    )
    problems = lint(load_bundle(root), builtin_declarations())
    assert [p.code for p in problems] == ["FLOW007"]
    line, _ = _line_col(root, "flows/generation.yaml", "not_enuogh")
    assert (problems[0].location.file, problems[0].location.line) == ("flows/generation.yaml", line)
    assert '"generation.submit" never refuses with that text' in problems[0].message


def test_a_form_offer_to_a_screen_that_does_not_exist(tmp_path: Path) -> None:
    root = _shipped_with(
        tmp_path,
        "flows/generation.yaml",
        "text: generation.top_up, screen: wallet.balance}",
        "text: generation.top_up, screen: wallet.balanse}",
    )
    problems = lint(load_bundle(root), builtin_declarations())
    assert [p.code for p in problems] == ["FLOW001"]
    assert 'unknown screen "wallet.balanse" (did you mean "wallet.balance"?)' in problems[0].message
