"""MODEL rules: each minimal broken catalog yields exactly its code at the right file:line."""

from pathlib import Path

from tests.support.projects import BASE_FLOW, findings, lint_project, write_project

HEAD = """\
tasks:
  - {id: images, name: {ru: Картинки, en: Images}}
models:
  - id: acme/paint
    vendor: Acme
    category: text-to-image
    tasks: [images]
    name: {ru: Кисть, en: Brush}
    description: {ru: Рисует по описанию, en: Paints from a prompt}
"""
# line 10 onwards is what each test writes
PRICE = """\
    price:
      cases:
        - {credits: 4}
"""
PROMPT = """\
    input:
      prompt: {type: string, required: true, max_length: 500}
"""


def lint_models(tmp_path: Path, body: str, flow: str = BASE_FLOW):
    files = {"models/x.yaml": HEAD + body, "flows/main.yaml": flow}
    return lint_project(write_project(tmp_path, files))


def test_a_complete_model_is_clean(tmp_path: Path) -> None:
    assert lint_models(tmp_path, PRICE + PROMPT) == []


def test_model001_form_names_an_unknown_model(tmp_path: Path) -> None:
    flow = BASE_FLOW.replace(
        "[{text: main.help, go: help}]", "[{text: main.help, go: help}, {text: main.title, go: paint}]"
    )
    flow += """\
  paint:
    text: main.help_text
    form: {model: acme/brush, done: start, cancel: start}
"""
    problems = lint_models(tmp_path, PRICE + PROMPT, flow)
    assert findings(problems) == [("MODEL001", "flows/main.yaml", 14)]
    assert '"acme/brush"' in problems[0].message


def test_model002_enabled_model_with_uncollectable_field(tmp_path: Path) -> None:
    body = PRICE + PROMPT + "      shots: {type: list}\n"
    assert findings(lint_models(tmp_path, body)) == [("MODEL002", "models/x.yaml", 15)]


def test_model002_not_raised_for_a_disabled_model(tmp_path: Path) -> None:
    body = (
        "    enabled: false\n    disabled_reason: 'uncollectable input: shots'\n"
        + PROMPT
        + "      shots: {type: list}\n"
    )
    assert lint_models(tmp_path, body) == []


def test_model003_enabled_model_without_price(tmp_path: Path) -> None:
    assert findings(lint_models(tmp_path, PROMPT)) == [("MODEL003", "models/x.yaml", 4)]


def test_model003_price_per_a_field_without_amount(tmp_path: Path) -> None:
    body = """\
    price:
      cases:
        - {credits: 4, per: hd}
    input:
      prompt: {type: string, required: true}
      hd: {type: boolean, default: false}
"""
    problems = lint_models(tmp_path, body)
    assert findings(problems) == [("MODEL003", "models/x.yaml", 12)]
    assert 'per "hd"' in problems[0].message


def test_model004_condition_on_unknown_field_and_value(tmp_path: Path) -> None:
    body = """\
    price:
      cases:
        - {when: {size: [XL]}, credits: 8}
        - {credits: 4}
    input:
      prompt: {type: string, required: true}
      size: {type: enum, options: [S, M], default: S}
      seed: {type: integer, requires: [colour]}
"""
    assert findings(lint_models(tmp_path, body)) == [
        ("MODEL004", "models/x.yaml", 12),
        ("MODEL004", "models/x.yaml", 17),
    ]


def test_model005_unknown_task(tmp_path: Path) -> None:
    body = PRICE + PROMPT
    text = HEAD.replace("tasks: [images]", "tasks: [images, music]") + body
    problems = lint_project(write_project(tmp_path, {"models/x.yaml": text}))
    assert findings(problems) == [("MODEL005", "models/x.yaml", 7)]
    assert '"music"' in problems[0].message


def test_model006_default_outside_options_and_limits(tmp_path: Path) -> None:
    body = (
        PRICE
        + PROMPT
        + """\
      size: {type: enum, options: ["1:1", "16:9"], default: "4:3"}
      steps: {type: integer, minimum: 1, maximum: 50, default: 80}
"""
    )
    problems = lint_models(tmp_path, body)
    assert findings(problems) == [("MODEL006", "models/x.yaml", 15), ("MODEL006", "models/x.yaml", 16)]
    assert "above its maximum 50" in problems[1].message


def test_model007_price_per_a_field_that_may_be_empty(tmp_path: Path) -> None:
    body = """\
    price:
      cases:
        - {credits: 4, per: count}
    input:
      prompt: {type: string, required: true}
      count: {type: integer, minimum: 1, maximum: 4}
"""
    problems = lint_models(tmp_path, body)
    assert findings(problems) == [("MODEL007", "models/x.yaml", 15)]
    assert "may be left empty" in problems[0].message


