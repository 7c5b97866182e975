"""Pass tokens: only our signatures pass; anything else is a clear refusal."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from .. import printing, tokens


@given(st.text(max_size=400))
def test_arbitrary_text_is_refused_cleanly(text: str) -> None:
    with pytest.raises(tokens.TokenRejected):
        tokens.read_token(text)


@given(
    st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=30)
)
def test_our_tokens_round_trip_and_any_change_breaks_them(code: str) -> None:
    phone = tokens.phone_token(code)
    card = tokens.card_token(code)
    if "/" not in code:
        assert tokens.read_token(phone) == ("phone", code)
        assert tokens.read_token(card) == ("card", code)
    with pytest.raises(tokens.TokenRejected):
        tokens.read_token(phone + "x")
    with pytest.raises(tokens.TokenRejected):
        tokens.read_token(card[:-1] + ("A" if card[-1] != "A" else "B"))


def test_a_url_ending_in_a_token_is_accepted() -> None:
    assert tokens.read_token("https://sw.example.cn/p/" + tokens.card_token("abc")) == (
        "card",
        "abc",
    )


@pytest.mark.django_db
def test_poster_payloads_are_ascii_urls(world) -> None:
    from .factories import make_checkpoint

    checkpoint = make_checkpoint(world.compound_a, "东门")
    url = printing.checkpoint_url(checkpoint, "https://sw.example.cn")
    assert url.isascii()
    assert url == f"https://sw.example.cn/c/{checkpoint.code}/"
