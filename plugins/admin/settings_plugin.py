"""The ``config`` namespace: the console's settings screens (flows/admin/settings.yaml).

Each setting is shown by its name, a one-line description and its value in its unit, in the
admin's language; a typed answer is read by the setting's kind (``plugins.admin.settings``)
and refused in that language with nothing written. A change is stored with its before/after
row in the audit (``SettingsStore.set``) and reaches every instance at once (NOTIFY).
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import ConfigDict, Field

from engine.loader.bundle import Bundle
from engine.plugin import ActionError, CallContext, NoArgs, Plugin, PluginModel, action, query
from plugins.admin import settings as kinds
from plugins.admin.kie_alert import ALERT_TEXT, ALERT_VARS
from plugins.admin.roles import Role, RoleBook, passes
from plugins.wallet.errors import InvalidSetting
from plugins.wallet.service import Wallet
from plugins.wallet.settings import SettingKey, WalletSettings

#: a button shows at most this much of a long text setting
SHORT = 28


class KeyArgs(PluginModel):
    model_config = ConfigDict(extra="forbid")
    key: SettingKey


class ChangeArgs(KeyArgs):
    value: str = Field(max_length=4096)


class SettingRow(PluginModel):
    key: str
    name: str
    short: str = Field(description="the value, cut to fit a button")


class SettingCard(PluginModel):
    key: str
    name: str
    about: str
    value: str = Field(description="in its unit, e.g. '200 ₽'; a text setting as it is")
    hint: str = Field(description="how to type a new value")
    empty: bool = Field(description="a text setting with nothing in it")


class Changed(PluginModel):
    key: str
    before: str
    after: str


def _texts() -> dict[str, dict[str, Any]]:
    texts: dict[str, dict[str, Any]] = {
        "admin.config.empty": {},
        "admin.config.forbidden": {},
        ALERT_TEXT: ALERT_VARS,  # sent by the low-balance watch, of the threshold set here
    }
    for key in kinds.KINDS:
        texts[f"admin.config.keys.{key}.name"] = {}
        texts[f"admin.config.keys.{key}.about"] = {}
    for kind in kinds.ALL_KINDS:
        texts[f"admin.config.unit.{kind}"] = {"value": str, "n": int, "percent": str}
        texts[f"admin.config.hint.{kind}"] = {}
    for code, params in kinds.REFUSALS.items():
        texts[f"admin.config.error.{code}"] = params
    return texts


class SettingsPlugin(Plugin):
    namespace = "config"
    texts: ClassVar[dict[str, dict[str, Any]]] = _texts()

    def __init__(self, bundle: Bundle, wallet: Wallet, roles: RoleBook) -> None:
        self.bundle = bundle
        self.wallet = wallet
        self.roles = roles

    def _text(self, key: str, language: str, **values: Any) -> str:
        return self.bundle.render(key, language, values)

    def value_text(self, key: str, settings: WalletSettings, language: str) -> str:
        """``key``'s current value as the admin reads it: "200 ₽", "×2 (+100 %)", "не заданы"."""
        kind = kinds.KINDS[key]
        value = getattr(settings, key)
        if kind in kinds.TEXT_KINDS:
            return str(value) if value else self._text("admin.config.empty", language)
        return self._text(f"admin.config.unit.{kind}", language, **kinds.unit_vars(kind, value, language))

    def _short(self, key: str, text: str) -> str:
        """A text setting's first line, cut to fit a button; other values as they are."""
        if kinds.KINDS[key] not in kinds.TEXT_KINDS:
            return text
        line = text.splitlines()[0] if text else ""
        return line if len(line) <= SHORT and "\n" not in text else line[: SHORT - 1].rstrip() + "…"

    @query(guard="admin")
    async def settings(self, ctx: CallContext, args: NoArgs) -> list[SettingRow]:
        """Every setting with its value in its unit, in the console's order."""
        current = await self.wallet.get_settings()
        return [
            SettingRow(
                key=key,
                name=self._text(f"admin.config.keys.{key}.name", ctx.language),
                short=self._short(key, self.value_text(key, current, ctx.language)),
            )
            for key in kinds.KINDS
        ]

    @query(guard="admin")
    async def setting(self, ctx: CallContext, args: KeyArgs) -> SettingCard:
        """One setting: name, description, value and how to type a new one."""
        current = await self.wallet.get_settings()
        kind = kinds.KINDS[args.key]
        return SettingCard(
            key=args.key,
            name=self._text(f"admin.config.keys.{args.key}.name", ctx.language),
            about=self._text(f"admin.config.keys.{args.key}.about", ctx.language),
            value=self.value_text(args.key, current, ctx.language),
            hint=self._text(f"admin.config.hint.{kind}", ctx.language),
            empty=kind in kinds.TEXT_KINDS and not getattr(current, args.key),
        )

    @action(guard="admin")
    async def change(self, ctx: CallContext, args: ChangeArgs) -> Changed:
        """Read the typed value by the setting's kind and store it; audited, seen everywhere."""
        if not passes(await self.roles.current(ctx.user_id), Role.ADMIN):
            raise ActionError("admin.config.forbidden")
        current = await self.wallet.get_settings()
        try:
            value = kinds.read(args.key, args.value, current, ctx.language)
        except kinds.Refusal as refused:
            raise ActionError(f"admin.config.error.{refused.code}", **refused.params) from None
        if isinstance(value, int | str):
            value = str(value)  # the store reads text; a Decimal goes as it is
        try:
            updated = await self.wallet.set_setting(args.key, value, ctx.user_id)
        except InvalidSetting:  # another admin's change in between broke a rule across fields
            raise ActionError("admin.config.error.conflict") from None
        return Changed(
            key=args.key,
            before=self.value_text(args.key, current, ctx.language),
            after=self.value_text(args.key, updated, ctx.language),
        )
