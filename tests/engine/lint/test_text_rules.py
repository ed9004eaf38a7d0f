"""TEXT rules: locale texts present, valid, using known variables, within Telegram's limits."""

from pathlib import Path

from tests.support.projects import BASE_FLOW, BASE_TEXTS, findings, lint_project, write_project


def test_text_missing_in_one_locale(tmp_path: Path) -> None:
    en = BASE_TEXTS.replace("  help_text: Help text\n", "")
    problems = lint_project(write_project(tmp_path, {"locales/en.yaml": en}))
    assert findings(problems) == [("TEXT001", "flows/main.yaml", 9)]
    assert "locales/en.yaml" in problems[0].message


def test_text_defined_only_in_one_locale(tmp_path: Path) -> None:
    ru = BASE_TEXTS + "extra:\n  only_ru: Только тут\n"
    problems = lint_project(write_project(tmp_path, {"locales/ru.yaml": ru}))
    codes = findings(problems)
    assert ("TEXT001", "locales/ru.yaml", 8) in codes
    assert ("TEXT002", "locales/ru.yaml", 8) in codes
    assert len(codes) == 2


def test_unused_text_is_a_warning(tmp_path: Path) -> None:
    texts = BASE_TEXTS + "spare: Spare\n"
    problems = lint_project(write_project(tmp_path, {"locales/ru.yaml": texts, "locales/en.yaml": texts}))
    assert findings(problems) == [("TEXT002", "locales/ru.yaml", 7)]
    assert problems[0].severity == "warning"


def test_template_syntax_error(tmp_path: Path) -> None:
    ru = BASE_TEXTS.replace("title: Hello", "title: 'Hello {{ user.first_name '")
    problems = lint_project(write_project(tmp_path, {"locales/ru.yaml": ru}))
    assert findings(problems) == [("TEXT003", "locales/ru.yaml", 2)]


def test_variable_the_screen_does_not_provide(tmp_path: Path) -> None:
    en = BASE_TEXTS.replace("title: Hello", "title: 'Hello {{ balance }}'")
    problems = lint_project(write_project(tmp_path, {"locales/en.yaml": en}))
    assert findings(problems) == [("TEXT004", "locales/en.yaml", 2)]
    assert '"balance"' in problems[0].message


def test_attribute_a_typed_variable_does_not_have(tmp_path: Path) -> None:
    en = BASE_TEXTS.replace("title: Hello", "title: 'Hello {{ user.frist_name }}'")
    problems = lint_project(write_project(tmp_path, {"locales/en.yaml": en}))
    assert findings(problems) == [("TEXT004", "locales/en.yaml", 2)]
    assert "user.frist_name" in problems[0].message


def test_known_variables_pass(tmp_path: Path) -> None:
    en = BASE_TEXTS.replace("title: Hello", "title: 'Hi {{ user.first_name }}'")
    assert lint_project(write_project(tmp_path, {"locales/en.yaml": en})) == []


def test_args_are_the_screens_declared_parameters(tmp_path: Path) -> None:
    en = BASE_TEXTS.replace("title: Hello", "title: 'Hi {{ args.x }}'")
    problems = lint_project(write_project(tmp_path, {"locales/en.yaml": en}))
    assert findings(problems) == [("TEXT004", "locales/en.yaml", 2)]
    assert '"args" on screen main.start has no "x"' in problems[0].message


def test_message_longer_than_telegram_allows(tmp_path: Path) -> None:
    en = BASE_TEXTS.replace("help_text: Help text", "help_text: " + "x" * 4097)
    problems = lint_project(write_project(tmp_path, {"locales/en.yaml": en}))
    assert findings(problems) == [("TEXT005", "locales/en.yaml", 4)]


def test_caption_under_media_has_the_smaller_limit(tmp_path: Path) -> None:
    flow = BASE_FLOW.replace(
        "    text: main.help_text\n", "    text: main.help_text\n    media: {source: 'https://x/y.png'}\n"
    )
    long_caption = "help_text: " + "x" * 1500
    texts = BASE_TEXTS.replace("help_text: Help text", long_caption)
    problems = lint_project(
        write_project(tmp_path, {"flows/main.yaml": flow, "locales/ru.yaml": texts, "locales/en.yaml": texts})
    )
    assert findings(problems) == [("TEXT005", "locales/en.yaml", 4), ("TEXT005", "locales/ru.yaml", 4)]
    assert "1024" in problems[0].message


def test_line_ending_in_a_block_tag_loses_its_break(tmp_path: Path) -> None:
    texts = BASE_TEXTS.replace(
        "help_text: Help text", 'help_text: "Status: {% if user.is_admin %}boss{% endif %}\\nNext line"'
    )
    problems = lint_project(write_project(tmp_path, {"locales/ru.yaml": texts, "locales/en.yaml": texts}))
    assert findings(problems) == [("TEXT006", "locales/en.yaml", 4), ("TEXT006", "locales/ru.yaml", 4)]


def test_tags_alone_on_their_lines_and_trailing_breaks_are_fine(tmp_path: Path) -> None:
    texts = BASE_TEXTS.replace(
        "help_text: Help text",
        'help_text: "{% if user.is_admin %}\\nboss {{ user.id }}\\n{% endif %}\\n'
        'end {% if 1 %}x{% endif %}\\n"',
    )
    assert lint_project(write_project(tmp_path, {"locales/ru.yaml": texts, "locales/en.yaml": texts})) == []
