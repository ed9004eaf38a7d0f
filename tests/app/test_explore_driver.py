"""The explorer with the real runtime, plug-ins and emulators: clean on a sound project, and
a failure naming the path on each seeded fault (loaded without the lint check, as a gap in
the linter would let it through)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.explore_driver import make_driver
from engine.explorer.driver import Role
from engine.explorer.explore import explore
from engine.explorer.report import describe
from engine.plugin import PluginSet
from plugins.user import UserPlugin
from tests.support.projects import write_project

BUDGET = 5500  # actions: about 50 s on 2 shared cores (every screen, and some forms)
MODELS = 10  # forms walked

FLOW = """\
commands:
  start: start
screens:
  start:
    text: main.title
    keyboard:
      - [{text: main.a, go: a}, {text: main.help, go: help}]
      - [{text: main.lang, call: user.set_language, args: {language: en}, next: done}]
  a:
    text: main.a_text
    input: {accept: [text], next: help}
    keyboard:
      - [{text: main.task, go: task, args: {task: banner}}]
      - [{text: common.back, back: true}]
  task:
    params: {task: text}
    text: main.task_text
    keyboard:
      - [{text: common.back, back: true}]
  help:
    text: main.help_text
    keyboard:
      - [{text: common.back, back: true}]
  done:
    text: main.done
    keyboard:
      - [{text: common.back, back: true}]
"""
TEXTS = """\
main:
  title: Hello
  a: A
  a_text: Screen A
  task: Task
  task_text: "Task {{ args.task }}"
  help: Help
  help_text: Help text
  lang: English
  done: Done
common:
  back: Back
"""


async def run(root: Path, checked: bool = True):  # type: ignore[no-untyped-def]
    async with make_driver(
        root, checked=checked, declarations=PluginSet([UserPlugin.declarations()])
    ) as driver:
        return await explore(driver, seed=3, roles=(Role.USER, Role.ADMIN))


def project(tmp_path: Path, flow: str = FLOW, texts: str = TEXTS) -> Path:
    return write_project(
        tmp_path, {"flows/main.yaml": flow, "locales/ru.yaml": texts, "locales/en.yaml": texts}
    )


async def test_a_sound_project_explores_clean(tmp_path: Path) -> None:
    report = await run(project(tmp_path))
    assert report.clean, report.format()
    assert {"main.start", "main.a", "main.task", "main.help", "main.done"} <= report.screens
    assert report.counts["restarts"] > 0


@pytest.mark.parametrize(
    ("name", "flow", "texts", "last"),
    [
        (
            "a template typo in a button's args",
            FLOW.replace("args: {task: banner}", 'args: {task: "{{ args.modle }}"}'),
            TEXTS,
            '"A"',
        ),
        (
            "a go that passes a parameter the screen does not read",
            FLOW.replace("args: {task: banner}", "args: {tsk: banner}"),
            TEXTS,
            '"Task"',
        ),
        (
            "a text reading a result the screen does not get",
            FLOW,
            TEXTS.replace("done: Done", 'done: "Done {{ result.x }}"'),
            '"English"',
        ),
    ],
)
async def test_a_seeded_fault_fails_the_run_naming_its_path(
    tmp_path: Path, name: str, flow: str, texts: str, last: str
) -> None:
    report = await run(project(tmp_path, flow, texts), checked=False)
    assert not report.clean, name
    paths = [describe(f.path) for f in report.failures]
    assert any(path.endswith(last) for path in paths), (name, report.format())


async def test_the_shipped_bundle_explores_clean_on_a_budget() -> None:
    """A seeded slice of the full run (README: "For product editors"), which takes a few
    minutes and so is run by hand: every role and language crawled on its share, forms
    walked to a result."""
    async with make_driver() as driver:
        report = await explore(driver, seed=0, budget=BUDGET, models=MODELS)
    assert report.clean, report.format()
    assert report.counts["presses"] > BUDGET // 3
    assert {"main.start", "admin.menu", "generation.form"} <= report.screens, report.screens
    assert len(report.models) >= MODELS // 2, report.format()


async def test_each_new_explorer_user_starts_with_the_settings_the_run_began_with() -> None:
    async with make_driver() as driver:
        wallet = driver._wallet()
        assert wallet is not None
        default = (await wallet.settings.get()).fx_rub_per_usd
        admin = await driver.new_user(Role.ADMIN, "ru")
        await wallet.settings.set("fx_rub_per_usd", "500", admin)  # what the explorer types
        assert (await wallet.settings.get()).fx_rub_per_usd == 500
        await driver.new_user(Role.USER, "ru")
        assert (await wallet.settings.get()).fx_rub_per_usd == default
