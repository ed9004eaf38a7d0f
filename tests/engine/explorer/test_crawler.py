"""The crawler over a fake bot: every button pressed, twice, stale and after a restart; a
fault is reported with the path that led to it."""

from __future__ import annotations

from engine.explorer.driver import Gone, Place, Reply, Role, Shown
from engine.explorer.explore import explore

SCREENS = {"start": ["Shop", "Help"], "shop": ["Buy", "Back"], "help": ["Back"], "bought": ["Back"]}
TARGETS = {"Shop": "shop", "Help": "help", "Buy": "bought", "Back": "start"}


class FakeBot:
    """Screens with buttons; "Buy" pressed twice in a row logs an internal error."""

    def __init__(self) -> None:
        self.screen: dict[int, str] = {}
        self.messages: dict[int, int] = {}
        self.last: dict[int, str] = {}
        self.users = 0
        self.restarts = 0

    async def new_user(self, role: Role, language: str) -> int:
        self.users += 1
        return self.users

    def commands(self, role: Role) -> list[str]:
        return ["start"]

    def _show(self, user: int, screen: str, incidents: tuple[str, ...] = ()) -> Reply:
        self.screen[user] = screen
        self.messages[user] = self.messages.get(user, 0) + 1
        shown = Shown(self.messages[user], f"{screen} text", tuple(SCREENS[screen]), screen=screen)
        return Reply((shown,), Place(screen), answered=True, incidents=incidents)

    async def command(self, user: int, name: str) -> Reply:
        return self._show(user, "start")

    async def text(self, user: int, text: str) -> Reply:
        return self._show(user, self.screen.get(user, "start"))

    async def upload(self, user: int, kind: str) -> Reply:
        return self._show(user, self.screen.get(user, "start"))

    async def press(self, user: int, message_id: int, label: str) -> Reply:
        if message_id != self.messages.get(user) and label not in SCREENS[self.screen[user]]:
            raise Gone(label)
        if label not in SCREENS[self.screen[user]]:
            raise Gone(label)
        self.last[user] = label
        return self._show(user, TARGETS[label])

    async def press_again(self, user: int) -> Reply:
        label = self.last[user]
        return self._show(user, self.screen[user], ("double Buy",) if label == "Buy" else ())

    async def restart(self) -> None:
        self.restarts += 1


async def test_every_state_is_seen_and_the_double_press_fault_named_by_its_path() -> None:
    bot = FakeBot()
    report = await explore(bot, seed=1, roles=(Role.USER,), languages=("ru",))
    assert report.screens == {"start", "shop", "help", "bought"}
    assert bot.restarts > 0
    [failure] = report.failures
    assert failure.kind == "internal error"
    path = [s.describe() for s in failure.path]  # the user's whole way, earlier tries too
    assert path[0] == "/start"
    assert path[-3:] == ['"Shop"', '"Buy"', '"Buy" again']


async def test_a_budget_stops_the_run() -> None:
    report = await explore(FakeBot(), budget=5, roles=(Role.USER,), languages=("ru",))
    assert report.counts["actions"] <= 5
    assert any("budget" in note for note in report.notes)


class ShiftingBot(FakeBot):
    """Shared state earlier paths change: after a few presses, "Help" is gone for everyone,
    so a later replay of the way to the help screen cannot find it."""

    def __init__(self) -> None:
        super().__init__()
        self.sold = False
        self.presses = 0

    def _show(self, user: int, screen: str, incidents: tuple[str, ...] = ()) -> Reply:
        reply = super()._show(user, screen, incidents)
        if screen == "start" and self.sold:
            [shown] = reply.shown
            reply = Reply(
                (Shown(shown.message_id, shown.text, ("Shop",), screen=screen),), reply.place, answered=True
            )
        return reply

    async def press(self, user: int, message_id: int, label: str) -> Reply:
        if label == "Help" and self.sold:
            raise Gone(label)
        self.presses += 1
        self.sold = self.presses > 6
        return await super().press(user, message_id, label)


async def test_a_replay_that_loses_its_way_is_a_note_not_a_crash() -> None:
    report = await explore(ShiftingBot(), seed=1, roles=(Role.USER,), languages=("ru",))
    assert any("lost its way" in note for note in report.notes), report.format()
    assert report.counts["diverged"] > 0