def test_model008_condition_on_a_field_asked_later(tmp_path: Path) -> None:
    body = (
        PRICE
        + """\
    input:
      prompt: {type: string, required: true}
      duration: {type: enum, options: ["5", "10"], default: "5", ask_when: {quality: [std]}}
      quality: {type: enum, options: [std, pro], default: std}
"""
    )
    assert findings(lint_models(tmp_path, body)) == [("MODEL008", "models/x.yaml", 15)]


def test_model009_price_rule_leaves_a_choice_unpriced(tmp_path: Path) -> None:
    body = """\
    price:
      cases:
        - {when: {quality: std}, credits: 4}
    input:
      prompt: {type: string, required: true}
      quality: {type: enum, options: [std, pro], default: std}
"""
    problems = lint_models(tmp_path, body)
    assert findings(problems) == [("MODEL009", "models/x.yaml", 11)]
    assert "quality='pro'" in problems[0].message


def test_model010_price_per_second_of_unbounded_media(tmp_path: Path) -> None:
    body = """\
    price:
      cases:
        - {credits: 0.2, per: audio}
    input:
      audio: {type: file, media: audio, required: true}
"""
    assert findings(lint_models(tmp_path, body)) == [("MODEL010", "models/x.yaml", 12)]


def test_model011_enabled_model_serves_no_task(tmp_path: Path) -> None:
    text = HEAD.replace("    tasks: [images]\n", "") + PRICE + PROMPT
    problems = lint_project(write_project(tmp_path, {"models/x.yaml": text}))
    assert findings(problems) == [("MODEL011", "models/x.yaml", 4)]


def test_model008_a_field_that_can_never_be_asked(tmp_path: Path) -> None:
    body = (
        PRICE
        + """\
    input:
      prompt: {type: string, required: true}
      frame: {type: file, media: image}
      tail: {type: file, media: image, requires: [frame], excludes: [frame]}
"""
    )
    problems = lint_models(tmp_path, body)
    assert findings(problems) == [("MODEL008", "models/x.yaml", 16)]
    assert "can never be asked" in problems[0].message


def test_model004_required_unless_names_an_unknown_field(tmp_path: Path) -> None:
    body = (
        PRICE
        + """\
    input:
      prompt: {type: string, required_unless: [image]}
"""
    )
    assert findings(lint_models(tmp_path, body)) == [("MODEL004", "models/x.yaml", 14)]


LINES = """\
    price:
      cases:
        - {credits: 14, per: lines.text, unit: 1000}
    input:
      lines:
        type: list
        required: true
        title: {ru: Реплики, en: Lines}
        items:
          text: {type: string, required: true, title: {ru: Текст, en: Text}}
          voice:
            type: enum
            required: true
            title: {ru: Голос, en: Voice}
            options: [anna, boris]
"""


def test_a_list_of_objects_with_titled_scalar_items_is_clean(tmp_path: Path) -> None:
    assert lint_models(tmp_path, LINES) == []


def test_model002_a_list_of_objects_inside_an_item(tmp_path: Path) -> None:
    body = LINES + "          takes: {type: list, title: {ru: Дубли, en: Takes}}\n"
    problems = lint_models(tmp_path, body)
    assert findings(problems) == [("MODEL002", "models/x.yaml", 25)]
    assert '"lines.takes"' in problems[0].message and "do not nest" in problems[0].message


def test_model003_price_per_an_item_field_without_amount(tmp_path: Path) -> None:
    body = (
        LINES.replace("per: lines.text", "per: lines.voice")
        .replace(
            "options: [anna, boris]",
            "options: [anna, boris]\n          loud: {type: boolean, title: {ru: Громко, en: Loud}}",
        )
        .replace("per: lines.voice", "per: lines.loud")
    )
    problems = lint_models(tmp_path, body)
    assert findings(problems) == [("MODEL003", "models/x.yaml", 12)]
    assert 'per "lines.loud"' in problems[0].message


def test_model003_price_per_an_unknown_item_field(tmp_path: Path) -> None:
    problems = lint_models(tmp_path, LINES.replace("per: lines.text", "per: lines.words"))
    assert findings(problems) == [("MODEL003", "models/x.yaml", 12)]


def test_model012_a_list_or_an_item_field_without_title(tmp_path: Path) -> None:
    body = LINES.replace("        title: {ru: Реплики, en: Lines}\n", "").replace(
        ", title: {ru: Текст, en: Text}", ""
    )
    problems = lint_models(tmp_path, body)
    assert findings(problems) == [("MODEL012", "models/x.yaml", 15), ("MODEL012", "models/x.yaml", 18)]
    assert '"lines.text"' in problems[1].message
