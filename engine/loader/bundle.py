"""One project root → one validated, immutable bundle read by the runtime, linter and graph."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel, ValidationError

from engine.loader.errors import BundleLoadError, Location, Problem
from engine.loader.yaml_source import PathKey, YamlDocument, YamlSource, read_yaml
from engine.schema.catalog import SHARED, ModelEntry, ModelTexts
from engine.schema.catalog_file import CatalogFile, Task
from engine.schema.flow import Command, FlowFile, Screen, Split
from engine.schema.recipe import Recipe
from engine.templates import Text

DEFAULT_LANGUAGE = "ru"
LANGUAGES = ("ru", "en")


@dataclass(frozen=True)
class ScreenDef:
    id: str
    namespace: str
    screen: Screen
    guard: str | None
    doc: YamlSource = field(repr=False, compare=False)
    path: PathKey = ()

    def locate(self, *sub: str | int) -> Location:
        """Where ``sub`` is written in this screen; with no ``sub``, the screen's name."""
        return self.doc.locate((*self.path, *sub)) if sub else self.doc.locate_key(self.path)

    def resolve(self, ref: str) -> str:
        return resolve_ref(self.namespace, ref)


@dataclass(frozen=True)
class CommandDef:
    name: str
    command: Command
    target: str
    doc: YamlSource = field(repr=False, compare=False)
    path: PathKey = ()

    @property
    def location(self) -> Location:
        return self.doc.locate(self.path)


@dataclass(frozen=True)
class SplitDef:
    """A split with its screens resolved: ``variants`` maps variant screen ids to weights,
    in the order written (the order buckets are laid out in)."""

    id: str
    split: Split
    screen: str
    variants: Mapping[str, int]
    doc: YamlSource = field(repr=False, compare=False)
    path: PathKey = ()

    def locate(self, *sub: str | int) -> Location:
        return self.doc.locate((*self.path, *sub)) if sub else self.doc.locate_key(self.path)


@dataclass(frozen=True)
class ModelDef:
    entry: ModelEntry
    doc: YamlSource = field(repr=False, compare=False)
    path: PathKey = ()

    def locate(self, *sub: str | int) -> Location:
        return self.doc.locate((*self.path, *sub))


@dataclass(frozen=True)
class RecipeDef:
    recipe: Recipe
    doc: YamlSource = field(repr=False, compare=False)
    path: PathKey = ()

    def locate(self, *sub: str | int) -> Location:
        return self.doc.locate((*self.path, *sub))


@dataclass(frozen=True)
class Locale:
    language: str
    texts: Mapping[str, Text]
    positions: Mapping[str, Location]

    @cached_property
    def syntax_errors(self) -> Mapping[str, tuple[Location, str]]:
        """The texts that are not valid templates, each with where its error is. Asking parses
        every text: the linter asks, a start that trusts a clean verdict never does."""
        errors = {}
        for key, text in self.texts.items():
            error = text.syntax_error
            if error is not None:
                at = self.positions[key]
                line = at.line + max(error.lineno - 1, 0)
                errors[key] = (Location(at.file, line, at.column), error.message or "syntax error")
        return MappingProxyType(errors)


@dataclass(frozen=True)
class Bundle:
    root: Path
    screens: Mapping[str, ScreenDef]
    commands: Mapping[str, CommandDef]
    models: Mapping[str, ModelDef]
    tasks: Mapping[str, Task]
    locales: Mapping[str, Locale]
    duplicates: tuple[Problem, ...] = ()
    recipes: Mapping[str, RecipeDef] = field(default_factory=lambda: MappingProxyType({}))
    splits: Mapping[str, SplitDef] = field(default_factory=lambda: MappingProxyType({}))

    def text(self, key: str, language: str) -> Text | None:
        found = self.locales.get(language, self.locales[DEFAULT_LANGUAGE]).texts.get(key)
        return found or self.locales[DEFAULT_LANGUAGE].texts.get(key)

    def render(self, key: str, language: str, context: dict[str, Any]) -> str:
        """The text in ``language`` (Russian when missing there); the key itself if unknown."""
        text = self.text(key, language)
        return text.render(context) if text is not None else key


def _lay_texts(
    models: dict[str, ModelDef], texts: dict[str, tuple[ModelTexts, YamlSource, PathKey]]
) -> list[Problem]:
    """Lay each model's editor-owned texts (``models/texts/``) over its generated entry."""
    problems = []
    for model_id, (model_texts, doc, path) in texts.items():
        found = models.get(model_id)
        if found is None:
            problems.append(
                Problem(
                    "LOAD005",
                    doc.locate(path),
                    f"texts for model '{model_id}', which no models/ file defines",
                )
            )
            continue
        update: dict[str, Any] = {"texts": model_texts}
        if model_texts.name is not None:
            update["name"] = model_texts.name
        models[model_id] = ModelDef(found.entry.model_copy(update=update), found.doc, found.path)
    return problems


