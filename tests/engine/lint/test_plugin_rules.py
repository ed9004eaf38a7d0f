"""PLUG rules: calls into plug-ins are checked against their declarations without running."""

from pathlib import Path

from pydantic import BaseModel

from engine.lint.linter import lint
from engine.loader.bundle import load_bundle
from engine.plugin import CallContext, NoArgs, Plugin, PluginSet, action, query
from plugins.user import UserPlugin
from tests.support.projects import BASE_FLOW, findings, write_project


class Item(BaseModel):
    id: str
    title: str


class Count(BaseModel):
    value: int


class ShopArgs(BaseModel):
    limit: int
    kind: str = "all"


class Shop(Plugin):
    namespace = "shop"

    @query
    async def items(self, ctx: CallContext, args: ShopArgs) -> list[Item]:
        return []

    @query
    async def count(self, ctx: CallContext, args: NoArgs) -> Count:
        return Count(value=0)

    @action
    async def buy(self, ctx: CallContext, args: NoArgs) -> None:
        return None


PLUGINS = PluginSet([Shop.declarations(), UserPlugin.declarations()])


def _lint(root: Path, flow: str) -> list:
    write_project(root, {"flows/main.yaml": flow})
    return lint(load_bundle(root), PLUGINS)


def _with_row(row: str) -> str:
    return BASE_FLOW.replace(
        "      - [{text: main.help, go: help}]\n", f"      - [{{text: main.help, go: help}}]\n{row}"
    )


def test_valid_calls_pass(tmp_path: Path) -> None:
    flow = _with_row(
        "      - for_each: shop.items\n        args: {limit: 5}\n"
        "        button: {text: main.help, call: shop.buy, next: help}\n"
    )
    assert _lint(tmp_path, flow) == []


def test_unknown_action(tmp_path: Path) -> None:
    flow = _with_row("      - [{text: main.help, call: shop.sell, next: help}]\n")
    problems = _lint(tmp_path, flow)
    assert findings(problems) == [("PLUG001", "flows/main.yaml", 8)]
    assert "shop offers: buy, count, items" in problems[0].message


def test_unknown_namespace(tmp_path: Path) -> None:
    flow = _with_row("      - [{text: main.help, call: bank.buy, next: help}]\n")
    assert findings(_lint(tmp_path, flow)) == [("PLUG001", "flows/main.yaml", 8)]


def test_unknown_argument_name(tmp_path: Path) -> None:
    flow = _with_row(
        "      - for_each: shop.items\n        args: {limit: 5, colour: red}\n"
        "        button: {text: main.help, go: help}\n"
    )
    problems = _lint(tmp_path, flow)
    assert findings(problems) == [("PLUG002", "flows/main.yaml", 9)]
    assert '"colour"' in problems[0].message


def test_missing_required_argument(tmp_path: Path) -> None:
    flow = _with_row("      - for_each: shop.items\n        button: {text: main.help, go: help}\n")
    problems = _lint(tmp_path, flow)
    assert findings(problems) == [("PLUG002", "flows/main.yaml", 8)]
    assert 'needs argument "limit"' in problems[0].message


def test_literal_of_the_wrong_type(tmp_path: Path) -> None:
    flow = _with_row(
        "      - for_each: shop.items\n        args: {limit: many}\n"
        "        button: {text: main.help, go: help}\n"
    )
    assert findings(_lint(tmp_path, flow)) == [("PLUG002", "flows/main.yaml", 9)]


def test_template_arguments_are_checked_by_what_they_read(tmp_path: Path) -> None:
    flow = _with_row(
        "      - for_each: shop.items\n        args: {limit: '{{ user.id }}'}\n"
        "        button: {text: main.help, go: help}\n"
    )
    assert _lint(tmp_path, flow) == []
    typo = flow.replace("{{ user.id }}", "{{ args.n }}")
    problems = _lint(tmp_path, typo)
    assert findings(problems) == [("TPL002", "flows/main.yaml", 9)]


def test_query_used_as_an_action(tmp_path: Path) -> None:
    flow = _with_row("      - [{text: main.help, call: shop.count, next: help}]\n")
    problems = _lint(tmp_path, flow)
    assert findings(problems) == [("PLUG003", "flows/main.yaml", 8)]


def test_rows_from_a_query_that_returns_no_list(tmp_path: Path) -> None:
    flow = _with_row("      - for_each: shop.count\n        button: {text: main.help, go: help}\n")
    problems = _lint(tmp_path, flow)
    assert findings(problems) == [("PLUG003", "flows/main.yaml", 8)]


def test_item_fields_are_known_to_row_texts(tmp_path: Path) -> None:
    flow = _with_row(
        "      - for_each: shop.items\n        args: {limit: 3}\n"
        "        button: {text: main.item, go: help}\n"
    )
    write_project(tmp_path, {"flows/main.yaml": flow})
    for lang in ("ru", "en"):
        path = tmp_path / "locales" / f"{lang}.yaml"
        path.write_text(
            path.read_text().replace("  help: Help\n", "  help: Help\n  item: '{{ item.name }}'\n")
        )
    problems = lint(load_bundle(tmp_path), PLUGINS)
    assert [p.code for p in problems] == ["TEXT004", "TEXT004"]
    assert "item.name" in problems[0].message
