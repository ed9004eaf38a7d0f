"""Deep-link payloads: what each prefix means, and anything unsafe or too long is unknown."""

from __future__ import annotations

import pytest

from plugins.growth.payloads import Payload, parse


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", Payload("none")),
        ("   ", Payload("none")),
        ("ref_abc123", Payload("ref", "abc123")),
        ("ref_ABC", Payload("ref", "abc")),
        ("promo_spring", Payload("promo", "SPRING")),
        ("src_vk_march", Payload("source", "src_vk_march")),
        ("ref_", Payload("source", "ref_")),
        ("a" * 64, Payload("source", "a" * 64)),
        ("a" * 65, Payload("source", "unknown")),
        ("<script>", Payload("source", "unknown")),
        ("src vk", Payload("source", "unknown")),
        ("src_вк", Payload("source", "unknown")),
        ("src_x\n", Payload("source", "src_x")),
    ],
)
def test_parse(raw: str, expected: Payload) -> None:
    assert parse(raw) == expected
