from engine.loader.yaml_source import parse_yaml


def test_every_value_knows_its_line_and_column() -> None:
    doc, problems = parse_yaml("screens:\n  start:\n    text: main.title\n", "flows/x.yaml")
    assert problems == [] and doc is not None
    where = doc.locate(("screens", "start", "text"))
    assert (where.file, where.line, where.column) == ("flows/x.yaml", 3, 11)
    assert doc.locate_key(("screens", "start")).line == 2


def test_syntax_error_is_located_not_raised() -> None:
    doc, problems = parse_yaml("screens:\n  start: [a, b\n  other: 1\n", "flows/x.yaml")
    assert doc is None
    assert [p.code for p in problems] == ["LOAD001"]
    assert problems[0].location.line == 3
    assert "YAML syntax error" in problems[0].message


def test_duplicate_keys_are_problems() -> None:
    _, problems = parse_yaml("a: 1\nb: 2\na: 3\n", "x.yaml")
    assert [(p.code, p.location.line) for p in problems] == [("LOAD004", 3)]


def test_tabs_and_garbage_do_not_raise() -> None:
    for text in ("\t- x", "a: b: c", "[", "{a: 1", "- a\nb: c", "\x00"):
        doc, problems = parse_yaml(text, "x.yaml")
        assert doc is None and problems and problems[0].code == "LOAD001"


def test_positions_worked_out_later_are_the_ones_read_at_once() -> None:
    text = "screens:\n  start:\n    text: main.title\n    keyboard:\n      - [{text: a, go: b}]\n"
    later, _ = parse_yaml(text, "flows/x.yaml")
    at_once, _ = parse_yaml(text, "flows/x.yaml", located=True)
    assert later is not None and at_once is not None
    path = ("screens", "start", "keyboard", 0, 0, "go")
    assert later.locate(path) == at_once.locate(path)
    assert (later.locate(path).line, later.locate(path).column) == (5, 24)
    assert later.source.key_positions == at_once.source.key_positions
