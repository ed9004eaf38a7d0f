"""``AdminPlugin`` is composed of mixins by concern: the engine must declare the operations
they define (``Plugin.declarations`` walks inherited members) under ``admin``, each with its
guard, or the flows' ``admin.*`` calls would stop resolving."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from plugins.admin.plugin import AdminPlugin
from plugins.admin.plugin_audit import AuditOps
from plugins.admin.plugin_balance import BalanceOps
from plugins.admin.plugin_dashboard import DashboardOps
from plugins.admin.plugin_roles import RoleOps
from plugins.admin.plugin_users import UserOps

PARTS = (UserOps, BalanceOps, DashboardOps, RoleOps, AuditOps)


def _is_operation(func: Callable[..., Any]) -> bool:
    return getattr(func, "__plugin_operation__", None) is not None


def test_every_operation_a_part_defines_is_declared_under_admin() -> None:
    declared = AdminPlugin.declarations()
    assert declared.namespace == "admin"
    written: dict[str, Callable[..., Any]] = {}
    for part in PARTS:
        own = {n: f for n, f in vars(part).items() if inspect.isfunction(f) and _is_operation(f)}
        assert own, f"{part.__name__} declares no operation"
        written.update(own)
    assert set(declared.operations) == set(written)
    for name, func in written.items():
        assert declared.operations[name].method is func
        assert declared.operations[name].guard == getattr(func, "__plugin_guard__", None)


def test_the_parts_keep_the_operation_names_the_flows_call() -> None:
    ops = AdminPlugin.declarations().operations
    assert {"find_user", "user_operations", "adjust_balance", "dashboard", "grant_role", "audit"} <= set(ops)
    assert ops["grant_role"].guard == "owner" and ops["refund_job"].guard == "admin"
    assert ops["dashboard"].guard == "support"
