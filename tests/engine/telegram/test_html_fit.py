"""Long texts are cut where Telegram's parser agrees: between tags and entities, counted in
UTF-16 units of the visible text, with every tag closed."""

from __future__ import annotations

import pytest

from emulators.telegram.entities import parse_html, utf16_len
from engine.telegram.html_fit import fit_html, visible_len
from engine.text_units import CAPTION_LIMIT, MESSAGE_LIMIT, shorten
from engine.text_units import utf16_len as units


def _shown(text: str) -> str:
    plain, _ = parse_html(text)  # raises like Telegram on broken HTML
    return plain


def test_short_text_is_left_alone() -> None:
    text = "<b>Привет</b> &amp; 👋"
    assert fit_html(text, MESSAGE_LIMIT) is text


def test_three_thousand_emoji_are_counted_as_telegram_counts_them() -> None:
    text = "😀" * 3000
    assert len(text) == 3000 and units(text) == 6000
    fitted = fit_html(text, MESSAGE_LIMIT)
    assert utf16_len(_shown(fitted)) <= MESSAGE_LIMIT
    assert fitted.endswith("…") and fitted.startswith("😀" * 2000)


def test_a_cut_through_bold_closes_the_tag() -> None:
    text = "<b>" + "x" * 5000 + "</b> tail"
    fitted = fit_html(text, MESSAGE_LIMIT)
    assert fitted.endswith("…</b>")
    shown = _shown(fitted)
    assert utf16_len(shown) == MESSAGE_LIMIT


def test_nested_tags_are_closed_innermost_first() -> None:
    text = "<b>bold <i>" + "y" * 2000 + "</i></b>"
    fitted = fit_html(text, 100)
    assert fitted.endswith("…</i></b>")
    assert utf16_len(_shown(fitted)) <= 100


def test_never_inside_an_entity_or_a_tag() -> None:
    text = "&amp;" * 5000
    fitted = fit_html(text, CAPTION_LIMIT)
    assert fitted == "&amp;" * (CAPTION_LIMIT - 1) + "…"
    link = "a" * 1020 + '<a href="https://example.com/very/long">link text</a>'
    fitted = fit_html(link, CAPTION_LIMIT)
    assert utf16_len(_shown(fitted)) <= CAPTION_LIMIT
    assert "<a" not in fitted or fitted.endswith("</a>")


def test_an_element_opened_at_the_cut_is_left_out() -> None:
    text = "z" * 99 + '<a href="https://example.com">' + "w" * 50 + "</a>"
    fitted = fit_html(text, 100)
    assert fitted == "z" * 99 + "…"
    _shown(fitted)


@pytest.mark.parametrize("limit", [10, 200, CAPTION_LIMIT, MESSAGE_LIMIT])
def test_mixed_text_always_parses_within_the_limit(limit: int) -> None:
    text = (
        "<b>Заголовок</b>\n"
        + "Текст с эмодзи 😀👍🏽 и &lt;скобками&gt; "
        + '<a href="https://x.y/?a=1&amp;b=2">ссылка</a> <code>код</code>\n'
    ) * 200
    fitted = fit_html(text, limit)
    assert visible_len(fitted) <= limit
    assert utf16_len(_shown(fitted)) <= limit


def test_shorten_counts_units_and_keeps_code_points_whole() -> None:
    assert shorten("😀" * 10, 5) == "😀😀…"
    assert shorten("abc", 3) == "abc"
    assert units(shorten("😀" * 300, 200)) <= 200
