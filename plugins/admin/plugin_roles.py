"""Staff roles in the admin console: who has one, and (owner only) giving and taking them."""

from __future__ import annotations

from engine.plugin import ActionError, CallContext, NoArgs, action, query
from plugins.admin.console import Refused
from plugins.admin.plugin_base import AdminOps
from plugins.admin.roles import Role
from plugins.admin.views import Done, GrantArgs, StaffItem, UserArgs


class RoleOps(AdminOps):
    """The roles part of ``AdminPlugin`` (its operations are the plug-in's)."""

    @query(guard="owner")
    async def staff(self, ctx: CallContext, args: NoArgs) -> list[StaffItem]:
        """Owners and everyone given a role."""
        await self.roles.refresh()
        items = []
        for user_id, role in self.roles.staff():
            person = await self.directory.person(user_id)
            items.append(StaffItem(user_id=user_id, role=role.value, name=person.first_name))
        return items

    @query(guard="owner")
    async def role_card(self, ctx: CallContext, args: UserArgs) -> StaffItem:
        """One person's role (empty when they have none)."""
        role = await self.roles.current(args.user)
        person = await self.directory.person(args.user)
        return StaffItem(user_id=args.user, role=role.value if role else "", name=person.first_name)

    @action(guard="owner")
    async def grant_role(self, ctx: CallContext, args: GrantArgs) -> Done:
        """Give a role (owner only); audited."""
        await self._require(ctx, Role.OWNER)
        try:
            await self.console.grant(ctx.user_id, args.user, Role(args.role))
        except Refused as exc:
            raise ActionError(f"admin.error.{exc.reason}") from None
        return Done(user=args.user)

    @action(guard="owner")
    async def revoke_role(self, ctx: CallContext, args: UserArgs) -> Done:
        """Take a role away (owner only); audited."""
        await self._require(ctx, Role.OWNER)
        try:
            await self.console.revoke(ctx.user_id, args.user)
        except Refused as exc:
            raise ActionError(f"admin.error.{exc.reason}") from None
        return Done(user=args.user)
