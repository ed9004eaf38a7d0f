"""A whole exploration: crawl every role and language, then walk the models' forms."""

from __future__ import annotations

import random
import time

from engine.explorer.conversation import Limits, OutOfBudget
from engine.explorer.crawler import Crawler
from engine.explorer.driver import Driver, Role
from engine.explorer.report import Report
from engine.explorer.walks import Walker

LANGUAGES = ("ru", "en")


async def explore(driver: Driver, *, seed: int = 0, budget: int | None = None,
                  models: int | None = None, roles: tuple[Role, ...] = (Role.USER, Role.ADMIN),
                  languages: tuple[str, ...] = LANGUAGES) -> Report:
    """Explore until done or out of budget; ``models`` caps how many forms are walked."""
    report = Report()
    rng = random.Random(seed)
    # with a budget, the crawl leaves a third of it for walking forms
    crawler = Crawler(driver, report, Limits(budget * 2 // 3 if budget else None), rng,
                      languages, max_topics=models)
    since, actions = time.monotonic(), 0
    try:
        for role in roles:  # users first: what they leave behind (receipts) is what admins see
            for language in languages:
                await crawler.crawl(role, language)
    except OutOfBudget:
        report.notes.append("the crawl stopped at two thirds of --budget")
    report.phase("crawl", since, actions)
    since, actions = time.monotonic(), report.counts["actions"]
    walker = Walker(driver, report, Limits(budget), rng, entries=set(crawler.forms))
    chosen = sorted(crawler.forms)
    if models is not None:
        chosen = sorted(rng.sample(chosen, min(models, len(chosen))))
    try:
        for model in chosen:
            await walker.walk(model, crawler.forms[model])
    except OutOfBudget:
        report.notes.append(f"stopped after {budget} actions (--budget)")
    report.phase("forms", since, actions)
    return report
