"""requirements.lock must agree with pyproject.toml: `dev.py` installs only the lock (hash-checked)
and the project with `--no-deps`, so a dependency missing from the lock, or pinned below a raised
lower bound (a release with a known vulnerability), would silently be what everyone runs."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
LOCKED_EXTRA = "dev"  # what dev.py installs: runtime + dev (= embedded, test, bench)
TARGET = {
    "sys_platform": "linux",
    "platform_system": "Linux",
    "os_name": "posix",
    "python_version": "3.11",
    "implementation_name": "cpython",
    "extra": "",
}
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)", re.MULTILINE)


def locked_versions(lock_text: str) -> dict[str, Version]:
    return {canonicalize_name(name): Version(version) for name, version in _PIN.findall(lock_text)}


def declared_requirements(pyproject: dict) -> list[Requirement]:
    """Runtime dependencies, the locked extra (following self-references) and the build backend."""
    project = pyproject["project"]
    own_name = canonicalize_name(project["name"])
    extras = project.get("optional-dependencies", {})
    found = [Requirement(spec) for spec in project["dependencies"]]
    found += [Requirement(spec) for spec in pyproject["build-system"]["requires"]]
    pending, seen = [LOCKED_EXTRA], set()
    while pending:
        extra = pending.pop()
        if extra in seen:
            continue
        seen.add(extra)
        for spec in extras[extra]:
            requirement = Requirement(spec)
            if canonicalize_name(requirement.name) == own_name:
                pending.extend(requirement.extras)
            else:
                found.append(requirement)
    return [r for r in found if r.marker is None or r.marker.evaluate(TARGET)]


def lock_problems(pyproject: dict, lock_text: str) -> list[str]:
    locked = locked_versions(lock_text)
    problems = []
    for requirement in declared_requirements(pyproject):
        version = locked.get(canonicalize_name(requirement.name))
        if version is None:
            problems.append(f"{requirement.name} is not in the lock")
        elif not requirement.specifier.contains(version, prereleases=True):
            problems.append(f"{requirement.name}=={version} is locked, pyproject wants {requirement}")
    return problems


def test_the_lock_satisfies_every_declared_dependency() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    problems = lock_problems(pyproject, (ROOT / "requirements.lock").read_text())
    assert not problems, "regenerate with `python3 dev.py lock`: " + "; ".join(problems)


def test_every_locked_package_is_pinned_with_a_hash() -> None:
    lock_text = (ROOT / "requirements.lock").read_text()
    entries = re.split(r"\n(?=[A-Za-z0-9])", lock_text.strip())
    entries = [e for e in entries if not e.startswith("#")]
    assert entries
    for entry in entries:
        assert _PIN.match(entry), entry.splitlines()[0]
        assert "--hash=sha256:" in entry, entry.splitlines()[0]
    assert "Linux, CPython 3.11" in lock_text.splitlines()[0]


def test_a_missing_or_too_old_pin_is_reported() -> None:
    pyproject = {
        "build-system": {"requires": ["setuptools>=68"]},
        "project": {
            "name": "kie-flow-bot",
            "dependencies": [
                "jinja2>=3.1.6",
                "uvloop>=0.19; sys_platform != 'win32'",
                "winonly>=1; sys_platform == 'win32'",
            ],
            "optional-dependencies": {"embedded": ["pgserver>=0.1.4"], "dev": ["kie-flow-bot[embedded]"]},
        },
    }
    lock_text = "Jinja2==3.1.5 \\\n    --hash=sha256:00\nsetuptools==80.0 \\\n    --hash=sha256:00\n"
    assert lock_problems(pyproject, lock_text) == [
        "jinja2==3.1.5 is locked, pyproject wants jinja2>=3.1.6",
        "uvloop is not in the lock",
        "pgserver is not in the lock",
    ]
