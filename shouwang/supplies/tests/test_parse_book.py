"""The book figures a count page carries ("item id:quantity,…") are read back
strictly: only what the page itself writes, ASCII digits, is taken; anything else is
a ValueError, which the count form reports as a damaged book."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shouwang.supplies.forms import parse_book

books = st.dictionaries(
    st.integers(min_value=1, max_value=10**12),
    st.integers(min_value=0, max_value=10**12),
    min_size=1,
)


def _written(book: dict[int, int]) -> str:
    # As ``CountForm`` writes it into the page.
    return ",".join(f"{pk}:{quantity}" for pk, quantity in book.items())


@given(books)
def test_it_reads_back_every_book_it_writes(book) -> None:
    assert parse_book(_written(book)) == book


@given(st.text())
def test_it_answers_garbage_with_value_error_only(text) -> None:
    try:
        book = parse_book(text)
    except ValueError:
        return
    assert set(text) <= set("0123456789:,")
    assert all(quantity >= 0 for quantity in book.values())


@pytest.mark.parametrize(
    "text", [" 12:1", "12: 1", "+5:1", "12:+5", "1_000:1", "12:1_000", "１２:1", "12:１", "12:1,"]
)
def test_it_refuses_what_int_alone_would_take(text) -> None:
    with pytest.raises(ValueError, match=re.escape(text)):
        parse_book(text)
