"""CB rules: callback data within 64 bytes; keyboards within 100 buttons; one paged list a
screen."""

from pathlib import Path

from pydantic import BaseModel

from engine.lint.linter import lint
from engine.loader.bundle import load_bundle
from engine.plugin import CallContext, NoArgs, Plugin, PluginSet, query
from tests.support.projects import BASE_FLOW, findings, lint_project, write_project


class Item(BaseModel):
    id: str


class LimitArgs(BaseModel):
    limit: int = 0


class Shop(Plugin):
    namespace = "shop"

    @query
    async def everything(self, ctx: CallContext, args: NoArgs) -> list[Item]:
        return []

    @query
    async def goods(self, ctx: CallContext, args: NoArgs) -> list[Item]:
        return []

    @query(at_most=3)
    async def latest(self, ctx: CallContext, args: NoArgs) -> list[Item]:
        return []

    @query(at_most="limit")
    async def starred(self, ctx: CallContext, args: LimitArgs) -> list[Item]:
        return []


def _lint_lists(root: Path, *rows: str) -> list:
    """The start screen with a ``for_each`` row per ``rows`` entry ("query page_size [args]")."""
    block = ""
    for row in rows:
        name, page, *args = row.split(" ", 2)
        block += f"      - for_each: shop.{name}\n        page_size: {page}\n"
        block += f"        args: {args[0]}\n" if args else ""
        block += "        button: {text: main.help, go: help}\n"
    flow = BASE_FLOW.replace(
        "      - [{text: main.help, go: help}]\n", block + "      - [{text: main.help, go: help}]\n", 1
    )
    write_project(root, {"flows/main.yaml": flow})
    return lint(load_bundle(root), PluginSet([Shop.declarations()]))


def test_screen_id_too_long_for_callback_data(tmp_path: Path) -> None:
    long_name = "help_" + "x" * 40
    flow = BASE_FLOW.replace("go: help}", f"go: {long_name}}}").replace("  help:\n", f"  {long_name}:\n")
    problems = lint_project(write_project(tmp_path, {"flows/main.yaml": flow}))
    assert findings(problems) == [("CB001", "flows/main.yaml", 8)]
    assert "64" in problems[0].message


def test_callback_data_of_a_normal_screen_fits(tmp_path: Path) -> None:
    from engine.callbacks import CallbackData, worst_case_length

    assert worst_case_length("catalog.model_card") <= 64
    data = CallbackData("catalog.model_card", 9_999_999_999, "i99.999")
    assert CallbackData.decode(data.encode()) == data
    assert CallbackData.decode("forged") is None
    assert CallbackData.decode("x" * 65) is None


def test_keyboard_over_telegram_button_limit(tmp_path: Path) -> None:
    buttons = ", ".join(["{text: main.help, go: help}"] * 101)
    flow = BASE_FLOW.replace("[{text: main.help, go: help}]", f"[{buttons}]")
    problems = lint_project(write_project(tmp_path, {"flows/main.yaml": flow}))
    assert findings(problems) == [("CB002", "flows/main.yaml", 7)]


def test_two_lists_that_could_both_page_are_refused(tmp_path: Path) -> None:
    problems = _lint_lists(tmp_path, "everything 8", "goods 8")
    assert findings(problems) == [("CB003", "flows/main.yaml", 10)]
    assert "shop.goods" in problems[0].message and "shop.everything" in problems[0].message


def test_bounded_lists_within_their_page_beside_a_paged_one_pass(tmp_path: Path) -> None:
    assert _lint_lists(tmp_path, "latest 3", "starred 6 {limit: 6}", "everything 8") == []


def test_a_bound_beyond_the_page_or_an_unbounded_argument_still_pages(tmp_path: Path) -> None:
    assert findings(_lint_lists(tmp_path, "latest 2", "everything 8")) == [("CB003", "flows/main.yaml", 10)]
    assert findings(_lint_lists(tmp_path, "starred 6", "everything 8")) == [("CB003", "flows/main.yaml", 10)]
    late = _lint_lists(tmp_path, "starred 6 {limit: 9}", "everything 8")
    assert findings(late) == [("CB003", "flows/main.yaml", 11)]
