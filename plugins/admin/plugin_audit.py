"""The audit trail in the admin console: admin actions listed and shown in the admin's words.

Rows are stored with raw keys (a model id, a setting key); they are shown with the model's
name and the setting's name in the reader's language (``plugins.admin.audit_view``).
"""

from __future__ import annotations

from engine.plugin import ActionError, CallContext, query
from plugins.admin import audit
from plugins.admin.audit import AuditEntry
from plugins.admin.audit_view import AuditView
from plugins.admin.plugin_base import AdminOps
from plugins.admin.settings import KINDS as SETTING_KINDS
from plugins.admin.views import AuditArgs, AuditItem, EntryArgs, show_time


class AuditOps(AdminOps):
    """The audit part of ``AdminPlugin`` (its operations are the plug-in's)."""

    @query(guard="admin")
    async def audit(self, ctx: CallContext, args: AuditArgs) -> list[AuditItem]:
        """Admin actions, newest first; only one admin's, or only about one user."""
        found = await audit.entries(self.pool, admin_id=args.admin, target_user=args.user)
        return [self._audit_item(e, ctx.language) for e in found]

    @query(guard="admin")
    async def audit_entry(self, ctx: CallContext, args: EntryArgs) -> AuditItem:
        """One audit row in full."""
        found = await audit.entry(self.pool, args.entry)
        if found is None:
            raise ActionError("admin.error.not_found")
        return self._audit_item(found, ctx.language)

    def _audit_item(self, e: AuditEntry, language: str) -> AuditItem:
        view = AuditView(self.bundle)

        def who(name: str, user: int | None) -> str:
            return "" if user is None else f"{name} ({user})" if name else str(user)

        subject = e.subject
        if e.action.startswith("model.") and subject in self.bundle.models:
            subject = self._model_name(subject, language)
        elif e.action == "wallet.setting" and e.subject in SETTING_KINDS:
            subject = self.bundle.render(f"admin.config.keys.{e.subject}.name", language, {})
        return AuditItem(
            id=e.id,
            admin_id=e.admin_id,
            action=e.action,
            target_user=e.target_user,
            subject=e.subject,
            old_value=e.old_value or "",
            new_value=e.new_value or "",
            note=view.note(e.action, e.note, language),
            time=show_time(e.created_at),
            action_text=view.action(e.action, language),
            admin_text=who(e.admin_name, e.admin_id),
            target_text=who(e.target_name, e.target_user),
            subject_text=subject,
            old_text=view.value(e.action, e.subject, e.old_value, language),
            new_text=view.value(e.action, e.subject, e.new_value, language),
        )