def file_namespace(flows: Path, file: Path) -> str:
    """``flows/help.yaml`` → ``help``; in a sub-folder the folder comes first:
    ``flows/admin/users.yaml`` → ``admin.users`` (its screens are ``admin.users.<name>``;
    another file reaches them by that full name, since a name with a dot is absolute)."""
    return ".".join(file.relative_to(flows).with_suffix("").parts)


def resolve_ref(namespace: str, ref: str) -> str:
    return ref if "." in ref else f"{namespace}.{ref}"


def _clean_loc(data: Any, loc: tuple[Any, ...]) -> PathKey:
    """Drop pydantic's union tags (``list[Button]``) so a loc walks the YAML data."""
    path: list[str | int] = []
    current = data
    for part in loc:
        in_dict = isinstance(current, dict) and part in current
        in_list = isinstance(current, list) and isinstance(part, int) and part < len(current)
        if in_dict or in_list:
            current = current[part]
            path.append(part)
    return tuple(path)


def _validate(
    doc: YamlDocument, model: type[BaseModel], what: str, context: dict[str, Any] | None = None
) -> tuple[Any, list[Problem]]:
    try:
        return model.model_validate(doc.data, context=context), []
    except ValidationError as exc:
        problems = []
        seen: set[tuple[PathKey, str]] = set()
        for err in exc.errors(include_url=False):
            path = _clean_loc(doc.data, err["loc"])
            message = _explain(err, what)
            if (path, message) in seen:
                continue
            seen.add((path, message))
            at = doc.locate_key(path) if err["type"] == "extra_forbidden" else doc.locate(path)
            problems.append(Problem("LOAD002", at, message))
        return None, problems


_UNION_TAGS = frozenset({"buttons", "for_each"})


def _explain(err: Any, what: str) -> str:
    loc = ".".join(str(p) for p in err["loc"] if str(p) not in _UNION_TAGS)
    kind = err["type"]
    if kind == "extra_forbidden":
        return f"unknown key '{err['loc'][-1]}' in {what} (check the spelling)"
    if kind == "missing":
        return f"'{loc}' is required in {what}"
    msg = str(err["msg"]).removeprefix("Value error, ")
    return f"{loc}: {msg}" if loc else msg


def _flatten(
    data: Any,
    doc: YamlDocument,
    prefix: str,
    path: PathKey,
    out: dict[str, tuple[str, Location]],
    problems: list[Problem],
) -> None:
    if isinstance(data, dict):
        for key, value in data.items():
            if not isinstance(key, str):
                problems.append(
                    Problem(
                        "LOAD002",
                        doc.locate_key((*path, key)),
                        f"text key {key!r} is read as {type(key).__name__}: put it in quotes",
                    )
                )
                continue
            _flatten(value, doc, f"{prefix}.{key}" if prefix else str(key), (*path, key), out, problems)
    elif isinstance(data, str | int | float) and not isinstance(data, bool):
        out[prefix] = (str(data), doc.locate(path))
    else:
        problems.append(
            Problem("LOAD002", doc.locate(path), f"text '{prefix}' must be a string or a group of texts")
        )


def _load_locale(root: Path, language: str) -> tuple[Locale | None, list[Problem]]:
    """``locales/<language>.yaml`` plus any topic files under ``locales/<language>/``, one key space."""
    file = root / "locales" / f"{language}.yaml"
    if not file.exists():
        return None, [
            Problem(
                "LOAD001",
                Location(f"locales/{language}.yaml", 1, 1),
                f"the {language} locale file is missing",
            )
        ]
    folder = root / "locales" / language
    files = [file, *(sorted(folder.rglob("*.yaml")) if folder.is_dir() else [])]
    problems: list[Problem] = []
    flat: dict[str, tuple[str, Location]] = {}
    for path in files:
        doc, found = read_yaml(path, root, located=True)  # every text's position is kept
        problems += found
        if doc is None:
            continue
        part: dict[str, tuple[str, Location]] = {}
        _flatten(doc.data, doc, "", (), part, problems)
        for key, (source, location) in part.items():
            if key in flat:
                problems.append(
                    Problem("LOAD004", location, f"text '{key}' is defined twice (also at {flat[key][1]})")
                )
                continue
            flat[key] = (source, location)
    if problems and not flat:
        return None, problems
    texts = {key: Text(source) for key, (source, _) in flat.items()}
    positions = {key: location for key, (_, location) in flat.items()}
    return Locale(language, MappingProxyType(texts), MappingProxyType(positions)), problems


