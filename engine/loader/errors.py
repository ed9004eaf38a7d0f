"""Located problems: the one currency of the loader and the linter."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Location:
    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Problem:
    """One finding: a stable code, where, and a sentence a product editor understands."""

    code: str
    location: Location
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        return f"{self.location} {self.code} {self.message}"

    def as_json(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "file": self.location.file,
            "line": self.location.line,
            "column": self.location.column,
            "message": self.message,
        }


class BundleLoadError(Exception):
    """The project could not be loaded; ``problems`` lists every reason found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.location, p.code))
        super().__init__("\n".join(str(p) for p in self.problems))
