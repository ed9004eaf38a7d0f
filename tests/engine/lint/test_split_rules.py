"""SPLIT rules: a split that lints clean opens a working screen for whichever variant a user
gets; each broken split yields exactly its code where the mistake is written."""

from pathlib import Path

from tests.support.projects import BASE_FLOW, findings, lint_project, write_project

# start is tested against start_b; both lead on
SPLIT_FLOW = (
    BASE_FLOW
    + """\
  start_b:
    text: main.title
    keyboard:
      - [{text: main.help, go: help}]
splits:
  welcome:
    screen: start
    variants: {start: 1, start_b: 1}
"""
)


def lint_flow(tmp_path: Path, flow: str) -> list[tuple[str, str, int]]:
    return findings(lint_project(write_project(tmp_path, {"flows/main.yaml": flow})))


def test_a_good_split_is_clean_and_its_variant_b_counts_as_reached(tmp_path: Path) -> None:
    # start_b has no way to it but through the split: not FLOW002
    assert lint_flow(tmp_path, SPLIT_FLOW) == []


def test_a_variant_that_is_not_a_screen(tmp_path: Path) -> None:
    flow = SPLIT_FLOW.replace("{start: 1, start_b: 1}", "{start: 1, start_c: 1}")
    found = lint_flow(tmp_path, flow)
    # start_b is now reached by nothing: the ordinary rule says so
    assert found == [("FLOW002", "flows/main.yaml", 12), ("SPLIT001", "flows/main.yaml", 19)]


def test_a_split_of_an_unknown_screen(tmp_path: Path) -> None:
    flow = SPLIT_FLOW.replace("    screen: start\n", "    screen: strat\n")
    assert ("SPLIT001", "flows/main.yaml", 18) in lint_flow(tmp_path, flow)


def test_weights_must_be_positive(tmp_path: Path) -> None:
    flow = SPLIT_FLOW.replace("start_b: 1}", "start_b: 0}")
    assert lint_flow(tmp_path, flow) == [("SPLIT002", "flows/main.yaml", 19)]


def test_a_split_needs_two_variants(tmp_path: Path) -> None:
    flow = SPLIT_FLOW.replace("{start: 1, start_b: 1}", "{start_b: 1}")
    problems = lint_project(write_project(tmp_path, {"flows/main.yaml": flow}))
    assert [p.code for p in problems] == ["SPLIT002"]
    assert "at least two variants" in problems[0].message


def test_variants_take_the_same_parameters(tmp_path: Path) -> None:
    flow = SPLIT_FLOW.replace("  start_b:\n", "  start_b:\n    params: {page: integer}\n")
    problems = lint_project(write_project(tmp_path, {"flows/main.yaml": flow}))
    codes = [(p.code, p.location.line) for p in problems]
    assert ("SPLIT003", 20) in codes
    split = next(p for p in problems if p.code == "SPLIT003")
    assert '"main.start_b" takes (page)' in split.message


def test_a_dead_end_variant(tmp_path: Path) -> None:
    flow = SPLIT_FLOW.replace(
        "  start_b:\n    text: main.title\n    keyboard:\n      - [{text: main.help, go: help}]\n",
        "  start_b:\n    text: main.title\n",
    )
    found = lint_flow(tmp_path, flow)
    assert found == [("FLOW003", "flows/main.yaml", 12), ("SPLIT004", "flows/main.yaml", 17)]


def test_a_split_nothing_leads_to(tmp_path: Path) -> None:
    flow = (
        BASE_FLOW
        + """\
  lonely:
    text: main.title
    keyboard:
      - [{text: common.back, back: true}]
  lonely_b:
    text: main.title
    keyboard:
      - [{text: common.back, back: true}]
splits:
  quiet:
    screen: lonely
    variants: {lonely: 1, lonely_b: 1}
"""
    )
    found = lint_flow(tmp_path, flow)
    assert ("SPLIT004", "flows/main.yaml", 22) in found


def test_two_splits_on_one_screen(tmp_path: Path) -> None:
    flow = SPLIT_FLOW + "  again:\n    screen: start\n    variants: {start: 1, start_b: 2}\n"
    assert lint_flow(tmp_path, flow) == [("SPLIT005", "flows/main.yaml", 21)]
