"""Role guards in the shipped admin console: a screen guarded X is entered, and an action
guarded X called, only from where a guard that implies X holds (owner ⇒ admin ⇒ support)."""

from __future__ import annotations

from pathlib import Path

from app.project import builtin_declarations
from engine.lint.linter import lint
from engine.loader.bundle import load_bundle
from engine.plugin import PluginSet
from plugins.admin.plugin import AdminPlugin
from tests.engine.lint.test_shipped_typos import _shipped_with


def test_the_guards_imply_down_the_ranks() -> None:
    plugins = PluginSet([AdminPlugin.declarations()])
    assert plugins.implies("owner", "support") and plugins.implies("owner", "admin")
    assert plugins.implies("admin", "support") and plugins.implies("support", "support")
    assert not plugins.implies("support", "admin") and not plugins.implies("admin", "owner")
    assert not plugins.implies(None, "support") and plugins.implies(None, None)
    assert {"owner", "admin", "support"} <= plugins.guard_names


def test_the_shipped_console_lints_clean_and_is_in_a_folder() -> None:
    bundle = load_bundle(Path(__file__).resolve().parents[3])
    assert lint(bundle, builtin_declarations()) == []
    assert bundle.screens["admin.users.card"].guard == "support"
    assert bundle.screens["admin.roles.list"].guard == "owner"
    assert bundle.commands["admin"].target == "admin.menu"


def test_a_support_screen_leading_to_an_admin_screen_leaks(tmp_path: Path) -> None:
    root = _shipped_with(
        tmp_path,
        "flows/admin/menu.yaml",
        "go: admin.settings.list, guard: admin}",
        "go: admin.settings.list}",
    )
    problems = lint(load_bundle(root), builtin_declarations())
    assert [(p.code, p.location.file) for p in problems] == [("GUARD001", "flows/admin/menu.yaml")]
    assert 'guard "support", which does not imply it' in problems[0].message


def test_an_owner_screen_may_lead_to_an_admin_screen(tmp_path: Path) -> None:
    root = _shipped_with(
        tmp_path,
        "flows/admin/roles.yaml",
        "go: admin.audit.list, args: {admin:",
        "go: admin.audit.list, args: {admin:",
    )
    assert lint(load_bundle(root), builtin_declarations()) == []


def test_an_admin_action_called_from_a_support_screen(tmp_path: Path) -> None:
    root = _shipped_with(
        tmp_path,
        "flows/admin/users.yaml",
        "      - - text: admin.users.refund\n          guard: admin\n",
        "      - - text: admin.users.refund\n",
    )
    problems = lint(load_bundle(root), builtin_declarations())
    # the button leads to an admin screen (GUARD001) and calls an admin action (GUARD003)
    assert sorted(p.code for p in problems) == ["GUARD001", "GUARD003"]
    call = next(p for p in problems if p.code == "GUARD003")
    assert '"admin.refund_job" may only be run by guard "admin"' in call.message
