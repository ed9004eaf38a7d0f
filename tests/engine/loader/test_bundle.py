from pathlib import Path

import pytest

from engine.loader.bundle import load_bundle
from engine.loader.errors import BundleLoadError
from tests.support.projects import BASE_FLOW, write_project


def _problems(root: Path) -> list[tuple[str, str, int]]:
    with pytest.raises(BundleLoadError) as caught:
        load_bundle(root)
    return [(p.code, p.location.file, p.location.line) for p in caught.value.problems]


def test_base_project_loads_into_an_immutable_bundle(tmp_path: Path) -> None:
    bundle = load_bundle(write_project(tmp_path))
    assert set(bundle.screens) == {"main.start", "main.help"}
    assert bundle.commands["start"].target == "main.start"
    assert bundle.text("main.title", "en").render({}) == "Hello"
    with pytest.raises(TypeError):
        bundle.screens["x"] = bundle.screens["main.start"]  # type: ignore[index]


def test_unknown_key_is_located_and_explained(tmp_path: Path) -> None:
    flow = BASE_FLOW.replace("    keyboard:\n", "    keybaord:\n", 1)
    problems = _problems(write_project(tmp_path, {"flows/main.yaml": flow}))
    assert problems == [("LOAD002", "flows/main.yaml", 6)]


def test_wrong_type_is_located(tmp_path: Path) -> None:
    flow = BASE_FLOW.replace(
        "      - [{text: common.back, back: true}]", "      - [{text: common.back, back: true, args: {a: 1}}]"
    )
    problems = _problems(write_project(tmp_path, {"flows/main.yaml": flow}))
    assert problems == [("LOAD002", "flows/main.yaml", 11)]


def test_button_with_two_behaviours_is_refused(tmp_path: Path) -> None:
    flow = BASE_FLOW.replace("go: help}", "go: help, back: true}")
    with pytest.raises(BundleLoadError) as caught:
        load_bundle(write_project(tmp_path, {"flows/main.yaml": flow}))
    assert "exactly one of go, call, url or back" in caught.value.problems[0].message


def test_every_error_of_every_file_at_once(tmp_path: Path) -> None:
    broken = BASE_FLOW.replace("    keyboard:\n", "    keybaord:\n", 1)
    problems = _problems(
        write_project(
            tmp_path,
            {
                "flows/main.yaml": broken,
                "flows/other.yaml": "screens:\n  a: [1\n",
                "locales/en.yaml": "main: [unclosed\n",
            },
        )
    )
    files = {file for _, file, _ in problems}
    assert files == {"flows/main.yaml", "flows/other.yaml", "locales/en.yaml"}


def test_command_defined_twice_across_files(tmp_path: Path) -> None:
    other = "commands:\n  start: x\nscreens: {}\n"
    problems = _problems(write_project(tmp_path, {"flows/other.yaml": other}))
    assert problems == [("LOAD004", "flows/other.yaml", 2)]


def test_missing_locale_file(tmp_path: Path) -> None:
    write_project(tmp_path)
    (tmp_path / "locales" / "en.yaml").unlink()
    assert _problems(tmp_path) == [("LOAD001", "locales/en.yaml", 1)]


def test_topic_locale_files_join_the_language(tmp_path: Path) -> None:
    write_project(
        tmp_path,
        {
            "locales/ru/promo.yaml": "promo:\n  title: Промокоды\n",
            "locales/en/promo.yaml": "promo:\n  title: Promo codes\n",
        },
    )
    bundle = load_bundle(tmp_path)
    assert bundle.locales["ru"].positions["promo.title"].file == "locales/ru/promo.yaml"
    assert "promo.title" in bundle.locales["en"].texts


def test_text_defined_in_two_locale_files_is_refused(tmp_path: Path) -> None:
    write_project(tmp_path, {"locales/ru/again.yaml": "common:\n  back: Назад\n"})
    assert ("LOAD004", "locales/ru/again.yaml", 2) in _problems(tmp_path)
