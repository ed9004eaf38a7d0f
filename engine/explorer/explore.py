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


async def explore(
    driver: Driver,
    *,
    seed: int = 0,
    budget: int | None = None,
    models: int | None = None,
    roles: tuple[Role, ...] = (Role.USER, Role.ADMIN),
    languages: tuple[str, ...] = LANGUAGES,
) -> Report:
    """Explore until done or out of budget; ``models`` caps how many forms are walked."""
    report = Report()
    rng = random.Random(seed)
    crawler = Crawler(driver, report, Limits(), rng, languages, max_topics=models)
    since, actions = time.monotonic(), 0
    # users first: what they leave behind (receipts) is what admins see
    passes = [(role, language) for role in roles for language in languages]
    for number, (role, language) in enumerate(passes):
        if budget is not None:  # the crawl leaves a third for forms, shared by its passes
            left = budget * 2 // 3 - report.counts["actions"]
            crawler.limits = Limits(report.counts["actions"] + left // (len(passes) - number))
        try:
            await crawler.crawl(role, language)
        except OutOfBudget:
            report.notes.append(f"the crawl as {role} in {language} stopped at its share of --budget")
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
