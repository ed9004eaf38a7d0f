"""Locale texts: present in every language, valid templates, known variables, within limits."""

from __future__ import annotations

import re
from collections.abc import Iterator

from jinja2 import TemplateSyntaxError, nodes

from engine.lint.context import LintContext
from engine.lint.registry import check, declare, finding
from engine.lint.template_loops import TemplateReads, closed_values, follow, loop_item, template_reads
from engine.lint.variable_check import problems
from engine.loader.bundle import DEFAULT_LANGUAGE, Locale
from engine.loader.errors import Location, Problem, Severity
from engine.templates import Text, variable_paths

declare("TEXT001", "a text key is used, or defined in one locale, but missing in another")
declare("TEXT002", "a text key nothing uses", Severity.WARNING)
declare("TEXT003", "a text is not a valid template")
declare("TEXT004", "a template uses a variable the screen does not provide")
declare("TEXT005", "a text is longer than Telegram allows (4096, or 1024 under media)")
declare("TEXT006", "a line of text ends in a block tag, so its line break disappears")
declare("TEXT007", "a lookup table in a text lacks a key for a value its key's type allows")

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024


@check
def missing_texts(ctx: LintContext) -> Iterator[Problem]:
    locales = ctx.bundle.locales
    for key, uses in ctx.text_uses.items():
        for language, locale in locales.items():
            if key not in locale.texts:
                use = uses[0]
                yield finding(
                    "TEXT001",
                    use.location,
                    f'text "{key}" used by {use.where} is missing in locales/{language}.yaml',
                )
    for language, locale in locales.items():
        for other, other_locale in locales.items():
            for key in locale.texts:
                if key not in other_locale.texts and key not in ctx.text_uses:
                    yield finding(
                        "TEXT001",
                        locale.positions[key],
                        f'text "{key}" is in locales/{language}.yaml but missing in locales/{other}.yaml',
                    )


@check
def unused_texts(ctx: LintContext) -> Iterator[Problem]:
    locale = ctx.bundle.locales.get(DEFAULT_LANGUAGE)
    if locale is None:
        return
    for key, position in locale.positions.items():
        if key not in ctx.text_uses:
            yield finding("TEXT002", position, f'text "{key}" is not used anywhere')


@check
def template_syntax(ctx: LintContext) -> Iterator[Problem]:
    for locale in ctx.bundle.locales.values():
        for key, (location, message) in locale.syntax_errors.items():
            yield finding("TEXT003", location, f'text "{key}" is not a valid template: {message}')
        for key, text in locale.texts.items():  # compiled here: an unknown filter shows then
            if text.ast is None or key in locale.syntax_errors:
                continue
            try:
                text.compiled  # noqa: B018
            except TemplateSyntaxError as exc:
                yield finding(
                    "TEXT003", locale.positions[key], f'text "{key}" is not a valid template: {exc}'
                )


def _parsed_texts(ctx: LintContext) -> Iterator[tuple[str, nodes.Template, Locale]]:
    """Every text that is a valid template: its key, its syntax tree and its locale."""
    for locale in ctx.bundle.locales.values():
        for key, text in locale.texts.items():
            if text.ast is not None and key not in locale.syntax_errors:
                yield key, text.ast, locale


def _reads(ctx: LintContext, ast: nodes.Template) -> TemplateReads:
    """A text's loops and tables, worked out once for the rules that read them."""
    found: dict[int, TemplateReads] = ctx.extra.setdefault("template_reads", {})
    reads = found.get(id(ast))  # the bundle keeps every tree alive for the lint
    if reads is None:
        reads = found[id(ast)] = template_reads(ast)
    return reads


def _at(locale: Locale, key: str, line: int) -> Location:
    """Where line ``line`` of the text ``key`` is written."""
    at = locale.positions[key]
    return Location(at.file, at.line + line - 1, at.column)


@check
def unknown_variables(ctx: LintContext) -> Iterator[Problem]:
    for key, ast, locale in _parsed_texts(ctx):
        paths = variable_paths(ast)
        loops = _reads(ctx, ast).loops
        for site in ctx.text_uses.get(key, []):
            found = list(problems(paths, site.variables, f"on {site.where}"))
            for read in loops:  # a loop variable's fields, against an item of what it loops over
                item = {read.path.name: loop_item(read.binding, site.variables)}
                found += problems([read.path], item, f"in a loop over {read.binding.over.name}")
            for path, message in found:
                yield finding("TEXT004", _at(locale, key, path.line), f'text "{key}": {message}')


@check
def lookup_tables(ctx: LintContext) -> Iterator[Problem]:
    for key, ast, locale in _parsed_texts(ctx):
        for lookup in _reads(ctx, ast).lookups:
            for site in ctx.text_uses.get(key, []):
                variables = site.variables
                if lookup.binding is not None:
                    variables = {lookup.key.name: loop_item(lookup.binding, variables)}
                values = closed_values(follow(variables.get(lookup.key.name), lookup.key.attributes))
                missing = sorted(values - lookup.keys) if values else []
                if missing:
                    read = ".".join((lookup.key.name, *lookup.key.attributes))
                    yield finding(
                        "TEXT007",
                        _at(locale, key, lookup.key.line),
                        f'text "{key}": the table "{lookup.table}" has no entry for '
                        f"{', '.join(map(repr, missing))}, which {read} can be on {site.where}",
                    )
                    break


def _static_length(text: Text) -> int:
    if text.ast is None:
        return len(text.source)
    return sum(len(node.data) for node in text.ast.find_all(nodes.TemplateData))


@check
def text_limits(ctx: LintContext) -> Iterator[Problem]:
    for locale in ctx.bundle.locales.values():
        for key, text in locale.texts.items():
            if key in locale.syntax_errors:
                continue
            length = _static_length(text)
            captions = any(u.caption for u in ctx.text_uses.get(key, []))
            limit = CAPTION_LIMIT if captions else MESSAGE_LIMIT
            if length > limit:
                what = "a caption under media" if captions else "a message"
                yield finding(
                    "TEXT005",
                    locale.positions[key],
                    f'text "{key}" in {locale.language} has {length} characters; {what} allows {limit}',
                )


_BLOCK_TAG = re.compile(r"\{%-?.*?-?%\}")


@check
def swallowed_line_breaks(ctx: LintContext) -> Iterator[Problem]:
    """Texts are rendered with trim_blocks (so a tag alone on a line leaves no blank line),
    which also removes the line break after a tag that ends a line of text: the next line
    is glued on. Ending such a line with an expression ({{ ... }}) keeps the break."""
    for locale in ctx.bundle.locales.values():
        for key, text in locale.texts.items():
            if text.ast is None:
                continue
            lines = text.source.split("\n")
            for number, line in enumerate(lines[:-1]):
                stripped = line.rstrip()
                rest = "".join(lines[number + 1 :]).strip()
                if rest and stripped.endswith("%}") and _BLOCK_TAG.sub("", stripped).strip():
                    at = locale.positions[key]
                    yield finding(
                        "TEXT006",
                        Location(at.file, at.line + number, at.column),
                        f'text "{key}": line {number + 1} ends in a block tag, so '
                        "the next line is glued to it; end it with {{ ... }} instead",
                    )
