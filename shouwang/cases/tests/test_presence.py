"""Tracing correctness on hand-built timelines, and against a brute-force reference."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.apps import apps
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shouwang.cases import presence
from shouwang.cases.presence import PresenceUnavailable, trace

T = datetime(2020, 2, 10, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai
CASE, A, B, C, D, E = 1, 2, 3, 4, 5, 6
EAST, WEST, NORTH = 11, 12, 13
M = timedelta(minutes=1)
S = timedelta(seconds=1)


def run(**kwargs):
    args = {"person": CASE, "start": T - timedelta(days=1), "end": T + timedelta(days=1)}
    args.setdefault("window_minutes", 15)
    return trace(**{**args, **kwargs})


def by_person(result):
    return {h.person_id: h for h in result.hits}


def test_it_lists_the_case_passes_in_the_window(presence_table):
    presence_table.add(CASE, EAST, T)
    presence_table.add(CASE, WEST, T + 3 * M)
    presence_table.add(CASE, EAST, T - timedelta(days=1))  # exactly at start: included
    presence_table.add(CASE, EAST, T + timedelta(days=1))  # exactly at end: excluded
    result = run()
    assert [(p.checkpoint_id, p.at) for p in result.passes] == [
        (EAST, T - timedelta(days=1)),
        (EAST, T),
        (WEST, T + 3 * M),
    ]


def test_it_includes_both_edges_of_the_window_and_nothing_beyond(presence_table):
    presence_table.add(CASE, EAST, T)
    presence_table.add(A, EAST, T - 15 * M)  # before, on the edge
    presence_table.add(B, EAST, T + 15 * M)  # after, on the edge
    presence_table.add(C, EAST, T - 15 * M - S)  # one second too early
    presence_table.add(D, EAST, T + 15 * M + S)  # one second too late
    presence_table.add(E, WEST, T)  # same time, another checkpoint
    hits = by_person(run())
    assert set(hits) == {A, B}
    assert hits[A].encounters[0].at == T - 15 * M
    assert hits[A].encounters[0].met_at == T
    assert hits[B].closest_seconds == 15 * 60


def test_the_window_is_configurable(presence_table):
    presence_table.add(CASE, EAST, T)
    presence_table.add(A, EAST, T + 5 * M)
    presence_table.add(B, EAST, T - 30 * M)
    assert set(by_person(run(window_minutes=5))) == {A}
    assert set(by_person(run(window_minutes=30))) == {A, B}


def test_a_person_passing_twice_is_one_hit_with_two_encounters(presence_table):
    presence_table.add(CASE, EAST, T)
    presence_table.add(CASE, WEST, T + 2 * timedelta(hours=1))
    presence_table.add(A, EAST, T - 10 * M)
    presence_table.add(A, EAST, T + 4 * M)
    presence_table.add(A, WEST, T + 2 * timedelta(hours=1) + M)
    hits = by_person(run())
    assert list(hits) == [A]
    assert [(e.checkpoint_id, e.at) for e in hits[A].encounters] == [
        (EAST, T - 10 * M),
        (EAST, T + 4 * M),
        (WEST, T + 2 * timedelta(hours=1) + M),
    ]
    assert hits[A].first_at == T - 10 * M
    assert hits[A].last_at == T + 2 * timedelta(hours=1) + M
    assert hits[A].closest_seconds == 60


def test_overlapping_windows_of_the_case_read_each_row_once(presence_table):
    presence_table.add(CASE, EAST, T)
    presence_table.add(CASE, EAST, T + 10 * M)  # the case comes back: windows overlap
    presence_table.add(A, EAST, T + 6 * M)
    hits = by_person(run())
    assert len(hits[A].encounters) == 1
    assert hits[A].encounters[0].met_at == T + 10 * M  # matched to the closest pass


def test_it_ignores_the_case_itself_and_anonymous_rows(presence_table):
    presence_table.add(CASE, EAST, T)
    presence_table.add(CASE, EAST, T + M)
    presence_table.add(None, EAST, T)
    assert run().hits == []


def test_passes_outside_the_chosen_span_find_nobody(presence_table):
    presence_table.add(CASE, EAST, T - timedelta(days=3))
    presence_table.add(A, EAST, T - timedelta(days=3))
    assert run().hits == []


def test_hop_two_follows_hop_one_persons_after_they_met_the_case(presence_table):
    presence_table.add(CASE, EAST, T)
    presence_table.add(A, EAST, T + 2 * M)  # A meets the case
    presence_table.add(A, WEST, T + timedelta(hours=3))  # then passes WEST
    presence_table.add(B, WEST, T + timedelta(hours=3) - 5 * M)  # B meets A there: hop 2
    presence_table.add(A, NORTH, T - timedelta(hours=3))  # A before meeting the case
    presence_table.add(C, NORTH, T - timedelta(hours=3))  # so C is not hop 2
    result = run(hops=2)
    hits = by_person(result)
    assert set(hits) == {A, B}
    assert (hits[A].hop, hits[B].hop) == (1, 2)
    assert hits[B].via == A
    assert hits[B].encounters[0].met_at == T + timedelta(hours=3)


def test_hop_two_attributes_a_person_to_the_closest_encounter(presence_table):
    presence_table.add(CASE, EAST, T)
    presence_table.add(A, EAST, T + M)
    presence_table.add(B, EAST, T + 2 * M)
    presence_table.add(A, WEST, T + timedelta(hours=1))
    presence_table.add(B, WEST, T + timedelta(hours=1) + 12 * M)
    presence_table.add(C, WEST, T + timedelta(hours=1) + 10 * M)  # 10 min from A, 2 from B
    hits = by_person(run(hops=2))
    assert hits[C].hop == 2
    assert hits[C].via == B
    assert hits[C].closest_seconds == 120


def test_it_gives_the_same_answer_in_small_statements(presence_table, monkeypatch):
    presence_table.add(CASE, EAST, T)
    for i in range(6):
        presence_table.add(CASE, WEST + i, T + i * timedelta(hours=1))
        presence_table.add(100 + i, WEST + i, T + i * timedelta(hours=1) + M)
    whole = by_person(run())
    monkeypatch.setattr(presence, "WINDOWS_PER_QUERY", 2)
    monkeypatch.setattr(presence, "PERSONS_PER_QUERY", 1)
    chunked = by_person(run(hops=2))
    assert set(whole) == set(chunked) == {100 + i for i in range(6)}


def test_it_refuses_without_a_presence_table(db, settings, monkeypatch):
    settings.CASES_PRESENCE_SOURCE = None
    # as if no installed app declared a check-in table
    monkeypatch.setattr(apps.get_app_config("checkpoints"), "presence_source", None)
    with pytest.raises(PresenceUnavailable):
        run()


def test_it_refuses_more_than_two_hops(presence_table):
    with pytest.raises(ValueError, match="hops"):
        run(hops=3)


def reference(rows, case, start, end, window):
    """Brute force: every (person, their pass) within ±window of a case pass."""
    passes = [(cp, at) for pid, cp, at in rows if pid == case and start <= at < end]
    found: dict[int, set] = {}
    for pid, cp, at in rows:
        if pid == case:
            continue
        if any(cp == pcp and abs(at - pat) <= window for pcp, pat in passes):
            found.setdefault(pid, set()).add((cp, at))
    return found


timeline = st.lists(
    st.tuples(
        st.integers(1, 5),  # person (1 is the case)
        st.integers(1, 3),  # checkpoint
        st.integers(0, 240),  # minute after T
    ),
    max_size=40,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=timeline, window=st.integers(1, 30))
def test_it_agrees_with_a_brute_force_reference(presence_table, rows, window):
    presence_table.clear()
    stamped = [(pid, cp, T + minute * M) for pid, cp, minute in rows]
    for pid, cp, at in stamped:
        presence_table.add(pid, cp, at)
    start, end = T + 30 * M, T + 200 * M
    result = trace(person=1, start=start, end=end, window_minutes=window)
    got = {h.person_id: {(e.checkpoint_id, e.at) for e in h.encounters} for h in result.hits}
    assert got == reference(stamped, 1, start, end, timedelta(minutes=window))
