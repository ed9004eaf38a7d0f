"""Arguments against a screen's parameters: typed on the way in, refused when they do not fit."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from engine.params import BUILTIN_TYPES, BadArguments, ParamType, args_model, coerce_args
from engine.schema.flow import Param, Screen

TYPES = {**BUILTIN_TYPES, "job": ParamType("job", str, "a job")}


def params(**raw: object) -> dict[str, Param]:
    return Screen.model_validate({"text": "x.y", "params": raw}).params


def test_shorthands_read_as_editors_write_them() -> None:
    found = params(job="job", track="optional integer", status=["approved", "rejected"])
    assert found["job"] == Param(type="job")
    assert found["track"] == Param(type="integer", optional=True)
    assert found["status"] == Param(type="choice", values=["approved", "rejected"])


def test_a_choice_needs_values_and_only_a_choice_has_them() -> None:
    with pytest.raises(ValidationError):
        params(status={"type": "choice"})
    with pytest.raises(ValidationError):
        params(n={"type": "integer", "values": ["1"]})


def test_arguments_are_typed_and_optional_ones_filled() -> None:
    spec = params(n="integer", job="optional job", on="boolean", status=["a", "b"])
    assert coerce_args(spec, TYPES, {"n": "42", "on": "true", "status": "b"}) == {
        "n": 42,
        "job": None,
        "on": True,
        "status": "b",
    }


@pytest.mark.parametrize(
    ("args", "why"),
    [
        ({}, "n: a value is required"),
        ({"n": "seven"}, "n:"),
        ({"n": 1, "tsk": "x"}, "unknown argument(s): tsk"),
        ({"n": 1, "status": "c"}, "'c' is not one of a, b"),
        ({"n": {"a": 1}}, "n:"),
    ],
)
def test_arguments_that_do_not_fit_are_refused(args: dict[str, object], why: str) -> None:
    spec = {**params(n="integer"), "status": Param(type="choice", values=["a", "b"], optional=True)}
    with pytest.raises(BadArguments, match=why.replace("(", r"\(").replace(")", r"\)")):
        coerce_args(spec, TYPES, args)


def test_text_takes_a_number_as_its_text() -> None:
    assert coerce_args(params(job="job"), TYPES, {"job": 12}) == {"job": "12"}


def test_args_model_lists_the_parameters_for_the_linter() -> None:
    model = args_model("main.card", params(model="text", job="optional job"), TYPES)
    assert set(model.model_fields) == {"model", "job"}