def load_bundle(root: Path | str) -> Bundle:
    """Read flows/, models/ and locales/ under ``root``; raise with every problem found."""
    root = Path(root).resolve()
    problems: list[Problem] = []
    duplicates: list[Problem] = []
    screens: dict[str, ScreenDef] = {}
    commands: dict[str, CommandDef] = {}
    splits: dict[str, SplitDef] = {}
    for file in sorted((root / "flows").rglob("*.yaml")) if (root / "flows").is_dir() else []:
        doc, found = read_yaml(file, root)
        problems += found
        if doc is None:
            continue
        flow, found = _validate(doc, FlowFile, "a flow file")
        problems += found
        if flow is None:
            continue
        namespace = flow.namespace or file_namespace(root / "flows", file)
        for name, screen in flow.screens.items():
            sid = f"{namespace}.{name}"
            definition = ScreenDef(
                sid, namespace, screen, screen.guard or flow.guard, doc.source, ("screens", name)
            )
            if sid in screens:
                duplicates.append(
                    Problem(
                        "FLOW004",
                        definition.locate(),
                        f"screen '{sid}' is defined twice (also at {screens[sid].locate()})",
                    )
                )
                continue
            screens[sid] = definition
        for name, split in flow.splits.items():
            variants = {resolve_ref(namespace, ref): weight for ref, weight in split.variants.items()}
            target = resolve_ref(namespace, split.screen)
            splits[f"{namespace}.{name}"] = SplitDef(
                f"{namespace}.{name}", split, target, MappingProxyType(variants), doc.source, ("splits", name)
            )
        for name, command in flow.commands.items():
            found_command = CommandDef(
                name, command, resolve_ref(namespace, command.screen), doc.source, ("commands", name)
            )
            if name in commands:
                problems.append(
                    Problem(
                        "LOAD004",
                        found_command.location,
                        f"command /{name} is defined twice (also at {commands[name].location})",
                    )
                )
                continue
            commands[name] = found_command
    if not (root / "flows").is_dir():
        problems.append(Problem("LOAD001", Location("flows", 1, 1), "no flows/ folder here"))

    models: dict[str, ModelDef] = {}
    tasks: dict[str, Task] = {}
    recipes: dict[str, RecipeDef] = {}
    texts: dict[str, tuple[ModelTexts, YamlSource, PathKey]] = {}
    shared: dict[Any, Any] = {}  # the parts models repeat, one object each (catalog.Shared)
    for file in sorted((root / "models").rglob("*.yaml")) if (root / "models").is_dir() else []:
        doc, found = read_yaml(file, root)
        problems += found
        if doc is None:
            continue
        catalog, found = _validate(doc, CatalogFile, "a model catalog file", {SHARED: shared})
        problems += found
        if catalog is None:
            continue
        for i, task in enumerate(catalog.tasks):
            if task.id in tasks:
                problems.append(
                    Problem("LOAD004", doc.locate(("tasks", i)), f"task '{task.id}' is defined twice")
                )
            tasks[task.id] = task
        for i, entry in enumerate(catalog.models):
            model = ModelDef(entry, doc.source, ("models", i))
            if entry.id in models:
                problems.append(
                    Problem(
                        "LOAD004",
                        model.locate(),
                        f"model '{entry.id}' is defined twice (also at {models[entry.id].locate()})",
                    )
                )
                continue
            models[entry.id] = model
        for i, recipe in enumerate(catalog.recipes):
            found_recipe = RecipeDef(recipe, doc.source, ("recipes", i))
            if recipe.id in recipes:
                problems.append(
                    Problem(
                        "LOAD004",
                        found_recipe.locate(),
                        f"recipe '{recipe.id}' is defined twice (also at {recipes[recipe.id].locate()})",
                    )
                )
                continue
            recipes[recipe.id] = found_recipe
        for model_id, model_texts in catalog.texts.items():
            if model_id in texts:
                _, first, at = texts[model_id]
                problems.append(
                    Problem(
                        "LOAD004",
                        doc.locate(("texts", model_id)),
                        f"texts of model '{model_id}' are defined twice (also at {first.locate(at)})",
                    )
                )
                continue
            texts[model_id] = (model_texts, doc.source, ("texts", model_id))
    problems += _lay_texts(models, texts)

    locales: dict[str, Locale] = {}
    for language in LANGUAGES:
        locale, found = _load_locale(root, language)
        problems += found
        if locale is not None:
            locales[language] = locale
    if problems:
        raise BundleLoadError(problems)
    return Bundle(
        root,
        MappingProxyType(screens),
        MappingProxyType(commands),
        MappingProxyType(models),
        MappingProxyType(tasks),
        MappingProxyType(locales),
        tuple(duplicates),
        MappingProxyType(recipes),
        MappingProxyType(splits),
    )
