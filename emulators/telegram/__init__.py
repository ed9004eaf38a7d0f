"""A local Telegram Bot API emulator with simulated users and a web chat page.

Tests point the real aiogram ``Bot`` at it (``TelegramEmulator.make_bot()``) and talk to the
bot as users would; ``python -m emulators.telegram`` runs it standalone with the chat
page at http://127.0.0.1:8080/.
"""

from .actions import PaymentResult
from .errors import ApiError, EmulatorError
from .server import DEFAULT_TOKEN, TelegramEmulator
from .state import DEFAULT_USERS, ApiCall, CallbackAnswer, EmulatedGroup, EmulatedUser, Invoice, Payment
from .transcript import ChatMessage

__all__ = [
    "DEFAULT_TOKEN",
    "DEFAULT_USERS",
    "ApiCall",
    "ApiError",
    "CallbackAnswer",
    "ChatMessage",
    "EmulatedGroup",
    "EmulatedUser",
    "EmulatorError",
    "Invoice",
    "Payment",
    "PaymentResult",
    "TelegramEmulator",
]
