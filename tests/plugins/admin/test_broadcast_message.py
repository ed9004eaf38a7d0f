"""A broadcast's link button: an https URL with a host, a short label; anything else refused."""

from __future__ import annotations

import pytest

from plugins.admin.broadcast_message import SCREENS, parse_url_button, valid_url


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("Подробнее https://example.com/sale?x=1", ("Подробнее", "https://example.com/sale?x=1")),
        ("  Купить  сейчас   https://shop.example.ru  ", ("Купить сейчас", "https://shop.example.ru")),
        ("http://example.com", None),  # no label, and not https
        ("Сайт http://example.com", None),
        ("Сайт https://localhost/x", None),  # no public-looking host
        ("Сайт javascript:alert(1)", None),
        ("https://example.com", None),
        ("x" * 41 + " https://example.com", None),  # a label longer than Telegram shows well
    ],
)
def test_a_link_button_is_a_label_and_an_https_url(text: str, parsed: tuple[str, str] | None) -> None:
    assert parse_url_button(text) == parsed


def test_valid_url_refuses_spaces_and_other_schemes() -> None:
    assert valid_url("https://example.com/a") == "https://example.com/a"
    assert valid_url("https://exa mple.com") is None
    assert valid_url("ftp://example.com") is None


def test_screen_buttons_lead_to_screens_without_arguments() -> None:
    assert set(SCREENS) == {"main", "catalog", "recipes", "wallet", "help"}
    assert all("." in screen for screen in SCREENS.values())
