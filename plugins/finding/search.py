"""Matching a typed query against names, forgiving as people type: any case, ё as е, a word's
beginning or its stem ("обложки" finds "Обложка"), and Cyrillic typed for a Latin name
("банан" finds Nano Banana, "клинг" finds Kling).

Every word of the query must match somewhere; what matches in the name ranks first."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_WORD = re.compile(r"[0-9a-zа-я]+")

# Cyrillic → Latin, strictly (zh, kh …) and loosely (j, h …): brand names are spelt either way
_STRICT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "e",
            "zh",
            "z",
            "i",
            "y",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "shch",
            "_",
            "y",
            "_",
            "e",
            "yu",
            "ya",
        ],
        strict=True,
    )
)
_LOOSE = {**_STRICT, "ж": "j", "х": "h", "й": "i", "ц": "c", "ю": "u", "я": "ia", "щ": "sh"}


def normalize(text: str) -> str:
    return " ".join(_WORD.findall(text.lower().replace("ё", "е")))


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("ё", "е"))


def _latin(word: str, table: dict[str, str]) -> str:
    return "".join(table.get(c, c) for c in word).replace("_", "")


def variants(word: str) -> set[str]:
    """The word, its stem when long enough to lose an ending, and Latin spellings of both."""
    forms = {word}
    if len(word) >= 5 and not word.isdigit():
        forms.add(word[: len(word) - (2 if len(word) >= 7 else 1)])
    if re.search("[а-я]", word):
        forms |= {_latin(f, t) for f in list(forms) for t in (_STRICT, _LOOSE)}
    return {f for f in forms if len(f) >= 2 or f.isdigit() or f == word}


@dataclass(frozen=True)
class Candidate:
    """Something that can be found: its id, its names (every language) and other words that
    describe it (its vendor, id, tasks)."""

    id: str
    names: Sequence[str]
    extra: Sequence[str] = ()


def _haystack(texts: Iterable[str]) -> str:
    # words joined with spaces, ids' punctuation too ("nano-banana" → "nano banana")
    return " " + " ".join(normalize(t) for t in texts) + " "


def _matches(forms: set[str], haystack: str) -> bool:
    return any(form in haystack for form in forms)


def search(query: str, candidates: Iterable[Candidate], limit: int = 50) -> list[str]:
    """Ids of the candidates matching every word of ``query``, best first (name before other
    words, a match at a word's start before one inside it), then in the given order."""
    terms = [variants(w) for w in words(query)]
    if not terms:
        return []
    scored = []
    for order, item in enumerate(candidates):
        names = _haystack(item.names)
        everything = names + _haystack(item.extra)
        if not all(_matches(forms, everything) for forms in terms):
            continue
        score = 0
        for forms in terms:
            if _matches({" " + f for f in forms}, names):
                score += 3
            elif _matches(forms, names):
                score += 2
        scored.append((-score, order, item.id))
    return [found for _, _, found in sorted(scored)[:limit]]
