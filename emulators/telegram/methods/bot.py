"""The bot itself: getMe, receiving updates (polling or webhook) and the command menu."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..errors import bad_request
from ..models import validate_commands
from ..params import Params
from ..registry import api_method
from ..updates import Webhook, is_local_url

if TYPE_CHECKING:
    from ..bot_api import BotApi

_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


@api_method("getMe")
async def get_me(api: BotApi, params: Params) -> Any:
    return {
        **api.state.bot_user,
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


@api_method("getUpdates")
async def get_updates(api: BotApi, params: Params) -> Any:
    return await api.state.updates.get_updates(
        offset=params.get_int("offset"),
        limit=params.get_int("limit", 100) or 100,
        timeout=float(params.get_int("timeout", 0) or 0),
        allowed=params.get_json("allowed_updates", "allowed updates"),
    )


@api_method("setWebhook")
async def set_webhook(api: BotApi, params: Params) -> Any:
    updates = api.state.updates
    url = (params.get_str("url") or "").strip()
    drop = params.get_bool("drop_pending_updates")
    if not url:
        updates.set_webhook(None, drop_pending=drop)
        return True
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise bad_request("bad webhook: Failed to resolve host: Name or service not known")
    if parts.scheme == "http" and not is_local_url(url):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = params.get_str("secret_token") or None
    if secret is not None and not _SECRET.match(secret):
        raise bad_request("secret token contains unallowed characters")
    max_connections = params.get_int("max_connections", 40) or 40
    if not 1 <= max_connections <= 100:
        raise bad_request("bad webhook: max_connections must be between 1 and 100")
    updates.set_allowed(params.get_json("allowed_updates", "allowed updates"))
    updates.set_webhook(
        Webhook(url=url, secret_token=secret, max_connections=max_connections), drop_pending=drop
    )
    return True


@api_method("deleteWebhook")
async def delete_webhook(api: BotApi, params: Params) -> Any:
    api.state.updates.set_webhook(None, drop_pending=params.get_bool("drop_pending_updates"))
    return True


@api_method("getWebhookInfo")
async def get_webhook_info(api: BotApi, params: Params) -> Any:
    return api.state.updates.webhook_info()


def _commands_key(params: Params) -> tuple[str, str]:
    scope = params.get_json("scope", "BotCommandScope") or {"type": "default"}
    if not isinstance(scope, dict) or "type" not in scope:
        raise bad_request("can't parse BotCommandScope JSON object")
    language = params.get_str("language_code") or ""
    if language and not re.fullmatch(r"[a-z]{2}", language):
        raise bad_request("invalid language code specified")
    return json.dumps(scope, sort_keys=True), language


@api_method("setMyCommands")
async def set_my_commands(api: BotApi, params: Params) -> Any:
    commands = validate_commands(params.get_json("commands", "commands"))
    api.state.commands[_commands_key(params)] = commands
    api.state.touch()
    return True


@api_method("getMyCommands")
async def get_my_commands(api: BotApi, params: Params) -> Any:
    return api.state.commands.get(_commands_key(params), [])


@api_method("deleteMyCommands")
async def delete_my_commands(api: BotApi, params: Params) -> Any:
    api.state.commands.pop(_commands_key(params), None)
    api.state.touch()
    return True
