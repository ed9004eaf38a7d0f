"""CB rules: callback data within 64 bytes; keyboards within 100 buttons."""

from pathlib import Path

from tests.support.projects import BASE_FLOW, findings, lint_project, write_project


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
