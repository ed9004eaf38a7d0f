"""Settings read from the environment: their problems told to the person starting the program."""

from __future__ import annotations

from pydantic import ValidationError


def config_problems(error: ValidationError) -> list[str]:
    """One line per problem, naming the variable, never echoing its value."""
    lines = []
    for item in error.errors(include_url=False, include_input=False):
        name = str(item["loc"][0]).upper() if item["loc"] else "configuration"
        lines.append(f"{name}: {str(item['msg']).removeprefix('Value error, ')}")
    return lines
