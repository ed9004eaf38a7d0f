"""What the funnels plug-in's queries and actions take and return (typed for the linter)."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from engine.plugin import PluginModel

Period = Literal["today", "week", "month", "quarter"]
Goal = Literal["card", "generation", "topup", "second"]
Name = Field(max_length=120, pattern=r"^[A-Za-z0-9_.:\-]+$")


class Args(PluginModel):
    model_config = ConfigDict(extra="forbid")


class ReportArgs(Args):
    period: Period
    source: str | None = Field(None, max_length=64)


class PeriodArgs(Args):
    period: Period


class ExitsArgs(Args):
    screen: str = Name
    period: Period


class SplitArgs(Args):
    split: str = Name


class CompareArgs(Args):
    split: str = Name
    goal: Goal
    period: Period


class PickArgs(Args):
    split: str = Name
    variant: str = Name


class FunnelView(PluginModel):
    since: str
    started: int
    card: int
    generation: int
    topup: int
    second: int
    card_rate: str  # "40 %", or "—" when the step before has nobody
    generation_rate: str
    topup_rate: str
    second_rate: str
    overall_rate: str  # second generation out of started


class SourceItem(PluginModel):
    id: str  # "-" for users who came with no source
    users: int


class ScreenItem(PluginModel):
    id: str
    users: int


class ExitLine(PluginModel):
    screen: str
    users: int


class ExitsView(PluginModel):
    since: str
    visitors: int
    left: int
    next: list[ExitLine]


class SplitItem(PluginModel):
    id: str
    screen: str
    winner: str  # empty while the test runs


class VariantItem(PluginModel):
    id: str
    split: str


class ArmLine(PluginModel):
    variant: str
    users: int
    reached: int
    share: str  # "42 %"
    low: str  # the 95 % Wilson interval's ends
    high: str


class CompareView(PluginModel):
    since: str
    winner: str
    arms: list[ArmLine]


class Sent(PluginModel):
    sent: bool


class Picked(PluginModel):
    split: str
    variant: str
