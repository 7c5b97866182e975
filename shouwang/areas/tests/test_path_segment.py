"""The materialized path's segment encoding (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shouwang.areas.models import SEGMENT, _segment
from shouwang.core.access import subtree_range

ids = st.integers(min_value=1, max_value=36**SEGMENT - 1)


@given(ids)
def test_a_segment_is_fixed_width_base36_and_decodes(pk: int) -> None:
    segment = _segment(pk)
    assert len(segment) == SEGMENT
    assert set(segment) <= set("0123456789abcdefghijklmnopqrstuvwxyz")
    assert int(segment, 36) == pk


@given(ids, ids)
def test_segments_sort_like_their_ids(a: int, b: int) -> None:
    assert (_segment(a) < _segment(b)) == (a < b)


@given(st.lists(ids, min_size=1, max_size=5), st.lists(ids, min_size=1, max_size=5))
def test_the_subtree_range_holds_exactly_the_descendants(top: list[int], other: list[int]) -> None:
    path = "".join(map(_segment, top))
    candidate = "".join(map(_segment, other))
    low, high = subtree_range(path)
    assert (low <= candidate <= high) == candidate.startswith(path)
    assert low <= path + candidate <= high


@pytest.mark.parametrize("pk", [0, -1, 36**SEGMENT])
def test_it_refuses_an_id_that_does_not_fit(pk: int) -> None:
    with pytest.raises(ValueError, match="does not fit"):
        _segment(pk)
